//! `payqr cancel`: signed cancellations of codes, recorded in the ledger.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use payqr::code::CodeId;
use payqr::i18n::admin;
use payqr::ledger::{Backend, CodeKey, Ledger, What, rule_key};
use payqr::trust::bundle::cancel_hash;
use payqr::trust::cancel::{Cancellation, Target};
use payqr::trust::{CancelRule, TrustList};

use super::{CmdResult, Failure, Outcome, time_or_now, tz_or_local};

/// Cancel codes: a signed record in the ledger; verify, redeem and reconcile refuse them.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  payqr cancel --key keys/bj-2026.key --ledger ledger.jsonl --reason \"issued by mistake\" 4f2a0c1d9e8b7a65
  payqr cancel --key keys/bj-2025.key --ledger ledger.jsonl --reason \"key compromised\" \\
      --all-before 2026-11-23T12:00:00+08:00

Each cancellation is signed with the issuer's key and appended to the ledger
(all of them or none). A code must have been issued in this ledger; a code
already redeemed is refused (refund it instead), and so is a second
cancellation. --all-before cancels every code of the key given with --key
issued before the time, whether or not this ledger holds it. Verify and
redeem then answer `cancelled` (exit 1) with this ledger, or with a trust
list from a bundle made with `trust bundle --ledger`; reconcile never
matches a payment to it. --json prints each cancellation as a JSON line,
the form `trust bundle --cancellations` reads.")]
pub struct Args {
    /// The issuer's secret key (signs the cancellations).
    #[arg(long, value_name = "ISSUER.key")]
    pub key: PathBuf,
    /// Code ids (16 hex digits) to cancel.
    #[arg(value_name = "CODE_ID")]
    pub codes: Vec<String>,
    /// Cancel every code of this key issued before this time.
    #[arg(long, value_name = "TIME", conflicts_with = "codes")]
    pub all_before: Option<String>,
    /// Why (shown by verify and redeem; 1-200 bytes).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// The ledger the codes were issued in: a file, or PostgreSQL
    /// (postgres://USER@HOST/DB?schema=NAME).
    #[arg(long, value_name = "FILE|URL")]
    pub ledger: PathBuf,
    /// Offset for --all-before without one (default: this machine's).
    #[arg(long, value_name = "OFFSET")]
    pub tz: Option<String>,
    /// Print each signed cancellation as one JSON line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub unlock: super::unlock::UnlockArgs,
}

pub fn run(a: Args) -> CmdResult {
    super::check_outputs(&[("--key", Some(&a.key))], &[("--ledger", Some(&a.ledger))])?;
    payqr::trust::cancel::check_reason(&a.reason).map_err(Failure::new)?;
    let tz = tz_or_local(a.tz.as_deref())?;
    let targets: Vec<Target> = match &a.all_before {
        Some(t) => vec![Target::Before(time_or_now(Some(t), tz)?)],
        None if a.codes.is_empty() => {
            let lang = crate::cmd::lang();
            return Err(Failure::new(admin::nothing_to_cancel(lang))
                .hint(admin::nothing_to_cancel_hint(lang)));
        }
        None => a
            .codes
            .iter()
            .map(|c| {
                c.trim()
                    .to_ascii_lowercase()
                    .parse::<CodeId>()
                    .map(Target::Code)
                    .map_err(|e| {
                        Failure::new(admin::bad_code_id(
                            crate::cmd::lang(),
                            &format!("{c:?}"),
                            &e,
                        ))
                    })
            })
            .collect::<Result<_, _>>()?,
    };
    // Unlocked like every signing command's key: keys are encrypted by
    // default, and a cancellation is signed like a code.
    let key = super::unlock::load_key(&a.key, &a.unlock)?;
    let now = payqr::code::time::now();
    let signed: Vec<Cancellation> = targets
        .iter()
        .map(|t| Cancellation::sign(&key, *t, now, &a.reason))
        .collect::<Result<_, _>>()
        .map_err(Failure::new)?;
    let ids: Vec<CodeKey> = targets
        .iter()
        .map(|t| match t {
            Target::Code(id) => CodeKey::of(&key.issuer, *id),
            Target::Before(_) => rule_key(&key.issuer, key.key_id),
        })
        .collect();
    let records = signed.iter().map(|c| c.to_record()).collect();
    match Backend::open(&a.ledger)? {
        // The same checks as the file's append, in one transaction under
        // the chain head's lock (a redemption cannot slip in between).
        Backend::Postgres(pg) => pg.append(records)?,
        Backend::File(ledger) => {
            let lock = ledger.lock()?;
            let mut state = ledger.load_codes(&lock, &ids)?;
            ledger.append(&lock, &mut state, records)?;
        }
    }
    let mut out = std::io::stdout().lock();
    for c in &signed {
        if a.json {
            writeln!(out, "{}", serde_json::to_string(c).expect("serializable"))?;
        } else {
            let line = admin::cancelled(
                crate::cmd::lang(),
                &c.what(),
                &payqr::sanitize::for_terminal(&c.reason),
            );
            writeln!(out, "{line}")?;
        }
    }
    Ok(Outcome::Success)
}

