//! `payqr trust`: manage the list of issuers and keys a verifier accepts.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use payqr::fs::clobber;
use payqr::i18n::{Lang, admin, problems};
use payqr::sanitize::for_terminal;
use payqr::trust::anchor::{AnchorKey, AnchorPub, Endorsement};
use payqr::trust::keys::{PublicKeyFile, is_key_file};
use payqr::trust::{Freshness, TrustList};

use super::{CmdResult, Failure, Outcome, time_or_now, tz_or_local};

pub type Args = super::group::Group<Action>;

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
    /// Close a key's validity window (key rotation): codes it signed up to
    /// TIME stay valid, codes issued after TIME are refused.
    #[command(after_help = "\
Example:
  payqr trust close 1a2b3c4d --not-after 2027-01-01T00:00:00+08:00 --trust trust.json

Rotation: trust the new key with --not-before T, close the old one at T, issue
with the new key from T. The issue time is the signer's word: a stolen key can
backdate codes, so revoke a compromised key instead.")]
    Close {
        /// Key id (8 hex digits, see trust list).
        keyid: String,
        /// Codes issued after this time are refused.
        #[arg(long, value_name = "TIME")]
        not_after: String,
        #[arg(long, value_name = "FILE")]
        trust: PathBuf,
        /// Issuer id, when two issuers share a key id.
        #[arg(long, value_name = "ID")]
        issuer: Option<String>,
        /// Offset for times without one (default: this machine's).
        #[arg(long, value_name = "OFFSET")]
        tz: Option<String>,
    },
    /// Sign the list (and cancelled codes) into a bundle with the anchor key.
    #[command(after_help = "\
Example:
  payqr trust bundle --anchor offline/anchor.key --trust trust.json --ledger ledger.jsonl \\
      --valid-for 7d --out bundle-0042.pqt

