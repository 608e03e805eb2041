//! `payqr generate-docs DIR` (hidden): writes DIR/man/*.1 and
//! DIR/completions/* from the clap definition, so they never drift from it.

use std::path::{Path, PathBuf};

use clap_complete::Shell;

use super::common::{CmdResult, Failure, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory that receives man/ and completions/.
    pub dir: PathBuf,
}

/// `cli`: the clap tree, passed in so this module need not stand on
/// `cli.rs` (which names this module's [`Args`]).
pub fn run(a: Args, cli: clap::Command) -> CmdResult {
    generate(&a.dir, cli).map_err(|e| Failure::new(format!("{}: {e}", a.dir.display())))?;
    Ok(Outcome::Success)
}

fn generate(dir: &Path, mut cli: clap::Command) -> std::io::Result<()> {
    let man = dir.join("man");
    let comp = dir.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&comp)?;
    clap_mangen::generate_to(cli.clone(), &man)?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        clap_complete::generate_to(shell, &mut cli, "payqr", &comp)?;
    }
    Ok(())
}
