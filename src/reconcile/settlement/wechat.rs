//! The WeChat Pay merchant trade bill (交易账单), as downloaded from the
//! merchant platform or the downloadbill API: bill types ALL, SUCCESS and
//! REFUND, and the older layout some merchants still get.
//!
//! Layout (see fixtures/settlement/README.md for the sources): a Chinese
//! header row, detail rows, a summary header row (总交易单数, ...) and one
//! summary row. Every cell after the header starts with a backtick, which
//! keeps spreadsheets from turning long ids into floating point. Amounts
//! are in yuan. A refund is a row of its own with 交易状态 REFUND; it names
//! the original order in 商户订单号 and carries 0.00 in the order amount
//! columns, the refund in 退款金额/申请退款金额 and the fee given back as a
//! negative 手续费. Columns are found by name, since the provider says
//! their order may change and each bill type has its own set; every
//! summary total the bill carries is checked against its detail column.

use std::path::Path;

use chrono::FixedOffset;

use super::rows::{
    Currencies, Errors, Header, Said, Table, cell, cells, column, decode_chinese, file_error,
    parse_paid_at, signed_units,
};
use super::types::{Amount, CodeRef, Payment, RowCause, SettlementError};
use crate::code::currency::AmountError;
use crate::input::encoding::TextEncoding;

const PAID_AT: &str = "交易时间";
const TXN_ID: &str = "微信订单号";
const ORDER: &str = "商户订单号";
const STATE: &str = "交易状态";
const CURRENCY: &str = "货币种类";
const REFUND_ID: &str = "微信退款单号";
const FEE: &str = "手续费";
/// What the payer paid: 订单金额 (with coupons), or 总金额 in the older
/// layout, or 应结订单金额 when neither is there.
const PAID: [&str; 3] = ["订单金额", "总金额", "应结订单金额"];
/// What was paid back: 申请退款金额 (the counterpart of 订单金额), else
/// 退款金额.
const REFUNDED: [&str; 2] = ["申请退款金额", "退款金额"];

const SUMMARY_COUNT: &str = "总交易单数";
/// Summary totals and the detail column each one adds up. A total whose
/// column the bill does not have must be zero (the SUCCESS bill's summary
/// may still list 退款总金额). Names not listed here are not checked.
const SUMMARY: [(&str, &str); 10] = [
    ("应结订单总金额", "应结订单金额"),
    ("退款总金额", "退款金额"),
    ("充值券退款总金额", "充值券退款金额"),
    ("手续费总金额", "手续费"),
    ("订单总金额", "订单金额"),
    ("申请退款总金额", "申请退款金额"),
    // The older layout.
    ("总交易额", "总金额"),
    ("总退款金额", "退款金额"),
    ("总代金券或立减优惠退款金额", "代金券或立减优惠退款金额"),
    ("总企业红包退款金额", "企业红包退款金额"),
];

/// Sums are kept in millionths of a yuan: exact for any amount the bill
/// can hold (fees have five decimals), and signed because refund rows
/// carry negative fees.
const SUM_SCALE: u8 = 6;

/// A cell without its leading backtick.
fn value(record: &csv::ByteRecord, i: usize) -> &str {
    let c = cell(record, i);
    c.strip_prefix('`').unwrap_or(c).trim()
}

/// A signed amount in units of 10^-SUM_SCALE; an empty cell is zero.
fn signed(text: &str) -> Result<i128, AmountError> {
    match text {
        "" | "-" => Ok(0),
        t => signed_units(t, SUM_SCALE),
    }
}

