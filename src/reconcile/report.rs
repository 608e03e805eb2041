//! The report: rows made into text, CSV and JSON, the summary, and the
//! redemption records a reconciliation applies to the ledger.

use std::io::{self, Write};

use chrono::FixedOffset;
use serde::{Serialize, Serializer};

use super::book::*;
use super::status::*;
use crate::code::currency::Currency;
use crate::code::time;
use crate::ledger::{Record, Redemption};
use crate::reconcile::settlement::{Payment, Settlement};
use crate::sanitize::for_report;

/// The classification of some settlement files against the issued codes.
pub struct Report<'a> {
    pub book: &'a Book,
    pub files: &'a [Settlement],
    /// Settlement rows in file order, then unpaid codes in ledger order.
    pub rows: Vec<Row>,
    pub summary: Summary,
    /// Unpaid codes are judged open or expired as of this time.
    pub at: u64,
}

/// A row worded for output. Amounts are minor units of `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowView<'a> {
    pub status: Status,
    /// "settlement" or "ledger".
    pub source: &'static str,
    /// The settlement file (its source name) and line.
    pub file: Option<&'a str>,
    pub line: Option<u64>,
    /// Canonical id of an issued code; the cell as written otherwise.
    pub code_id: String,
    pub issuer: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub currency: Option<&'static str>,
    /// The code's amount; `None` when unknown or in another currency.
    pub expected_minor: Option<u64>,
    /// The amount paid, negative for a refund (money paid back); `None`
    /// when there is no payment or it cannot be read in `currency`.
    pub paid_minor: Option<i128>,
    /// The provider's fee, negative when a refund gives it back.
    pub fee_minor: Option<i128>,
    pub refund: bool,
    #[serde(serialize_with = "utc")]
    pub paid_at: Option<u64>,
    #[serde(serialize_with = "utc")]
    pub expires_at: Option<u64>,
    pub txn_id: Option<&'a str>,
    /// Whether the ledger records a redemption of this code (any channel).
    pub redeemed: bool,
    pub note: String,
}

pub(super) fn utc<S: Serializer>(t: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&time::format_utc(*t)),
        None => s.serialize_none(),
    }
}

/// The amounts of a row, without making any text.
pub(super) struct Amounts {
    pub(super) currency: Option<Currency>,
    pub(super) expected: Option<u64>,
    /// Signed: negative on a refund row.
    pub(super) paid: Option<i128>,
    pub(super) fee: Option<i128>,
}

impl<'a> Report<'a> {
    pub(super) fn payment(&self, source: Source) -> Option<(&'a Payment, &'a Settlement)> {
        match source {
            Source::Settlement { file, index } => {
                let f = &self.files[file as usize];
                Some((&f.payments[index as usize], f))
            }
            Source::Ledger { .. } => None,
        }
    }

