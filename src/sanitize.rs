//! Untrusted text: the one definition of the characters payqr never lets
//! through raw, and what happens to them on every way out.
//!
//! QR payloads, image file names, settlement files and command-line
//! values are attacker-controlled. A decoded payload could carry ANSI
//! escape sequences that rewrite the verdict line on screen ("VALID"),
//! bidi overrides that reorder it, or invisible characters that make two
//! different references look the same. So:
//!
//! - text printed to a terminal (verdicts of every status, errors naming
//!   files, `emv parse`) goes through [`for_terminal`], which shows each
//!   such character as a visible escape (`\x1b`, `\u{202e}`);
//! - cells of CSV and HTML reports go through [`for_report`] (the same
//!   escapes, plus the spreadsheet-formula guard of [`for_spreadsheet`]);
//! - signed text fields are refused at issue and at decode, and `--txn`
//!   values at redeem, by [`check_text`].
//!
//! JSON output keeps values exact: JSON escapes control characters itself
//! and is read by programs.

/// Whether `c` is one of the characters payqr never passes through raw:
///
/// - **control characters** (Unicode Cc): C0 U+0000–001F (ESC starts
///   terminal escape sequences, CR and BS overwrite), DEL U+007F, C1
///   U+0080–009F (U+009B is a one-byte CSI, U+0085 a line break);
/// - **line and paragraph separators** U+2028, U+2029 (Zl, Zp);
/// - **bidi controls**: U+061C ARABIC LETTER MARK, U+200E/F LRM/RLM,
///   U+202A–202E embeddings and overrides, U+2066–2069 isolates;
/// - **invisible format characters** (Unicode Cf), which render as nothing
///   yet make strings differ: U+00AD soft hyphen, U+0600–0605, U+06DD,
///   U+070F, U+0890–0891, U+08E2, U+180E, zero-width U+200B–200D, U+2060–2064
///   and U+206A–206F, U+FEFF BOM / zero-width no-break space,
///   U+FFF9–FFFB, U+110BD, U+110CD, U+13430–1343F, U+1BCA0–1BCA3,
///   U+1D173–1D17A, and the whole tag block U+E0000–E007F.
///
/// Ordinary text of any script (Chinese, Arabic, emoji without joiners)
/// passes. The cost: ZWNJ/ZWJ (U+200C/D), which Persian words and emoji
/// sequences use, are refused in signed fields and shown escaped.
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// The first character of `s` that [`is_unsafe`].
pub fn first_unsafe(s: &str) -> Option<char> {
    // Printable ASCII (most of what is shown) is safe: one pass over the
    // bytes instead of [`is_unsafe`]'s two dozen compares a character, which
    // cost ~1 % of a bulk `redeem -` in `for_terminal`.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    s.chars().find(|&c| is_unsafe(c))
}

/// Why [`check_text`] refused a value: a phrase for "FIELD: ..." messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{len} bytes, at most {max} allowed")]
    TooLong { len: usize, max: usize },
    #[error("{} U+{:04X} is not allowed", describe(*.0), u32::from(*.0))]
    Unsafe(char),
}

/// Checks a value that will be stored or signed: at most `max` bytes and
/// nothing [`is_unsafe`].
pub fn check_text(s: &str, max: usize) -> Result<(), TextError> {
    if s.len() > max {
        return Err(TextError::TooLong { len: s.len(), max });
    }
    match first_unsafe(s) {
        Some(c) => Err(TextError::Unsafe(c)),
        None => Ok(()),
    }
}

/// What kind of unsafe character `c` is, for error messages.
fn describe(c: char) -> &'static str {
    match c {
        c if c.is_control() => "control character",
        '\u{2028}' | '\u{2029}' => "line separator",
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            "bidi control"
        }
        _ => "invisible format character",
    }
}

/// `s` with every [`is_unsafe`] character replaced by a visible escape
/// (`\t`, `\n`, `\r`, `\x1b`, `\u{202e}`); ordinary text untouched.
pub fn for_terminal(s: &str) -> String {
    if first_unsafe(s).is_none() {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 && is_unsafe(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A file name for a terminal: lossy UTF-8, then [`for_terminal`].
pub fn path_for_terminal(p: &std::path::Path) -> String {
    for_terminal(&p.to_string_lossy())
}

/// A cell of a CSV or HTML report: [`for_terminal`]'s escapes, then
/// [`for_spreadsheet`]'s guard.
pub fn for_report(s: &str) -> String {
    let escaped = for_terminal(s);
    match for_spreadsheet(&escaped) {
        std::borrow::Cow::Borrowed(_) => escaped,
        std::borrow::Cow::Owned(guarded) => guarded,
    }
}

/// Neutralizes a text cell for CSV opened in a spreadsheet (OWASP CSV
/// injection): a leading = + - @ TAB or CR gets a leading apostrophe.
pub fn for_spreadsheet(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_keeps_text() {
        assert_eq!(for_terminal("京A12345"), "京A12345");
        assert_eq!(for_terminal("مرحبا"), "مرحبا");
        assert_eq!(for_terminal("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(for_terminal("x\u{202e}y\u{9b}"), "x\\u{202e}y\\u{9b}");
        assert_eq!(
            for_terminal("a\u{61c}b\u{2028}c\u{200b}d\u{e0041}e\u{feff}"),
            "a\\u{61c}b\\u{2028}c\\u{200b}d\\u{e0041}e\\u{feff}"
        );
        assert_eq!(for_spreadsheet("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(for_spreadsheet("京A"), "京A");
        assert_eq!(for_report("=1+1\u{202e}"), "'=1+1\\u{202e}");
        assert_eq!(for_report("\x1b[31m"), "\\x1b[31m");
    }

    #[test]
    fn the_class_agrees_with_unicode_categories() {
        // Every char Rust calls a control is unsafe; visible punctuation,
        // spaces and letters near the ranges are not.
        for c in (0..0x110000).filter_map(char::from_u32) {
            if c.is_control() {
                assert!(is_unsafe(c), "U+{:04X}", c as u32);
            }
        }
        for c in [
            ' ',
            '\u{a0}',
            '\u{2027}',
            '\u{2030}',
            '\u{2065}',
            '\u{e0080}',
            '€',
        ] {
            assert!(!is_unsafe(c), "U+{:04X}", c as u32);
        }
        assert!(check_text("POS-0001", 64).is_ok());
        assert_eq!(
            check_text("a\u{202e}", 64).unwrap_err().to_string(),
            "bidi control U+202E is not allowed"
        );
        assert_eq!(
            check_text("a\u{e0001}", 64).unwrap_err().to_string(),
            "invisible format character U+E0001 is not allowed"
        );
        assert_eq!(
            check_text("abc", 2).unwrap_err().to_string(),
            "3 bytes, at most 2 allowed"
        );
    }
}
