//! Net settlement money per file and per day: the figures a provider's own
//! summary gives (a WeChat Pay bill's 应结订单总金额 − 退款总金额 and
//! 手续费总金额, an Alipay footer, a bank's day), so an accountant can
//! check payqr's reading of each file against it.
//!
//! Amounts are signed (a refund is money out, the fee it gives back a
//! negative fee) and exact. Fees are summed at their own precision:
//! WeChat Pay writes fees such as `0.00600` CNY, below the fen, which the
//! per-status totals (in minor units) cannot hold; here they are kept, and
//! the rows whose fee is below the minor unit are counted, so no money is
//! dropped without a figure saying so.

use std::collections::BTreeMap;

use chrono::FixedOffset;
use serde::Serialize;

use super::report::Report;
use super::status::{Source, Status};
use crate::reconcile::settlement::Amount;

/// Fees are summed in units of 10^-FEE_SCALE: finer than any provider
/// writes (WeChat Pay: 5 decimals).
const FEE_SCALE: u8 = 9;

/// One line of a breakdown: what a group of settlement rows adds up to in
/// one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Net {
    /// A file's name (per-file lines) or a day `YYYY-MM-DD` in the report's
    /// time zone, `-` for rows without a time (per-day lines).
    pub key: String,
    pub currency: Option<String>,
    /// Payment rows and refund rows.
    pub payments: u64,
    pub refunds: u64,
    /// Net money in, in minor units: payments minus refunds.
    pub paid_minor: i128,
    /// Net fees, exact, as a decimal (at least the currency's digits).
    pub fee: String,
    /// Rows whose fee is finer than the currency's minor unit (so left out
    /// of the per-status `fee_minor` totals, but counted in `fee` here).
    pub fees_below_minor_unit: u64,
}

/// Net money per settlement file and per day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    /// Every row of each file, in the order the files were given: what the
    /// file's own summary covers, so a transaction also listed in another
    /// file (`repeated`) counts in both files.
    pub by_file: Vec<Net>,
    /// Per day of the payment time in the report's time zone, over all
    /// files, `repeated` rows left out: money that moved, counted once.
    pub by_day: Vec<Net>,
}

#[derive(Default)]
struct Sums {
    payments: u64,
    refunds: u64,
    paid: i128,
    fee: i128,
    fine_fees: u64,
}

impl<'a> Report<'a> {
    /// Net settlement money per file and per day (days in `tz`).
    pub fn breakdown(&self, tz: FixedOffset) -> Breakdown {
        // (file index, currency code) and (day, currency code), each to
        // its sums; BTreeMaps keep files in order and days sorted.
        let mut files: BTreeMap<(u32, Option<&str>), Sums> = BTreeMap::new();
        // Days are keyed by their number (seconds shifted into `tz`, over
        // 86,400) and named once per group at the end: formatting a date
        // string per row was ~7 % of a reconcile's instructions. Each group
        // keeps one of its times to name it with.
        let mut days: DayGroups = BTreeMap::new();
        for row in &self.rows {
            let Source::Settlement { file, .. } = row.source else {
                continue;
            };
            let Some((p, _)) = self.payment(row.source) else {
                continue;
            };
            let a = self.amounts(row);
            let currency = a.currency.map(|c| c.code);
            // The fee exactly, and whether the minor unit can hold it.
            let fee = p.fee.map(|f| {
                let fine = a.currency.is_some_and(|c| f.minor(c.exponent).is_err());
                (scaled(f), fine)
            });
            let sign: i128 = if p.refund { -1 } else { 1 };
            let add = |s: &mut Sums| {
                if p.refund {
                    s.refunds += 1;
                } else {
                    s.payments += 1;
                }
                s.paid += a.paid.unwrap_or(0);
                if let Some((f, fine)) = fee {
                    s.fee += sign * f;
                    if fine {
                        s.fine_fees += 1;
                    }
                }
            };
            add(files.entry((file, currency)).or_default());
            if row.status != Status::Repeated {
                let day = p.paid_at.map(|t| day_number(t, tz));
                let (time, sums) = days.entry((day, currency)).or_default();
                *time = p.paid_at;
                add(sums);
            }
        }
        let net = |key: String, currency: Option<&str>, s: Sums| {
            let exponent = currency
                .and_then(crate::code::currency::Currency::from_code)
                .map_or(2, |c| c.exponent);
            Net {
                key,
                currency: currency.map(str::to_string),
                payments: s.payments,
                refunds: s.refunds,
                paid_minor: s.paid,
                fee: decimal(s.fee, exponent),
                fees_below_minor_unit: s.fine_fees,
            }
        };
        Breakdown {
            by_file: files
                .into_iter()
                .map(|((f, c), s)| {
                    let name = self.files[f as usize]
                        .path
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    net(name, c, s)
                })
                .collect(),
            by_day: by_day_names(days, tz)
                .into_iter()
                .map(|((d, c), s)| net(d, c, s))
                .collect(),
        }
    }
}