struct Columns {
    paid_at: usize,
    txn_id: usize,
    order: usize,
    state: usize,
    currency: usize,
    fee: usize,
    paid: usize,
    /// Absent from the SUCCESS bill.
    refund_id: Option<usize>,
    refunded: Option<usize>,
    /// (summary name, detail column) for every checked total.
    summed: Vec<(&'static str, Option<usize>)>,
    /// The header, for naming a column in errors.
    names: Vec<String>,
}

/// An id a spreadsheet rewrote as a number ("4.20000E+27"): the digits
/// are gone, so nothing can be matched on it.
fn mangled_by_spreadsheet(id: &str) -> bool {
    let Some((mantissa, exp)) = id.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
}

pub fn parse(
    path: &Path,
    bytes: &[u8],
    tz: FixedOffset,
    encoding: Option<TextEncoding>,
) -> Result<Vec<Payment>, SettlementError> {
    let text = decode_chinese(path, bytes, encoding)?;
    let mut table = Table::new(path, &text, b',', 1)?;
    // Some exports put the backtick on the header too.
    let Some(header) = Header::read(&mut table, value, "a WeChat Pay trade bill")? else {
        return Err(file_error(path, 1, "the file is empty"));
    };
    let cols = Columns {
        paid_at: header.require(PAID_AT)?,
        txn_id: header.require(TXN_ID)?,
        order: header.require(ORDER)?,
        state: header.require(STATE)?,
        currency: header.require(CURRENCY)?,
        fee: header.require(FEE)?,
        paid: header.require_first_of(&PAID)?,
        refund_id: header.get(REFUND_ID),
        refunded: header.first_of(&REFUNDED),
        summed: SUMMARY
            .iter()
            .map(|&(total, detail)| (total, header.get(detail)))
            .collect(),
        names: header.names.clone(),
    };

    let mut payments = Vec::new();
    let mut errors = Errors::new(path);
    let mut sums = Sums {
        rows: 0,
        columns: vec![0; cols.summed.len()],
    };
    let mut currencies = Currencies::default();
    let mut summary_header = None;
    while let Some((line, record)) = table.next()? {
        if value(record, 0) == SUMMARY_COUNT {
            summary_header = Some((line, cells(record, value)));
            break;
        }
        if errors.same_width(line, record.len(), header.names.len())
            && let Some(p) = row(
                record,
                line,
                &cols,
                tz,
                &mut sums,
                &mut currencies,
                &mut errors,
            )
        {
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
    let values = cells(values, value);
    check_summary(path, values_line, &names, &values, &cols, &sums)?;
    Ok(payments)
}

struct Sums {
    rows: i128,
    /// One per entry of `Columns::summed`.
    columns: Vec<i128>,
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
    let mut fail = |field: &str, problem: Said| {
        errors.push_said(line, Some(field), problem);
        ok = false;
    };
    sums.rows += 1;
    for (k, &(_, detail)) in cols.summed.iter().enumerate() {
        if let Some(i) = detail {
            let name = SUMMARY[k].1;
            sums.columns[k] += signed(value(record, i))
                .map_err(|e| fail(name, RowCause::Amount(e).into()))
                .unwrap_or(0);
        }
    }
    for (name, i) in [(TXN_ID, cols.txn_id), (ORDER, cols.order)] {
        let id = value(record, i);
        if mangled_by_spreadsheet(id) {
            fail(
                name,
                format!(
                    "{id:?} is an id a spreadsheet rewrote as a number (its digits are lost); \
                     use the bill as downloaded, not a copy re-saved by Excel"
                )
                .into(),
            );
        }
    }

    let state = value(record, cols.state);
    let refund = match state {
        "REFUND" => true,
        "SUCCESS" => false,
        // REVOKED and the like: an order that was never paid.
        _ => return None,
    };
    let (amount_col, txn_col) = if refund {
        let Some(refunded) = cols.refunded else {
            fail(
                STATE,
                "a REFUND row, but the bill has no 退款金额 column"
                    .to_string()
                    .into(),
            );
            return None;
        };
        (refunded, cols.refund_id.unwrap_or(cols.txn_id))
    } else {
        (cols.paid, cols.txn_id)
    };
    let amount = Amount::parse(value(record, amount_col))
        .map_err(|e| fail(cols.names[amount_col].as_str(), RowCause::Amount(e).into()))
        .ok();
    // A payment's fee is charged (positive); a refund gives its fee back
    // (negative). The payment carries the magnitude; a sign against the
    // row's kind would move money the wrong way, so it is an error.
    let fee_text = value(record, cols.fee);
    let fee = match (fee_text.strip_prefix('-'), refund) {
        (Some(back), true) => Amount::parse(back).map_err(|e| e.to_string()),
        (None, false) => Amount::parse(fee_text).map_err(|e| e.to_string()),
        (Some(_), false) => Amount::parse(fee_text.trim_start_matches('-'))
            .map_err(|e| e.to_string())
            .and_then(|a| match a.units {
                0 => Ok(a),
                _ => Err("negative on a payment row".to_string()),
            }),
        (None, true) => Amount::parse(fee_text)
            .map_err(|e| e.to_string())
            .and_then(|a| match a.units {
                0 => Ok(a),
                _ => Err("positive on a REFUND row (a refund gives the fee back)".to_string()),
            }),
    }
    .map_err(|e| fail(FEE, e.into()))
    .ok();
    let currency = currencies
        .parse(value(record, cols.currency))
        .map_err(|e| fail(CURRENCY, e.to_string().into()))
        .ok();
    let paid_at = parse_paid_at(value(record, cols.paid_at), tz)
        .map_err(|e| fail(PAID_AT, RowCause::Time(e).into()))
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
    cols: &Columns,
    sums: &Sums,
) -> Result<(), SettlementError> {
    let get = |i: usize| values.get(i).map(String::as_str).unwrap_or_default();
    let show = |v: i128| {
        let sign = if v < 0 { "-" } else { "" };
        format!(
            "{sign}{}",
            crate::code::currency::format_minor(v.unsigned_abs() as u64, SUM_SCALE)
                .trim_end_matches('0')
                .trim_end_matches('.')
        )
    };
    let mismatch = |name: &str, said: String, read: String| {
        file_error(
            path,
            line,
            format!(
                "summary: {name} is {said} but the rows add up to {read}; the bill is incomplete or altered"
            ),
        )
    };
    let i = column(names, SUMMARY_COUNT)
        .ok_or_else(|| file_error(path, line, format!("summary: no {SUMMARY_COUNT}")))?;
    let said: i128 = get(i).parse().map_err(|_| {
        file_error(
            path,
            line,
            format!("summary: {SUMMARY_COUNT}: {:?} is not a count", get(i)),
        )
    })?;
    if said != sums.rows {
        return Err(mismatch(
            SUMMARY_COUNT,
            said.to_string(),
            sums.rows.to_string(),
        ));
    }
    let mut checked = 0;
    for (k, &(total, _)) in cols.summed.iter().enumerate() {
        let Some(i) = column(names, total) else {
            continue;
        };
        let said =
            signed(get(i)).map_err(|e| file_error(path, line, format!("summary: {total}: {e}")))?;
        let read = sums.columns[k];
        if said != read {
            return Err(mismatch(total, show(said), show(read)));
        }
        checked += 1;
    }
    if checked == 0 {
        return Err(file_error(
            path,
            line,
            "summary: no amount total this parser knows (应结订单总金额, 总交易额, ...)",
        ));
    }
    Ok(())
}
