//! Escaping untrusted text before it reaches a terminal or a spreadsheet.
//!
//! A QR code is attacker-controlled input: a decoded payload could carry
//! ANSI escape sequences that rewrite the verdict line on screen ("VALID"),
//! or bidi overrides that reorder it. Everything printed from a scan goes
//! through [`for_terminal`].

/// Replaces control characters (C0, DEL, C1) and bidi controls with visible
/// escapes (`\x1b`, `\u{202e}`), leaving ordinary text (including Chinese)
/// untouched.
pub fn for_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if ('\u{80}'..='\u{9f}').contains(&c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
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
        assert_eq!(for_terminal("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(for_terminal("x\u{202e}y\u{9b}"), "x\\u{202e}y\\u{9b}");
        assert_eq!(for_spreadsheet("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(for_spreadsheet("京A"), "京A");
    }
}
