//! Reconciliation: every settlement row and every issued code gets a status.
//!
//! Settlement rows are matched against the ledger by code id; then every
//! issued code that no row paid is listed as unpaid or redeemed elsewhere.
//! Matched rows can be turned into redemption records ([`apply_records`]),
//! and running that again over the same file adds nothing: a redemption
//! this module wrote is recognised by its channel and transaction id.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::{self, Write};

use serde::{Deserialize, Serialize, Serializer};

use crate::code::CodeId;
use crate::currency::Currency;
use crate::ledger::{Issued, LedgerState, Record, Redemption};
use crate::settlement::Payment;
use crate::time;

/// The ledger channel of redemptions written by [`apply_records`].
pub const CHANNEL: &str = "settlement";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Matched,
    AmountMismatch,
    CurrencyMismatch,
    Duplicate,
    Late,
    AlreadyRedeemed,
    Unknown,
    UnpaidOpen,
    UnpaidExpired,
    RedeemedElsewhere,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Matched,
        Status::AmountMismatch,
        Status::CurrencyMismatch,
        Status::Duplicate,
        Status::Late,
        Status::AlreadyRedeemed,
        Status::Unknown,
        Status::UnpaidOpen,
        Status::UnpaidExpired,
        Status::RedeemedElsewhere,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Matched => "matched",
            Status::AmountMismatch => "amount_mismatch",
            Status::CurrencyMismatch => "currency_mismatch",
            Status::Duplicate => "duplicate",
            Status::Late => "late",
            Status::AlreadyRedeemed => "already_redeemed",
            Status::Unknown => "unknown",
            Status::UnpaidOpen => "unpaid_open",
            Status::UnpaidExpired => "unpaid_expired",
            Status::RedeemedElsewhere => "redeemed_elsewhere",
        }
    }

    /// Whether someone has to look at it. An open unpaid code may still be
    /// paid, and a code redeemed through another channel with no
    /// settlement row is the normal case for counter payments.
    pub fn is_discrepancy(self) -> bool {
        !matches!(
            self,
            Status::Matched | Status::UnpaidOpen | Status::RedeemedElsewhere
        )
    }

    /// Every status for which [`Status::is_discrepancy`] holds.
    pub fn discrepancies() -> Vec<Status> {
        Status::ALL
            .into_iter()
            .filter(|s| s.is_discrepancy())
            .collect()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Status, String> {
        let s = s.trim();
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Status::ALL.iter().map(|st| st.as_str()).collect();
                format!("{s:?} is not a status (one of: {})", names.join(", "))
            })
    }
}

/// Where a report row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowSource {
    /// A settlement row starting on this line.
    Settlement { line: u64 },
    /// An issued code with no settlement row.
    Ledger,
}

/// One line of the report. Amounts are minor units of `currency`; times
/// are Unix seconds, serialized as UTC RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub status: Status,
    pub source: RowSource,
    /// Canonical id of an issued code; the cell as written otherwise.
    pub code_id: String,
    pub issuer: Option<String>,
    pub reference: Option<String>,
    /// The code's amount; `None` when unknown or in another currency than `currency`.
    pub expected_minor: Option<u64>,
    /// The amount paid; `None` when there is no payment or it cannot be
    /// read in `currency`.
    pub paid_minor: Option<u64>,
    pub currency: Option<String>,
    #[serde(serialize_with = "utc")]
    pub paid_at: Option<u64>,
    #[serde(serialize_with = "utc")]
    pub expires_at: Option<u64>,
    pub txn_id: Option<String>,
    /// Whether the ledger records a redemption of this code (any channel).
    /// On a matched row it means an earlier `apply` already recorded it.
    pub redeemed: bool,
    pub note: String,
}

fn utc<S: Serializer>(t: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&time::format_utc(*t)),
        None => s.serialize_none(),
    }
}

/// Totals of one status in one currency (`None`: rows with no known currency).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Total {
    pub status: Status,
    pub currency: Option<String>,
    pub count: u64,
    pub paid_minor: u64,
    pub expected_minor: u64,
}

/// Totals per status and currency, in status order. Minor units of
/// different currencies are never added together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub totals: Vec<Total>,
}

