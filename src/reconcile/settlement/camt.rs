//! ISO 20022 bank-to-customer cash management messages: camt.052
//! (intraday account report, `BkToCstmrAcctRpt/Rpt`), camt.053 (account
//! statement, `BkToCstmrStmt/Stmt`) and camt.054 (debit/credit
//! notification, `BkToCstmrDbtCdtNtfctn/Ntfctn`), every version
//! (.001.01 to .001.13: elements are read by local name, whatever the
//! namespace). All three list entries (`Ntry`): an amount booked on the
//! account in its currency (`Amt@Ccy`), credit or debit (`CdtDbtInd`),
//! booking date, and details of one or more transactions
//! (`NtryDtls/TxDtls`; several for a batch booking).
//!
//! The code id is looked for in the structured creditor reference
//! (`RmtInf/Strd/CdtrRefInf/Ref`), then the `EndToEndId`, then the
//! unstructured remittance text (`RmtInf/Ustrd`). `CdtDbtInd` is the
//! direction the money moved on the account, also for a reversal
//! (`RvslInd`: ISO 20022 says a reversed debit is booked as CRDT): credits
//! are payments, debits are refunds. Only booked entries count.
//!
//! The message's own control figures are checked where it has them, and
//! a file that contradicts itself is refused, never read half-right:
//! opening balance + booked entries = closing balance, `TxsSummry` counts
//! and sums, and each entry against its transactions (same direction, and
//! amounts in the account currency adding up to the entry's). A batch may
//! itemise fewer transactions than its `Btch/NbOfTxs` (ISO 20022 allows
//! it and banks do it): the part of the entry not itemised becomes one row
//! of its own, so no booked money is lost.

mod decimal;

use std::collections::HashMap;
use std::path::Path;

use chrono::FixedOffset;
use roxmltree::{Document, Node};

use super::rows::{Errors, decode_utf8, file_error, parse_currency, parse_paid_at};
use super::types::{Amount, CodeRef, Format, Payment, SettlementError};
pub use decimal::{XsDecimalError, xs_decimal};
use decimal::{exact, inexact, show};

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

/// The message element and its reports, per format.
fn layout(format: Format) -> (&'static str, &'static str) {
    match format {
        Format::Camt052 => ("BkToCstmrAcctRpt", "Rpt"),
        Format::Camt054 => ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
        _ => ("BkToCstmrStmt", "Stmt"),
    }
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
    let (message, report) = layout(format);
    let root = doc.root_element();
    // The Document is the root, or sits in an envelope beside its
    // business application header (`AppHdr`), as SWIFT MX files have it.
    // Version 01 of the messages suffixed the element ("BkToCstmrStmtV01").
    let message = std::iter::once(root)
        .chain(
            root.children()
                .filter(|c| c.tag_name().name() == "Document"),
        )
        .flat_map(|d| d.children())
        .find(|c| {
            let rest = c.tag_name().name().strip_prefix(message);
            rest.is_some_and(|r| r.is_empty() || r == "V01")
        })
        .ok_or_else(|| {
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
        check_balances(path, report, &entries, line(report))?;
        for entry in entries {
            read_entry(entry, tz, &line, &mut payments, &mut errors);
            if errors.full() {
                return errors.finish(payments);
            }
        }
    }
    unique_ids(&mut payments);
    errors.finish(payments)
}

/// Why an amount element cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountElementError {
    #[error("no Ccy attribute")]
    NoCurrency,
    #[error(transparent)]
    Decimal(#[from] XsDecimalError),
}

/// An amount element, in its currency.
fn amount<'a>(n: Node<'a, '_>) -> Result<(Amount, &'a str), AmountElementError> {
    let ccy = n.attribute("Ccy").ok_or(AmountElementError::NoCurrency)?;
    Ok((xs_decimal(n.text().unwrap_or_default())?, ccy))
}

fn booked(entry: Node) -> bool {
    let status = text(entry, &["Sts", "Cd"]).or(text(entry, &["Sts"]));
    status.is_none_or(|s| s == "BOOK")
}

