//! The Alipay merchant bill CSV (业务明细), as downloaded from the merchant
//! site or through the bill download URL API.
//!
//! Layout (see fixtures/settlement/README.md for the sources): GBK text
//! (decoded as its superset GB18030; a file re-saved as UTF-8 is read as
//! such), preamble
//! lines starting with '#', the header row, detail rows whose cells are
//! often padded with tabs, then '#' footer lines with totals
//! (#交易合计：N笔，商家实收共X元...). Amounts are in yuan; a refund row
//! (业务类型 退款) names the original order and carries negative amounts.

use std::path::Path;

use chrono::FixedOffset;

use super::rows::{
    Errors, Header, Said, Table, cell, decode_chinese, file_error, parse_paid_at, signed_units,
};
use super::types::{Amount, CodeRef, Payment, RowCause, SettlementError};
use crate::code::currency::{AmountError, Currency};
use crate::input::encoding::TextEncoding;

const TXN_ID: &str = "支付宝交易号";
const ORDER: &str = "商户订单号";
const KIND: &str = "业务类型";
const FINISHED: &str = "完成时间";
const TOTAL: &str = "订单金额（元）";
const RECEIVED: &str = "商家实收（元）";
const FEE: &str = "服务费（元）";
/// Bills from the merchant site name it 退款批次号/请求号, some other
/// exports 退款批次号.
const REFUND_IDS: [&str; 2] = ["退款批次号/请求号", "退款批次号"];

const TRADES: &str = "#交易合计：";
const REFUNDS: &str = "#退款合计：";
const LIST_END: &str = "业务明细列表结束";

struct Columns {
    txn_id: usize,
    order: usize,
    kind: usize,
    finished: usize,
    total: usize,
    received: usize,
    fee: usize,
    refund_id: usize,
}

/// A signed yuan amount in fen.
fn fen(text: &str) -> Result<i128, AmountError> {
    signed_units(text, 2)
}

/// Why an amount cell of a row is refused.
#[derive(Debug, thiserror::Error)]
enum CellError {
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// Signed against the row's kind: money would move the wrong way.
    #[error("{} on a {} row", if *.positive { "positive" } else { "negative" }, if *.refund { "退款" } else { "交易" })]
    Direction { positive: bool, refund: bool },
}