/// The day of `t` in `tz`, as a number: equal for two times exactly when
/// their dates in `tz` are (below the calendar's end, see [`by_day_names`]).
fn day_number(t: u64, tz: FixedOffset) -> i128 {
    (i128::from(t) + i128::from(tz.local_minus_utc())).div_euclid(86_400)
}

/// (day number in `tz`, currency code) → (one time of the group, its sums).
type DayGroups<'c> = BTreeMap<(Option<i128>, Option<&'c str>), (Option<u64>, Sums)>;

/// The day groups under their names `YYYY-MM-DD` in `tz` (`-` without a
/// time), sorted by name. Groups whose names coincide (times past what the
/// calendar holds all name its last day) are merged, as when rows were
/// keyed by name.
fn by_day_names(days: DayGroups<'_>, tz: FixedOffset) -> BTreeMap<(String, Option<&str>), Sums> {
    let mut named: BTreeMap<(String, Option<&str>), Sums> = BTreeMap::new();
    for ((_, currency), (time, s)) in days {
        let name = time.map_or_else(
            || "-".to_string(),
            |t| crate::code::time::format_in(t, tz)[..10].to_string(),
        );
        let n = named.entry((name, currency)).or_default();
        n.payments += s.payments;
        n.refunds += s.refunds;
        n.paid += s.paid;
        n.fee += s.fee;
        n.fine_fees += s.fine_fees;
    }
    named
}

/// `a` in units of 10^-FEE_SCALE (providers write at most 5 decimals; a
/// finer amount is cut to FEE_SCALE digits only past 10^-9, never seen).
fn scaled(a: Amount) -> i128 {
    let units = i128::from(a.units);
    if a.scale <= FEE_SCALE {
        units * 10i128.pow(u32::from(FEE_SCALE - a.scale))
    } else {
        units / 10i128.pow(u32::from(a.scale - FEE_SCALE))
    }
}

/// `v` (10^-FEE_SCALE units) as a decimal with at least `exponent` digits
/// after the point and no trailing zeros past them.
fn decimal(v: i128, exponent: u8) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let m = v.unsigned_abs();
    let scale = 10u128.pow(u32::from(FEE_SCALE));
    let (int, frac) = (m / scale, m % scale);
    let mut digits = format!("{frac:0width$}", width = usize::from(FEE_SCALE));
    while digits.len() > usize::from(exponent) && digits.ends_with('0') {
        digits.pop();
    }
    if digits.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{digits}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_keep_their_precision() {
        let a = |units, scale| scaled(Amount { units, scale });
        // 0.00600 + 0.00600 + 0.01 = 0.022, not 0.01 (two sub-fen fees dropped).
        let sum = a(600, 5) + a(600, 5) + a(1, 2);
        assert_eq!(decimal(sum, 2), "0.022");
        assert_eq!(decimal(a(231, 2), 2), "2.31");
        assert_eq!(decimal(-a(60, 2), 2), "-0.60");
        assert_eq!(decimal(a(5, 0), 0), "5");
        assert_eq!(decimal(0, 2), "0.00");
    }

    #[test]
    fn day_numbers_group_as_day_names_do() {
        let name = |t, tz| crate::code::time::format_in(t, tz)[..10].to_string();
        for hours in [-12, -5, 0, 8, 14] {
            let tz = FixedOffset::east_opt(hours * 3600).unwrap();
            // Around local midnights, and the epoch (negative shifted time).
            let times: Vec<u64> = (0..200u64)
                .map(|i| i * 3_599 + 1_790_000_000 * (i % 2))
                .collect();
            for &a in &times {
                for &b in &times {
                    assert_eq!(
                        day_number(a, tz) == day_number(b, tz),
                        name(a, tz) == name(b, tz),
                        "{a} {b} {tz}"
                    );
                }
            }
        }
    }

    #[test]
    fn days_named_alike_are_merged_and_sorted_by_name() {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        let sums = |paid| Sums {
            payments: 1,
            paid,
            ..Sums::default()
        };
        let mut days = BTreeMap::new();
        // Two times past the calendar's end: both named its last day.
        for (t, paid) in [(u64::MAX, 1), (u64::MAX / 2, 2), (1_795_000_000, 4)] {
            days.insert(
                (Some(day_number(t, tz)), Some("CNY")),
                (Some(t), sums(paid)),
            );
        }
        days.insert((None, Some("CNY")), (None, sums(8)));
        let named = by_day_names(days, tz);
        let keys: Vec<_> = named.keys().map(|(d, _)| d.as_str()).collect();
        let last = crate::code::time::format_in(u64::MAX, tz)[..10].to_string();
        assert_eq!(keys.len(), 3, "{keys:?}");
        for k in ["-", "2026-11-18", last.as_str()] {
            assert!(keys.contains(&k), "{k} in {keys:?}");
        }
        let merged = &named[&(last.clone(), Some("CNY"))];
        assert_eq!((merged.payments, merged.paid), (2, 3));
    }
}
