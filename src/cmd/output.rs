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
use payqr::trust::{Freshness, TrustList};
use payqr::verify::scan;
use payqr::verify::{Clock, Verdict};

use crate::cmd::verdict;
use crate::cmd::{Failure, flags};

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
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = flags::skew)]
    pub skew: u64,
    /// Offset for displayed times and times without one (default: this machine's).
    #[arg(long, value_name = "OFFSET", value_parser = flags::tz)]
    pub tz: Option<FixedOffset>,
    /// One JSON object per code.
    #[arg(long)]
    pub json: bool,
    /// Age past which a trust list from a bundle is reported stale.
    #[arg(long, value_name = "DURATION", default_value = "24h")]
    pub stale_after: String,
    /// Judge even with an expired trust bundle (every verdict records it).
    #[arg(long)]
    pub allow_stale: bool,
}

use crate::cmd::verdict::{TRUST_NOTE, TrustNote};
use payqr::i18n::{Lang, admin};

/// [`CheckArgs`] parsed and loaded.
pub struct Check {
    pub inputs: Inputs,
    pub trust: TrustList,
    pub clock: Clock,
    pub tz: FixedOffset,
    pub json: bool,
}

impl CheckArgs {
    pub fn resolve(&self) -> Result<Check, CheckError> {
        let tz = self.tz.unwrap_or_else(time::local_offset);
        let at = match self.at.as_deref() {
            Some(s) => time::parse_time(s, time::now(), tz).map_err(CheckError::At)?,
            None => time::now(),
        };
        let clock = Clock {
            at,
            skew: self.skew,
        };
        let inputs = Inputs::from_args(&self.images, self.text.clone())?;
        let trust = TrustList::load(&self.trust).map_err(CheckError::Trust)?;
        let stale_after =
            payqr::code::time::parse_duration(&self.stale_after).map_err(CheckError::StaleAfter)?;
        let lang = crate::cmd::lang();
        // Freshness is about the wall clock, not --at: a list is as old as
        // it is now, whatever time the codes are judged as of.
        let note = match trust.freshness(payqr::code::time::now(), stale_after) {
            Freshness::HandMade | Freshness::Fresh { .. } => None,
            Freshness::Stale { why, age } => Some(TrustNote {
                shown: stale_why(lang, &trust, &why, age, payqr::code::time::now()),
                why,
                allow_stale: false,
            }),
            Freshness::Expired { expires_at } => {
                let seq = trust.bundle().map_or(0, |b| b.sequence);
                let path = self.trust.display();
                let why = |lang| admin::bundle_expired(lang, &path, &seq, &expires_at);
                if !self.allow_stale {
                    return Err(CheckError::Expired(why(lang)));
                }
                Some(TrustNote {
                    why: admin::judged_anyway(Lang::En, &why(Lang::En)),
                    shown: admin::judged_anyway(lang, &why(lang)),
                    allow_stale: true,
                })
            }
        };
        if let Some(n) = &note {
            let line = payqr::i18n::cli::warning_line(lang, &for_terminal(&n.shown));
            eprintln!("{line}");
            let _ = TRUST_NOTE.set(n.clone());
        }
        Ok(Check {
            inputs,
            trust,
            clock,
            tz,
            json: self.json,
        })
    }
}

/// Why [`CheckArgs`] could not be resolved, each with what to do.
#[derive(Debug)]
pub enum CheckError {
    /// No images, no `--text`, no `-`.
    Nothing,
    /// Images and `--text` at once.
    ImagesAndText,
    /// `--at` is not a time.
    At(time::TimeError),
    Trust(payqr::trust::TrustError),
    /// `--stale-after` is not a duration.
    StaleAfter(time::TimeError),
    /// The trust bundle expired and `--allow-stale` was not given.
    Expired(String),
}