/// Opening balance + booked entries = closing balance, where the report
/// has both balances (`OPBD` or `PRCD`, then `CLBD`) in the currency of
/// its entries. A balance without `CdtDbtInd` (some banks omit it) is
/// taken as a credit balance.
fn check_balances(
    path: &Path,
    report: Node,
    entries: &[Node],
    line: u64,
) -> Result<(), SettlementError> {
    let balance = |codes: &[&str]| {
        let b = children(report, "Bal")
            .filter(|b| text(*b, &["Tp", "CdOrPrtry", "Cd"]).is_some_and(|c| codes.contains(&c)));
        let b = if codes.contains(&"CLBD") {
            b.last()
        } else {
            b.into_iter().next()
        }?;
        let (a, ccy) = amount(child(b, "Amt")?).ok()?;
        let v = exact(a)?;
        let v = if text(b, &["CdtDbtInd"]) == Some("DBIT") {
            -v
        } else {
            v
        };
        Some((v, ccy))
    };
    let (Some((open, c1)), Some((close, c2))) = (balance(&["OPBD", "PRCD"]), balance(&["CLBD"]))
    else {
        return Ok(());
    };
    if c1 != c2 {
        return Ok(()); // not one account's balances (test data)
    }
    // Some banks (PostFinance) close the day by value date: an entry
    // booked today with tomorrow's value date is in tomorrow's balance.
    let closing_date = children(report, "Bal")
        .filter(|b| text(*b, &["Tp", "CdOrPrtry", "Cd"]) == Some("CLBD"))
        .last()
        .and_then(|b| text(b, &["Dt", "Dt"]).or(text(b, &["Dt", "DtTm"])))
        .map(|d| d.get(..10).unwrap_or(d));
    let (mut net, mut net_by_value, mut foreign) = (0i128, 0i128, 0);
    for e in entries.iter().filter(|e| booked(**e)) {
        let Some((a, ccy)) = child(*e, "Amt").and_then(|a| amount(a).ok()) else {
            return Ok(()); // reported with the entry
        };
        if ccy != c1 {
            foreign += 1;
            continue;
        }
        let Some(v) = exact(a) else { return Ok(()) };
        let v = match text(*e, &["CdtDbtInd"]) {
            Some("CRDT") => v,
            Some("DBIT") => -v,
            _ => return Ok(()),
        };
        net += v;
        let value_date = text(*e, &["ValDt", "Dt"]).or(text(*e, &["ValDt", "DtTm"]));
        if value_date
            .zip(closing_date)
            .is_none_or(|(v, c)| v.get(..10).unwrap_or(v) <= c)
        {
            net_by_value += v;
        }
    }
    if open + net_by_value == close {
        return Ok(());
    }
    if open + net != close {
        return Err(file_error(
            path,
            line,
            format!(
                "balances: opening {} {c1} + booked entries {} = {}, but the closing balance is {}{}",
                show(open),
                show(net),
                show(open + net),
                show(close),
                match foreign {
                    0 => String::new(),
                    n => format!(" ({n} entries in another currency than {c1} not counted)"),
                }
            ),
        ));
    }
    Ok(())
}

