//! `payqr trust`: manage the list of issuers and keys a verifier accepts.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use payqr::fs::clobber;
use payqr::sanitize::for_terminal;
use payqr::trust::TrustList;
use payqr::trust::keys::PublicKeyFile;

use super::{CmdResult, Failure, Outcome, time_or_now, tz_or_local};

/// Manage the trust list: which issuers and keys are accepted.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Trust an issuer's public key (creates the trust list if needed).
    #[command(after_help = "\
Example:
  payqr trust add keys/bj-2026.pub --trust trust.json --not-after 2027-12-31T23:59:59+08:00")]
    Add {
        /// The issuer's PREFIX.pub file.
        pubfile: PathBuf,
        #[arg(long, value_name = "FILE")]
        trust: PathBuf,
        /// Codes issued before this time are refused (default: no limit).
        #[arg(long, value_name = "TIME")]
        not_before: Option<String>,
        /// Codes issued after this time are refused (default: no limit).
        #[arg(long, value_name = "TIME")]
        not_after: Option<String>,
        /// Offset for times without one (default: this machine's).
        #[arg(long, value_name = "OFFSET")]
        tz: Option<String>,
    },
    /// List trusted keys.
    #[command(after_help = "\
Example:
  payqr trust list --trust trust.json --json")]
    List {
        #[arg(long, value_name = "FILE")]
        trust: PathBuf,
        /// One JSON object per key.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key: every code it signed is refused from now on.
    #[command(after_help = "\
Example:
  payqr trust revoke 1a2b3c4d --trust trust.json")]
    Revoke {
        /// Key id (8 hex digits, see trust list).
        keyid: String,
        #[arg(long, value_name = "FILE")]
        trust: PathBuf,
        /// Issuer id, when two issuers share a key id.
        #[arg(long, value_name = "ID")]
        issuer: Option<String>,
    },
}

pub fn run(a: Args) -> CmdResult {
    let now = payqr::code::time::now();
    let mut out = std::io::stdout().lock();
    match a.action {
        Action::Add {
            pubfile,
            trust,
            not_before,
            not_after,
            tz,
        } => {
            let tz = tz_or_local(tz.as_deref())?;
            let nb = not_before.map(|t| time_or_now(Some(&t), tz)).transpose()?;
            let na = not_after.map(|t| time_or_now(Some(&t), tz)).transpose()?;
            if let (Some(b), Some(a)) = (nb, na)
                && b > a
            {
                return Err(Failure::new(format!(
                    "--not-before {} is later than --not-after {}: the key would accept no code",
                    payqr::code::time::format_utc(b),
                    payqr::code::time::format_utc(a)
                )));
            }
            clobber::check(&[("PUBFILE", &pubfile)], &[("--trust", &trust)])?;
            let pk = PublicKeyFile::load(&pubfile)?;
            let (issuer, key_id, name) = TrustList::edit(&trust, true, |list| {
                let e = list.add(&pk, nb, na, now)?;
                Ok((
                    e.meta.issuer.clone(),
                    e.meta.key_id.clone(),
                    e.meta.name.clone(),
                ))
            })?;
            // Printed once saved: "trusted" is a promise about the file.
            writeln!(
                out,
                "trusted {issuer} key {key_id} ({})",
                for_terminal(&name)
            )?;
        }
        Action::List { trust, json } => {
            let list = TrustList::load(&trust)?;
            for e in list.entries() {
                let m = &e.meta;
                if json {
                    let v = json!({
                        "issuer": m.issuer, "name": m.name, "key_id": m.key_id,
                        "public_key": m.public_key, "not_before": m.not_before,
                        "not_after": m.not_after, "revoked_at": m.revoked_at,
                        "added_at": m.added_at,
                        "status": if m.revoked_at.is_some() { "revoked" } else { "trusted" },
                    });
                    writeln!(out, "{v}")?;
                } else {
                    let state = match &m.revoked_at {
                        Some(t) => format!("REVOKED {t}"),
                        None => "trusted".to_string(),
                    };
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{} .. {}\t{}",
                        m.issuer,
                        m.key_id,
                        state,
                        m.not_before.as_deref().unwrap_or("-"),
                        m.not_after.as_deref().unwrap_or("-"),
                        for_terminal(&m.name)
                    )?;
                }
            }
        }
        Action::Revoke {
            keyid,
            trust,
            issuer,
        } => {
            clobber::check(&[], &[("--trust", &trust)])?;
            let (issuer, key_id) = TrustList::edit(&trust, false, |list| {
                let e = list.revoke(&keyid, issuer.as_deref(), now)?;
                Ok((e.meta.issuer.clone(), e.meta.key_id.clone()))
            })?;
            writeln!(out, "revoked {issuer} key {key_id}")?;
        }
    }
    Ok(Outcome::Success)
}