impl From<CheckError> for Failure {
    fn from(e: CheckError) -> Failure {
        use payqr::i18n::cli as msg;
        let lang = crate::cmd::lang();
        match e {
            CheckError::Nothing => {
                Failure::new(msg::nothing_to_check(lang)).hint(msg::nothing_to_check_hint(lang))
            }
            CheckError::ImagesAndText => Failure::new(msg::images_and_text(lang)),
            CheckError::At(e) => Failure::new(msg::bad_at(lang, &e)),
            CheckError::Trust(e) => {
                Failure::new(msg::trust_unreadable(lang, &e)).hint(msg::trust_unreadable_hint(lang))
            }
            CheckError::StaleAfter(e) => Failure::new(msg::bad_stale_after(lang, &e)),
            CheckError::Expired(why) => {
                Failure::new(msg::bundle_expired(lang, &why)).hint(msg::bundle_expired_hint(lang))
            }
        }
    }
}

/// Where payloads come from.
pub enum Inputs {
    Images(Vec<PathBuf>),
    Text(String),
    Stdin,
}

impl Inputs {
    pub fn from_args(images: &[PathBuf], text: Option<String>) -> Result<Inputs, CheckError> {
        match (images, text) {
            ([], Some(t)) => Ok(Inputs::Text(t)),
            ([one], None) if one.as_os_str() == "-" => Ok(Inputs::Stdin),
            ([], None) => Err(CheckError::Nothing),
            (imgs, None) => Ok(Inputs::Images(imgs.to_vec())),
            (_, Some(_)) => Err(CheckError::ImagesAndText),
        }
    }
}

/// One thing to judge: a payload text, or an image with no code in it.
pub use payqr::redeem::Item;

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
                        let line =
                            payqr::i18n::cli::error_line(crate::cmd::lang(), &for_terminal(&line));
                        eprintln!("{line}");
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
/// The problem, as a phrase, when there is one.
pub fn check_txn(txn: &str) -> Result<(), TxnError> {
    match txn {
        "" => Err(TxnError::Empty),
        t => Ok(payqr::sanitize::check_text(t, MAX_TXN_LEN)?),
    }
}

/// What is wrong with a `--txn` value ([`check_txn`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxnError {
    #[error("must not be empty")]
    Empty,
    #[error(transparent)]
    Text(#[from] payqr::sanitize::TextError),
}

/// Times are RFC 3339 UTC, as in the ledger and the trust list (human
/// text shows them in `--tz`).
pub fn json_value(source: &str, v: &Verdict) -> serde_json::Value {
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
        m.insert("issued_at".into(), json!(time::format_utc(c.issued_at)));
        m.insert("expires_at".into(), json!(time::format_utc(c.expires_at)));
    }
    if let Some(r) = &v.redemption {
        m.insert("redeemed_at".into(), json!(time::format_utc(r.time)));
        m.insert("redeemed_txn".into(), json!(r.txn));
    }
    if let Some(n) = TRUST_NOTE.get() {
        m.insert("trust_stale".into(), json!(true));
        m.insert("trust_warning".into(), json!(n.why));
        m.insert("allow_stale".into(), json!(n.allow_stale));
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
        let mut j = json_value(source, v);
        j["ledger_checked"] = json!(ledger_checked);
        writeln!(out, "{j}")?;
    } else {
        let act = verdict::Act::Verify { ledger_checked };
        let colour = verdict::colour_stdout();
        write!(out, "{}", verdict::render(source, v, act, at, tz, colour))?;
    }
    // Line by line: a counter clerk with a scanner gun waits for this line.
    out.flush()?;
    Ok(())
}

/// Why a trust list is stale, in `lang`: English is the library's `why`
/// as it is; otherwise rebuilt from the bundle (issued in this machine's
/// future when `age` is 0, else `age` old).
pub fn stale_why(
    lang: Lang,
    list: &payqr::trust::TrustList,
    why: &str,
    age: u64,
    now: u64,
) -> String {
    let Some(b) = list.bundle().filter(|_| lang != Lang::En) else {
        return why.to_string();
    };
    if age == 0 {
        let now = payqr::code::time::format_utc(now);
        admin::stale_future(lang, &b.sequence, &b.issued_at, &now)
    } else {
        let ago = payqr::i18n::duration(lang, age);
        admin::stale(lang, &b.sequence, &ago, &b.issued_at)
    }
}
