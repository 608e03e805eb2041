//! `payqr issue`: sign codes, one from flags or a batch from CSV, render
//! them as PNG/SVG QR images, and record them in the ledger.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use chrono::FixedOffset;
use serde_json::json;

use payqr::code::currency::Currency;
use payqr::code::time;
use payqr::code::{Kind, SignedCode};
use payqr::emv;
use payqr::input::encoding::TextEncoding;
use payqr::issue::Request;
use payqr::issue::batch::Defaults;
use payqr::issue::issuance::{self, Tally};
use payqr::issue::run::{self, Batch, Watch};
use payqr::issue::single::{IssuedCode, Single, issue_single};
use payqr::ledger::Backend;
use payqr::trust::keys::IssuerKey;

use super::flags::{self, OutFormat};
use super::{CmdResult, Failure, Outcome, check_outputs, time_or_now};

mod error;

use error::Error;

/// Sign payment codes: one from flags, or a batch from a CSV file.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  payqr issue --key keys/bj.key --amount 200.00 --currency CNY --payee 110000-FINES \\
      --ref 京A12345 --description 闯红灯 --expires-in 4h --png fine.png --ledger ledger.jsonl
  payqr issue --key keys/bj.key --from fines.csv --out-dir out/ --format png,svg \\
      --manifest out/manifest.csv --ledger ledger.jsonl --currency CNY --payee 110000-FINES \\
      --expires-in 4h

  payqr issue --key keys/bj.key --from fines.csv --out-dir notices/ --format notice-svg \\
      --ledger ledger.jsonl --currency CNY --payee 110000-FINES --expires-in 30d --tz +08:00

  payqr issue --key keys/bj.key --profile emv --emv-config emv.json --amount 200.00 \\
      --currency CNY --payee 110000-FINES --ref BJ2611230001 --expires-in 4h --png fine.png

Batch CSV columns: reference, amount (required); kind, currency, payee, expires_at or
expires_in, description (optional; default to the flags). The whole file is checked
first: any bad row is reported as FILE:LINE: field: problem and nothing is written
(--dry-run stops there). Files go to OUT_DIR/XX/CODE_ID.EXT, XX being the first two
hex digits of the code id. Ledger records are appended as files are written, so an
interrupted batch (Ctrl-C, exit status 130) keeps what it finished: rerun the same
command and rows whose reference the ledger already holds are skipped.")]
pub struct Args {
    /// The issuer's secret key file (PREFIX.key).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,
    #[command(flatten)]
    pub unlock: super::unlock::UnlockArgs,
    /// fine or bill (default fine, for single codes and batch rows without a kind).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<Kind>,
    /// Amount in major units, e.g. 200.00: digits, '.' and fraction digits, no ',' (exact; the currency sets the decimals).
    #[arg(long, value_name = "AMOUNT")]
    pub amount: Option<String>,
    /// ISO 4217 currency code, e.g. CNY.
    #[arg(long, value_name = "CODE", value_parser = flags::currency)]
    pub currency: Option<Currency>,
    /// Account that receives the payment.
    #[arg(long, value_name = "ACCOUNT")]
    pub payee: Option<String>,
    /// Fine number, plate or bill account (UTF-8).
    #[arg(long = "ref", value_name = "REFERENCE")]
    pub reference: Option<String>,
    /// Short description, e.g. 闯红灯.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Validity from the issue time, e.g. 4h, 30d.
    #[arg(long, value_name = "DURATION", conflicts_with = "expires_at")]
    pub expires_in: Option<String>,
    /// Absolute expiry time.
    #[arg(long, value_name = "TIME")]
    pub expires_at: Option<String>,
    /// Write the QR code as PNG (single code).
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Write the QR code as SVG (single code).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Draw the QR code in the terminal (single code).
    #[arg(long)]
    pub terminal: bool,
    /// Batch: CSV of codes to issue.
    #[arg(long, value_name = "FILE.csv", requires = "out_dir", conflicts_with_all = ["reference", "png", "svg", "terminal"])]
    pub from: Option<PathBuf>,
    /// Batch: encoding of the CSV, utf-8 (default) or gbk (gb18030), as Chinese Excel saves it.
    #[arg(long, value_name = "ENCODING", requires = "from")]
    pub encoding: Option<String>,
    /// Batch: directory for the images (named CODE_ID.png / .svg).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Batch: formats, comma-separated: png, svg (QR images), notice-svg
    /// (printable A6 notice with the QR code and the fine's details).
    #[arg(
        long,
        value_name = "LIST",
        default_value = "png",
        value_delimiter = ',',
        value_parser = flags::out_format
    )]
    pub format: Vec<OutFormat>,
    /// Batch: write a CSV manifest of every code issued.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Batch: check the file (and count rows the ledger already holds),
    /// write nothing.
    #[arg(long, requires = "from")]
    pub dry_run: bool,
    /// Batch: issue a new code for references the ledger already holds;
    /// the ledger records which code each one replaces, which is refused
    /// from then on. A reference whose code was already redeemed is not
    /// reissued (reported; exit 1).
    #[arg(long, requires_all = ["from", "ledger"])]
    pub reissue: bool,
    /// Record issued codes in this ledger: a file (JSON lines, or CSV if
    /// *.csv), or PostgreSQL (postgres://USER@HOST/DB?schema=NAME).
    #[arg(long, value_name = "FILE|URL")]
    pub ledger: Option<PathBuf>,
    /// Issue time (default: now); a fixed time makes a batch reproducible.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Offset for times without one and for display (default: this machine's).
    #[arg(long, value_name = "OFFSET", value_parser = flags::tz)]
    pub tz: Option<FixedOffset>,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Payload profile: pq (a PQ1: text) or emv (an EMV MPM payload wallets
    /// can pay, carrying the signature; needs --emv-config).
    #[arg(long, value_name = "PROFILE", default_value = "pq")]
    pub profile: Profile,
    /// EMV profile: the issuer's EMV settings (merchant account, MCC,
    /// country, name, city), JSON; see docs/FORMAT.md.
    #[arg(long, value_name = "FILE")]
    pub emv_config: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Pq,
    Emv,
}

