//! The WeChat Pay merchant trade bill (交易账单, bill type ALL), as
//! downloaded from the merchant platform or the downloadbill API.
//!
//! Layout (see fixtures/settlement/README.md for the sources): a Chinese
//! header row, detail rows, a summary header row (总交易单数, ...) and one
//! summary row. Every cell after the header starts with a backtick, which
//! keeps spreadsheets from turning long ids into floating point. Amounts
//! are in yuan. A refund is a row of its own with 交易状态 REFUND; it names
//! the original order in 商户订单号. Columns are found by name, since the
//! provider says their order may change.

use std::path::Path;

use chrono::FixedOffset;

use super::{
    Amount, CodeRef, Currencies, Errors, Payment, SettlementError, Table, cell, column,
    decode_utf8, file_error, parse_paid_at,
};

const PAID_AT: &str = "交易时间";
const TXN_ID: &str = "微信订单号";
const ORDER: &str = "商户订单号";
const STATE: &str = "交易状态";
const CURRENCY: &str = "货币种类";
const SETTLED: &str = "应结订单金额";
const REFUND_ID: &str = "微信退款单号";
const REFUNDED: &str = "退款金额";
const FEE: &str = "手续费";
const TOTAL: &str = "订单金额";

const SUMMARY_COUNT: &str = "总交易单数";
const SUMMARY_SETTLED: &str = "应结订单总金额";
const SUMMARY_REFUNDED: &str = "退款总金额";
const SUMMARY_FEES: &str = "手续费总金额";

/// Sums are kept in millionths of a yuan: exact for any amount the bill
/// can hold, and signed because refund rows carry negative fees.
const SUM_SCALE: u8 = 6;

/// A cell without its leading backtick.
fn value(record: &csv::ByteRecord, i: usize) -> &str {
    let c = cell(record, i);
    c.strip_prefix('`').unwrap_or(c).trim()
}

/// A signed amount in units of 10^-SUM_SCALE.
fn signed(text: &str) -> Result<i128, String> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let minor = if digits.is_empty() {
        0
    } else {
        Amount::parse(digits)
            .and_then(|a| a.minor(SUM_SCALE))
            .map_err(|e| e.to_string())?
    };
    Ok(if neg {
        -i128::from(minor)
    } else {
        i128::from(minor)
    })
}

struct Columns {
    paid_at: usize,
    txn_id: usize,
    order: usize,
    state: usize,
    currency: usize,
    settled: usize,
    refund_id: usize,
    refunded: usize,
    fee: usize,
    total: usize,
}

pub fn parse(path: &Path, bytes: &[u8], tz: FixedOffset) -> Result<Vec<Payment>, SettlementError> {
    let text = decode_utf8(path, bytes)?;
    let mut table = Table::new(path, text, b',', 1)?;
    let Some((header_line, header)) = table.next()? else {
        return Err(file_error(path, 1, "the file is empty"));
    };
    let header: Vec<String> = (0..header.len())
        .map(|i| cell(header, i).to_string())
        .collect();
    let find = |name: &str| {
        column(&header, name).ok_or_else(|| SettlementError::Header {
            path: path.to_path_buf(),
            line: header_line,
            problem: format!("no column {name:?}: not a WeChat Pay trade bill (type ALL)"),
        })
    };
    let cols = Columns {
        paid_at: find(PAID_AT)?,
        txn_id: find(TXN_ID)?,
        order: find(ORDER)?,
        state: find(STATE)?,
        currency: find(CURRENCY)?,
        settled: find(SETTLED)?,
        refund_id: find(REFUND_ID)?,
        refunded: find(REFUNDED)?,
        fee: find(FEE)?,
        total: find(TOTAL)?,
    };

    let mut payments = Vec::new();
    let mut errors = Errors::new(path);
    let mut sums = Sums::default();
    let mut currencies = Currencies::default();
    let mut summary_header = None;
    while let Some((line, record)) = table.next()? {
        if value(record, 0) == SUMMARY_COUNT {
            let names: Vec<String> = (0..record.len())
                .map(|i| value(record, i).to_string())
                .collect();
            summary_header = Some((line, names));
            break;
        }
        if record.len() != header.len() {
            let problem = format!(
                "{} fields, but the header has {}",
                record.len(),
                header.len()
            );
            errors.push(line, None, problem);
        } else if let Some(p) = row(
            record,
            line,
            &cols,
            tz,
            &mut sums,
            &mut currencies,
            &mut errors,
        ) {
            payments.push(p);
        }
        if errors.full() {
            return errors.finish(payments);
        }
    }
    let payments = errors.finish(payments)?;
    let Some((names_line, names)) = summary_header else {
        return Err(file_error(
            path,
            table.lines.line,
            format!("no summary row ({SUMMARY_COUNT}, ...) at the end: the bill is truncated"),
        ));
    };
    let Some((values_line, values)) = table.next()? else {
        return Err(file_error(
            path,
            names_line,
            "the summary header has no summary row after it: the bill is truncated",
        ));
    };
    let values: Vec<String> = (0..values.len())
        .map(|i| value(values, i).to_string())
        .collect();
    check_summary(path, values_line, &names, &values, &sums)?;
    Ok(payments)
}

