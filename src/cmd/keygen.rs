//! `payqr keygen`: create an issuer key pair, encrypted under a passphrase
//! (the default), in clear (`--unencrypted`), or inside a PKCS#11 token.

use std::io::Write;
use std::path::PathBuf;

use payqr::i18n::admin;
use payqr::trust::keys::{IssuerKey, KeyError};

use super::unlock::{UnlockArgs, key_failure};
use super::{CmdResult, Failure, Outcome};

/// Create an issuer key pair: PREFIX.key (0600, encrypted) and PREFIX.pub.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  payqr keygen --issuer bj-traffic --name \"北京市公安局公安交通管理局\" --out keys/bj-2026
  payqr keygen --issuer bj-traffic --name \"北京交管\" --out keys/bj-hsm \\
      --pkcs11 /usr/lib/softhsm/libsofthsm2.so --token payqr --pin-file pin.txt

The passphrase is asked twice on the terminal (or read from --passphrase-file,
--passphrase-fd, $PAYQR_PASSPHRASE_FILE); every later use of the key asks it once.
With --pkcs11 the key is made inside the token and never leaves it: PREFIX.key
only says where it is. Give PREFIX.pub to every verifier (payqr trust add); keep
PREFIX.key secret.")]
pub struct Args {
    /// Issuer id printed into every code: a-z, 0-9, '-', '.' (e.g. bj-traffic).
    #[arg(long, value_name = "ID")]
    pub issuer: String,
    /// Display name shown to verifiers.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// Output path prefix: writes PREFIX.key and PREFIX.pub.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
    /// Replace existing key files.
    #[arg(long)]
    pub force: bool,
    /// Write the secret key in clear, without a passphrase (test keys only:
    /// anyone who copies the file can sign codes).
    #[arg(long, conflicts_with_all = ["pkcs11", "passphrase_file", "passphrase_fd"])]
    pub unencrypted: bool,
    /// Generate the key inside a PKCS#11 token, loading this module
    /// (e.g. /usr/lib/softhsm/libsofthsm2.so).
    #[arg(long, value_name = "MODULE", requires = "token")]
    pub pkcs11: Option<PathBuf>,
    /// Label of the PKCS#11 token to generate the key in.
    #[arg(long, value_name = "LABEL", requires = "pkcs11")]
    pub token: Option<String>,
    /// Label of the key objects in the token (default: the file name of --out).
    #[arg(long, value_name = "LABEL", requires = "pkcs11")]
    pub key_label: Option<String>,
    #[command(flatten)]
    pub unlock: UnlockArgs,
}

fn exists_hint(e: KeyError) -> Failure {
    match e {
        KeyError::Exists(_) => {
            Failure::new(e).hint(payqr::i18n::cli::key_exists_hint(super::lang()))
        }
        e => key_failure(e),
    }
}

/// An issuer id or name the key cannot carry.
fn bad_issuer(e: KeyError) -> Failure {
    Failure::new(e).hint(payqr::i18n::cli::issuer_id_hint(super::lang()))
}

pub fn run(a: Args) -> CmdResult {
    let now = payqr::code::time::now();
    let mut out = std::io::stdout().lock();
    if let (Some(module), Some(token)) = (&a.pkcs11, &a.token) {
        return run_token(&a, module, token, now);
    }
    let key = IssuerKey::generate(&a.issuer, &a.name, now).map_err(bad_issuer)?;
    if let Some(dir) = super::keyfile::make_key_dir(&a.out)? {
        eprintln!("{}", admin::created_folder(super::lang(), &dir.display()));
    }
    // Refuse an existing file before asking for a passphrase twice.
    if !a.force {
        for ext in ["key", "pub"] {
            let mut p = a.out.as_os_str().to_owned();
            p.push(".");
            p.push(ext);
            if PathBuf::from(&p).exists() {
                return Err(exists_hint(KeyError::Exists(p.into())));
            }
        }
    }
    let (key_path, pub_path) = if a.unencrypted {
        key.save(&a.out, a.force)
    } else {
        let pw = a
            .unlock
            .passphrase(&admin::new_passphrase_prompt(super::lang()), true)
            .map_err(|e| Failure::new(admin::passphrase_failed(super::lang(), &e)))?;
        key.save_encrypted(&a.out, a.force, &pw)
    }
    .map_err(exists_hint)?;
    writeln!(out, "key_id {}", key.key_id)?;
    writeln!(out, "secret {}", key_path.display())?;
    writeln!(out, "public {}", pub_path.display())?;
    Ok(Outcome::Success)
}

fn run_token(a: &Args, module: &std::path::Path, token: &str, now: u64) -> CmdResult {
    // Check the names before making anything in the token.
    IssuerKey::from_seed(&a.issuer, &a.name, [1; 32], now).map_err(bad_issuer)?;
    let label = match &a.key_label {
        Some(l) => l.clone(),
        None => a
            .out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Failure::new(admin::no_label(super::lang())))?,
    };
    let pin = a
        .unlock
        .pin(token)
        .map_err(|e| Failure::new(admin::pin_failed(super::lang(), &e)))?;
    let (r, public) = payqr::trust::pkcs11::generate(module, token, &pin, &label)
        .map_err(|e| Failure::new(e).hint(payqr::i18n::cli::token_hint(super::lang())))?;
    if let Some(dir) = super::keyfile::make_key_dir(&a.out)? {
        eprintln!("{}", admin::created_folder(super::lang(), &dir.display()));
    }
    let (key_id, key_path, pub_path) =
        IssuerKey::save_token_ref(&a.issuer, &a.name, &r, &public, now, &a.out, a.force)
            .map_err(exists_hint)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "key_id {key_id}")?;
    writeln!(out, "token {} key {}", r.token, r.label)?;
    writeln!(
        out,
        "secret {} (reference to the token key)",
        key_path.display()
    )?;
    writeln!(out, "public {}", pub_path.display())?;
    Ok(Outcome::Success)
}
