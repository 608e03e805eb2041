//! `payqr key`: work on an existing secret key file.

use std::io::Write;
use std::path::PathBuf;

use super::unlock::{UnlockArgs, key_failure};
use super::{CmdResult, Failure, Outcome};

pub type Args = super::group::Group<Action>;

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Encrypt a clear secret key file in place under a new passphrase.
    #[command(after_help = "\
Example:
  payqr key encrypt keys/bj-2026.key

The file is replaced atomically (mode 0600): the key, its id and every code
it signed stay the same. The passphrase is asked twice on the terminal, or read
from --passphrase-file, --passphrase-fd or $PAYQR_PASSPHRASE_FILE. Copies and
backups of the clear file still hold the key in clear: delete them.")]
    Encrypt {
        /// The clear secret key file (PREFIX.key).
        #[arg(value_name = "KEY")]
        key: PathBuf,
        #[command(flatten)]
        unlock: UnlockArgs,
    },
}

pub fn run(a: Args) -> CmdResult {
    match a.action {
        Action::Encrypt { key, unlock } => {
            // Refuse what cannot be encrypted before asking for a passphrase.
            let loaded = payqr::trust::keys::IssuerKey::load(&key).map_err(|e| match e {
                payqr::trust::keys::KeyError::Unlock { .. } => {
                    key_failure(payqr::trust::keys::KeyError::AlreadyEncrypted(key.clone()))
                }
                e => key_failure(e),
            })?;
            let pw = unlock
                .passphrase(
                    &payqr::i18n::admin::new_passphrase_prompt(super::lang()),
                    true,
                )
                .map_err(|e| Failure::new(format!("passphrase: {e}")))?;
            payqr::trust::keys::encrypt_file(&key, &pw).map_err(key_failure)?;
            writeln!(
                std::io::stdout().lock(),
                "encrypted {} (key_id {})",
                key.display(),
                loaded.key_id
            )?;
            Ok(Outcome::Success)
        }
    }
}