pub fn parse(
    path: &Path,
    bytes: &[u8],
    tz: FixedOffset,
    encoding: Option<TextEncoding>,
) -> Result<Vec<Payment>, SettlementError> {
    // GBK as downloaded; UTF-8 when re-saved so (with or without a BOM).
    let text = decode_chinese(path, bytes, encoding)?;
    let text: &str = &text;
    // Preamble: '#' lines before the header.
    let mut offset = 0;
    let mut line = 1u64;
    for l in text.split_inclusive('\n') {
        if !l.starts_with('#') {
            break;
        }
        offset += l.len();
        line += 1;
    }
    if offset == 0 {
        return Err(file_error(path, 1, "no '#' preamble: not an Alipay bill"));
    }
    // The download holds a 业务明细(汇总) file beside the detail bill: it
    // has totals per store, no transactions to reconcile.
    if text[..offset].contains("业务汇总") || text[..offset].contains("(汇总)") {
        return Err(file_error(
            path,
            1,
            "this is the Alipay summary bill (业务明细(汇总)), which lists no transactions; \
             reconcile the 业务明细 file from the same download",
        ));
    }
    // The detail table ends at the first '#' line after it (the footer).
    let rest = &text[offset..];
    let end = rest
        .match_indices("\n#")
        .next()
        .map_or(rest.len(), |(i, _)| i + 1);
    let (body, footer) = rest.split_at(end);
    let footer_line = line + super::rows::count_lines(body.as_bytes());
    if !footer.contains(LIST_END) {
        return Err(file_error(
            path,
            footer_line,
            format!("no footer (#---{LIST_END}---): the bill is truncated"),
        ));
    }

    let mut table = Table::new(path, body, b',', line)?;
    let Some(header) = Header::read(&mut table, cell, "an Alipay bill")? else {
        return Err(file_error(path, line, "no header row after the preamble"));
    };
    let cols = Columns {
        txn_id: header.require(TXN_ID)?,
        order: header.require(ORDER)?,
        kind: header.require(KIND)?,
        finished: header.require(FINISHED)?,
        total: header.require(TOTAL)?,
        received: header.require(RECEIVED)?,
        fee: header.require(FEE)?,
        refund_id: header.require_first_of(&REFUND_IDS)?,
    };
    let cny = Currency::from_code("CNY").expect("CNY is in the table");
    let mut payments = Vec::new();
    let mut errors = Errors::new(path);
    // (count, 商家实收 in fen) of trades and of refunds.
    let mut trades = (0u64, 0i128);
    let mut refunds = (0u64, 0i128);
    while let Some((line, record)) = table.next()? {
        if !errors.same_width(line, record.len(), header.names.len()) {
            continue;
        }
        let refund = match cell(record, cols.kind) {
            "交易" => false,
            "退款" => true,
            other => {
                errors.push(
                    line,
                    Some(KIND),
                    format!("{other:?} is neither 交易 nor 退款"),
                );
                continue;
            }
        };
        let mut ok = true;
        let mut fail = |field: &str, problem: Said| {
            errors.push_said(line, Some(field), problem);
            ok = false;
        };
        let received = fen(cell(record, cols.received))
            .map_err(|e| fail(RECEIVED, RowCause::Amount(e).into()));
        // Amounts are signed from the merchant's side: a trade's 订单金额 is
        // positive and its 服务费 (charged) negative; a refund row is the
        // mirror image (money out, fee given back). Payments carry the
        // magnitude and the refund flag; a sign against the row's kind
        // would flip money silently, so it is an error.
        // The magnitude, when the sign agrees with the direction.
        let signed = |text: &str, money_in: bool| -> Result<Amount, CellError> {
            let v = fen(text)?;
            if v != 0 && (v > 0) != money_in {
                return Err(CellError::Direction {
                    positive: v > 0,
                    refund,
                });
            }
            Ok(Amount::parse(text.trim_start_matches('-'))?)
        };
        let amount = signed(cell(record, cols.total), !refund)
            .map_err(|e| fail(TOTAL, e.to_string().into()))
            .ok();
        let fee = cell(record, cols.fee);
        let fee = if fee.is_empty() {
            None
        } else {
            signed(fee, refund)
                .map_err(|e| fail(FEE, e.to_string().into()))
                .ok()
        };
        let paid_at = parse_paid_at(cell(record, cols.finished), tz)
            .map_err(|e| fail(FINISHED, RowCause::Time(e).into()))
            .ok();
        let counter = if refund { &mut refunds } else { &mut trades };
        counter.0 += 1;
        counter.1 += received.unwrap_or(0);
        let txn = cell(record, if refund { cols.refund_id } else { cols.txn_id });
        if let (true, Some(amount)) = (ok, amount) {
            payments.push(Payment {
                line,
                code: CodeRef::from_text(cell(record, cols.order)),
                amount,
                fee: fee.filter(|f| f.units != 0),
                currency: Some(cny),
                paid_at,
                txn_id: (!txn.is_empty()).then(|| txn.into()),
                refund,
            });
        }
        if errors.full() {
            break;
        }
    }
    let payments = errors.finish(payments)?;
    check_footer(path, footer, footer_line, TRADES, trades)?;
    check_footer(path, footer, footer_line, REFUNDS, refunds)?;
    Ok(payments)
}

/// "#交易合计：3笔，商家实收共600.00元，..." against what the rows add up to.
fn check_footer(
    path: &Path,
    footer: &str,
    first_line: u64,
    prefix: &str,
    (count, received): (u64, i128),
) -> Result<(), SettlementError> {
    let Some((i, l)) = footer
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with(prefix))
    else {
        return Err(file_error(
            path,
            first_line,
            format!("footer: no {prefix} line: the bill is truncated"),
        ));
    };
    let line = first_line + i as u64;
    let bad = || file_error(path, line, format!("footer: cannot read {l:?}"));
    let rest = &l[prefix.len()..];
    let (n, rest) = rest.split_once('笔').ok_or_else(bad)?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    // Real bills write 商家实收退款共 on the refund line (商家实收共 on the
    // trade line); either label is read on either line.
    let (_, rest) = rest
        .split_once("商家实收退款共")
        .or_else(|| rest.split_once("商家实收共"))
        .ok_or_else(bad)?;
    let (sum, _) = rest.split_once('元').ok_or_else(bad)?;
    let sum = fen(sum.trim()).map_err(|_| bad())?;
    if (n, sum) != (count, received) {
        let yuan = |f: i128| {
            let sign = if f < 0 { "-" } else { "" };
            format!(
                "{sign}{}",
                crate::code::currency::format_minor(f.unsigned_abs() as u64, 2)
            )
        };
        return Err(file_error(
            path,
            line,
            format!(
                "footer: {} says {n} row(s), {} yuan received, but the rows have {count}, {}; the bill is incomplete or altered",
                prefix.trim_start_matches('#').trim_end_matches('：'),
                yuan(sum),
                yuan(received)
            ),
        ));
    }
    Ok(())
}
