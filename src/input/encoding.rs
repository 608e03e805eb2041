//! The character encoding of an input CSV (settlement files, issuance
//! batches): UTF-8, or GB18030 for files saved by Chinese Excel and bank
//! exports ("GBK" in their menus; GB18030 is its superset, and what
//! encoding_rs decodes GBK labels as).
//!
//! Decoding is strict: a byte sequence that is not valid in the encoding
//! is an error naming its line, never a replacement character, because a
//! replaced character in a reference or a name would be paid against the
//! wrong code. A UTF-8 byte order mark overrides the label (the file says
//! what it is).

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult, GB18030};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    #[default]
    Utf8,
    /// GB18030, which decodes GBK and GB2312 files too.
    Gb18030,
}

impl TextEncoding {
    pub const NAMES: &str = "utf-8, gbk, gb18030";

    pub fn parse(s: &str) -> Result<TextEncoding, UnknownEncoding> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(TextEncoding::Utf8),
            "gbk" | "gb18030" | "gb2312" | "cp936" => Ok(TextEncoding::Gb18030),
            _ => Err(UnknownEncoding(s.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gb18030 => "GB18030/GBK",
        }
    }
}

/// An encoding name [`TextEncoding::parse`] does not know, as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a supported encoding (one of: {names})", names = TextEncoding::NAMES)]
pub struct UnknownEncoding(pub String);

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bytes that are not valid in the encoding: 1-based line and the byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub encoding: TextEncoding,
    pub line: u64,
    pub byte: u8,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not valid {} (byte 0x{:02X})", self.encoding, self.byte)?;
        if self.encoding == TextEncoding::Utf8 {
            f.write_str("; if the file was saved as GBK, pass --encoding gbk")?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// Line ends before `offset`: LF, or CR not followed by LF.
fn line_at(bytes: &[u8], offset: usize) -> u64 {
    let b = &bytes[..offset.min(bytes.len())];
    1 + memchr::memchr2_iter(b'\n', b'\r', b)
        .filter(|&i| b[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
        .count() as u64
}

/// The whole text, without a BOM. UTF-8 input is borrowed.
pub fn decode(bytes: &[u8], encoding: TextEncoding) -> Result<Cow<'_, str>, DecodeError> {
    let (bytes, encoding) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, TextEncoding::Utf8),
        None => (bytes, encoding),
    };
    match encoding {
        TextEncoding::Utf8 => std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
            let at = e.valid_up_to();
            DecodeError {
                encoding,
                line: line_at(bytes, at),
                byte: bytes[at],
            }
        }),
        TextEncoding::Gb18030 => {
            let mut decoder = GB18030.new_decoder_without_bom_handling();
            let room = decoder
                .max_utf8_buffer_length_without_replacement(bytes.len())
                .unwrap_or(usize::MAX);
            let mut out = String::with_capacity(room);
            let (result, read) =
                decoder.decode_to_string_without_replacement(bytes, &mut out, true);
            match result {
                DecoderResult::InputEmpty => Ok(Cow::Owned(out)),
                DecoderResult::Malformed(bad, after) => {
                    let at = read - usize::from(after) - usize::from(bad);
                    Err(DecodeError {
                        encoding,
                        line: line_at(bytes, at),
                        byte: bytes[at],
                    })
                }
                // Not reached: the string was reserved at the worst case.
                DecoderResult::OutputFull => Err(DecodeError {
                    encoding,
                    line: 1,
                    byte: 0,
                }),
            }
        }
    }
}

/// A reader yielding UTF-8 from input in `encoding`, streaming (memory does
/// not grow with the file). UTF-8 input passes through untouched, so the
/// consumer's own UTF-8 errors keep their meaning.
pub struct TextReader<R> {
    inner: R,
    decoder: Option<Decoder>,
    encoding: TextEncoding,
    input: Vec<u8>,
    /// Decoded bytes not yet handed out: `out[pos..]`.
    out: String,
    pos: usize,
    /// Lines of input decoded so far, and whether the last byte was a CR.
    line: u64,
    last_cr: bool,
    eof: bool,
}

