//! The verdict as a cashier reads it: a first line that says at a glance
//! whether to take the payment (VALID / REDEEMED / REFUSED and why), in
//! colour on a terminal, then the facts, indented. Every user-facing word
//! of it lives here, so a translation has one place to look.

/// What every verdict says about the trust list's freshness: set once when
/// the trust list is loaded (output::CheckArgs::resolve), shown by
/// [`render`] and in JSON.
pub static TRUST_NOTE: std::sync::OnceLock<TrustNote> = std::sync::OnceLock::new();

#[derive(Debug, Clone)]
pub struct TrustNote {
    pub why: String,
    /// Expired, and judged anyway because of --allow-stale.
    pub allow_stale: bool,
}

use std::io::IsTerminal;

use chrono::FixedOffset;

use payqr::code::time;
use payqr::sanitize::for_terminal;
use payqr::verify::{Status, Verdict};

/// What the command did with a code, for the first line's word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// `payqr verify`: judged only; `ledger_checked` says whether a ledger
    /// was read, so that "not yet paid" is a fact and not a guess.
    Verify { ledger_checked: bool },
    /// `payqr redeem`: a valid code was recorded as paid by this call.
    Redeem,
}

/// The words, in one place.
pub mod text {
    pub const VALID: &str = "VALID";
    pub const REDEEMED: &str = "REDEEMED";
    pub const REFUSED: &str = "REFUSED";
    pub const NOT_YET_PAID: &str = "official, unexpired, not yet paid";
    pub const NOT_CHECKED: &str = "official, unexpired; payment status NOT checked (no --ledger)";
    pub const RECORDED: &str = "recorded in the ledger: take the payment";
    pub const NO_CODE_READ: &str = "no code was read from stdin";
    pub const NO_CODE_READ_HINT: &str =
        "pipe payload texts, one per line, or give image files or --text";
    pub const EXPIRES_IN: &str = "expires in";
}

/// Whether stdout gets colour: never with `NO_COLOR` set (no-color.org),
/// always with `CLICOLOR_FORCE` set (for terminals behind a pipe, and for
/// tests), otherwise only on a terminal.
pub fn colour_stdout() -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty() && v != "0");
    if set("NO_COLOR") {
        return false;
    }
    set("CLICOLOR_FORCE") || std::io::stdout().is_terminal()
}

const GREEN: &str = "\x1b[1;32m";
const RED: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

fn paint(word: &str, ok: bool, colour: bool) -> String {
    if colour {
        format!("{}{word}{RESET}", if ok { GREEN } else { RED })
    } else {
        word.to_string()
    }
}

/// The first line: "VALID: official, unexpired, not yet paid",
/// "REDEEMED: recorded ...", "REFUSED: expired: expired 2h 0m ago".
pub fn headline(v: &Verdict, act: Act, colour: bool) -> String {
    let ok = v.status == Status::Valid;
    match (ok, act) {
        (true, Act::Verify { ledger_checked }) => {
            let what = if ledger_checked {
                text::NOT_YET_PAID
            } else {
                text::NOT_CHECKED
            };
            format!("{}: {what}", paint(text::VALID, true, colour))
        }
        (true, Act::Redeem) => format!(
            "{}: {}",
            paint(text::REDEEMED, true, colour),
            text::RECORDED
        ),
        (false, _) => {
            let reason = v.reason.as_deref().map(for_terminal).unwrap_or_default();
            let sep = if reason.is_empty() { "" } else { ": " };
            format!(
                "{}: {}{sep}{reason}",
                paint(text::REFUSED, false, colour),
                v.status.as_str()
            )
        }
    }
}

/// The facts after the first line, each line indented by two spaces: the
/// source and what the code asks for, who issued it, and (for a valid
/// code) when it expires, in `tz`.
pub fn fact_lines(source: &str, v: &Verdict, at: u64, tz: FixedOffset) -> Vec<String> {
    let source = for_terminal(source);
    let Some(sc) = &v.code else {
        return vec![format!("  {source}")];
    };
    let c = &sc.code;
    let issuer = match &v.issuer_name {
        Some(n) => format!("{} ({})", for_terminal(n), c.issuer),
        None => c.issuer.clone(),
    };
    let desc = c
        .description
        .as_deref()
        .map(|d| format!(" \"{}\"", for_terminal(d)))
        .unwrap_or_default();
    let mut lines = vec![
        format!(
            "  {source}: {} {} {}{desc}, ref {}, payee {}",
            c.kind,
            c.currency.format_amount(c.amount),
            c.currency,
            for_terminal(&c.reference),
            for_terminal(&c.payee),
        ),
        format!("  issuer {issuer}, code {}", c.code_id),
    ];
    if v.status == Status::Valid {
        let exp = c.expires_at;
        lines.push(format!(
            "  {} {} ({})",
            text::EXPIRES_IN,
            time::humanize(exp.saturating_sub(at)),
            time::format_in(exp, tz)
        ));
    }
    lines
}

/// The whole human verdict, ending in a newline.
pub fn render(
    source: &str,
    v: &Verdict,
    act: Act,
    at: u64,
    tz: FixedOffset,
    colour: bool,
) -> String {
    let mut s = headline(v, act, colour);
    s.push('\n');
    for l in fact_lines(source, v, at, tz) {
        s.push_str(&l);
        s.push('\n');
    }
    if let Some(note) = TRUST_NOTE.get().map(|n| n.why.clone()) {
        s.push_str(&format!("  [{}]\n", payqr::sanitize::for_terminal(&note)));
    }
    s
}

/// Stdin held no payload (`verify - </dev/null`): a negative result, not
/// silence; exit 1, as for a code that is not valid.
pub fn nothing_read() -> crate::cmd::Failure {
    let mut f = crate::cmd::Failure::new(text::NO_CODE_READ).hint(text::NO_CODE_READ_HINT);
    f.code = 1;
    f
}
