//! `payqr keygen`: create an issuer key pair.

use std::io::Write;
use std::path::PathBuf;

use payqr::trust::keys::{IssuerKey, KeyError};

use super::{CmdResult, Failure, Outcome};

/// Create an issuer's signing key (PREFIX.key, mode 0600) and public key (PREFIX.pub).
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Example:
  payqr keygen --issuer bj-traffic --name \"北京市公安局公安交通管理局\" --out keys/bj-2026

Give PREFIX.pub to every verifier (payqr trust add); keep PREFIX.key secret.")]
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
}

pub fn run(a: Args) -> CmdResult {
    let key = IssuerKey::generate(&a.issuer, &a.name, payqr::code::time::now())
        .map_err(|e| Failure::new(e).hint("issuer ids look like bj-traffic or sh-water.bills"))?;
    let (key_path, pub_path) = key.save(&a.out, a.force).map_err(|e| match e {
        KeyError::Exists(_) => Failure::new(e)
            .hint("a key is never overwritten by accident: choose another --out or add --force"),
        e => Failure::new(e),
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "key_id {}", key.key_id)?;
    writeln!(out, "secret {}", key_path.display())?;
    writeln!(out, "public {}", pub_path.display())?;
    Ok(Outcome::Success)
}
