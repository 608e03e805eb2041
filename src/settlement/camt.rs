//! ISO 20022 bank-to-customer cash management messages: camt.053 (account
//! statement, `BkToCstmrStmt/Stmt`) and camt.054 (debit/credit
//! notification, `BkToCstmrDbtCdtNtfctn/Ntfctn`). Both list entries
//! (`Ntry`): an amount with its currency (`Amt@Ccy`), credit or debit
//! (`CdtDbtInd`), booking and value dates, and details of one or more
//! transactions (`NtryDtls/TxDtls`; several for a batch booking).
//!
//! The code id is looked for in the structured creditor reference
//! (`RmtInf/Strd/CdtrRefInf/Ref`), then the `EndToEndId`, then the
//! unstructured remittance text (`RmtInf/Ustrd`). Credits are payments,
//! debits are refunds (a reversal, `RvslInd`, swaps them). Only booked
//! entries count. The message's own counts and sums (`TxsSummry`, a
//! batch's `NbOfTxs`/`TtlAmt`, the entry amount against its transactions)
//! are checked.

use std::path::Path;

use chrono::FixedOffset;
use roxmltree::{Document, Node};

use super::{
    Amount, CodeRef, Errors, Format, Payment, SettlementError, decode_utf8, file_error,
    parse_currency, parse_paid_at,
};

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(move |c| c.tag_name().name() == name)
}

/// The text at a path of child names.
fn text<'a>(n: Node<'a, '_>, path: &[&str]) -> Option<&'a str> {
    let mut n = n;
    for p in path {
        n = child(n, p)?;
    }
    n.text().map(str::trim).filter(|t| !t.is_empty())
}

/// Checks one message and returns its transactions.
pub fn parse(
    path: &Path,
    bytes: &[u8],
    format: Format,
    tz: FixedOffset,
) -> Result<Vec<Payment>, SettlementError> {
    let text = decode_utf8(path, bytes)?;
    let doc = Document::parse(text).map_err(|e| {
        file_error(
            path,
            u64::from(e.pos().row),
            format!("not well-formed XML: {e}"),
        )
    })?;
    let line = |n: Node| u64::from(doc.text_pos_at(n.range().start).row);
    let (message, report) = match format {
        Format::Camt054 => ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
        _ => ("BkToCstmrStmt", "Stmt"),
    };
    let root = doc.root_element();
    let message = child(root, message).ok_or_else(|| {
        file_error(
            path,
            line(root),
            format!("no <{message}>: not a {format} message"),
        )
    })?;

    let mut payments = Vec::new();
    let mut errors = Errors::new(path);
    for report in children(message, report) {
        let entries: Vec<Node> = children(report, "Ntry").collect();
        check_summary(path, report, &entries, line(report))?;
        for entry in entries {
            read_entry(path, entry, tz, &line, &mut payments, &mut errors)?;
            if errors.full() {
                return errors.finish(payments);
            }
        }
    }
    errors.finish(payments)
}

/// An amount element as written, in its currency.
fn amount<'a>(n: Node<'a, '_>) -> Result<(Amount, &'a str), String> {
    let ccy = n.attribute("Ccy").ok_or("no Ccy attribute")?;
    let a = Amount::parse(n.text().unwrap_or_default()).map_err(|e| e.to_string())?;
    Ok((a, ccy))
}

