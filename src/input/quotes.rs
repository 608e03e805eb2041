//! Quoted CSV fields left open. Shared by batch issuance and settlement
//! parsing, which both read CSV written by other programs.

/// The csv crate accepts a quote left open at end of file as a normal
/// record (a truncated file would then lose its tail silently): find it.
pub fn unterminated_quote_line(bytes: &[u8]) -> Option<u64> {
    // No quote at all, no quoted field (the common case, found fast).
    memchr::memchr(b'"', bytes)?;
    let mut scan = QuoteScan::default();
    scan.feed(bytes);
    scan.unterminated()
}

/// [`unterminated_quote_line`] fed in pieces, so a file can be checked
/// while it streams through the CSV reader.
pub struct QuoteScan {
    in_quotes: bool,
    /// A quote inside a quoted field was the last byte seen: it closes
    /// the field unless the next byte is a second quote (an escaped one).
    quote_pending: bool,
    field_start: bool,
    line: u64,
    open_line: u64,
}

impl Default for QuoteScan {
    fn default() -> Self {
        QuoteScan {
            in_quotes: false,
            quote_pending: false,
            field_start: true,
            line: 1,
            open_line: 0,
        }
    }
}

impl QuoteScan {
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.quote_pending {
                self.quote_pending = false;
                if b == b'"' {
                    continue;
                }
                self.in_quotes = false;
            }
            if self.in_quotes {
                self.quote_pending = b == b'"';
            } else if b == b'"' && self.field_start {
                self.in_quotes = true;
                self.open_line = self.line;
            }
            self.field_start = matches!(b, b',' | b'\t' | b'\n' | b'\r') && !self.in_quotes;
            if b == b'\n' {
                self.line += 1;
            }
        }
    }

    pub fn unterminated(&self) -> Option<u64> {
        (self.in_quotes && !self.quote_pending).then_some(self.open_line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_scan_agrees_when_fed_in_pieces() {
        let texts: [&[u8]; 5] = [
            b"a,\"b\"\"c\",d\n\"x\ny\",1\n",
            b"a,\"open\nmore\n",
            b"a,b\"c,d\n",
            b"\"\"\"\"\n\"",
            b"x,\"\"\n",
        ];
        for t in texts {
            let whole = unterminated_quote_line(t);
            for cut in 0..=t.len() {
                let mut q = QuoteScan::default();
                q.feed(&t[..cut]);
                q.feed(&t[cut..]);
                assert_eq!(
                    q.unterminated(),
                    whole,
                    "{:?} cut at {cut}",
                    String::from_utf8_lossy(t)
                );
            }
        }
        assert_eq!(unterminated_quote_line(b"a,\"open\nmore\n"), Some(1));
        assert_eq!(unterminated_quote_line(b"\"\"\"\"\n\""), Some(2));
        assert_eq!(unterminated_quote_line(b"x,\"\"\n"), None);
    }
}