/// The EMV configuration when the EMV profile is chosen.
fn emv_config(a: &Args) -> Result<Option<emv::config::Config>, Failure> {
    match (a.profile, &a.emv_config) {
        (Profile::Pq, None) => Ok(None),
        (Profile::Pq, Some(_)) => Err(Error::EmvConfigUnused.into()),
        (Profile::Emv, None) => Err(Error::NeedEmvConfig.into()),
        (Profile::Emv, Some(p)) => Ok(Some(emv::config::Config::load(p)?)),
    }
}

pub fn run(a: Args) -> CmdResult {
    check_files(&a)?;
    let tz = a.tz.unwrap_or_else(time::local_offset);
    let now = time_or_now(a.now.as_deref(), tz)?;
    let key = super::unlock::load_key(&a.key, &a.unlock)?;
    let defaults = Defaults {
        // One rule for single codes and batch rows: fine unless said.
        kind: Some(a.kind.unwrap_or(Kind::Fine)),
        currency: a.currency,
        payee: a.payee.clone(),
        expires_in: a
            .expires_in
            .as_deref()
            .map(time::parse_duration)
            .transpose()?,
        expires_at: a
            .expires_at
            .as_deref()
            .map(|t| time::parse_time(t, now, tz))
            .transpose()?,
        description: a.description.clone(),
        encoding: a
            .encoding
            .as_deref()
            .map(TextEncoding::parse)
            .transpose()
            .map_err(|e| Failure::new(format!("--encoding: {e}")))?
            .unwrap_or_default(),
    };
    match &a.from {
        Some(csv) => run_batch(&a, csv, &key, &defaults, now, tz),
        None => run_single(&a, &key, &defaults, now, tz),
    }
}