/// `TxsSummry`: the number of entries and their sum (of absolute amounts),
/// in total and per direction, as the bank states them.
fn check_summary(
    path: &Path,
    report: Node,
    entries: &[Node],
    line: u64,
) -> Result<(), SettlementError> {
    let Some(summary) = child(report, "TxsSummry") else {
        return Ok(());
    };
    let amounts = |want: Option<&str>| -> Result<(u64, Amount), SettlementError> {
        let mut sum = Amount { units: 0, scale: 0 };
        let mut n = 0;
        for e in entries {
            if want.is_some() && text(*e, &["CdtDbtInd"]) != want {
                continue;
            }
            let a = child(*e, "Amt")
                .and_then(|a| amount(a).ok())
                .map(|(a, _)| a)
                .ok_or_else(|| file_error(path, line, "TxsSummry: an entry has no readable Amt"))?;
            sum = sum
                .checked_add(a)
                .ok_or_else(|| file_error(path, line, "TxsSummry: sum overflows"))?;
            n += 1;
        }
        Ok((n, sum))
    };
    for (name, want) in [
        ("TtlNtries", None),
        ("TtlCdtNtries", Some("CRDT")),
        ("TtlDbtNtries", Some("DBIT")),
    ] {
        let Some(t) = child(summary, name) else {
            continue;
        };
        let (n, sum) = amounts(want)?;
        if let Some(said) = text(t, &["NbOfNtries"])
            && said.parse::<u64>().ok() != Some(n)
        {
            return Err(file_error(
                path,
                line,
                format!(
                    "TxsSummry/{name}/NbOfNtries is {said} but the message has {n} such entries"
                ),
            ));
        }
        if let Some(said) = text(t, &["Sum"]) {
            let equal = Amount::parse(said)
                .ok()
                .and_then(|s| Some(s.minor(6).ok()? == sum.minor(6).ok()?));
            if equal != Some(true) {
                return Err(file_error(
                    path,
                    line,
                    format!("TxsSummry/{name}/Sum is {said} but those entries add up to {sum}"),
                ));
            }
        }
    }
    Ok(())
}

/// Adds the transactions of one booked entry.
fn read_entry(
    path: &Path,
    entry: Node,
    tz: FixedOffset,
    line: &dyn Fn(Node) -> u64,
    payments: &mut Vec<Payment>,
    errors: &mut Errors,
) -> Result<(), SettlementError> {
    let at = line(entry);
    // Pending or informational entries move no money yet.
    let status = text(entry, &["Sts", "Cd"]).or(text(entry, &["Sts"]));
    if status.is_some_and(|s| s != "BOOK") {
        return Ok(());
    }
    let Some(amt) = child(entry, "Amt") else {
        errors.push(at, Some("Ntry/Amt"), "missing");
        return Ok(());
    };
    let (entry_amount, entry_ccy) = match amount(amt) {
        Ok(a) => a,
        Err(e) => {
            errors.push(line(amt), Some("Ntry/Amt"), e);
            return Ok(());
        }
    };
    let reversal = text(entry, &["RvslInd"]) == Some("true");
    let entry_dir = text(entry, &["CdtDbtInd"]);
    let booked = text(entry, &["BookgDt", "DtTm"])
        .map(str::to_string)
        .or_else(|| text(entry, &["BookgDt", "Dt"]).map(|d| format!("{d} 00:00")));
    let paid_at = match booked.map(|b| parse_paid_at(&b, tz)).transpose() {
        Ok(t) => t,
        Err(e) => {
            errors.push(at, Some("BookgDt"), e);
            None
        }
    };
    let entry_ref = text(entry, &["AcctSvcrRef"]).or(text(entry, &["NtryRef"]));

    let txs: Vec<Node> = children(entry, "NtryDtls")
        .flat_map(|d| children(d, "TxDtls"))
        .collect();
    for btch in children(entry, "NtryDtls").filter_map(|d| child(d, "Btch")) {
        if let Some(n) = text(btch, &["NbOfTxs"])
            && n.parse::<usize>().ok() != Some(txs.len())
        {
            return Err(file_error(
                path,
                line(btch),
                format!(
                    "Btch/NbOfTxs is {n} but the entry lists {} transactions",
                    txs.len()
                ),
            ));
        }
    }
    if txs.is_empty() {
        // An entry without details: its own reference is all there is.
        let code = text(entry, &["AddtlNtryInf"])
            .map(code_in)
            .unwrap_or(CodeRef::Text("".into()));
        push(
            payments,
            errors,
            at,
            code,
            entry_amount,
            entry_ccy,
            entry_dir,
            reversal,
            paid_at,
            entry_ref.map(str::to_string),
        );
        return Ok(());
    }
    let mut sum = Amount { units: 0, scale: 0 };
    let mut all_amounts = true;
    for (i, tx) in txs.iter().enumerate() {
        let tx_amt = child(*tx, "Amt").or_else(|| {
            child(*tx, "AmtDtls")
                .and_then(|d| child(d, "TxAmt"))
                .and_then(|t| child(t, "Amt"))
        });
        let (a, ccy) = match tx_amt.map(amount) {
            Some(Ok(a)) => a,
            Some(Err(e)) => {
                errors.push(line(*tx), Some("TxDtls/Amt"), e);
                continue;
            }
            // A single transaction may leave its amount to the entry.
            None if txs.len() == 1 => (entry_amount, entry_ccy),
            None => {
                all_amounts = false;
                errors.push(line(*tx), Some("TxDtls/Amt"), "missing in a batch entry");
                continue;
            }
        };
        if ccy == entry_ccy {
            sum = sum.checked_add(a).unwrap_or(sum);
        } else {
            all_amounts = false;
        }
        let dir = text(*tx, &["CdtDbtInd"]).or(entry_dir);
        let txn = text(*tx, &["Refs", "AcctSvcrRef"])
            .or(text(*tx, &["Refs", "TxId"]))
            .map(str::to_string)
            .or_else(|| entry_ref.map(|r| format!("{r}/{}", i + 1)));
        push(
            payments,
            errors,
            line(*tx),
            reference(*tx),
            a,
            ccy,
            dir,
            reversal,
            paid_at,
            txn,
        );
    }
    let equal = sum.minor(6).ok() == entry_amount.minor(6).ok();
    if all_amounts && !equal && txs.iter().all(|t| text(*t, &["CdtDbtInd"]).is_none()) {
        return Err(file_error(
            path,
            at,
            format!("entry amount is {entry_amount} but its transactions add up to {sum}"),
        ));
    }
    Ok(())
}