    pub(super) fn code(&self, row: &Row) -> Option<IssuedCode<'a>> {
        row.code.map(|c| self.book.code(c))
    }

    pub(super) fn amounts(&self, row: &Row) -> Amounts {
        let code = row.code.map(|c| self.book.terms(c));
        let code = code.as_ref();
        let Some((p, _)) = self.payment(row.source) else {
            return Amounts {
                currency: code.map(|c| c.currency),
                expected: code.map(|c| c.amount),
                paid: None,
                fee: None,
            };
        };
        // The amount is read with the exponent of the currency it was paid
        // in: the row's, or the code's when the file has no currency.
        let currency = p.currency.or(code.map(|c| c.currency));
        let exp = |c: Currency| c.exponent;
        // A refund is money out, and the fee it gives back a fee credited.
        let sign: i128 = if p.refund { -1 } else { 1 };
        Amounts {
            currency,
            // A code's amount is expected once, on the row that carries it
            // (see `classify_code`); only comparable amounts share a row.
            expected: code
                .filter(|c| Some(c.currency) == currency && row.expected)
                .map(|c| c.amount),
            paid: currency
                .and_then(|c| p.amount.minor(exp(c)).ok())
                .map(|m| sign * i128::from(m)),
            fee: p
                .fee
                .and_then(|f| currency.and_then(|c| f.minor(exp(c)).ok()))
                .map(|m| sign * i128::from(m)),
        }
    }

    pub(super) fn summarize(&self) -> Result<Summary, TotalTooLarge> {
        use rayon::prelude::*;
        // (status, currency, [count, paid, expected, fee]): a handful of
        // groups, found by a scan that compares numbers; ordered at the end.
        type Groups = Vec<(Status, Option<Currency>, [i128; 4])>;
        // Exact signed sums (refunds are negative): at most 2^32 rows of at
        // most 2^64 each fit an i128 many times over, so any grouping of the
        // rows gives the same totals, checked against what a total can hold
        // at the end.
        let add =
            |groups: &mut Groups, status: Status, currency: Option<Currency>, more: [i128; 4]| {
                let at = match groups.iter().position(|g| {
                    g.0 == status
                        && g.1.map(|c| c.numeric) == currency.map(|c| c.numeric)
                        && g.1.map(|c| c.code) == currency.map(|c| c.code)
                }) {
                    Some(at) => at,
                    None => {
                        groups.push((status, currency, [0; 4]));
                        groups.len() - 1
                    }
                };
                for (g, more) in groups[at].2.iter_mut().zip(more) {
                    *g += more;
                }
            };
        let mut groups = self
            .rows
            .par_chunks(1 << 14)
            .map(|rows| {
                let mut groups = Groups::new();
                for r in rows {
                    let a = self.amounts(r);
                    let sums = [
                        1,
                        a.paid.unwrap_or(0),
                        i128::from(a.expected.unwrap_or(0)),
                        a.fee.unwrap_or(0),
                    ];
                    add(&mut groups, r.status, a.currency, sums);
                }
                groups
            })
            .reduce(Groups::new, |mut a, b| {
                for (status, currency, sums) in b {
                    add(&mut a, status, currency, sums);
                }
                a
            });
        // In status order, then by currency code (none first).
        groups.sort_by(|a, b| (a.0, a.1.map(|c| c.code)).cmp(&(b.0, b.1.map(|c| c.code))));
        let totals = groups
            .into_iter()
            .map(|(status, currency, [count, paid, expected, fee])| {
                let too_large = |what: &'static str, sum: i128| TotalTooLarge {
                    status,
                    currency,
                    what,
                    sum,
                };
                let fit = |what: &'static str, sum: i128| {
                    u64::try_from(sum).map_err(|_| too_large(what, sum))
                };
                // Net sums may be negative (refunds), but no larger in size
                // than an unsigned total can be.
                let fit_signed = |what: &'static str, sum: i128| {
                    if sum.unsigned_abs() <= u128::from(u64::MAX) {
                        Ok(sum)
                    } else {
                        Err(too_large(what, sum))
                    }
                };
                Ok(Total {
                    status,
                    currency: currency.map(|c| c.code.to_string()),
                    count: fit("count", count)?,
                    paid_minor: fit_signed("paid", paid)?,
                    expected_minor: fit("expected", expected)?,
                    fee_minor: fit_signed("fee", fee)?,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Summary { totals })
    }

    /// A row worded for output.
    pub fn view(&self, row: &Row) -> RowView<'a> {
        let code = self.code(row);
        let payment = self.payment(row.source);
        let a = self.amounts(row);
        let redemption = row
            .code
            .and_then(|c| self.book.redemption(&self.book.key(c)));
        let line_of = |file: u32, line: u64| {
            if self.files.len() > 1 {
                format!("{}:{line}", self.files[file as usize].source)
            } else {
                format!("line {line}")
            }
        };
        let money = |minor: u64| match a.currency {
            Some(c) => format!("{} {c}", c.format_amount(minor)),
            None => minor.to_string(),
        };
        let note = match &row.note {
            Note::None => String::new(),
            Note::NotCodeId => "not a code id (16 hex digits)".into(),
            Note::NotIssued => "code id not issued in the ledger".into(),
            Note::OtherCurrency => match (code, a.currency) {
                (Some(c), Some(paid)) => format!(
                    "paid in {paid}, the code is for {} {}",
                    c.currency.format_amount(c.amount),
                    c.currency
                ),
                _ => "another currency".into(),
            },
            Note::BadAmount(e) => e.to_string(),
            Note::Underpaid {
                short, parts: 1, ..
            } => format!("underpaid by {}", money(*short)),
            Note::Underpaid { short, parts, .. } => {
                format!("underpaid by {} ({parts} partial payments)", money(*short))
            }
            Note::Overpaid { over, parts: 1, .. } => format!("overpaid by {}", money(*over)),
            Note::Overpaid { over, parts, .. } => {
                format!("overpaid by {} ({parts} partial payments)", money(*over))
            }
            Note::Part { k, n } => format!("partial payment {k} of {n}"),
            Note::PaidOn { file, line } => {
                format!("code already paid on {}", line_of(*file, *line))
            }
            Note::Late(secs) => format!("paid {} after expiry", time::humanize(*secs)),
            Note::Redeemed => redemption.map(redeemed_note).unwrap_or_default(),
            Note::Applied => match redemption {
                Some(r) => format!(
                    "applied to the ledger at seq {}{}",
                    r.seq,
                    r.source
                        .as_deref()
                        .map(|s| format!(" from {s}"))
                        .unwrap_or_default()
                ),
                None => String::new(),
            },
            Note::Refund => "refund".into(),
            Note::RefundedOn { file, line } => {
                format!("refunded on {}", line_of(*file, *line))
            }
            Note::RefundMismatch => {
                "refunds do not add up to a duplicate or the whole payment".into()
            }
            Note::RepeatOf { file, line } => {
                format!("same transaction as {}", line_of(*file, *line))
            }
            Note::ExpiredAgo(s) => format!("expired {} ago", time::humanize(*s)),
            Note::ExpiresIn(s) => format!("expires in {}", time::humanize(*s)),
            Note::ReplacedBy(by) => format!("the code was replaced by code {by} (reissued)"),
            Note::Cancelled => "the code was cancelled by its issuer (payqr cancel)".to_string(),
            Note::Ambiguous(n) => format!("code id issued by {n} issuers in the ledger"),
        };
        let code_id = match (code, payment) {
            (Some(c), _) => c.code_id.to_string(),
            (None, Some((p, _))) => p.code.to_string(),
            (None, None) => String::new(),
        };
        RowView {
            status: row.status,
            source: if payment.is_some() {
                "settlement"
            } else {
                "ledger"
            },
            file: payment.map(|(_, f)| f.source.as_str()),
            line: payment.map(|(p, _)| p.line),
            code_id,
            issuer: code.map(|c| c.issuer),
            reference: code.map(|c| c.reference),
            currency: a.currency.map(|c| c.code),
            expected_minor: a.expected,
            paid_minor: a.paid,
            fee_minor: a.fee,
            refund: payment.is_some_and(|(p, _)| p.refund),
            paid_at: payment.and_then(|(p, _)| p.paid_at),
            expires_at: code.map(|c| c.expires_at),
            txn_id: match payment {
                Some((p, _)) => p.txn_id.as_deref(),
                None => redemption.and_then(|r| r.txn.as_deref()),
            },
            redeemed: redemption.is_some(),
            note,
        }
    }

    /// Whether any row has one of the `fail_on` statuses
    /// (e.g. [`Status::discrepancies`]).
    pub fn has_discrepancy(&self, fail_on: &[Status]) -> bool {
        self.rows.iter().any(|r| fail_on.contains(&r.status))
    }

    /// One CSV line per row. Amounts are major-unit decimals ("200.00", a
    /// number to a spreadsheet), times RFC 3339 in `tz`; text cells are
    /// neutralized against formula injection, with control, bidi and
    /// invisible characters escaped ([`for_report`]).
    pub fn to_csv(&self, w: impl Write, tz: FixedOffset) -> io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(CSV_HEADER)?;
        for r in &self.rows {
            let v = self.view(r);
            let currency = v.currency.and_then(Currency::from_code);
            let amount = |minor: Option<i128>| match (minor, currency) {
                (Some(m), Some(c)) => c.format_signed(m),
                _ => String::new(),
            };
            let when = |t: Option<u64>| {
                t.map(|t| time::format_rfc3339_in(t, tz))
                    .unwrap_or_default()
            };
            let text = |s: Option<&str>| for_report(s.unwrap_or_default());
            out.write_record([
                v.status.as_str(),
                v.source,
                &text(v.file),
                &v.line.map(|l| l.to_string()).unwrap_or_default(),
                &text(Some(&v.code_id)),
                &text(v.issuer),
                &text(v.reference),
                v.currency.unwrap_or_default(),
                &amount(v.expected_minor.map(i128::from)),
                &amount(v.paid_minor),
                &amount(v.fee_minor),
                if v.refund { "refund" } else { "" },
                &when(v.paid_at),
                &when(v.expires_at),
                &text(v.txn_id),
                &text(Some(&v.note)),
            ])?;
        }
        out.flush()
    }

    /// One JSON object per row per line.
    pub fn to_json_lines(&self, mut w: impl Write) -> io::Result<()> {
        for r in &self.rows {
            serde_json::to_writer(&mut w, &self.view(r))?;
            w.write_all(b"\n")?;
        }
        w.flush()
    }
}

