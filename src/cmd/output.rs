//! What verify and redeem share: reading payloads from images, `--text` or
//! stdin, and printing verdicts as text or JSON lines.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use chrono::FixedOffset;
use serde_json::json;

use payqr::code::time;
use payqr::sanitize::for_terminal;
use payqr::trust::TrustList;
use payqr::verify::scan;
use payqr::verify::{Clock, MAX_SKEW, Status, Verdict};

use crate::cmd::{Failure, time_or_now, tz_or_local};

/// What verify and redeem both take: where the codes come from, whom to
/// trust, and when to judge them.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Images (PNG, JPEG, WebP, ...); `-` reads payload texts from stdin, one per line.
    #[arg(value_name = "IMAGE")]
    pub images: Vec<PathBuf>,
    /// A payload text, as a scanner gun types it.
    #[arg(long, value_name = "PAYLOAD")]
    pub text: Option<String>,
    /// Trust list of accepted issuers and keys.
    #[arg(long, value_name = "FILE")]
    pub trust: PathBuf,
    /// Judge as of this time instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Tolerated clock difference between issuer and verifier (at most 1h).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub skew: String,
    /// Offset for displayed times and times without one (default: this machine's).
    #[arg(long, value_name = "OFFSET")]
    pub tz: Option<String>,
    /// One JSON object per code.
    #[arg(long)]
    pub json: bool,
}

/// [`CheckArgs`] parsed and loaded.
pub struct Check {
    pub inputs: Inputs,
    pub trust: TrustList,
    pub clock: Clock,
    pub tz: FixedOffset,
    pub json: bool,
}

impl CheckArgs {
    pub fn resolve(&self) -> Result<Check, Failure> {
        let tz = tz_or_local(self.tz.as_deref())?;
        let skew = payqr::code::time::parse_duration(&self.skew)?;
        if skew > MAX_SKEW {
            return Err(Failure::new(format!(
                "--skew {}: more than the limit of 1h",
                self.skew.trim()
            ))
            .hint("a clock off by more than an hour is to be set right, not tolerated"));
        }
        let clock = Clock {
            at: time_or_now(self.at.as_deref(), tz)?,
            skew,
        };
        let inputs = Inputs::from_args(&self.images, self.text.clone())?;
        let trust = TrustList::load(&self.trust).map_err(|e| {
            Failure::new(e).hint("create one with: payqr trust add ISSUER.pub --trust FILE")
        })?;
        Ok(Check {
            inputs,
            trust,
            clock,
            tz,
            json: self.json,
        })
    }
}

/// Where payloads come from.
pub enum Inputs {
    Images(Vec<PathBuf>),
    Text(String),
    Stdin,
}

impl Inputs {
    pub fn from_args(images: &[PathBuf], text: Option<String>) -> Result<Inputs, Failure> {
        match (images, text) {
            ([], Some(t)) => Ok(Inputs::Text(t)),
            ([one], None) if one.as_os_str() == "-" => Ok(Inputs::Stdin),
            ([], None) => Err(Failure::new("nothing to check")
                .hint("give image files, --text PAYLOAD, or - to read payloads from stdin")),
            (imgs, None) => Ok(Inputs::Images(imgs.to_vec())),
            (_, Some(_)) => Err(Failure::new("give either images or --text, not both")),
        }
    }
}

/// One thing to judge: a payload text, or an image with no code in it.
pub struct Item {
    pub source: String,
    pub text: Option<String>,
}

