//! `payqr release`: detached signatures of release files (SHA256SUMS).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use payqr::i18n::{admin, problems};
use payqr::trust::keys::PublicKeyFile;

use super::{CmdResult, Failure, Outcome, lang};

pub type Args = super::group::Group<Action>;

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Write FILE.sig: FILE signed with a payqr key (scripts/release.sh).
    #[command(after_help = "\
Example:
  payqr release sign --key ~/release.key dist/SHA256SUMS

The signature covers \"payqr-release-v1\" and the file's bytes
(docs/FORMAT.md), so it can never pass as a payment code's signature.")]
    Sign {
        /// The release signing key (made by payqr keygen; mode 0600).
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// The file to sign.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Where to write the signature (default: FILE.sig).
        #[arg(long, value_name = "SIG")]
        out: Option<PathBuf>,
        #[command(flatten)]
        unlock: super::unlock::UnlockArgs,
    },
    /// Check FILE.sig against FILE and a release public key.
    #[command(after_help = "\
Example:
  payqr release verify --pub payqr-release.pub SHA256SUMS && sha256sum -c SHA256SUMS

Exit 0 when the signature matches, 1 when it does not, 2 when a file could
not be read.")]
    Verify {
        /// The release public key (.pub) published with payqr.
        #[arg(long = "pub", value_name = "PUB")]
        public: PathBuf,
        /// The signed file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The signature (default: FILE.sig).
        #[arg(long, value_name = "SIG")]
        sig: Option<PathBuf>,
    },
}

fn sig_path(file: &Path, given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        let mut s = file.as_os_str().to_owned();
        s.push(".sig");
        PathBuf::from(s)
    })
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::new(problems::file_error(lang(), &path.display(), &e)))
}

pub fn run(a: Args) -> CmdResult {
    match a.action {
        Action::Sign {
            key,
            file,
            out,
            unlock,
        } => {
            let key = super::unlock::load_key(&key, &unlock)?;
            let text = payqr::release::sign(&key, &read(&file)?).map_err(Failure::new)?;
            let out = sig_path(&file, out);
            payqr::fs::atomic::write_atomic(&out, text.as_bytes())
                .map_err(|e| Failure::new(problems::file_error(lang(), &out.display(), &e)))?;
            writeln!(
                std::io::stdout().lock(),
                "{}",
                admin::release_signed(lang(), &out.display())
            )?;
            Ok(Outcome::Success)
        }
        Action::Verify { public, file, sig } => {
            let key = PublicKeyFile::load(&public)?
                .verifying_key()
                .map_err(|e| Failure::new(problems::file_error(lang(), &public.display(), &e)))?;
            let sig = sig_path(&file, sig);
            let text = String::from_utf8(read(&sig)?)
                .map_err(|_| Failure::new(admin::not_utf8_text(lang(), &sig.display())))?;
            match payqr::release::verify(&key, &read(&file)?, &text) {
                Ok(()) => {
                    writeln!(
                        std::io::stdout().lock(),
                        "{}",
                        admin::good_signature(lang(), &file.display())
                    )?;
                    Ok(Outcome::Success)
                }
                Err(why) => {
                    eprintln!("{}", admin::bad_signature(lang(), &file.display(), &why));
                    Ok(Outcome::Negative)
                }
            }
        }
    }
}