The bundle holds every key of the list with its window and revocation, the
cancellations found in --ledger and --cancellations files (each checked
against its issuer's key in the list), a sequence number one more than the
last bundle made from this list (recorded in it), and its issue and expiry
times.")]
    Bundle {
        /// The anchor's secret key (payqr anchor keygen).
        #[arg(long, value_name = "ANCHOR.key")]
        anchor: PathBuf,
        /// The trust list to sign (its last bundle's sequence is recorded in it).
        #[arg(long, value_name = "FILE")]
        trust: PathBuf,
        /// Where to write the bundle (replaced atomically).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// How long receivers accept it.
        #[arg(long, value_name = "DURATION", default_value = "7d")]
        valid_for: String,
        /// Sequence number (default: one more than the last bundle made).
        #[arg(long, value_name = "N")]
        sequence: Option<u64>,
        /// Cancellations to include: JSON lines from `payqr cancel --json` (repeatable).
        #[arg(long, value_name = "FILE")]
        cancellations: Vec<PathBuf>,
        /// Include the cancellations recorded in this ledger (repeatable).
        #[arg(long, value_name = "FILE")]
        ledger: Vec<PathBuf>,
        /// Anchor endorsements to carry (payqr anchor endorse), oldest first.
        #[arg(long, value_name = "FILE")]
        endorsement: Vec<PathBuf>,
        /// The bundle's issue time (default: now).
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// Replace the trust list with a signed bundle's, if it is newer and signed by the pinned anchor.
    #[command(after_help = "\
Example:
  payqr trust update bundle-0042.pqt --anchor anchor.pub --trust trust.json

The first update pins --anchor (obtained out of band); later ones need no
--anchor. Refused, with nothing written (exit 2): a bundle signed by another
anchor, altered, expired, or whose sequence is not greater than the list's
(rollback or replay). A bundle may rotate the anchor: the new one is pinned.")]
    Update {
        /// The bundle file.
        bundle: PathBuf,
        /// The anchor's public key (required for the first update).
        #[arg(long, value_name = "ANCHOR.pub")]
        anchor: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        trust: PathBuf,
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
    let lang = crate::cmd::lang();
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
                return Err(Failure::new(admin::window_inverted(
                    lang,
                    &payqr::code::time::format_utc(b),
                    &payqr::code::time::format_utc(a),
                )));
            }
            clobber::check(
                &[("PUBFILE", &pubfile)],
                &[("--trust", &trust)],
                is_key_file,
            )?;
            let pk = PublicKeyFile::load(&pubfile)?;
            if let Some(line) = already_trusted(&trust, &pk, nb, na)? {
                writeln!(out, "{line}")?;
                return Ok(Outcome::Success);
            }
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
                "{}",
                admin::trusted(lang, &issuer, &key_id, &for_terminal(&name))
            )?;
        }
        Action::Bundle {
            anchor,
            trust,
            out: path,
            valid_for,
            sequence,
            cancellations,
            ledger,
            endorsement,
            now: at,
        } => {
            let now = match at {
                Some(t) => time_or_now(Some(&t), payqr::code::time::local_offset())?,
                None => now,
            };
            let valid_for = payqr::code::time::parse_duration(&valid_for)?;
            let mut ins: Vec<(&str, Option<&std::path::Path>)> =
                vec![("--anchor", Some(&anchor)), ("--trust", Some(&trust))];
            ins.extend(
                cancellations
                    .iter()
                    .map(|p| ("--cancellations", Some(p.as_path()))),
            );
            ins.extend(ledger.iter().map(|p| ("--ledger", Some(p.as_path()))));
            ins.extend(
                endorsement
                    .iter()
                    .map(|p| ("--endorsement", Some(p.as_path()))),
            );
            super::check_outputs(&ins, &[("--out", Some(&path))])?;
            let key = AnchorKey::load(&anchor)?;
            let endorsements = endorsement
                .iter()
                .map(|p| Endorsement::load(p))
                .collect::<Result<Vec<_>, _>>()?;
            let list = TrustList::load(&trust)?;
            let found = super::cancel::collect(&list, &cancellations, &ledger)?;
            let (codes, rules) = (found.codes.len(), found.rules.len());
            let seq = TrustList::make_bundle(
                &trust,
                &key,
                now,
                valid_for,
                sequence,
                endorsements,
                found.rules,
                found.codes,
                |bytes| {
                    payqr::fs::atomic::write_atomic(&path, bytes).map_err(|source| {
                        payqr::trust::TrustError::Io {
                            path: path.clone(),
                            source,
                        }
                    })
                },
            )?;
            let line = admin::bundle_made(
                lang,
                &path.display(),
                &seq,
                &list.entries().len(),
                &codes,
                &rules,
                &key.key_id,
                &payqr::code::time::format_utc(now.saturating_add(valid_for)),
            );
            writeln!(out, "{line}")?;
        }
        Action::Update {
            bundle,
            anchor,
            trust,
        } => {
            let mut ins = vec![("BUNDLE", Some(bundle.as_path()))];
            ins.extend(anchor.as_deref().map(|a| ("--anchor", Some(a))));
            super::check_outputs(&ins, &[("--trust", Some(&trust))])?;
            let pinned = anchor.as_deref().map(AnchorPub::load).transpose()?;
            let bytes = std::fs::read(&bundle)
                .map_err(|e| Failure::new(problems::file_error(lang, &bundle.display(), &e)))?;
            let o = TrustList::update(&trust, &bundle, &bytes, pinned.as_ref(), now)?;
            if let Some(old) = &o.rotated_from {
                writeln!(out, "{}", admin::anchor_rotated(lang, old, &o.anchor_id))?;
            }
            let line = admin::updated(
                lang,
                &trust.display(),
                &o.sequence,
                &o.previous.map_or(admin::none(lang), |p| p.to_string()),
                &o.keys,
                &o.cancelled,
                &o.rules,
                &o.anchor_id,
                &o.expires_at,
            );
            writeln!(out, "{line}")?;
        }
        Action::List { trust, json } => {
            let list = TrustList::load(&trust)?;
            if let Some(b) = list.bundle() {
                // JSON keeps the English words; the text, the reader's.
                let age_in = |lang: Lang| match list.freshness(now, u64::MAX) {
                    Freshness::Expired { .. } => admin::expired_word(lang),
                    Freshness::Stale { age, why } => {
                        crate::cmd::output::stale_why(lang, &list, &why, age, now)
                    }
                    Freshness::Fresh { age } if lang == Lang::En => {
                        payqr::code::time::humanize(age)
                    }
                    Freshness::Fresh { age } => payqr::i18n::duration(lang, age),
                    Freshness::HandMade => String::new(),
                };
                let age = age_in(Lang::En);
                if json {
                    let v = json!({
                        "bundle": {
                            "sequence": b.sequence, "issued_at": b.issued_at,
                            "expires_at": b.expires_at, "age": age, "anchor_id": b.anchor_id,
                            "anchor": b.anchor, "former_anchors": b.former_anchors,
                            "received_at": b.received_at, "cancelled_codes": b.cancelled,
                            "cancel_rules": list.cancel_rules().collect::<Vec<_>>(),
                        }
                    });
                    writeln!(out, "{v}")?;
                } else {
                    let line = admin::list_bundle(
                        lang,
                        &b.sequence,
                        &b.anchor_id,
                        &b.issued_at,
                        &age_in(lang),
                        &b.expires_at,
                        &b.cancelled,
                        &list.cancel_rules().count(),
                    );
                    writeln!(out, "{line}")?;
                }
            }
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
                        Some(t) => admin::state_revoked(lang, t),
                        None => admin::state_trusted(lang),
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
        Action::Close {
            keyid,
            not_after,
            trust,
            issuer,
            tz,
        } => {
            let tz = tz_or_local(tz.as_deref())?;
            let na = time_or_now(Some(&not_after), tz)?;
            clobber::check(&[], &[("--trust", &trust)], is_key_file)?;
            let (issuer, key_id, na) = TrustList::edit(&trust, false, |list| {
                let e = list.close_window(&keyid, issuer.as_deref(), na)?;
                Ok((
                    e.meta.issuer.clone(),
                    e.meta.key_id.clone(),
                    e.meta.not_after.clone().unwrap_or_default(),
                ))
            })?;
            writeln!(out, "{}", admin::closed(lang, &issuer, &key_id, &na))?;
        }
        Action::Revoke {
            keyid,
            trust,
            issuer,
        } => {
            clobber::check(&[], &[("--trust", &trust)], is_key_file)?;
            let (issuer, key_id) = TrustList::edit(&trust, false, |list| {
                let e = list.revoke(&keyid, issuer.as_deref(), now)?;
                Ok((e.meta.issuer.clone(), e.meta.key_id.clone()))
            })?;
            writeln!(out, "{}", admin::revoked(lang, &issuer, &key_id))?;
        }
    }
    Ok(Outcome::Success)
}

/// `trust add` of a key that is already in the list, unrevoked, with the
/// same window: nothing to do, and that is success ("already trusted"), so
/// that provisioning scripts can run twice. A different key under the same
/// issuer and key id, a revoked key, or another window is left to `add`,
/// which refuses it (exit 2): those are not the same request.
fn already_trusted(
    trust: &std::path::Path,
    pk: &PublicKeyFile,
    nb: Option<u64>,
    na: Option<u64>,
) -> Result<Option<String>, Failure> {
    if !trust.exists() {
        return Ok(None);
    }
    let list = TrustList::load(trust)?;
    let fmt = |t: Option<u64>| t.map(payqr::code::time::format_utc);
    let same = list.entries().iter().find(|e| {
        let m = &e.meta;
        m.issuer == pk.issuer
            && m.key_id == pk.key_id
            && m.public_key == pk.public_key
            && m.revoked_at.is_none()
            && m.not_before == fmt(nb)
            && m.not_after == fmt(na)
    });
    Ok(same.map(|e| {
        admin::already_trusted(
            crate::cmd::lang(),
            &e.meta.issuer,
            &e.meta.key_id,
            &for_terminal(&e.meta.name),
        )
    }))
}