/// The reference a transaction carries for the creditor.
fn reference(tx: Node) -> CodeRef {
    let rmt = child(tx, "RmtInf");
    if let Some(r) =
        rmt.and_then(|r| children(r, "Strd").find_map(|s| text(s, &["CdtrRefInf", "Ref"])))
    {
        return CodeRef::from_text(r);
    }
    if let Some(e) = text(tx, &["Refs", "EndToEndId"]).filter(|e| *e != "NOTPROVIDED") {
        let r = CodeRef::from_text(e);
        if r.id().is_some() || rmt.is_none() {
            return r;
        }
    }
    match rmt.and_then(|r| text(r, &["Ustrd"])) {
        Some(u) => code_in(u),
        None => CodeRef::Text("".into()),
    }
}

/// A code id written somewhere in free text ("Fine BJ2611230001 code
/// 675be34eff20121e"), or the whole text.
fn code_in(free: &str) -> CodeRef {
    free.split(|c: char| !c.is_ascii_alphanumeric())
        .map(CodeRef::from_text)
        .find(|r| r.id().is_some())
        .unwrap_or_else(|| CodeRef::Text(free.into()))
}

#[allow(clippy::too_many_arguments)]
fn push(
    payments: &mut Vec<Payment>,
    errors: &mut Errors,
    line: u64,
    code: CodeRef,
    amount: Amount,
    ccy: &str,
    dir: Option<&str>,
    reversal: bool,
    paid_at: Option<u64>,
    txn_id: Option<String>,
) {
    let credit = match dir {
        Some("CRDT") => true,
        Some("DBIT") => false,
        other => {
            errors.push(
                line,
                Some("CdtDbtInd"),
                format!("{other:?} is neither CRDT nor DBIT"),
            );
            return;
        }
    };
    let currency = match parse_currency(ccy) {
        Ok(c) => c,
        Err(e) => {
            errors.push(line, Some("Ccy"), e);
            return;
        }
    };
    payments.push(Payment {
        line,
        code,
        amount,
        fee: None,
        currency: Some(currency),
        paid_at,
        txn_id: txn_id.map(Into::into),
        refund: credit == reversal,
    });
}