impl<R: Read> TextReader<R> {
    pub fn new(inner: R, encoding: TextEncoding) -> TextReader<R> {
        TextReader {
            inner,
            // GB18030's decoder with BOM sniffing: a UTF-8 BOM switches it
            // to UTF-8 and is removed.
            decoder: (encoding == TextEncoding::Gb18030).then(|| GB18030.new_decoder()),
            encoding,
            input: vec![0; 1 << 16],
            out: String::new(),
            pos: 0,
            line: 1,
            last_cr: false,
            eof: false,
        }
    }
}

/// Advances a line count over `bytes` (LF, CR LF and lone CR each end one).
fn count_lines(line: &mut u64, last_cr: &mut bool, bytes: &[u8]) {
    for &b in bytes {
        if b == b'\n' && !*last_cr || b == b'\r' {
            *line += 1;
        }
        *last_cr = b == b'\r';
    }
}

impl<R: Read> Read for TextReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(decoder) = self.decoder.as_mut() else {
            return self.inner.read(buf);
        };
        while self.pos == self.out.len() && !self.eof {
            let n = self.inner.read(&mut self.input)?;
            let last = n == 0;
            self.out.clear();
            self.pos = 0;
            let room = decoder
                .max_utf8_buffer_length_without_replacement(n)
                .unwrap_or(usize::MAX);
            self.out.reserve(room);
            let input = &self.input[..n];
            let (result, read) =
                decoder.decode_to_string_without_replacement(input, &mut self.out, last);
            match result {
                DecoderResult::InputEmpty => {}
                DecoderResult::Malformed(bad, after) => {
                    let at = read - usize::from(after) - usize::from(bad);
                    let byte = input.get(at).copied().unwrap_or(0);
                    count_lines(&mut self.line, &mut self.last_cr, &input[..at.min(n)]);
                    let e = DecodeError {
                        encoding: self.encoding,
                        line: self.line,
                        byte,
                    };
                    return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string()));
                }
                DecoderResult::OutputFull => {
                    return Err(io::Error::other("decoder ran out of room"));
                }
            }
            count_lines(&mut self.line, &mut self.last_cr, &self.input[..n]);
            self.eof = last;
        }
        let rest = &self.out.as_bytes()[self.pos..];
        let k = rest.len().min(buf.len());
        buf[..k].copy_from_slice(&rest[..k]);
        self.pos += k;
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn names() {
        assert_eq!(TextEncoding::parse("GBK"), Ok(TextEncoding::Gb18030));
        assert_eq!(TextEncoding::parse("utf8"), Ok(TextEncoding::Utf8));
        assert_eq!(
            TextEncoding::parse("latin1").unwrap_err().to_string(),
            "\"latin1\" is not a supported encoding (one of: utf-8, gbk, gb18030)"
        );
    }

    #[test]
    fn whole_and_streaming_agree() {
        let text = "reference,amount,description\r\n京A12345,200.00,交通罚款\n沪B,1,备注\n";
        let bytes = gbk(text);
        assert_eq!(decode(&bytes, TextEncoding::Gb18030).unwrap(), text);
        let mut out = String::new();
        TextReader::new(&bytes[..], TextEncoding::Gb18030)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
        // Read as UTF-8 it is refused, pointing at --encoding.
        let e = decode(&bytes, TextEncoding::Utf8).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("--encoding gbk"), "{e}");
        // A BOM overrides the label.
        let bom = [UTF8_BOM, text.as_bytes()].concat();
        assert_eq!(decode(&bom, TextEncoding::Gb18030).unwrap(), text);
        let mut out = String::new();
        TextReader::new(&bom[..], TextEncoding::Gb18030)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn malformed_bytes_name_their_line() {
        let mut bytes = gbk("a,b\n京,1\n");
        bytes.extend_from_slice(b"x\x81\n");
        let e = decode(&bytes, TextEncoding::Gb18030).unwrap_err();
        assert_eq!((e.line, e.byte), (3, 0x81));
        let mut out = String::new();
        let e = TextReader::new(&bytes[..], TextEncoding::Gb18030)
            .read_to_string(&mut out)
            .unwrap_err();
        assert!(e.to_string().contains("0x81"), "{e}");
    }
}
