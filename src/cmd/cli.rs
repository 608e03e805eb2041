//! The command-line interface definition (clap derive, no logic). The man
//! pages in man/ and the shell completions in completions/ are generated
//! from it by `payqr generate-docs` (see README).

use clap::{Parser, Subcommand};

use crate::cmd;

pub const EXIT_CODES: &str = "\
Exit status:
  0  success: every code valid / redeemed, no discrepancy
  1  negative result: a code is not valid, a redemption was refused, or
     reconciliation found discrepancies
  2  usage or input error (bad flags, unreadable file, bad CSV row)
  130  interrupted (Ctrl-C); a batch issue keeps what it finished";

#[derive(Parser, Debug)]
#[command(
    name = "payqr",
    version,
    about = "Issue, verify and reconcile signed payment QR codes",
    long_about = "payqr issues Ed25519-signed payment QR codes for traffic fines and utility \
bills, verifies them offline (from photos, scans, scanner guns or stdin), records \
redemptions so a code is never paid twice, and reconciles settlement files against \
what was issued.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Config file giving defaults for --trust, --ledger, --tz and --lang (default:
    /// PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Language of verdicts, messages, notices and the HTML report: en or
    /// zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale:
    /// LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English.
    #[arg(long, global = true, value_name = "LANG", ignore_case = true, value_parser = crate::cmd::flags::lang())]
    pub lang: Option<payqr::i18n::Lang>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Keygen(cmd::keygen::Args),
    /// Work on an existing secret key file (encrypt a clear one).
    Key(cmd::key::Args),
    /// Trust-anchor keys: the offline key that signs trust bundles.
    Anchor(cmd::anchor::Args),
    /// Manage the trust list: which issuers and keys are accepted.
    Trust(cmd::trust::Args),
    Issue(Box<cmd::issue::Args>),
    Verify(cmd::verify::Args),
    Cancel(cmd::cancel::Args),
    Redeem(cmd::redeem::Args),
    Notice(cmd::notice::Args),
    /// Inspect and repair the ledger of issued and redeemed codes.
    Ledger(cmd::ledger::Args),
    Reconcile(cmd::reconcile::Args),
    /// Read EMV merchant-presented QR payloads (any scheme, not only payqr's).
    Emv(cmd::emv::Args),
    /// Sign a release file (SHA256SUMS) or check its signature.
    Release(cmd::release::Args),
    /// Show the settings in effect: `--trust`, `--ledger`, `--tz`, `--lang` defaults.
    Config(cmd::config::Args),
    /// Regenerate man pages and shell completions from this definition.
    #[command(hide = true)]
    GenerateDocs(cmd::gendocs::Args),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_subcommand_help_has_an_example() {
        fn walk(cmd: &clap::Command, path: String) {
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                let p = format!("{path} {}", sub.get_name());
                if sub.has_subcommands() {
                    walk(sub, p);
                    continue;
                }
                let help = sub
                    .get_after_help()
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                assert!(help.contains("Example"), "{p} --help has no example");
            }
        }
        walk(&Cli::command(), "payqr".into());
    }
}
