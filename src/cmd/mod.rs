//! The command line: the clap tree ([`cli`]), verdict printing ([`output`])
//! and one module per subcommand, each owning its clap `Args` and `run()`.

pub mod anchor;
pub mod cancel;
pub mod cli;
mod common;
pub mod config;
pub mod emv;
pub mod errtext;
pub mod flags;
pub mod gendocs;
pub mod group;
pub mod help_zh;
pub mod issue;
pub mod key;
pub mod keyfile;
pub mod keygen;
pub mod ledger;
pub mod notice;
pub mod output;
pub mod progress;
pub mod reconcile;
pub mod redeem;
pub mod release;
pub mod trust;
pub mod unlock;
pub mod verdict;
pub mod verify;

use clap::{CommandFactory, FromArgMatches};

use crate::cmd::cli::{Cli, Command};
pub use common::{CmdResult, Failure, Outcome, check_outputs, lang, time_or_now, tz_or_local};

/// Parses the command line with the defaults of the environment and the
/// config file in place.
pub fn parse_cli() -> Result<Cli, Failure> {
    let matches = config::matches(Cli::command())?;
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    common::set_lang(cli.lang);
    Ok(cli)
}

pub fn run(cli: Cli) -> CmdResult {
    match cli.command {
        Command::Keygen(a) => keygen::run(a),
        Command::Key(a) => key::run(a),
        Command::Anchor(a) => anchor::run(a),
        Command::Cancel(a) => cancel::run(a),
        Command::Trust(a) => trust::run(a),
        Command::Issue(a) => issue::run(*a),
        Command::Verify(a) => verify::run(a),
        Command::Redeem(a) => redeem::run(a),
        Command::Ledger(a) => ledger::run(a),
        Command::Reconcile(a) => reconcile::run(a),
        Command::Emv(a) => emv::run(a),
        Command::Release(a) => release::run(a),
        Command::Notice(a) => notice::run(a),
        Command::Config(a) => config::run(a, cli.config.as_deref()),
        // With the environment variables attached, never a machine's config
        // file: the docs must not depend on who generates them.
        Command::GenerateDocs(a) => {
            gendocs::run(a, config::command(Cli::command(), &Default::default()))
        }
    }
}
