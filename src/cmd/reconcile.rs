//! `payqr reconcile`: match settlement files against the issued codes.

use std::io::Write;
use std::path::PathBuf;

use chrono::FixedOffset;
use serde_json::json;

use payqr::i18n::admin;
use payqr::input::encoding::TextEncoding;
use payqr::ledger::{Backend, CodeKey, Ledger, LedgerError};
use payqr::reconcile::settlement::{self, ColumnMap, ColumnMapError, Format, Options, Settlement};
use payqr::reconcile::{self, Book, Status};

use super::{CmdResult, Failure, Outcome, check_outputs, flags, time_or_now};

/// Reconcile settlement files (WeChat Pay, Alipay, camt.053/054, CSV) against the ledger.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Example:
  payqr reconcile --ledger ledger.jsonl --settlement wechat-2026-11-23.csv \\
      --tz +08:00 --report report.csv --html report.html --apply
  payqr reconcile --ledger ledger.jsonl --settlement bank-2026-11-23.csv \\
      --map code_id=out_trade_no,amount=net,paid_at=time,txn_id=transaction_id \\
      --fee-column fee

Statuses: matched, amount_mismatch, currency_mismatch, duplicate, late,
already_redeemed, unknown, refunded, repeated (settlement rows); unpaid_open,
unpaid_expired, redeemed_elsewhere (issued codes without a payment). Exit 1
when any row has a status listed in --fail-on (default: every discrepancy).")]
pub struct Args {
    /// The ledger: a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME).
    #[arg(long, value_name = "FILE|URL")]
    pub ledger: PathBuf,
    /// Settlement file from the payment provider or bank; repeat for several
    /// days (a transaction listed in two files counts once).
    #[arg(long, value_name = "FILE", required = true)]
    pub settlement: Vec<PathBuf>,
    /// auto, generic, wechat, alipay, camt052, camt053 or camt054.
    #[arg(long, value_name = "FORMAT", default_value = "auto", value_parser = flags::settlement_format)]
    pub format: flags::SettlementFormat,
    /// Generic files: column mapping KEY=COLUMN,... with keys code_id, amount, currency,
    /// paid_at, txn_id, fee, e.g. code_id=out_trade_no,amount=total (default: same names);
    /// add grouping=comma|dot|apostrophe when amounts group digits (1,234.50 / 1.234,50 /
    /// 1'234.50; docs/FORMAT.md section 11).
    #[arg(long, value_name = "MAP")]
    pub map: Option<String>,
    /// Generic files: the column with the provider's fee, deducted from the amount column.
    #[arg(long, value_name = "COLUMN")]
    pub fee_column: Option<String>,
    /// Encoding of CSV settlement files: utf-8 or gbk (gb18030). Default: utf-8 for
    /// generic files; WeChat Pay and Alipay bills are read as UTF-8 when valid, else GBK.
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// Write the per-row report: CSV, or JSON lines when FILE ends in .json/.jsonl.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write a one-page HTML report (totals, payments per hour, discrepancies).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Judge open/expired as of this time instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Offset of settlement times written without one (default: +08:00 for
    /// WeChat/Alipay bills, UTC for generic and camt files, whatever this
    /// machine's zone) and of times shown (default: this machine's offset).
    #[arg(long, value_name = "OFFSET", value_parser = flags::tz)]
    pub tz: Option<FixedOffset>,
    /// Mark matched codes redeemed in the ledger (safe to rerun).
    #[arg(long)]
    pub apply: bool,
    /// Statuses that make the exit status 1 (default: all discrepancies).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = flags::status)]
    pub fail_on: Vec<Status>,
}

