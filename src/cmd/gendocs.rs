//! `payqr generate-docs DIR` (hidden): writes DIR/man/*.1 and
//! DIR/completions/* from the clap definition, so they never drift from it.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use super::{CmdResult, Failure, Outcome};
use crate::cmd::cli::Cli;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory that receives man/ and completions/.
    pub dir: PathBuf,
}

pub fn run(a: Args) -> CmdResult {
    generate(&a.dir).map_err(|e| Failure::new(format!("{}: {e}", a.dir.display())))?;
    Ok(Outcome::Success)
}

fn generate(dir: &Path) -> std::io::Result<()> {
    let man = dir.join("man");
    let comp = dir.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&comp)?;
    clap_mangen::generate_to(Cli::command(), &man)?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        clap_complete::generate_to(shell, &mut Cli::command(), "payqr", &comp)?;
    }
    Ok(())
}
