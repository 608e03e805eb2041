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
use payqr::code::{CodeId, Kind, SignedCode};
use payqr::emv;
use payqr::fs::atomic::Staged;
use payqr::input::encoding::TextEncoding;
use payqr::issue::batch::{self, BatchError, Defaults};
use payqr::issue::issuance::{self, Formats, Job, LedgerSession, MODULE_PX, Manifest, Tally};
use payqr::issue::notice::NoticeStyle;
use payqr::issue::render;
use payqr::ledger::{Backend, Ledger, PgLedger, Record};
use payqr::trust::keys::IssuerKey;

use super::{CmdResult, Failure, Outcome, check_outputs, time_or_now, tz_or_local};

const QUIET: u32 = render::DEFAULT_QUIET_MODULES;

/// Exit status of a batch stopped by Ctrl-C (the shell's 128 + SIGINT).
const EXIT_INTERRUPTED: u8 = 130;

/// Sign payment codes: one from flags, or a batch from a CSV file.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  payqr issue --key keys/bj.key --amount 200.00 --currency CNY --payee 110000-FINES \\
      --ref 京A12345 --description 闯红灯 --expires-in 4h --png fine.png --ledger ledger.jsonl
  payqr issue --key keys/bj.key --from fines.csv --out-dir out/ --format png,svg \\
      --manifest out/manifest.csv --ledger ledger.jsonl --currency CNY --payee 110000-FINES --expires-in 4h

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
    /// fine or bill.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<Kind>,
    /// Amount in major units, e.g. 200.00 (exact; the currency sets the decimals).
    #[arg(long, value_name = "AMOUNT")]
    pub amount: Option<String>,
    /// ISO 4217 currency code, e.g. CNY.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
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
        value_delimiter = ','
    )]
    pub format: Vec<String>,
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
    /// *.csv), or PostgreSQL (postgres://USER@HOST/DB?schema=NAME; single codes).
    #[arg(long, value_name = "FILE|URL")]
    pub ledger: Option<PathBuf>,
    /// Issue time (default: now); a fixed time makes a batch reproducible.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Offset for times without one and for display (default: this machine's).
    #[arg(long, value_name = "OFFSET")]
    pub tz: Option<String>,
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
        (Profile::Pq, Some(_)) => Err(Failure::new("--emv-config needs --profile emv")),
        (Profile::Emv, None) => Err(Failure::new("--profile emv needs --emv-config FILE")
            .hint("docs/FORMAT.md section 5 describes the file")),
        (Profile::Emv, Some(p)) => Ok(Some(emv::config::Config::load(p)?)),
    }
}