impl Summary {
    fn of(rows: &[Row]) -> Summary {
        let mut groups: BTreeMap<(Status, Option<&str>), (u64, u64, u64)> = BTreeMap::new();
        for r in rows {
            let g = groups.entry((r.status, r.currency.as_deref())).or_default();
            g.0 += 1;
            g.1 = g.1.saturating_add(r.paid_minor.unwrap_or(0));
            g.2 = g.2.saturating_add(r.expected_minor.unwrap_or(0));
        }
        let totals = groups
            .into_iter()
            .map(|((status, currency), (count, paid, expected))| Total {
                status,
                currency: currency.map(str::to_string),
                count,
                paid_minor: paid,
                expected_minor: expected,
            })
            .collect();
        Summary { totals }
    }

    /// Rows with this status, in all currencies.
    pub fn count(&self, status: Status) -> u64 {
        self.totals
            .iter()
            .filter(|t| t.status == status)
            .map(|t| t.count)
            .sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Settlement rows in file order, then unpaid codes in ledger order.
    pub rows: Vec<Row>,
    pub summary: Summary,
}

/// The transaction id recorded for a settlement row: its own, or
/// "<source>:<line>" when the file has none, so that a rerun over the
/// same file (given the same `source_name`) finds it again.
fn txn_key(txn_id: Option<&str>, source_name: &str, line: u64) -> String {
    txn_id.map_or_else(|| format!("{source_name}:{line}"), str::to_string)
}

/// Classifies every payment (in file order) and every issued code no
/// payment refers to. `at` decides whether an unpaid code has expired.
pub fn reconcile(state: &LedgerState, payments: &[Payment], at: u64, source_name: &str) -> Report {
    let mut rows = Vec::with_capacity(payments.len() + state.issued.len());
    // Code → line of the first row that paid it in the right currency and
    // amount; a later row for it is a duplicate payment.
    let mut paid_on: HashMap<CodeId, u64> = HashMap::new();
    let mut has_row: HashSet<CodeId> = HashSet::new();
    for p in payments {
        let row = payment_row(state, p, source_name, &paid_on);
        if let Some(id) = p.code_id.filter(|id| state.issued(id).is_some()) {
            has_row.insert(id);
            if matches!(
                row.status,
                Status::Matched | Status::AlreadyRedeemed | Status::Late
            ) {
                paid_on.entry(id).or_insert(p.line);
            }
        }
        rows.push(row);
    }
    for code in state
        .issued
        .iter()
        .filter(|c| !has_row.contains(&c.code_id))
    {
        rows.push(ledger_row(code, state.redemption(&code.code_id), at));
    }
    let summary = Summary::of(&rows);
    Report { rows, summary }
}

fn payment_row(
    state: &LedgerState,
    p: &Payment,
    source_name: &str,
    paid_on: &HashMap<CodeId, u64>,
) -> Row {
    let mut row = Row {
        status: Status::Unknown,
        source: RowSource::Settlement { line: p.line },
        code_id: p.code_id_text.clone(),
        issuer: None,
        reference: None,
        expected_minor: None,
        paid_minor: p.currency.and_then(|c| p.amount_minor(c).ok()),
        currency: p.currency.map(|c| c.code.to_string()),
        paid_at: p.paid_at,
        expires_at: None,
        txn_id: p.txn_id.clone(),
        redeemed: false,
        note: String::new(),
    };
    let Some(id) = p.code_id else {
        row.note = "not a code id (16 hex digits)".into();
        return row;
    };
    let Some(code) = state.issued(&id) else {
        row.note = "code id not issued in the ledger".into();
        return row;
    };
    let redemption = state.redemption(&id);
    // The amount is read with the exponent of the currency it was paid in:
    // the row's, or the code's when the file has no currency column.
    let currency = p.currency.unwrap_or(code.currency);
    let paid = p.amount_minor(currency);
    let same_currency = currency == code.currency;
    row = Row {
        code_id: id.to_string(),
        issuer: Some(code.issuer.clone()),
        reference: Some(code.reference.clone()),
        // Only comparable amounts share a row: in another currency the
        // expected amount goes to the note.
        expected_minor: same_currency.then_some(code.amount),
        paid_minor: paid.as_ref().ok().copied(),
        currency: Some(currency.code.to_string()),
        expires_at: Some(code.expires_at),
        redeemed: redemption.is_some(),
        ..row
    };
    // A redemption written by an earlier apply of this very row: the row is
    // still a match, so rerunning changes nothing.
    let applied = redemption.is_some_and(|r| {
        r.channel == CHANNEL
            && r.txn.as_deref() == Some(&txn_key(p.txn_id.as_deref(), source_name, p.line))
    });

    // Precedence, first that applies wins:
    //   unknown > duplicate > currency_mismatch > amount_mismatch
    //           > already_redeemed > late > matched
    // Unknown is settled above: nothing else can be checked without a code.
    // A second payment must be refunded whatever else is wrong with it.
    // Amounts in different currencies cannot be compared. A wrong amount
    // has to be sorted out with the payer whatever the code's state, and
    // money taken twice (already redeemed) matters more than money taken
    // late.
    (row.status, row.note) = if let Some(first) = paid_on.get(&id) {
        (
            Status::Duplicate,
            format!("code already paid on line {first}"),
        )
    } else if !same_currency {
        let expected = code.currency.format_amount(code.amount);
        (
            Status::CurrencyMismatch,
            format!(
                "paid in {currency}, the code is for {expected} {}",
                code.currency
            ),
        )
    } else {
        match paid {
            Err(e) => (Status::AmountMismatch, e.to_string()),
            Ok(paid) if paid != code.amount => {
                let (word, diff) = if paid < code.amount {
                    ("underpaid", code.amount - paid)
                } else {
                    ("overpaid", paid - code.amount)
                };
                let diff = currency.format_amount(diff);
                (
                    Status::AmountMismatch,
                    format!("{word} by {diff} {currency}"),
                )
            }
            Ok(_) => match (redemption, p.paid_at) {
                (Some(r), _) if !applied => (Status::AlreadyRedeemed, redeemed_note(r)),
                (_, Some(t)) if t > code.expires_at => (
                    Status::Late,
                    format!("paid {} after expiry", time::humanize(t - code.expires_at)),
                ),
                (Some(r), _) => (
                    Status::Matched,
                    format!("applied to the ledger at seq {}", r.seq),
                ),
                (None, _) => (Status::Matched, String::new()),
            },
        }
    };
    row
}

fn redeemed_note(r: &Redemption) -> String {
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

fn ledger_row(code: &Issued, redemption: Option<&Redemption>, at: u64) -> Row {
    let (status, note) = match redemption {
        Some(r) => (Status::RedeemedElsewhere, redeemed_note(r)),
        None if code.expires_at < at => (
            Status::UnpaidExpired,
            format!("expired {} ago", time::humanize(at - code.expires_at)),
        ),
        None => (
            Status::UnpaidOpen,
            format!("expires in {}", time::humanize(code.expires_at - at)),
        ),
    };
    Row {
        status,
        source: RowSource::Ledger,
        code_id: code.code_id.to_string(),
        issuer: Some(code.issuer.clone()),
        reference: Some(code.reference.clone()),
        expected_minor: Some(code.amount),
        paid_minor: None,
        currency: Some(code.currency.code.to_string()),
        paid_at: None,
        expires_at: Some(code.expires_at),
        txn_id: redemption.and_then(|r| r.txn.clone()),
        redeemed: redemption.is_some(),
        note,
    }
}

/// Redemption records for every matched row whose code the ledger does not
/// yet record as redeemed. `source_name` must be the one given to
/// [`reconcile`]: rows without a transaction id are recorded as
/// "<source_name>:<line>". Reconcile against a state loaded under the
/// exclusive ledger lock and append the records under that same lock, so
/// no redemption can slip in between (`Ledger::append` would refuse the
/// whole batch if one did).
pub fn apply_records(report: &Report, source_name: &str, now: u64) -> Vec<Record> {
    let mut seen = HashSet::new();
    report
        .rows
        .iter()
        .filter(|r| r.status == Status::Matched && !r.redeemed)
        .filter_map(|r| {
            let RowSource::Settlement { line } = r.source else {
                return None;
            };
            let id: CodeId = r.code_id.parse().ok()?;
            // A batch with two redemptions of one code is refused whole by
            // Ledger::append; reconcile never yields that, but be sure.
            if !seen.insert(id) {
                return None;
            }
            Some(Record::redeemed(
                r.issuer.as_deref()?,
                id,
                now,
                Some(txn_key(r.txn_id.as_deref(), source_name, line)),
                CHANNEL,
                Some(source_name.to_string()),
            ))
        })
        .collect()
}

const CSV_HEADER: [&str; 13] = [
    "status",
    "source",
    "line",
    "code_id",
    "issuer",
    "reference",
    "currency",
    "expected",
    "paid",
    "paid_at",
    "expires_at",
    "txn_id",
    "note",
];

/// Neutralizes spreadsheet formulas (OWASP "CSV injection"): a text cell
/// starting with one of = + - @ TAB CR gets a leading single quote, so a
/// code id or reference copied from a settlement file or code cannot run
/// as a formula when the report is opened in a spreadsheet.
fn text_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

impl Report {
    /// Whether any row has one of the `fail_on` statuses
    /// (e.g. [`Status::discrepancies`]).
    pub fn has_discrepancy(&self, fail_on: &[Status]) -> bool {
        self.rows.iter().any(|r| fail_on.contains(&r.status))
    }

    /// One CSV line per row. Amounts are major-unit decimals ("200.00"),
    /// times UTC RFC 3339.
    pub fn to_csv(&self, w: impl Write) -> io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(CSV_HEADER)?;
        for r in &self.rows {
            let currency = r.currency.as_deref().and_then(Currency::from_code);
            let amount = |minor: Option<u64>| match (minor, currency) {
                (Some(m), Some(c)) => c.format_amount(m),
                _ => String::new(),
            };
            let when = |t: Option<u64>| t.map(time::format_utc).unwrap_or_default();
            let text = |s: Option<&str>| text_cell(s.unwrap_or_default()).into_owned();
            let (source, line) = match r.source {
                RowSource::Settlement { line } => ("settlement", line.to_string()),
                RowSource::Ledger => ("ledger", String::new()),
            };
            out.write_record([
                r.status.as_str(),
                source,
                &line,
                &text(Some(&r.code_id)),
                &text(r.issuer.as_deref()),
                &text(r.reference.as_deref()),
                &text(r.currency.as_deref()),
                &amount(r.expected_minor),
                &amount(r.paid_minor),
                &when(r.paid_at),
                &when(r.expires_at),
                &text(r.txn_id.as_deref()),
                &text(Some(&r.note)),
            ])?;
        }
        out.flush()
    }

    /// One JSON object per row per line.
    pub fn to_json_lines(&self, mut w: impl Write) -> io::Result<()> {
        for r in &self.rows {
            serde_json::to_writer(&mut w, r)?;
            w.write_all(b"\n")?;
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{Code, KeyId, Kind, SignedCode};
    use crate::ledger::Ledger;
    use crate::settlement::{ColumnMap, parse_settlement};
    use chrono::FixedOffset;
    use ed25519_dalek::SigningKey;
    use std::path::Path;

    const ISSUED: u64 = 1_795_000_000;
    const EXPIRES: u64 = ISSUED + 4 * 3600;
    /// Reconciliation time: after EXPIRES.
    const AT: u64 = EXPIRES + 3600;

    fn code(n: u8, currency: &str, amount: u64, expires_at: u64, reference: &str) -> SignedCode {
        let k = SigningKey::from_bytes(&[9u8; 32]);
        Code {
            issuer: "bj-traffic".into(),
            key_id: KeyId::of(&k.verifying_key()),
            code_id: CodeId([n; 8]),
            kind: Kind::Fine,
            amount,
            currency: Currency::from_code(currency).unwrap(),
            payee: "BJ-FINES".into(),
            reference: reference.into(),
            issued_at: ISSUED,
            expires_at,
            description: None,
        }
        .sign(&k)
        .unwrap()
    }

    fn id(n: u8) -> String {
        CodeId([n; 8]).to_string()
    }

    /// A ledger in a fresh directory with 200.00 CNY fines 1..=10, code 7
    /// expiring after AT, a 1500 JPY bill 11, and counter redemptions of
    /// codes 6 and 9.
    fn ledger(dir: &Path, name: &str) -> (Ledger, LedgerState) {
        let l = Ledger::new(&dir.join(name));
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let mut recs: Vec<Record> = (1..=10)
            .map(|n| {
                let expires = if n == 7 { AT + 86_400 } else { EXPIRES };
                let c = code(n, "CNY", 20000, expires, &format!("京A1234{n}"));
                Record::issued(&c, ISSUED)
            })
            .collect();
        recs.push(Record::issued(
            &code(11, "JPY", 1500, EXPIRES, "W-11"),
            ISSUED,
        ));
        for n in [6, 9] {
            let txn = Some(format!("C{n}"));
            let r = Record::redeemed(
                "bj-traffic",
                CodeId([n; 8]),
                ISSUED + 60,
                txn,
                "counter",
                None,
            );
            recs.push(r);
        }
        l.append(&lock, &mut st, recs).unwrap();
        (l, st)
    }

    fn settlement(dir: &Path, text: &str) -> Vec<Payment> {
        let path = dir.join("bank.csv");
        std::fs::write(&path, text).unwrap();
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        parse_settlement(&path, &ColumnMap::default(), cst).unwrap()
    }

    /// One row per settlement status, plus a txn-less row (line 12).
    fn bank_file() -> String {
        let late = time::format_utc(EXPIRES + 60);
        [
            "code_id,amount,currency,paid_at,txn_id".to_string(),
            format!("{},200.00,CNY,2026-11-18 16:00,B1", id(1)),
            format!("{},150.00,,,B2", id(2)),
            format!("{},200.00,USD,,B3", id(3)),
            format!("{},200.00,,,B4", id(4)),
            format!("{},200.00,,,B4b", id(4)),
            format!("{},200.00,CNY,{late},B5", id(5)),
            format!("{},200.00,CNY,,B6", id(6)),
            "=HYPERLINK(\"x\"),1.00,,,B0".to_string(),
            format!("{},200.00,,,B12", id(12)),
            format!("{},200.001,,,B10", id(10)),
            format!("{},1500,JPY,,", id(11)),
        ]
        .join("\n")
    }

    fn statuses(report: &Report) -> Vec<(Status, String)> {
        report
            .rows
            .iter()
            .map(|r| (r.status, r.code_id.clone()))
            .collect()
    }

    #[test]
    fn every_status() {
        let dir = tempfile::tempdir().unwrap();
        let (_l, st) = ledger(dir.path(), "l.jsonl");
        let report = reconcile(&st, &settlement(dir.path(), &bank_file()), AT, "bank.csv");
        use Status::*;
        let expected = vec![
            (Matched, id(1)),
            (AmountMismatch, id(2)),
            (CurrencyMismatch, id(3)),
            (Matched, id(4)),
            (Duplicate, id(4)),
            (Late, id(5)),
            (AlreadyRedeemed, id(6)),
            (Unknown, "=HYPERLINK(\"x\")".to_string()),
            (Unknown, id(12)),
            (AmountMismatch, id(10)),
            (Matched, id(11)),
            // Codes without a settlement row, in ledger order.
            (UnpaidOpen, id(7)),
            (UnpaidExpired, id(8)),
            (RedeemedElsewhere, id(9)),
        ];
        assert_eq!(statuses(&report), expected);

        let r = &report.rows;
        assert_eq!(
            (r[1].expected_minor, r[1].paid_minor),
            (Some(20000), Some(15000))
        );
        assert_eq!(r[1].note, "underpaid by 50.00 CNY");
        // Paid in USD: the row carries the USD amount, the CNY one is in the note.
        assert_eq!(r[2].currency.as_deref(), Some("USD"));
        assert_eq!((r[2].expected_minor, r[2].paid_minor), (None, Some(20000)));
        assert_eq!(r[2].note, "paid in USD, the code is for 200.00 CNY");
        assert_eq!(r[4].note, "code already paid on line 5");
        assert_eq!(r[5].note, "paid 1m 0s after expiry");
        assert!(
            r[6].note.contains("via counter") && r[6].note.contains("txn C6"),
            "{}",
            r[6].note
        );
        assert_eq!(r[9].paid_minor, None);
        assert!(r[9].note.contains("3 fraction digits"), "{}", r[9].note);
        assert_eq!(r[10].source, RowSource::Settlement { line: 12 });
        assert_eq!(r[13].txn_id.as_deref(), Some("C9"));

        // Totals are per currency: CNY and JPY matches are not added up.
        let matched: Vec<_> = report
            .summary
            .totals
            .iter()
            .filter(|t| t.status == Matched)
            .map(|t| {
                (
                    t.currency.as_deref(),
                    t.count,
                    t.paid_minor,
                    t.expected_minor,
                )
            })
            .collect();
        assert_eq!(
            matched,
            vec![(Some("CNY"), 2, 40000, 40000), (Some("JPY"), 1, 1500, 1500)]
        );
        assert_eq!(report.summary.count(Unknown), 2);

        assert!(report.has_discrepancy(&Status::discrepancies()));
        assert!(report.has_discrepancy(&[Late]));
        assert!(!report.has_discrepancy(&[]));
        let clean = Report {
            rows: report
                .rows
                .iter()
                .filter(|r| !r.status.is_discrepancy())
                .cloned()
                .collect(),
            summary: Summary::default(),
        };
        assert!(!clean.has_discrepancy(&Status::discrepancies()));
    }

    #[test]
    fn apply_is_idempotent() {
        for name in ["l.jsonl", "l.csv"] {
            let dir = tempfile::tempdir().unwrap();
            let (l, _) = ledger(dir.path(), name);
            let payments = settlement(dir.path(), &bank_file());
            let before = {
                let lock = l.lock().unwrap();
                let mut st = l.load(&lock).unwrap();
                let report = reconcile(&st, &payments, AT, "bank.csv");
                let recs = apply_records(&report, "bank.csv", AT);
                let applied: Vec<_> = recs
                    .iter()
                    .map(|r| (r.code_id.clone(), r.txn.clone()))
                    .collect();
                // Codes 1, 4 (first row only) and 11; 11 has no txn id.
                assert_eq!(
                    applied,
                    vec![
                        (id(1), Some("B1".into())),
                        (id(4), Some("B4".into())),
                        (id(11), Some("bank.csv:12".into())),
                    ]
                );
                assert!(recs.iter().all(|r| r.channel.as_deref() == Some(CHANNEL)
                    && r.source.as_deref() == Some("bank.csv")));
                l.append(&lock, &mut st, recs).unwrap();
                report
            };
            // A fresh load from disk, as a second run would do.
            let lock = l.lock_shared().unwrap();
            let st = l.load(&lock).unwrap();
            let again = reconcile(&st, &payments, AT, "bank.csv");
            assert_eq!(statuses(&again), statuses(&before), "{name}");
            assert!(
                apply_records(&again, "bank.csv", AT + 5).is_empty(),
                "{name}"
            );
            let matched = again.rows.iter().filter(|r| r.status == Status::Matched);
            assert!(
                matched
                    .clone()
                    .all(|r| r.redeemed && r.note.starts_with("applied to the ledger"))
            );
            assert_eq!(matched.count(), 3);

            // The same file under another name is not this file: the
            // txn-less row is now a second redemption.
            let other = reconcile(&st, &payments, AT, "other.csv");
            assert_eq!(other.rows[10].status, Status::AlreadyRedeemed);
        }
    }

    #[test]
    fn csv_output_neutralizes_formulas() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::new(&dir.path().join("l.jsonl"));
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let c = code(1, "CNY", 20000, EXPIRES, "@SUM(A1)");
        l.append(&lock, &mut st, vec![Record::issued(&c, ISSUED)])
            .unwrap();
        let text = format!(
            "code_id,amount,txn_id\n{},200.00,-T1\n=1+2,3.5,+T2\n",
            id(1)
        );
        let report = reconcile(&st, &settlement(dir.path(), &text), ISSUED, "bank.csv");
        let mut out = Vec::new();
        report.to_csv(&mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            vec![
                "status,source,line,code_id,issuer,reference,currency,expected,paid,paid_at,expires_at,txn_id,note",
                &format!(
                    "matched,settlement,2,{},bj-traffic,'@SUM(A1),CNY,200.00,200.00,,2026-11-18T15:06:40Z,'-T1,",
                    id(1)
                ),
                "unknown,settlement,3,'=1+2,,,,,,,,'+T2,not a code id (16 hex digits)",
            ]
        );

        let mut json = Vec::new();
        report.to_json_lines(&mut json).unwrap();
        let first: serde_json::Value =
            serde_json::from_str(String::from_utf8(json).unwrap().lines().next().unwrap()).unwrap();
        assert_eq!(first["status"], "matched");
        assert_eq!(
            first["source"],
            serde_json::json!({"kind": "settlement", "line": 2})
        );
        assert_eq!(first["expires_at"], "2026-11-18T15:06:40Z");
        assert_eq!(first["paid_minor"], 20000);
    }

    #[test]
    fn status_names() {
        for s in Status::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        assert!("paid".parse::<Status>().is_err());
        assert_eq!(Status::discrepancies().len(), 7);
    }
}