/// Before anything is written: no output on an input, another output or a
/// key file, and no input where a batch puts a code's file.
fn check_files(a: &Args) -> Result<(), Failure> {
    let inputs = [
        ("--key", Some(a.key.as_path())),
        ("--from", a.from.as_deref()),
        ("--emv-config", a.emv_config.as_deref()),
    ];
    let outputs = [
        ("--png", a.png.as_deref()),
        ("--svg", a.svg.as_deref()),
        ("--manifest", a.manifest.as_deref()),
        ("--ledger", a.ledger.as_deref()),
    ];
    check_outputs(&inputs, &outputs)?;
    if let (Some(dir), Some(_)) = (&a.out_dir, &a.from) {
        let files: Vec<(&str, &Path)> = inputs
            .iter()
            .chain(&outputs)
            .filter_map(|(f, p)| Some((*f, (*p)?)))
            .collect();
        payqr::fs::clobber::check_out_dir(dir, &files, issuance::code_file_shard)?;
    }
    Ok(())
}

fn run_single(a: &Args, key: &IssuerKey, d: &Defaults, now: u64, tz: FixedOffset) -> CmdResult {
    let emv = emv_config(a)?;
    let request = Request {
        reference: Some(a.reference.as_deref().ok_or(Error::NeedFlag("--ref"))?),
        amount: Some(a.amount.as_deref().ok_or(Error::NeedFlag("--amount"))?),
        ..Request::default()
    };
    let ledger = a.ledger.as_deref().map(Backend::open).transpose()?;
    let single = Single {
        key,
        issued_at: now,
        emv: emv.as_ref(),
        png: a.png.as_deref(),
        svg: a.svg.as_deref(),
        ledger: ledger.as_ref(),
    };
    let IssuedCode {
        signed,
        text,
        symbol,
    } = issue_single(&request, d, tz, &single).map_err(Error::Single)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{}", code_json(&signed, &text, symbol.version()))?;
    } else {
        writeln!(out, "{text}")?;
    }
    if a.terminal {
        write!(out, "{}", symbol.to_terminal())?;
    }
    let lang = crate::cmd::lang();
    let kind = match signed.code.kind {
        Kind::Fine => payqr::i18n::verdict::kind_fine(lang),
        Kind::Bill => payqr::i18n::verdict::kind_bill(lang),
    };
    let line = payqr::i18n::cli::issued_one(
        lang,
        &kind,
        &signed.code.currency.format_amount(signed.code.amount),
        &signed.code.currency,
        &payqr::sanitize::for_terminal(&signed.code.reference),
        &signed.code.code_id,
        &symbol.version(),
        &time::format_in(signed.code.expires_at, tz),
    );
    eprintln!("{line}");
    Ok(Outcome::Success)
}

fn code_json(s: &SignedCode, text: &str, version: u8) -> serde_json::Value {
    let c = &s.code;
    json!({
        "code_id": c.code_id.to_string(), "issuer": c.issuer, "key_id": c.key_id.to_string(),
        "kind": c.kind.as_str(), "amount_minor": c.amount, "amount": c.currency.format_amount(c.amount),
        "currency": c.currency.code, "payee": c.payee, "reference": c.reference,
        "description": c.description, "issued_at": time::format_utc(c.issued_at),
        "expires_at": time::format_utc(c.expires_at), "qr_version": version, "payload": text,
    })
}

/// Set by Ctrl-C; the batch stops after the chunk in hand.
static STOP: AtomicBool = AtomicBool::new(false);

/// The progress bar, and Ctrl-C caught once writing begins.
struct Progress(indicatif::ProgressBar);

impl Watch for Progress {
    fn started(&self, rows: u64) {
        // Ctrl-C asks the batch to stop after the chunk in hand; a second
        // one cannot be caught that way, so it falls back to the default
        // (kill), which the ledger and temp-file discipline also survive.
        let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::Relaxed));
        self.0.set_length(rows);
        if std::io::stderr().is_terminal() {
            self.0
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn tick(&self) {
        self.0.inc(1);
    }
}