/// `TxsSummry`: the number of entries and their sum (of absolute amounts),
/// in total and per direction, and the net amount, as the bank states
/// them. Banks count either the booked entries or all those listed; either
/// is accepted.
fn check_summary(
    path: &Path,
    report: Node,
    entries: &[Node],
    line: u64,
) -> Result<(), SettlementError> {
    let Some(summary) = child(report, "TxsSummry") else {
        return Ok(());
    };
    // (count, sum) of the entries of a direction, all or booked only. (The
    // net figure, TtlNetNtryAmt, is left alone: banks differ on the sign
    // of reversals in it, and the balances say the same more surely.)
    let figures = |want: Option<&str>, only_booked: bool| -> Result<(u64, i128), SettlementError> {
        let (mut n, mut sum) = (0u64, 0i128);
        for e in entries {
            let dir = text(*e, &["CdtDbtInd"]);
            if want.is_some() && dir != want || only_booked && !booked(*e) {
                continue;
            }
            let v = child(*e, "Amt")
                .and_then(|a| amount(a).ok())
                .and_then(|(a, _)| exact(a))
                .ok_or_else(|| file_error(path, line, "TxsSummry: an entry has no readable Amt"))?;
            n += 1;
            sum += v;
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
        let said_n = text(t, &["NbOfNtries"]);
        let said_sum = text(t, &["Sum"]);
        let mut first = None;
        for only_booked in [false, true] {
            let (n, sum) = figures(want, only_booked)?;
            let problem = if said_n.is_some_and(|s| s.parse::<u64>().ok() != Some(n)) {
                Some(format!(
                    "TxsSummry/{name}/NbOfNtries is {} but the message has {n} such entries",
                    said_n.unwrap_or_default()
                ))
            } else if said_sum.is_some_and(|s| xs_decimal(s).ok().and_then(exact) != Some(sum)) {
                Some(format!(
                    "TxsSummry/{name}/Sum is {} but those entries add up to {}",
                    said_sum.unwrap_or_default(),
                    show(sum)
                ))
            } else {
                None
            };
            match problem {
                None => {
                    first = None;
                    break;
                }
                Some(p) => {
                    first.get_or_insert(p);
                }
            }
        }
        if let Some(p) = first {
            return Err(file_error(path, line, p));
        }
    }
    Ok(())
}

/// A transaction's identity. ISO 20022 calls each of these unique in its
/// own scope:
/// - `Refs/AcctSvcrRef` of the transaction: the bank's reference of this
///   one instruction — unless it merely repeats its entry's in a batch
///   (banks repeat the batch reference on every transaction of it: 155
///   anonymised bank exports and a PostFinance sample do);
/// - `Refs/TxId`: unique in the interbank chain, set by the first agent;
///   `Refs/UETR`: universally unique (v.08 and later);
/// - the entry's `AcctSvcrRef` (unique per entry) with the transaction's
///   position in it ("REF/2"); an entry without details is its reference.
///
/// Not identities: `EndToEndId` (the payer's, often "NOTPROVIDED" or
/// reused), `InstrId`/`PmtInfId`/`MsgId` (batches and files). The order
/// and the forms are those payqr wrote before, so redemptions applied by
/// an earlier version are still recognised on a rerun. A candidate that
/// still occurs twice in one file in the same direction is no identity
/// ([`unique_ids`]).
fn txn_id(
    tx: Option<Node>,
    entry_ref: Option<&str>,
    batch: bool,
    position: usize,
) -> Option<String> {
    let refs = tx.and_then(|t| child(t, "Refs"));
    let given = |name| {
        refs.and_then(|r| text(r, &[name]))
            .filter(|v| !v.eq_ignore_ascii_case("NOTPROVIDED"))
    };
    if let Some(id) = given("AcctSvcrRef").filter(|r| !batch || Some(*r) != entry_ref) {
        return Some(id.to_string());
    }
    if let Some(id) = given("TxId").or(given("UETR")) {
        return Some(id.to_string());
    }
    let entry_ref = entry_ref?;
    Some(match tx {
        None => entry_ref.to_string(),
        Some(_) => format!("{entry_ref}/{position}"),
    })
}

/// Drops ids that occur more than once in the file for the same direction:
/// one statement lists a booked transaction once, so such an id names
/// several transactions, and reconciliation, which takes rows sharing an
/// id as one listing, would drop money. The rows stay, without an id (the
/// ledger then knows them by file and line).
fn unique_ids(payments: &mut [Payment]) {
    let mut seen: HashMap<(Box<str>, bool), u32> = HashMap::new();
    for p in payments.iter() {
        if let Some(t) = &p.txn_id {
            *seen.entry((t.clone(), p.refund)).or_default() += 1;
        }
    }
    for p in payments.iter_mut() {
        if let Some(t) = &p.txn_id
            && seen.get(&(t.clone(), p.refund)) > Some(&1)
        {
            p.txn_id = None;
        }
    }
}

/// The amount of a transaction booked in the account currency: its `Amt`,
/// else `AmtDtls/TxAmt`, else the counter value `AmtDtls/CntrValAmt` —
/// the first written in `account`. The instructed amount (`InstdAmt`) is
/// what the payer asked for, in any currency, and is not what was booked.
/// `Err(true)` when the transaction has amounts, none in `account`;
/// `Err(false)` when it has none.
fn booked_amount(tx: Node, account: &str) -> Result<Result<Amount, AmountElementError>, bool> {
    let dtls = child(tx, "AmtDtls");
    let candidates = [
        child(tx, "Amt"),
        dtls.and_then(|d| child(d, "TxAmt"))
            .and_then(|t| child(t, "Amt")),
        dtls.and_then(|d| child(d, "CntrValAmt"))
            .and_then(|t| child(t, "Amt")),
    ];
    let mut any = dtls.is_some_and(|d| child(d, "InstdAmt").is_some());
    for c in candidates.into_iter().flatten() {
        any = true;
        if c.attribute("Ccy") == Some(account) {
            return Ok(amount(c).map(|(a, _)| a));
        }
    }
    Err(any)
}

/// Adds the transactions of one booked entry; problems are row errors.
fn read_entry(
    entry: Node,
    tz: FixedOffset,
    line: &dyn Fn(Node) -> u64,
    payments: &mut Vec<Payment>,
    errors: &mut Errors,
) {
    let at = line(entry);
    // Pending or informational entries move no money yet.
    if !booked(entry) {
        return;
    }
    let Some(amt) = child(entry, "Amt") else {
        errors.push(at, Some("Ntry/Amt"), "missing");
        return;
    };
    let (entry_amount, ccy) = match amount(amt) {
        Ok(a) => a,
        Err(e) => {
            errors.push(line(amt), Some("Ntry/Amt"), e);
            return;
        }
    };
    let currency = match parse_currency(ccy) {
        Ok(c) => c,
        Err(e) => {
            errors.push(line(amt), Some("Ntry/Amt/@Ccy"), e);
            return;
        }
    };
    let entry_dir = text(entry, &["CdtDbtInd"]);
    if !matches!(entry_dir, Some("CRDT" | "DBIT")) {
        errors.push(
            at,
            Some("Ntry/CdtDbtInd"),
            format!("{entry_dir:?} is neither CRDT nor DBIT"),
        );
        return;
    }
    let booked_at = text(entry, &["BookgDt", "DtTm"])
        .map(str::to_string)
        .or_else(|| text(entry, &["BookgDt", "Dt"]).map(|d| format!("{d} 00:00")));
    let paid_at = match booked_at.map(|b| parse_paid_at(&b, tz)).transpose() {
        Ok(t) => t,
        Err(e) => {
            errors.push(at, Some("BookgDt"), e);
            None
        }
    };
    let entry_ref = text(entry, &["AcctSvcrRef"]);
    let row =
        |line: u64, code: CodeRef, amount: Amount, dir: &str, txn_id: Option<String>| Payment {
            line,
            code,
            amount,
            fee: None,
            currency: Some(currency),
            paid_at,
            txn_id: txn_id.map(Into::into),
            refund: dir == "DBIT",
        };
    let entry_dir = entry_dir.unwrap_or_default();
    let opposite = if entry_dir == "CRDT" { "DBIT" } else { "CRDT" };

    let txs: Vec<Node> = children(entry, "NtryDtls")
        .flat_map(|d| children(d, "TxDtls"))
        .collect();
    // What the batch says it holds (several NtryDtls add up).
    let mut said: Option<usize> = None;
    for btch in children(entry, "NtryDtls").filter_map(|d| child(d, "Btch")) {
        if let Some(n) = text(btch, &["NbOfTxs"]) {
            match n.parse::<usize>() {
                Ok(n) => said = Some(said.unwrap_or(0) + n),
                Err(_) => {
                    errors.push(
                        line(btch),
                        Some("Btch/NbOfTxs"),
                        format!("{n:?} is not a count"),
                    );
                    return;
                }
            }
        }
    }
    if let Some(n) = said
        && n < txs.len()
    {
        errors.push(
            at,
            Some("Btch/NbOfTxs"),
            format!("{n} but the entry lists {} transactions", txs.len()),
        );
        return;
    }
    let whole_entry = |code: CodeRef, tx: Option<Node>| {
        row(
            at,
            code,
            entry_amount,
            entry_dir,
            txn_id(tx, entry_ref, false, 1),
        )
    };
    if txs.is_empty() {
        // An entry without details: its own text is all there is.
        let code = text(entry, &["AddtlNtryInf"])
            .map(code_in)
            .unwrap_or(CodeRef::Text("".into()));
        payments.push(whole_entry(code, None));
        return;
    }
    let amounts: Vec<Result<Result<Amount, AmountElementError>, bool>> =
        txs.iter().map(|t| booked_amount(*t, ccy)).collect();
    let dirs: Vec<&str> = txs
        .iter()
        .map(|t| text(*t, &["CdtDbtInd"]).unwrap_or(entry_dir))
        .collect();
    for (tx, dir) in txs.iter().zip(&dirs) {
        if !matches!(*dir, "CRDT" | "DBIT") {
            errors.push(
                line(*tx),
                Some("TxDtls/CdtDbtInd"),
                format!("{dir:?} is neither CRDT nor DBIT"),
            );
            return;
        }
    }
    if txs.len() == 1 && said.unwrap_or(1) <= 1 {
        // One transaction: it must agree with the entry. Only an amount in
        // another currency may differ (the entry's is what was booked).
        let tx = txs[0];
        if dirs[0] != entry_dir {
            errors.push(
                line(tx),
                Some("TxDtls/CdtDbtInd"),
                format!("{} but its entry is {entry_dir}", dirs[0]),
            );
            return;
        }
        match &amounts[0] {
            Ok(Err(e)) => {
                errors.push(line(tx), Some("TxDtls/Amt"), e.clone());
                return;
            }
            Ok(Ok(a)) if exact(*a) != exact(entry_amount) => {
                errors.push(
                    line(tx),
                    Some("TxDtls/Amt"),
                    format!("{a} {ccy} but its entry books {entry_amount} {ccy}"),
                );
                return;
            }
            _ => {}
        }
        payments.push(whole_entry(reference(tx), Some(tx)));
        return;
    }
    // A batch. Transactions without any amount leave the entry whole.
    if amounts.iter().all(|a| *a == Err(false)) {
        let code = text(entry, &["AddtlNtryInf"])
            .map(code_in)
            .unwrap_or_else(|| {
                CodeRef::Text(
                    format!(
                        "batch of {} transactions without individual amounts",
                        said.unwrap_or(txs.len())
                    )
                    .into(),
                )
            });
        payments.push(whole_entry(code, None));
        return;
    }
    let mut net = 0i128;
    let mut rows = Vec::with_capacity(txs.len() + 1);
    for (i, ((tx, a), dir)) in txs.iter().zip(&amounts).zip(&dirs).enumerate() {
        let a = match a {
            Ok(Ok(a)) => *a,
            Ok(Err(e)) => {
                errors.push(line(*tx), Some("TxDtls/Amt"), e.clone());
                return;
            }
            Err(true) => {
                errors.push(
                    line(*tx),
                    Some("TxDtls/Amt"),
                    format!("no amount in the account currency {ccy} in a batch entry"),
                );
                return;
            }
            Err(false) => {
                errors.push(line(*tx), Some("TxDtls/Amt"), "missing in a batch entry");
                return;
            }
        };
        let v = exact(a).unwrap_or_default();
        net += if *dir == entry_dir { v } else { -v };
        rows.push(row(
            line(*tx),
            reference(*tx),
            a,
            dir,
            txn_id(Some(*tx), entry_ref, true, i + 1),
        ));
    }
    let whole = exact(entry_amount).unwrap_or_default();
    let unlisted = said.map_or(0, |n| n - txs.len());
    if net == whole && net >= 0 {
        payments.extend(rows);
    } else if unlisted > 0 && net >= 0 && net < whole {
        // The bank itemised only part of the batch: the rest is booked
        // money too, one row that reconciliation will show as unknown.
        payments.extend(rows);
        let rest = inexact(whole - net, entry_amount.scale).unwrap_or(entry_amount);
        payments.push(row(
            at,
            CodeRef::Text(
                format!(
                    "{unlisted} of {} batch transactions not itemised",
                    said.unwrap_or(0)
                )
                .into(),
            ),
            rest,
            entry_dir,
            entry_ref.map(|r| format!("{r}/rest")),
        ));
    } else {
        errors.push(
            at,
            Some("Ntry/Amt"),
            format!(
                "the entry books {entry_amount} {ccy} {entry_dir} but its transactions net to {} {ccy} {}",
                show(net.abs()),
                if net < 0 { opposite } else { entry_dir }
            ),
        );
    }
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

#[cfg(test)]
mod tests;