pub(super) const CSV_HEADER: [&str; 16] = [
    "status",
    "source",
    "file",
    "line",
    "code_id",
    "issuer",
    "reference",
    "currency",
    "expected",
    "paid",
    "fee",
    "kind",
    "paid_at",
    "expires_at",
    "txn_id",
    "note",
];

pub(super) fn redeemed_note(r: &Redemption) -> String {
    let mut note = format!(
        "redeemed via {} at {} (ledger seq {}",
        r.channel,
        time::format_utc(r.time),
        r.seq
    );
    if let Some(txn) = &r.txn {
        note.push_str(&format!(", txn {txn}"));
    }
    note.push(')');
    note
}

/// Redemption records for every code a payment (or its last part) matched
/// and the ledger does not yet record as redeemed; each names the
/// provider's transaction id and the settlement file it came from.
/// Reconcile against a state loaded under the exclusive ledger lock and
/// append the records under that same lock, so no redemption can slip in
/// between (`Ledger::append` would refuse the whole batch if one did).
pub fn apply_records(report: &Report, now: u64) -> Vec<Record> {
    let mut done = vec![false; report.book.len()];
    let mut records = Vec::new();
    for r in report.rows.iter().rev() {
        // From the end: the last matched part of a partial payment is the
        // one that completed it, and its transaction id is recorded.
        let (Status::Matched, Some(c), Some((p, file))) =
            (r.status, r.code, report.payment(r.source))
        else {
            continue;
        };
        let code = report.book.code(c);
        if done[c as usize] || report.book.redemption(&report.book.key(c)).is_some() {
            continue;
        }
        done[c as usize] = true;
        records.push(Record::redeemed(
            code.issuer,
            code.code_id,
            now,
            Some(txn_key(p, file)),
            CHANNEL,
            Some(file.source.clone()),
        ));
    }
    records.reverse();
    records
}