fn run_batch(
    a: &Args,
    csv: &Path,
    key: &IssuerKey,
    d: &Defaults,
    now: u64,
    tz: FixedOffset,
) -> CmdResult {
    let started = Instant::now();
    let out_dir = a
        .out_dir
        .as_ref()
        .expect("clap requires --out-dir with --from");
    let emv = emv_config(a)?;
    let ledger = a.ledger.as_deref().map(Backend::open).transpose()?;
    let batch = Batch {
        csv,
        defaults: d,
        tz,
        key,
        issued_at: now,
        out_dir,
        formats: issuance::Formats {
            notice_lang: crate::cmd::lang(),
            ..flags::formats(&a.format)
        },
        emv: emv.as_ref(),
        ledger: ledger.as_ref(),
        manifest: a.manifest.as_deref(),
        reissue: a.reissue,
        dry_run: a.dry_run,
        chunk_rows: issuance::chunk_rows(),
    };
    let bar = Progress(progress_bar());
    let result = run::run_batch(&batch, &STOP, &bar);
    bar.0.finish_and_clear();
    let (total, tally) = match result.map_err(Error::Batch)? {
        run::Outcome::DryRun {
            rows,
            would_issue,
            would_skip,
        } => {
            if a.json {
                let v = json!({"dry_run": true, "rows": rows, "would_issue": would_issue, "would_skip": would_skip});
                writeln!(std::io::stdout().lock(), "{v}")?;
            }
            eprintln!(
                "{}",
                payqr::i18n::admin::dry_run(
                    super::lang(),
                    &payqr::sanitize::path_for_terminal(csv),
                    &rows,
                    &would_issue,
                    &would_skip
                )
            );
            return Ok(Outcome::Success);
        }
        run::Outcome::Done { rows, tally } => (rows, tally),
    };

    let secs = started.elapsed().as_secs_f64();
    let rate = tally.issued as f64 / secs.max(1e-9);
    let interrupted = tally.rows < total;
    if a.json {
        let v = json!({
            "rows": total, "rows_done": tally.rows,
            "issued": tally.issued, "reissued": tally.reissued, "skipped": tally.skipped,
            "not_reissued_paid": tally.paid.iter().map(|(line, id)| json!({"line": line, "code_id": id.to_string()})).collect::<Vec<_>>(),
            "files": tally.files, "out_dir": out_dir.display().to_string(),
            "seconds": secs, "codes_per_second": rate, "interrupted": interrupted,
            "qr_versions": tally.versions.iter().map(|(v, n)| (v.to_string(), *n)).collect::<BTreeMap<_, _>>(),
        });
        writeln!(std::io::stdout().lock(), "{v}")?;
    }
    let summary = summary(&tally, out_dir, secs, rate);
    eprintln!("payqr: {}", payqr::sanitize::for_terminal(&summary));
    let lang = crate::cmd::lang();
    for (line, id) in tally.paid.iter().take(20) {
        let place = format!(
            "{}:{line}",
            payqr::sanitize::for_terminal(&csv.display().to_string())
        );
        eprintln!("{}", payqr::i18n::cli::not_reissued_row(lang, &place, id));
    }
    if tally.paid.len() > 20 {
        let more = tally.paid.len() - 20;
        eprintln!("{}", payqr::i18n::cli::not_reissued_more(lang, &more));
    }
    if interrupted {
        return Err(Error::Interrupted {
            done: tally.rows,
            total,
        }
        .into());
    }
    // Rows refused as already paid: the batch did the rest, but not all.
    Ok(Outcome::from_ok(tally.paid.is_empty()))
}

fn summary(t: &Tally, out_dir: &Path, secs: f64, rate: f64) -> String {
    use payqr::i18n::cli as msg;
    let lang = crate::cmd::lang();
    let dist: Vec<String> = t
        .versions
        .iter()
        .map(|(v, n)| format!("v{v}:{n}"))
        .collect();
    let mut reissued = if t.reissued > 0 {
        msg::batch_reissued(lang, &t.reissued)
    } else {
        String::new()
    };
    if !t.paid.is_empty() {
        reissued.push_str(&msg::batch_not_reissued(lang, &t.paid.len()));
    }
    let versions = if dist.is_empty() {
        "-".to_string()
    } else {
        dist.join(" ")
    };
    msg::issued_batch(
        lang,
        &t.issued,
        &reissued,
        &t.skipped,
        &t.files,
        &out_dir.display(),
        &format!("{secs:.2}"),
        &format!("{rate:.0}"),
        &versions,
    )
}

/// A progress bar on stderr, drawn (once writing begins) only when stderr
/// is a terminal: a script's log should not fill up with bar redraws.
fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::hidden();
    bar.set_style(super::progress::style());
    bar
}