/// Cancellations gathered for a bundle.
pub struct Found {
    pub codes: Vec<[u8; 16]>,
    pub rules: Vec<CancelRule>,
}

impl Found {
    fn add(&mut self, c: &Cancellation, t: Target) {
        match t {
            Target::Code(id) => self.codes.push(cancel_hash(&c.issuer, id)),
            Target::Before(_) => self.rules.push(CancelRule {
                issuer: c.issuer.clone(),
                key_id: c.key_id.clone(),
                before: c.before.clone().unwrap_or_default(),
            }),
        }
    }
}

/// Reads the cancellations of JSON-lines files and ledgers, each checked
/// against its issuer's key in `trust` (the first that fails stops it all,
/// naming its file and line).
pub fn collect(
    trust: &TrustList,
    files: &[PathBuf],
    ledgers: &[PathBuf],
) -> Result<Found, Failure> {
    let mut found = Found {
        codes: Vec::new(),
        rules: Vec::new(),
    };
    for path in files {
        read_file(trust, path, &mut found)?;
    }
    for path in ledgers {
        let ledger = Ledger::new(path);
        if !path.exists() {
            return Err(Failure::new(payqr::i18n::cli::notice_no_ledger(
                crate::cmd::lang(),
                &path.display(),
            )));
        }
        let lock = ledger.lock_shared()?;
        let mut seen = Vec::new();
        ledger.load_each(&lock, |c| {
            if let What::Cancelled(x) = &c.what {
                seen.push((c.seq, Cancellation::from_ledger(&c.issuer, c.code_id, x)));
            }
        })?;
        drop(lock);
        let header = u64::from(ledger.format() == payqr::ledger::LedgerFormat::Csv);
        for (seq, c) in seen {
            let t = c
                .verify(trust)
                .map_err(|e| Failure::new(format!("{}:{}: {e}", path.display(), seq + header)))?;
            found.add(&c, t);
        }
    }
    Ok(found)
}

fn read_file(trust: &TrustList, path: &Path, found: &mut Found) -> Result<(), Failure> {
    let f =
        std::fs::File::open(path).map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let at = || format!("{}:{}", path.display(), i + 1);
        let line = line.map_err(|e| Failure::new(format!("{}: {e}", at())))?;
        if line.trim().is_empty() {
            continue;
        }
        let c: Cancellation = serde_json::from_str(&line)
            .map_err(|e| Failure::new(admin::not_a_cancellation(crate::cmd::lang(), &at(), &e)))?;
        let t = c
            .verify(trust)
            .map_err(|e| Failure::new(format!("{}: {e}", at())))?;
        found.add(&c, t);
    }
    Ok(())
}