/// Feeds every payload to `f` as it arrives (a scanner gun on stdin gets
/// its verdict line by line). Unreadable images are reported on stderr
/// and counted; the caller turns that count into exit status 2.
pub fn for_each_item(
    inputs: &Inputs,
    mut f: impl FnMut(Item) -> Result<(), Failure>,
) -> Result<usize, Failure> {
    let mut errors = 0;
    match inputs {
        Inputs::Text(t) => f(Item {
            source: "text".into(),
            text: Some(t.clone()),
        })?,
        Inputs::Stdin => {
            let stdin = std::io::stdin();
            for (i, line) in stdin.lock().lines().enumerate() {
                let line = line.map_err(|e| Failure::new(format!("reading stdin: {e}")))?;
                if line.trim().is_empty() {
                    continue;
                }
                f(Item {
                    source: format!("stdin:{}", i + 1),
                    text: Some(line),
                })?;
            }
        }
        Inputs::Images(paths) => {
            for (path, result) in paths.iter().zip(scan_in_parallel(paths)) {
                match result {
                    Ok(texts) if texts.is_empty() => f(Item {
                        source: path.display().to_string(),
                        text: None,
                    })?,
                    Ok(texts) => {
                        let many = texts.len() > 1;
                        for (i, text) in texts.into_iter().enumerate() {
                            let source = if many {
                                format!("{}#{}", path.display(), i + 1)
                            } else {
                                path.display().to_string()
                            };
                            f(Item {
                                source,
                                text: Some(text),
                            })?;
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        let line = format!("{}: {e}", path.display());
                        eprintln!("payqr: error: {}", for_terminal(&line));
                    }
                }
            }
        }
    }
    Ok(errors)
}

/// Like [`for_each_item`], but stdin lines come in batches: whatever has
/// arrived (up to `max` lines) while the previous batch was handled. A
/// scanner gun still gets each verdict at once (its batches hold one line);
/// a pipe of 100,000 payloads is handled a few thousand at a time. Images
/// and `--text` come one per batch.
pub fn for_each_batch(
    inputs: &Inputs,
    max: usize,
    mut f: impl FnMut(Vec<Item>) -> Result<(), Failure>,
) -> Result<usize, Failure> {
    if !matches!(inputs, Inputs::Stdin) {
        return for_each_item(inputs, |item| f(vec![item]));
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(max);
    // The reader thread blocks on stdin so the batcher can see what is
    // already waiting without blocking.
    std::thread::spawn(move || {
        for (i, line) in std::io::stdin().lock().lines().enumerate() {
            let stop = line.is_err();
            if tx.send(line.map(|l| (i, l))).is_err() || stop {
                return;
            }
        }
    });
    let item = |line: std::io::Result<(usize, String)>| {
        let (i, text) = line.map_err(|e| Failure::new(format!("reading stdin: {e}")))?;
        Ok::<_, Failure>((!text.trim().is_empty()).then(|| Item {
            source: format!("stdin:{}", i + 1),
            text: Some(text),
        }))
    };
    while let Ok(first) = rx.recv() {
        let mut batch: Vec<Item> = item(first)?.into_iter().collect();
        while batch.len() < max {
            let Ok(next) = rx.try_recv() else { break };
            batch.extend(item(next)?);
        }
        if !batch.is_empty() {
            f(batch)?;
        }
    }
    Ok(0)
}

/// Scans `paths` on every core, yielding the results in input order, each
/// as soon as it and all before it are done (so the first verdict prints
/// while later photos are still being read). Stops scanning when the
/// consumer stops iterating.
fn scan_in_parallel(paths: &[PathBuf]) -> impl Iterator<Item = ScanResult> + '_ {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(paths.len());
    let (tx, rx) = mpsc::channel::<(usize, ScanResult)>();
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    for _ in 0..workers {
        let (tx, next, stop) = (tx.clone(), Arc::clone(&next), Arc::clone(&stop));
        let paths = paths.to_vec();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(i) else { break };
                if tx.send((i, scan::scan_file(path))).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let mut pending: BTreeMap<usize, ScanResult> = BTreeMap::new();
    let mut want = 0;
    let guard = StopOnDrop(stop);
    std::iter::from_fn(move || {
        let _ = &guard;
        while !pending.contains_key(&want) {
            let (i, r) = rx.recv().ok()?;
            pending.insert(i, r);
        }
        want += 1;
        pending.remove(&(want - 1))
    })
}

type ScanResult = Result<Vec<String>, scan::ScanError>;

/// Tells the scanning threads to finish after their current image.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Longest `--txn` value accepted, in bytes.
pub const MAX_TXN_LEN: usize = 64;

/// Checks a `--txn` value before it is stored in the ledger and printed
/// by reconcile: 1 to [`MAX_TXN_LEN`] bytes, nothing
/// [`payqr::sanitize::is_unsafe`] (exit 2 otherwise).
pub fn check_txn(txn: &str) -> Result<(), Failure> {
    let problem = match txn {
        "" => Some("must not be empty".to_owned()),
        t => payqr::sanitize::check_text(t, MAX_TXN_LEN).err(),
    };
    match problem {
        Some(p) => Err(Failure::new(format!("--txn: {p}"))),
        None => Ok(()),
    }
}

/// A verdict for an image without any QR code.
pub fn no_code() -> Verdict {
    Verdict {
        status: Status::NoCode,
        code: None,
        issuer_name: None,
        reason: Some("no QR code found in the image".into()),
        redemption: None,
    }
}

/// "200.00 CNY fine, ref 京A12345, payee X, code 0123…, issuer NAME (id)"
fn facts(v: &Verdict) -> String {
    let Some(sc) = &v.code else {
        return String::new();
    };
    let c = &sc.code;
    let issuer = match &v.issuer_name {
        Some(n) => format!("{} ({})", for_terminal(n), c.issuer),
        None => c.issuer.clone(),
    };
    let desc = c
        .description
        .as_deref()
        .map(|d| format!(" \"{}\"", for_terminal(d)))
        .unwrap_or_default();
    format!(
        "{} {} {}{desc}, ref {}, payee {}, issuer {issuer}, code {}",
        c.kind,
        c.currency.format_amount(c.amount),
        c.currency,
        for_terminal(&c.reference),
        for_terminal(&c.payee),
        c.code_id,
    )
}

/// What follows the status word on a human line: the reason (when not
/// valid) and the decoded facts, or the time left for a valid code.
pub fn describe(v: &Verdict, at: u64, tz: FixedOffset) -> String {
    let facts = facts(v);
    match (v.status, &v.code) {
        (Status::Valid, Some(sc)) => {
            let exp = sc.code.expires_at;
            format!(
                "{facts}; expires in {} ({})",
                time::humanize(exp.saturating_sub(at)),
                time::format_in(exp, tz)
            )
        }
        _ => {
            let reason = v.reason.as_deref().map(for_terminal).unwrap_or_default();
            if facts.is_empty() {
                reason
            } else {
                format!("{reason}: {facts}")
            }
        }
    }
}

/// `SOURCE: STATUS: details` as `payqr verify` prints it. "Not yet paid"
/// only when a ledger said so (`ledger_checked`).
pub fn human_line(
    source: &str,
    v: &Verdict,
    ledger_checked: bool,
    at: u64,
    tz: FixedOffset,
) -> String {
    let label = match v.status {
        Status::Valid if ledger_checked => "valid: official, unexpired, not yet paid",
        Status::Valid => "valid: official, unexpired; payment status not checked (no --ledger)",
        s => s.as_str(),
    };
    format!("{}: {label}: {}", for_terminal(source), describe(v, at, tz))
}

pub fn json_value(source: &str, v: &Verdict, tz: FixedOffset) -> serde_json::Value {
    let mut o = json!({ "source": source, "status": v.status.as_str() });
    let m = o.as_object_mut().expect("object");
    if let Some(r) = &v.reason {
        m.insert("reason".into(), json!(r));
    }
    if let Some(sc) = &v.code {
        let c = &sc.code;
        m.insert("issuer".into(), json!(c.issuer));
        m.insert("issuer_name".into(), json!(v.issuer_name));
        m.insert("key_id".into(), json!(c.key_id.to_string()));
        m.insert("code_id".into(), json!(c.code_id.to_string()));
        m.insert("kind".into(), json!(c.kind.as_str()));
        m.insert("amount_minor".into(), json!(c.amount));
        m.insert("amount".into(), json!(c.currency.format_amount(c.amount)));
        m.insert("currency".into(), json!(c.currency.code));
        m.insert("payee".into(), json!(c.payee));
        m.insert("reference".into(), json!(c.reference));
        m.insert("description".into(), json!(c.description));
        m.insert("issued_at".into(), json!(time::format_in(c.issued_at, tz)));
        m.insert(
            "expires_at".into(),
            json!(time::format_in(c.expires_at, tz)),
        );
    }
    if let Some(r) = &v.redemption {
        m.insert("redeemed_at".into(), json!(time::format_in(r.time, tz)));
        m.insert("redeemed_txn".into(), json!(r.txn));
    }
    o
}

/// One verdict of `payqr verify`; `ledger_checked`: whether a ledger was
/// given, so that a valid code is known to be unpaid (JSON field
/// `ledger_checked`).
pub fn emit(
    out: &mut impl Write,
    json: bool,
    source: &str,
    v: &Verdict,
    ledger_checked: bool,
    at: u64,
    tz: FixedOffset,
) -> Result<(), Failure> {
    if json {
        let mut j = json_value(source, v, tz);
        j["ledger_checked"] = json!(ledger_checked);
        writeln!(out, "{j}")?;
    } else {
        writeln!(out, "{}", human_line(source, v, ledger_checked, at, tz))?;
    }
    // Line by line: a counter clerk with a scanner gun waits for this line.
    out.flush()?;
    Ok(())
}