#[derive(Default)]
struct Sums {
    rows: i128,
    settled: i128,
    refunded: i128,
    fees: i128,
}

fn row(
    record: &csv::ByteRecord,
    line: u64,
    cols: &Columns,
    tz: FixedOffset,
    sums: &mut Sums,
    currencies: &mut Currencies,
    errors: &mut Errors,
) -> Option<Payment> {
    let mut ok = true;
    let mut fail = |field: &str, problem: String| {
        errors.push(line, Some(field), problem);
        ok = false;
    };
    let mut sum = |field: &str, i: usize| {
        signed(value(record, i))
            .map_err(|e| fail(field, e))
            .unwrap_or(0)
    };
    sums.rows += 1;
    sums.settled += sum(SETTLED, cols.settled);
    sums.refunded += sum(REFUNDED, cols.refunded);
    sums.fees += sum(FEE, cols.fee);

    let state = value(record, cols.state);
    let refund = match state {
        "REFUND" => true,
        "SUCCESS" => false,
        // REVOKED and the like: an order that was never paid.
        _ => return None,
    };
    let (amount_col, txn_col) = if refund {
        (cols.refunded, cols.refund_id)
    } else {
        (cols.total, cols.txn_id)
    };
    let amount_name = if refund { REFUNDED } else { TOTAL };
    let amount = Amount::parse(value(record, amount_col))
        .map_err(|e| fail(amount_name, e.to_string()))
        .ok();
    let fee_text = value(record, cols.fee);
    // A refund gives the fee back: it is written negative.
    let fee = Amount::parse(fee_text.trim_start_matches('-'))
        .map_err(|e| fail(FEE, e.to_string()))
        .ok();
    let currency = currencies
        .parse(value(record, cols.currency))
        .map_err(|e| fail(CURRENCY, e))
        .ok();
    let paid_at = parse_paid_at(value(record, cols.paid_at), tz)
        .map_err(|e| fail(PAID_AT, e))
        .ok();
    let txn_id = value(record, txn_col);
    if !ok {
        return None;
    }
    Some(Payment {
        line,
        code: CodeRef::from_text(value(record, cols.order)),
        amount: amount?,
        fee: fee.filter(|f| f.units != 0),
        currency,
        paid_at,
        txn_id: (!txn_id.is_empty()).then(|| txn_id.into()),
        refund,
    })
}

/// The bill's own totals against the rows read.
fn check_summary(
    path: &Path,
    line: u64,
    names: &[String],
    values: &[String],
    sums: &Sums,
) -> Result<(), SettlementError> {
    let get = |name: &str| -> Result<i128, SettlementError> {
        let i = column(names, name)
            .ok_or_else(|| file_error(path, line, format!("summary: no {name}")))?;
        let v = values.get(i).map(String::as_str).unwrap_or_default();
        if name == SUMMARY_COUNT {
            v.parse::<i128>()
                .map(|n| n * 10i128.pow(u32::from(SUM_SCALE)))
                .map_err(|_| {
                    file_error(path, line, format!("summary: {name}: {v:?} is not a count"))
                })
        } else {
            signed(v).map_err(|e| file_error(path, line, format!("summary: {name}: {e}")))
        }
    };
    let unit = 10i128.pow(u32::from(SUM_SCALE));
    let show = |v: i128, count: bool| {
        if count {
            (v / unit).to_string()
        } else {
            let sign = if v < 0 { "-" } else { "" };
            format!(
                "{sign}{}",
                crate::currency::format_minor(v.unsigned_abs() as u64, SUM_SCALE)
                    .trim_end_matches('0')
                    .trim_end_matches('.')
            )
        }
    };
    for (name, read) in [
        (SUMMARY_COUNT, sums.rows * unit),
        (SUMMARY_SETTLED, sums.settled),
        (SUMMARY_REFUNDED, sums.refunded),
        (SUMMARY_FEES, sums.fees),
    ] {
        let said = get(name)?;
        if said != read {
            let count = name == SUMMARY_COUNT;
            return Err(file_error(
                path,
                line,
                format!(
                    "summary: {name} is {} but the rows add up to {}; the bill is incomplete or altered",
                    show(said, count),
                    show(read, count)
                ),
            ));
        }
    }
    Ok(())
}