pub fn run(a: Args) -> CmdResult {
    let mut inputs = vec![("--ledger", Some(a.ledger.as_path()))];
    inputs.extend(
        a.settlement
            .iter()
            .map(|p| ("--settlement", Some(p.as_path()))),
    );
    check_outputs(
        &inputs,
        &[
            ("--report", a.report.as_deref()),
            ("--html", a.html.as_deref()),
        ],
    )?;
    let tz = a.tz;
    let show_tz = tz.unwrap_or_else(payqr::code::time::local_offset);
    let at = time_or_now(a.at.as_deref(), show_tz)?;
    let mut map = match &a.map {
        Some(m) => ColumnMap::parse(m).map_err(|e| {
            let lang = crate::cmd::lang();
            Failure::new(admin::bad_map(lang, &map_error(lang, &e)))
        })?,
        None => ColumnMap::default(),
    };
    map.fee = a.fee_column.clone();
    let format = a.format.0;
    let fail_on = if a.fail_on.is_empty() {
        Status::discrepancies()
    } else {
        a.fail_on.clone()
    };
    let encoding = a
        .encoding
        .as_deref()
        .map(TextEncoding::parse)
        .transpose()
        .map_err(|e| Failure::new(admin::bad_encoding(crate::cmd::lang(), &e)))?;
    let opts = Options {
        format,
        map,
        tz,
        encoding,
    };
    let parse_all = || -> Result<Vec<Settlement>, Failure> {
        let mut files = Vec::with_capacity(a.settlement.len());
        for path in &a.settlement {
            let s = settlement::parse_settlement(path, &opts).map_err(settlement_failure)?;
            if a.fee_column.is_some() && s.format != Format::Generic {
                return Err(Failure::new(admin::fee_column_unused(
                    crate::cmd::lang(),
                    &path.display(),
                    &s.format,
                )));
            }
            files.push(s);
        }
        Ok(files)
    };
    let ledger = Ledger::new(&a.ledger);
    let pg = Backend::is_postgres(&a.ledger);
    // --apply writes, so it takes the exclusive lock for check-and-record.
    // A PostgreSQL ledger is read from one snapshot, and --apply records
    // through a redemption transaction, which refuses what a counter
    // redeemed meanwhile.
    let load = || {
        if pg {
            let db = Backend::open(&a.ledger)?;
            let book = Book::load_backend(&db)?;
            return Ok::<_, LedgerError>((None, Some(db), book));
        }
        let lock = if a.apply {
            ledger.lock()?
        } else {
            ledger.lock_shared()?
        };
        let book = Book::load(&ledger, &lock)?;
        Ok::<_, LedgerError>((Some(lock), None, book))
    };
    // The settlement files and the ledger are read at the same time; a
    // bad settlement file is still the error reported first.
    let (files, loaded) = rayon::join(parse_all, load);
    let files = files?;
    let (lock, db, book) = loaded?;
    // Records the ledger says were lost: whatever they held (redemptions,
    // codes) this report cannot see, so it says so every time.
    let losses: Vec<serde_json::Value> = book
        .losses
        .iter()
        .map(|l| {
            json!({"seq": l.seq, "recorded_at": payqr::code::time::format_utc(l.time),
                "records": l.records, "bytes": l.bytes, "covered": l.covered,
                "hash": payqr::code::to_hex(&l.hash)})
        })
        .collect();
    for l in &book.losses {
        let line = admin::ledger_loss(
            crate::cmd::lang(),
            &payqr::sanitize::for_terminal(&a.ledger.display().to_string()),
            &l.seq,
            &payqr::code::time::format_utc(l.time),
            &l.records,
            &l.bytes,
            &(l.covered - l.bytes.min(l.covered)),
        );
        eprintln!("{line}");
    }
    let report = reconcile::reconcile(&book, &files, at).map_err(Failure::new)?;
    let records = if a.apply {
        reconcile::apply_records(&report, payqr::code::time::now())
    } else {
        Vec::new()
    };
    let mut applied = records.len();
    let summary = report.summary.clone();
    let breakdown = report.breakdown(show_tz);
    let failed = report.has_discrepancy(&fail_on);
    let rows = report.rows.len();
    // Both reports or neither: a failure leaves the old ones whole.
    let mut outputs = payqr::fs::atomic::Staged::default();
    if let Some(p) = &a.report {
        let mut buf = Vec::new();
        let is_json = p.extension().is_some_and(|e| e == "json" || e == "jsonl");
        let written = if is_json {
            report.to_json_lines(&mut buf)
        } else {
            report.to_csv(&mut buf, show_tz)
        };
        written.map_err(|e| {
            Failure::new(payqr::i18n::problems::file_error(
                crate::cmd::lang(),
                &p.display(),
                &e,
            ))
        })?;
        outputs.add(p, &buf)?;
    }
    if let Some(p) = &a.html {
        let names: Vec<String> = a
            .settlement
            .iter()
            .map(|p| {
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let page = payqr::reconcile::html::render(
            &report,
            &names.join(", "),
            show_tz,
            payqr::code::time::now(),
            crate::cmd::lang(),
        );
        outputs.add(p, page.as_bytes())?;
    }
    outputs.commit()?;
    drop(report);
    if let (true, Some(db)) = (a.apply && !records.is_empty(), &db) {
        // The same check-and-record as the file's, in one transaction
        // under the chain head's lock: a code a counter redeemed (or its
        // issuer cancelled) while this report was made is not marked.
        use payqr::redeem::{RedeemLedger, RedeemSession};
        let key = |r: &payqr::ledger::Record| Some(CodeKey::of(&r.issuer, r.code_id.parse().ok()?));
        let ids: Vec<CodeKey> = records.iter().filter_map(key).collect();
        let mut session = db.begin(&ids)?;
        let st = session.state();
        let total = records.len();
        // (A record without a code id is left to the append to refuse.)
        let fresh: Vec<_> = records
            .into_iter()
            .filter(|r| {
                key(r).is_none_or(|k| {
                    st.redemption(&k).is_none()
                        && st.replaced_by(&k).is_none()
                        && !st.cancelled.contains_key(&k)
                })
            })
            .collect();
        applied = fresh.len();
        session.append(fresh)?;
        if applied < total {
            eprintln!(
                "{}",
                admin::redeemed_meanwhile(crate::cmd::lang(), &(total - applied))
            );
        }
    } else if let (true, Some(lock)) = (a.apply && !records.is_empty(), &lock) {
        // The state of just the codes to mark, under the same lock: what
        // an append checks the new records against.
        let ids: Vec<_> = records
            .iter()
            .filter_map(|r| Some(CodeKey::of(&r.issuer, r.code_id.parse().ok()?)))
            .collect();
        let mut state = ledger.load_codes(lock, &ids)?;
        ledger.append(lock, &mut state, records)?;
    }
    drop(lock);
    // Millions of small allocations (settlement rows) are not freed one by
    // one just before the process exits and the system takes the memory
    // back at once: that took ~8% of a million-row run.
    std::mem::forget(book);
    std::mem::forget(files);
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(
            out,
            "{}",
            json!({"summary": summary, "by_file": breakdown.by_file,
                "by_day": breakdown.by_day, "applied": applied, "rows": rows,
                "ledger_losses": losses})
        )?;
    } else {
        write_summary(&mut out, &summary)?;
        write_nets(&mut out, "file", &breakdown.by_file)?;
        write_nets(&mut out, "day", &breakdown.by_day)?;
        if a.apply {
            writeln!(out, "applied: {applied} code(s) marked redeemed")?;
        }
    }
    Ok(Outcome::from_ok(!failed))
}

/// A bad settlement row in the reader's language: its typed cause worded
/// from the catalog; a problem without one is the library's English.
fn settlement_row(r: &settlement::RowError) -> String {
    use payqr::reconcile::settlement::RowCause;
    let lang = crate::cmd::lang();
    let problem = match &r.cause {
        Some(_) if lang == payqr::i18n::Lang::En => return r.to_string(),
        None => return r.to_string(),
        Some(RowCause::Amount(e)) => crate::cmd::errtext::amount_error(lang, e),
        Some(RowCause::GenericAmount(e)) if e.is_comma() => {
            admin::generic_amount_hint(lang, &crate::cmd::errtext::amount_error(lang, e))
        }
        Some(RowCause::GenericAmount(e)) => crate::cmd::errtext::amount_error(lang, e),
        Some(RowCause::Time(e)) => crate::cmd::errtext::time_error(lang, e),
    };
    let (path, line) = (r.path.display(), r.line);
    match r.field.as_deref() {
        Some(field) => payqr::i18n::problems::row_error(lang, &path, &line, &field, &problem),
        None => payqr::i18n::problems::emv_row(lang, &path, &line, &problem),
    }
}

/// A bad `--map`, in the reader's language (English: the library's words).
fn map_error(lang: payqr::i18n::Lang, e: &ColumnMapError) -> String {
    use payqr::reconcile::settlement::generic::KEYS;
    let q = |s: &str| format!("{s:?}");
    match e {
        ColumnMapError::NotPair(t) => admin::map_not_pair(lang, &q(t)),
        ColumnMapError::UnknownKey(k) => admin::map_unknown_key(lang, &q(k), &KEYS),
        ColumnMapError::Repeated(k) => admin::map_repeated(lang, k),
        ColumnMapError::EmptyColumn(k) => admin::map_empty_column(lang, k),
        ColumnMapError::Grouping(t) => {
            admin::map_grouping(lang, &q(t), &payqr::code::amount::Grouping::NAMES)
        }
    }
}

fn settlement_failure(e: settlement::SettlementError) -> Failure {
    match e {
        settlement::SettlementError::Io { path, source } => Failure::new(
            payqr::i18n::problems::file_error(crate::cmd::lang(), &path.display(), &source),
        ),
        settlement::SettlementError::Rows(rows) => {
            let file = rows
                .first()
                .map(|r| r.path.display().to_string())
                .unwrap_or_default();
            Failure::new(admin::bad_settlement_rows(
                crate::cmd::lang(),
                &file,
                &rows.len(),
            ))
            .details(rows.iter().map(settlement_row).collect())
        }
        other => Failure::new(other),
    }
}

/// `status  count  paid  expected  fees` per status and currency.
fn write_summary(out: &mut impl Write, s: &reconcile::Summary) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<20} {:>8} {:>16} {:>16} {:>12}  currency",
        "status", "count", "paid", "expected", "fees"
    )?;
    for t in &s.totals {
        let cur = t
            .currency
            .as_deref()
            .and_then(payqr::code::currency::Currency::from_code);
        let fmt = |minor: i128| match cur {
            Some(c) => c.format_signed(minor),
            None => minor.to_string(),
        };
        writeln!(
            out,
            "{:<20} {:>8} {:>16} {:>16} {:>12}  {}",
            t.status.as_str(),
            t.count,
            fmt(t.paid_minor),
            fmt(i128::from(t.expected_minor)),
            fmt(t.fee_minor),
            t.currency.as_deref().unwrap_or("-")
        )?;
    }
    Ok(())
}

/// Net money per file or per day: `FILE|DAY  payments  refunds  net paid
/// fees  currency`, to check against the provider's own summary.
fn write_nets(out: &mut impl Write, what: &str, nets: &[reconcile::Net]) -> std::io::Result<()> {
    if nets.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<28} {:>8} {:>8} {:>16} {:>12}  currency",
        format!("net per {what}"),
        "payments",
        "refunds",
        "net paid",
        "fees"
    )?;
    for n in nets {
        let cur = n
            .currency
            .as_deref()
            .and_then(payqr::code::currency::Currency::from_code);
        let paid = match cur {
            Some(c) => c.format_signed(n.paid_minor),
            None => n.paid_minor.to_string(),
        };
        writeln!(
            out,
            "{:<28} {:>8} {:>8} {:>16} {:>12}  {}",
            payqr::sanitize::for_terminal(&n.key),
            n.payments,
            n.refunds,
            paid,
            n.fee,
            n.currency.as_deref().unwrap_or("-")
        )?;
        if n.fees_below_minor_unit > 0 {
            writeln!(
                out,
                "{:<28} {} fee(s) finer than the minor unit: in this line's fees, not in the status totals",
                "", n.fees_below_minor_unit
            )?;
        }
    }
    Ok(())
}