pub fn run(a: Args) -> CmdResult {
    check_files(&a)?;
    let tz = tz_or_local(a.tz.as_deref())?;
    let now = time_or_now(a.now.as_deref(), tz)?;
    let key = IssuerKey::load(&a.key)?;
    let defaults = Defaults {
        kind: a.kind,
        currency: match &a.currency {
            Some(c) => Some(Currency::from_code(c).ok_or_else(|| {
                Failure::new(format!("--currency: {c:?} is not an ISO 4217 currency"))
            })?),
            None => None,
        },
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
    let to_pg = a.ledger.as_deref().is_some_and(Backend::is_postgres);
    match &a.from {
        Some(_) if to_pg => Err(Failure::new(
            "--ledger: a batch (--from) cannot yet record into a PostgreSQL ledger",
        )
        .hint(
            "issue the batch into a JSON-lines file ledger and `payqr ledger import` it into an \
             empty PostgreSQL ledger, or issue codes one at a time",
        )),
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
    let need = |flag: &str| {
        Failure::new(format!("{flag} is required for a single code"))
            .hint("batch issuance takes --from FILE.csv --out-dir DIR")
    };
    // Reuse the batch row checks so a single code obeys exactly the same rules.
    let mut line = String::from("reference,amount\n");
    let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    line.push_str(&field(a.reference.as_deref().ok_or_else(|| need("--ref"))?));
    line.push(',');
    line.push_str(&field(a.amount.as_deref().ok_or_else(|| need("--amount"))?));
    line.push('\n');
    let mut d = d.clone();
    d.kind = Some(d.kind.unwrap_or(Kind::Fine));
    let rows = batch::parse_batch(Path::new("flags"), line.as_bytes(), &d, now, tz).map_err(
        |e| match e {
            BatchError::Rows(errs) => {
                let e = &errs[0];
                let flag = match e.field.as_str() {
                    "reference" => "--ref".to_string(),
                    "expires_at" | "expires_in" => "--expires-in/--expires-at".to_string(),
                    f => format!("--{f}"),
                };
                Failure::new(format!("{flag}: {}", e.problem))
            }
            other => Failure::new(other),
        },
    )?;
    let row = &rows[0];
    let mut code = row.to_code(key, now);
    code.code_id = CodeId::random();
    let (signed, text) = emv::profile::sign_payload(&code, &key.signing_key, emv.as_ref())?;
    let symbol = render::encode(&text).map_err(Failure::new)?;

    // A PostgreSQL ledger: the reference is checked now, before any
    // image is written, and again atomically when the code is recorded.
    let mut pg = match a.ledger.as_deref() {
        Some(p) if Backend::is_postgres(p) => {
            let mut pg = PgLedger::open(&p.to_string_lossy())?;
            if let Some(prev) = pg.code_for_reference(&key.issuer, &row.reference)? {
                return Err(Failure::new(format!(
                    "reference {:?} was already issued as code {prev}",
                    row.reference
                ))
                .hint(
                    "each fine or bill reference gets one code; check the ledger before reissuing",
                ));
            }
            Some(pg)
        }
        _ => None,
    };
    let ledger = match pg {
        Some(_) => None,
        None => a.ledger.as_ref().map(|p| Ledger::new(p)),
    };
    let guard = match &ledger {
        Some(l) => {
            let lock = l.lock()?;
            // Only references matter here: a big ledger costs ~50 bytes a code.
            let state = l.load_references(&lock)?;
            if let Some(prev) = state.code_for_reference(&key.issuer, &row.reference) {
                return Err(Failure::new(format!(
                    "reference {:?} was already issued as code {prev}",
                    row.reference
                ))
                .hint(
                    "each fine or bill reference gets one code; check the ledger before reissuing",
                ));
            }
            Some((lock, state))
        }
        None => None,
    };
    // Both images or neither: a failure leaves any old files whole, and
    // the code is recorded only once its images are in place.
    let mut images = Staged::default();
    if let Some(p) = &a.png {
        images.add(p, &symbol.to_png(MODULE_PX, QUIET))?;
    }
    if let Some(p) = &a.svg {
        images.add(p, symbol.to_svg(MODULE_PX, QUIET).as_bytes())?;
    }
    images.commit()?;
    if let (Some(l), Some((lock, mut state))) = (&ledger, guard) {
        l.append(&lock, &mut state, vec![Record::issued(&signed, now)])?;
    }
    if let Some(pg) = pg.as_mut() {
        pg.append(vec![Record::issued(&signed, now)])?;
    }
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{}", code_json(&signed, &text, symbol.version(), tz))?;
    } else {
        writeln!(out, "{text}")?;
    }
    if a.terminal {
        write!(out, "{}", symbol.to_terminal())?;
    }
    eprintln!(
        "payqr: issued {} {} {} {}, code {}, QR version {}, expires {}",
        signed.code.kind,
        signed.code.currency.format_amount(signed.code.amount),
        signed.code.currency,
        payqr::sanitize::for_terminal(&signed.code.reference),
        signed.code.code_id,
        symbol.version(),
        time::format_in(signed.code.expires_at, tz)
    );
    Ok(Outcome::Success)
}

fn code_json(s: &SignedCode, text: &str, version: u8, tz: FixedOffset) -> serde_json::Value {
    let c = &s.code;
    json!({
        "code_id": c.code_id.to_string(), "issuer": c.issuer, "key_id": c.key_id.to_string(),
        "kind": c.kind.as_str(), "amount_minor": c.amount, "amount": c.currency.format_amount(c.amount),
        "currency": c.currency.code, "payee": c.payee, "reference": c.reference,
        "description": c.description, "issued_at": time::format_in(c.issued_at, tz),
        "expires_at": time::format_in(c.expires_at, tz), "qr_version": version, "payload": text,
    })
}

fn parse_formats(list: &[String]) -> Result<Formats, Failure> {
    let mut f = Formats::default();
    for item in list {
        match item.trim().to_ascii_lowercase().as_str() {
            "png" => f.png = true,
            "svg" => f.svg = true,
            "notice-svg" => f.notice_svg = true,
            other => {
                return Err(Failure::new(format!(
                    "--format: unknown format {other:?} (png, svg, notice-svg)"
                )));
            }
        }
    }
    Ok(f)
}

/// Set by Ctrl-C; the batch stops after the chunk in hand.
static STOP: AtomicBool = AtomicBool::new(false);

fn run_batch(
    a: &Args,
    csv: &Path,
    key: &IssuerKey,
    d: &Defaults,
    now: u64,
    tz: FixedOffset,
) -> CmdResult {
    let started = Instant::now();
    let formats = parse_formats(&a.format)?;
    let out_dir = a
        .out_dir
        .as_ref()
        .expect("clap requires --out-dir with --from");
    let emv = emv_config(a)?;
    // First pass: the whole file is checked before anything is written.
    let total = batch::validate(csv, d, now, tz).map_err(|e| batch_failure(csv, e))?;
    if emv.is_some() {
        check_emv_fits(csv, key, d, now, tz)?;
    }
    let sign = |code: &payqr::code::Code| {
        emv::profile::sign_payload(code, &key.signing_key, emv.as_ref()).map_err(|e| e.to_string())
    };

    // Hold the ledger lock for the whole batch: two clerks running the same
    // file at once must not both issue a code for one reference.
    let ledger = a.ledger.as_ref().map(|p| Ledger::new(p));
    let mut held = match &ledger {
        Some(l) => {
            let lock = if a.dry_run {
                l.lock_shared()?
            } else {
                l.lock()?
            };
            // Resuming needs only which references have a code: the
            // references-only state keeps a 1,000,000-code ledger in ~50 MB.
            let state = l.load_references(&lock)?;
            Some((lock, state))
        }
        None => None,
    };
    if a.dry_run {
        return dry_run(a, csv, key, d, now, tz, total, held.as_ref().map(|h| &h.1));
    }

    std::fs::create_dir_all(out_dir)
        .map_err(|e| Failure::new(format!("{}: {e}", out_dir.display())))?;
    let mut manifest = match &a.manifest {
        Some(m) => Some(Manifest::create(m).map_err(Failure::new)?),
        None => None,
    };
    let job = Job {
        key,
        issued_at: now,
        out_dir,
        formats,
        notice: NoticeStyle {
            issuer_name: key.name.clone(),
            tz,
        },
        payload_text: &sign,
        reissue: a.reissue,
        chunk_rows: issuance::chunk_rows(),
    };
    // Ctrl-C asks the batch to stop after the chunk in hand; a second one
    // cannot be caught that way, so it falls back to the default (kill),
    // which the ledger and temp-file discipline also survive.
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::Relaxed));
    let bar = progress_bar(total);
    let rows = batch::rows(csv, d, now, tz).map_err(|e| batch_failure(csv, e))?;
    let session = match (&ledger, held.as_mut()) {
        (Some(ledger), Some((lock, state))) => Some(LedgerSession {
            ledger,
            lock,
            state,
        }),
        _ => None,
    };
    let result = issuance::issue(&job, rows, session, manifest.as_mut(), &STOP, &|| {
        bar.inc(1)
    });
    bar.finish_and_clear();
    // The manifest lists whatever was issued, also after an interruption
    // or an error (those codes are in the ledger too).
    if let Some(m) = manifest {
        m.finish().map_err(Failure::new)?;
    }
    drop(held);
    let tally = result.map_err(|e| {
        Failure::new(e).hint(
            "codes issued before this point are in the ledger and manifest; rerun the same command to continue",
        )
    })?;

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
    for (line, id) in tally.paid.iter().take(20) {
        eprintln!(
            "payqr: {}:{line}: not reissued: code {id} was already redeemed (paid)",
            payqr::sanitize::for_terminal(&csv.display().to_string())
        );
    }
    if tally.paid.len() > 20 {
        eprintln!("payqr: ... and {} more not reissued", tally.paid.len() - 20);
    }
    if interrupted {
        return Err(Failure {
            code: EXIT_INTERRUPTED,
            ..Failure::new(format!(
                "interrupted after {} of {total} row(s); rerun the same command to continue",
                tally.rows
            ))
        });
    }
    // Rows refused as already paid: the batch did the rest, but not all.
    Ok(Outcome::from_ok(tally.paid.is_empty()))
}

