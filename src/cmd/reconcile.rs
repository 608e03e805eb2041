//! `payqr reconcile`: match a settlement file against the issued codes.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use payqr::ledger::Ledger;
use payqr::reconcile::{self, Status};
use payqr::settlement::{self, ColumnMap};

use super::{CmdResult, Failure, Outcome, time_or_now, tz_or_local};

/// Reconcile a settlement CSV against the ledger of issued codes.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Example:
  payqr reconcile --ledger ledger.jsonl --settlement bank-2026-11-23.csv \\
      --map code_id=out_trade_no,amount=total,paid_at=time,txn_id=transaction_id \\
      --report report.csv --apply

Statuses: matched, amount_mismatch, currency_mismatch, duplicate, late,
already_redeemed, unknown (settlement rows); unpaid_open, unpaid_expired,
redeemed_elsewhere (issued codes without a payment). Exit 1 when any row has a
status listed in --fail-on (default: every discrepancy).")]
pub struct Args {
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,
    /// Settlement CSV/TSV from the payment provider or bank.
    #[arg(long, value_name = "FILE")]
    pub settlement: PathBuf,
    /// Column mapping, e.g. code_id=out_trade_no,amount=total (default: same names).
    #[arg(long, value_name = "MAP")]
    pub map: Option<String>,
    /// Write the per-row report: CSV, or JSON lines when FILE ends in .json/.jsonl.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Judge open/expired as of this time instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Offset for settlement times without one (default: this machine's).
    #[arg(long, value_name = "OFFSET")]
    pub tz: Option<String>,
    /// Mark matched codes redeemed in the ledger (safe to rerun).
    #[arg(long)]
    pub apply: bool,
    /// Statuses that make the exit status 1 (default: all discrepancies).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub fail_on: Vec<String>,
}

pub fn run(a: Args) -> CmdResult {
    let tz = tz_or_local(a.tz.as_deref())?;
    let at = time_or_now(a.at.as_deref(), tz)?;
    let map = match &a.map {
        Some(m) => ColumnMap::parse(m).map_err(|e| Failure::new(format!("--map: {e}")))?,
        None => ColumnMap::default(),
    };
    let fail_on = parse_statuses(&a.fail_on)?;
    let payments =
        settlement::parse_settlement(&a.settlement, &map, tz).map_err(settlement_failure)?;
    let source = source_name(&a.settlement)?;
    let ledger = Ledger::new(&a.ledger);
    // --apply writes, so it takes the exclusive lock for check-and-record.
    let lock = if a.apply {
        ledger.lock()?
    } else {
        ledger.lock_shared()?
    };
    let mut state = ledger.load(&lock)?;
    let report = reconcile::reconcile(&state, &payments, at, &source);
    let mut applied = 0;
    if a.apply {
        let records = reconcile::apply_records(&report, &source, payqr::time::now());
        applied = records.len();
        ledger.append(&lock, &mut state, records)?;
    }
    drop(lock);
    if let Some(p) = &a.report {
        let mut buf = Vec::new();
        let is_json = p.extension().is_some_and(|e| e == "json" || e == "jsonl");
        let written = if is_json {
            report.to_json_lines(&mut buf)
        } else {
            report.to_csv(&mut buf)
        };
        written.map_err(|e| Failure::new(format!("{}: {e}", p.display())))?;
        payqr::fsutil::write_atomic(p, &buf)
            .map_err(|e| Failure::new(format!("{}: {e}", p.display())))?;
    }
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(
            out,
            "{}",
            json!({"summary": report.summary, "applied": applied, "rows": report.rows.len()})
        )?;
    } else {
        write_summary(&mut out, &report.summary)?;
        if a.apply {
            writeln!(out, "applied: {applied} code(s) marked redeemed")?;
        }
    }
    Ok(Outcome::from_ok(!report.has_discrepancy(&fail_on)))
}

fn parse_statuses(list: &[String]) -> Result<Vec<Status>, Failure> {
    if list.is_empty() {
        return Ok(Status::discrepancies());
    }
    list.iter()
        .map(|s| {
            Status::ALL
                .iter()
                .copied()
                .find(|st| st.as_str() == s.trim())
                .ok_or_else(|| Failure::new(format!("--fail-on: unknown status {s:?}")))
        })
        .collect()
}

fn settlement_failure(e: settlement::SettlementError) -> Failure {
    match e {
        settlement::SettlementError::Rows(rows) => {
            let file = rows
                .first()
                .map(|r| r.path.display().to_string())
                .unwrap_or_default();
            Failure::new(format!(
                "{file}: {} bad settlement row(s); nothing was reconciled",
                rows.len()
            ))
            .details(rows.iter().map(ToString::to_string).collect())
        }
        other => Failure::new(other),
    }
}

/// Names the settlement source in redemption records: the file name plus
/// a digest of its content. A rerun on the same file is recognised as
/// already applied (idempotent), while another day's file that happens to
/// have the same name never is.
fn source_name(path: &std::path::Path) -> Result<String, Failure> {
    use sha2::{Digest, Sha256};
    let bytes =
        std::fs::read(path).map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
    let digest = Sha256::digest(&bytes);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(format!("{name}@{}", payqr::code::to_hex(&digest[..6])))
}

/// `status  count  paid  expected` per status and currency.
fn write_summary(out: &mut impl Write, s: &reconcile::Summary) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<20} {:>8} {:>16} {:>16}  currency",
        "status", "count", "paid", "expected"
    )?;
    for t in &s.totals {
        let cur = t
            .currency
            .as_deref()
            .and_then(payqr::currency::Currency::from_code);
        let fmt = |minor: u64| match cur {
            Some(c) => c.format_amount(minor),
            None => minor.to_string(),
        };
        writeln!(
            out,
            "{:<20} {:>8} {:>16} {:>16}  {}",
            t.status.as_str(),
            t.count,
            fmt(t.paid_minor),
            fmt(t.expected_minor),
            t.currency.as_deref().unwrap_or("-")
        )?;
    }
    Ok(())
}
