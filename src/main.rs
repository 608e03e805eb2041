//! The `payqr` command: argument parsing and printing over the library.

mod cli;
mod cmd;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cmd::{Failure, Outcome};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = cmd::run(cli);
    // Flush before deciding: a closed pipe (`payqr verify ... | head`) is
    // the reader's choice, not an error, and gets no message.
    let flushed = std::io::stdout().flush();
    match result {
        Ok(Outcome::Success) => ExitCode::from(0),
        Ok(Outcome::Negative) => ExitCode::from(1),
        Err(f) if f.is_broken_pipe() => ExitCode::from(0),
        Err(f) => {
            if flushed
                .as_ref()
                .is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::from(0);
            }
            report(&f);
            ExitCode::from(f.code)
        }
    }
}

fn report(f: &Failure) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "payqr: error: {}", f.message);
    for line in &f.details {
        let _ = writeln!(err, "  {line}");
    }
    if let Some(hint) = &f.hint {
        let _ = writeln!(err, "payqr: hint: {hint}");
    }
}