fn summary(t: &Tally, out_dir: &Path, secs: f64, rate: f64) -> String {
    let dist: Vec<String> = t
        .versions
        .iter()
        .map(|(v, n)| format!("v{v}:{n}"))
        .collect();
    let mut reissued = if t.reissued > 0 {
        format!(" ({} reissued)", t.reissued)
    } else {
        String::new()
    };
    if !t.paid.is_empty() {
        reissued.push_str(&format!(", {} not reissued (already paid)", t.paid.len()));
    }
    format!(
        "issued {} code(s){reissued}, skipped {} already in the ledger, wrote {} file(s) to {} in {secs:.2} s ({rate:.0} codes/s, QR versions {})",
        t.issued,
        t.skipped,
        t.files,
        out_dir.display(),
        if dist.is_empty() {
            "-".to_string()
        } else {
            dist.join(" ")
        }
    )
}

/// The EMV profile takes ASCII references of limited length only: check
/// every row (one more streaming pass) before anything is written.
fn check_emv_fits(
    csv: &Path,
    key: &IssuerKey,
    d: &Defaults,
    now: u64,
    tz: FixedOffset,
) -> Result<(), Failure> {
    let mut bad = Vec::new();
    for row in batch::rows(csv, d, now, tz).map_err(|e| batch_failure(csv, e))? {
        let row = row.map_err(|e| Failure::new(e.to_string()))?;
        if let Err(e) = emv::profile::check_fits(&row.to_code(key, now)) {
            bad.push(format!("{}:{}: {e}", csv.display(), row.line));
        }
    }
    if bad.is_empty() {
        return Ok(());
    }
    Err(Failure::new(format!(
        "{}: {} row(s) do not fit the EMV profile; nothing was issued",
        csv.display(),
        bad.len()
    ))
    .details(bad))
}

