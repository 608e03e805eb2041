//! The `payqr` command: argument parsing and printing over the library.

mod cmd;

use std::io::Write;
use std::process::ExitCode;

use crate::cmd::{Failure, Outcome};

fn main() -> ExitCode {
    let result = cmd::parse_cli().and_then(cmd::run);
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

/// Prints a failure. Messages name files and quote input (CSV cells,
/// settlement rows): all of it goes through the one sanitizer.
fn report(f: &Failure) {
    use payqr::sanitize::for_terminal;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "payqr: error: {}", for_terminal(&f.message));
    for line in &f.details {
        let _ = writeln!(err, "  {}", for_terminal(line));
    }
    if let Some(hint) = &f.hint {
        let _ = writeln!(err, "payqr: hint: {}", for_terminal(hint));
    }
}
