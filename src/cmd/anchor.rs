//! `payqr anchor`: the offline trust-anchor key that signs trust bundles.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use payqr::trust::anchor::{AnchorError, AnchorKey, AnchorPub};

use super::{CmdResult, Failure, Outcome};

pub type Args = super::group::Group<Action>;

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub).
    #[command(after_help = "\
Example:
  payqr anchor keygen --out offline/anchor-2026

Keep PREFIX.key offline; give PREFIX.pub to every merchant, out of band, for
their first `payqr trust update --anchor PREFIX.pub`. An anchor key is never
overwritten.")]
    Keygen {
        /// Output path prefix: writes PREFIX.key and PREFIX.pub.
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
    /// Endorse the next anchor (rotation): the current anchor signs its public key.
    #[command(after_help = "\
Example:
  payqr anchor endorse --anchor offline/anchor-2026.key --next anchor-2027.pub --out 2026-to-2027.endorsement

Pass the endorsement to every later `trust bundle --endorsement`: a verifier
that pins the old anchor accepts bundles signed by the new one and pins it.")]
    Endorse {
        /// The current anchor's secret key.
        #[arg(long, value_name = "ANCHOR.key")]
        anchor: PathBuf,
        /// The next anchor's public key.
        #[arg(long, value_name = "NEXT.pub")]
        next: PathBuf,
        /// Where to write the endorsement (never overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

pub fn run(a: Args) -> CmdResult {
    use crate::cmd::lang;
    use payqr::i18n::{admin, problems};
    let mut out = std::io::stdout().lock();
    match a.action {
        Action::Keygen { out: prefix } => {
            let key = AnchorKey::generate(payqr::code::time::now());
            // Like keygen: `--out offline/anchor` in a fresh checkout.
            if let Some(dir) = super::keyfile::make_key_dir(&prefix)? {
                eprintln!("{}", admin::created_folder(lang(), &dir.display()));
            }
            let (k, p) = key.save(&prefix).map_err(|e| match e {
                AnchorError::Exists(_) => Failure::new(e).hint(admin::anchor_exists_hint(lang())),
                e => Failure::new(e),
            })?;
            writeln!(out, "anchor_id {}", key.key_id)?;
            writeln!(out, "secret {}", k.display())?;
            writeln!(out, "public {}", p.display())?;
        }
        Action::Endorse {
            anchor,
            next,
            out: path,
        } => {
            super::check_outputs(
                &[("--anchor", Some(&anchor)), ("--next", Some(&next))],
                &[("--out", Some(&path))],
            )?;
            let key = AnchorKey::load(&anchor)?;
            let next = AnchorPub::load(&next)?;
            if next.key_id == key.key_id {
                return Err(Failure::new(admin::next_is_same(lang())));
            }
            let e = key.endorse(&next);
            let mut json = serde_json::to_string_pretty(&e).expect("serializable");
            json.push('\n');
            if path.exists() {
                return Err(Failure::new(admin::already_exists(lang(), &path.display())));
            }
            payqr::fs::atomic::write_atomic(&path, json.as_bytes())
                .map_err(|e| Failure::new(problems::file_error(lang(), &path.display(), &e)))?;
            writeln!(
                out,
                "{}",
                admin::endorses(lang(), &key.key_id, &next.key_id)
            )?;
        }
    }
    Ok(Outcome::Success)
}