fn batch_failure(csv: &Path, e: BatchError) -> Failure {
    match e {
        BatchError::Rows(errs) => {
            let more = if errs.len() >= batch::MAX_ROW_ERRORS {
                " (stopped counting)"
            } else {
                ""
            };
            Failure::new(format!(
                "{}: {} bad row(s){more}; nothing was issued",
                csv.display(),
                errs.len()
            ))
            .details(errs.iter().map(ToString::to_string).collect())
        }
        other => Failure::new(other),
    }
}

/// `--dry-run`: the file is valid; say what a real run would do.
#[allow(clippy::too_many_arguments)]
fn dry_run(
    a: &Args,
    csv: &Path,
    key: &IssuerKey,
    d: &Defaults,
    now: u64,
    tz: FixedOffset,
    total: u64,
    state: Option<&payqr::ledger::LedgerState>,
) -> CmdResult {
    let mut known = 0u64;
    if let Some(st) = state {
        for row in batch::rows(csv, d, now, tz).map_err(|e| batch_failure(csv, e))? {
            let row = row.map_err(Failure::new)?;
            known += u64::from(st.code_for_reference(&key.issuer, &row.reference).is_some());
        }
    }
    let (issue, skip) = if a.reissue {
        (total, 0)
    } else {
        (total - known, known)
    };
    if a.json {
        let v = json!({"dry_run": true, "rows": total, "would_issue": issue, "would_skip": skip});
        writeln!(std::io::stdout().lock(), "{v}")?;
    }
    eprintln!(
        "payqr: {}: {total} row(s) OK; would issue {issue}, skip {skip} already in the ledger; nothing written (--dry-run)",
        payqr::sanitize::path_for_terminal(csv)
    );
    Ok(Outcome::Success)
}

/// A progress bar on stderr, drawn only when stderr is a terminal (a
/// script's log should not fill up with bar redraws).
fn progress_bar(len: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{wide_bar} {pos}/{len} rows {per_sec} ETA {eta}")
            .expect("static template"),
    );
    bar
}
