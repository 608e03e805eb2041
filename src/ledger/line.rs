//! The line format. Every record is one line that ends in two fields:
//! `prev`, the first 16 bytes of SHA-256 over the previous record's line
//! (zeros for the first record), and `crc`, CRC-32 over every byte of the
//! line before the `crc` field. The checksum catches bit rot and torn or
//! edited lines; the chain catches deleted, inserted and reordered lines.
//!
//! JSON lines: `{...record...,"prev":"<32 hex>","crc":"<8 hex>"}`.
//! CSV: `<record fields>,<32 hex>,<8 hex>` under a fixed header row.

use std::sync::LazyLock;

use std::borrow::Cow;

use super::chain::{Hash, hash};
use super::checked::{self, Checked};
use super::error::{EncodeError, LineError, RecordError};
use super::record::{Event, LedgerFormat, RawRecord, Record, Text};
use crate::code::Kind;
use crate::code::decimal::push_decimal;
use crate::code::hex::{lower_hex, to_hex};

/// `,"prev":"` + 32 hex + `","crc":"` + 8 hex + `"}`
const JSON_TAIL: usize = 9 + 32 + 9 + 8 + 2;
/// `,"crc":"` + 8 hex + `"}`
const JSON_CRC_TAIL: usize = 8 + 8 + 2;
/// `,` + 32 hex + `,` + 8 hex
const CSV_TAIL: usize = 1 + 32 + 1 + 8;
const CSV_CRC_TAIL: usize = 1 + 8;

fn crc_hex(bytes: &[u8]) -> String {
    to_hex(&crc32fast::hash(bytes).to_be_bytes())
}

/// The CSV header row (without newline) and the record's column names.
static CSV_HEADER: LazyLock<(String, csv::StringRecord)> = LazyLock::new(|| {
    let sample = Record::redeemed("x", crate::code::CodeId([0; 8]), 0, None, "x", None);
    let mut w = csv::WriterBuilder::new()
        .has_headers(true)
        .from_writer(Vec::new());
    w.serialize(&sample).expect("in-memory write");
    let bytes = w.into_inner().expect("in-memory write");
    let text = String::from_utf8(bytes).expect("field names are ASCII");
    let names = text.lines().next().expect("header row").to_string();
    let record = csv::StringRecord::from(names.split(',').collect::<Vec<_>>());
    (format!("{names},prev,crc"), record)
});

/// The last column, which CSV ledgers written before it do not have.
const NEWEST_COLUMN: &str = "judged_at";

/// The header and columns of CSV ledgers written before `judged_at`: read
/// and appended to as they are (their rows never get that column).
static CSV_LEGACY_HEADER: LazyLock<(String, csv::StringRecord)> = LazyLock::new(|| {
    let names = &CSV_HEADER.1;
    assert_eq!(names.get(names.len() - 1), Some(NEWEST_COLUMN));
    let old: Vec<&str> = names.iter().take(names.len() - 1).collect();
    (
        format!("{},prev,crc", old.join(",")),
        csv::StringRecord::from(old),
    )
});

pub fn csv_header() -> &'static str {
    &CSV_HEADER.0
}

/// The header of a CSV ledger written before the `judged_at` column.
pub fn csv_legacy_header() -> &'static str {
    &CSV_LEGACY_HEADER.0
}

/// Appends the line of `r` (with its newline) to `out` and returns its hash.
pub fn encode(
    format: LedgerFormat,
    r: &Record,
    prev: &Hash,
    out: &mut Vec<u8>,
) -> Result<Hash, EncodeError> {
    encode_as(format, false, r, prev, out)
}

/// [`encode`] for a CSV ledger whose header has no `judged_at` column
/// (written before it), whose rows must not have it either.
pub fn encode_legacy_csv(
    format: LedgerFormat,
    r: &Record,
    prev: &Hash,
    out: &mut Vec<u8>,
) -> Result<Hash, EncodeError> {
    encode_as(format, format == LedgerFormat::Csv, r, prev, out)
}

fn encode_as(
    format: LedgerFormat,
    legacy_csv: bool,
    r: &Record,
    prev: &Hash,
    out: &mut Vec<u8>,
) -> Result<Hash, EncodeError> {
    let start = out.len();
    match format {
        LedgerFormat::Jsonl => {
            if !json_plain(r, out) {
                // Drop null fields: a redemption line stays short.
                let mut v =
                    serde_json::to_value(r).map_err(|e| EncodeError::Writer(e.to_string()))?;
                if let Some(map) = v.as_object_mut() {
                    map.retain(|_, v| !v.is_null());
                    if let Some(p) = &r.payload {
                        map.insert("payload".into(), serde_json::Value::String(p.clone()));
                    }
                }
                serde_json::to_writer(&mut *out, &v)
                    .map_err(|e| EncodeError::Writer(e.to_string()))?;
                out.pop(); // the closing brace; the tail closes the object
            }
            out.extend_from_slice(format!(r#","prev":"{}""#, to_hex(prev)).as_bytes());
            let crc = crc_hex(&out[start..]);
            out.extend_from_slice(format!(r#","crc":"{crc}"}}"#).as_bytes());
        }
        LedgerFormat::Csv => {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            let writer = |e: &dyn std::fmt::Display| EncodeError::Writer(e.to_string());
            w.serialize(r).map_err(|e| writer(&e))?;
            let mut row = w.into_inner().map_err(|e| writer(&e))?;
            while matches!(row.last(), Some(b'\n' | b'\r')) {
                row.pop();
            }
            if legacy_csv {
                if r.judged_at.is_some() {
                    return Err(EncodeError::PredatesColumn {
                        column: NEWEST_COLUMN,
                    });
                }
                // The empty last field: its comma ends the row.
                if row.pop() != Some(b',') {
                    return Err(EncodeError::NotLastColumn {
                        column: NEWEST_COLUMN,
                    });
                }
            }
            if row.iter().any(|&b| b == b'\n' || b == b'\r') {
                return Err(EncodeError::LineBreak);
            }
            out.extend_from_slice(&row);
            out.push(b',');
            out.extend_from_slice(to_hex(prev).as_bytes());
            let crc = crc_hex(&out[start..]);
            out.push(b',');
            out.extend_from_slice(crc.as_bytes());
        }
    }
    let h = hash(&out[start..]);
    out.push(b'\n');
    Ok(h)
}

/// Writes the record part of `r`'s JSON line (without its closing brace)
/// as the serde path above writes it: keys in sorted order (serde_json's
/// map is a BTreeMap), null fields left out, `payload` among them. Only
/// when no string needs an escape (no `"`, `\\` or control character),
/// which holds for every line payqr writes in practice; otherwise it
/// writes nothing and returns false, and serde writes the line. Building a
/// `serde_json::Value` (a map of 20 owned strings) per record was the
/// largest cost of an append after the signature checks: ~25,000
/// instructions a redemption, against ~2,000 here.
fn json_plain(r: &Record, out: &mut Vec<u8>) -> bool {
    enum V<'a> {
        S(Option<&'a str>),
        N(Option<u64>),
    }
    fn s(v: &Option<String>) -> V<'_> {
        V::S(v.as_deref())
    }
    let event = match r.event {
        Event::Issued => "issued",
        Event::Redeemed => "redeemed",
        Event::Lost => "lost",
        Event::Cancelled => "cancelled",
    };
    let kind = r.kind.map(|k| match k {
        Kind::Fine => "fine",
        Kind::Bill => "bill",
    });
    // Sorted by key, as serde_json writes a map.
    let fields: [(&str, V); 20] = [
        ("amount", V::N(r.amount)),
        ("channel", s(&r.channel)),
        ("code_id", V::S(Some(&r.code_id))),
        ("currency", s(&r.currency)),
        ("event", V::S(Some(event))),
        ("expires_at", s(&r.expires_at)),
        ("issued_at", s(&r.issued_at)),
        ("issuer", V::S(Some(&r.issuer))),
        ("judged_at", s(&r.judged_at)),
        ("key_id", s(&r.key_id)),
        ("kind", V::S(kind)),
        ("payee", s(&r.payee)),
        ("payload", s(&r.payload)),
        ("payload_sha256", s(&r.payload_sha256)),
        ("reference", s(&r.reference)),
        ("replaces", s(&r.replaces)),
        ("seq", V::N(Some(r.seq))),
        ("source", s(&r.source)),
        ("time", V::S(Some(&r.time))),
        ("txn", s(&r.txn)),
    ];
    let plain = |t: &str| t.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
    if !fields.iter().all(|(_, v)| match v {
        V::S(Some(t)) => plain(t),
        _ => true,
    }) {
        return false;
    }
    out.push(b'{');
    let mut first = true;
    for (key, v) in &fields {
        let mut open = |out: &mut Vec<u8>| {
            if !std::mem::replace(&mut first, false) {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"\":");
        };
        match *v {
            V::S(Some(t)) => {
                open(out);
                out.push(b'"');
                out.extend_from_slice(t.as_bytes());
                out.push(b'"');
            }
            V::N(Some(n)) => {
                open(out);
                push_decimal(out, n);
            }
            V::S(None) | V::N(None) => {}
        }
    }
    true
}

/// Checks one line (without its newline) against its checksum and, when
/// given, the previous line's hash, then parses the record.
pub fn decode(format: LedgerFormat, line: &[u8], prev: Option<&Hash>) -> Result<Record, LineError> {
    let (record, named) = frame(format, line)?;
    if prev.is_some_and(|p| named != Some(*p)) {
        return Err(LineError::ChainBroken);
    }
    parse(format, record)
}

/// One line read on its own, with no regard to the line before it: all of
/// the work of a load that can be done for every line at once.
// Lines read live in two vectors reused chunk after chunk, so their size
// costs no allocation; boxing the record would cost one per line of a
// full load.
#[allow(clippy::large_enum_variant)]
pub(super) enum Read {
    /// Not framed, or its checksum does not match.
    Bad(LineError),
    Framed {
        /// The `prev` the line names (`None`: not 32 lowercase hex digits,
        /// which no line's hash is written as).
        prev: Option<Hash>,
        /// This line's own hash, the next line's `prev`.
        hash: Hash,
        /// The record's seq and checked fields, or why it is not a record.
        record: Result<(u64, Result<Checked, RecordError>), LineError>,
    },
}

impl Read {
    /// Checks what [`decode`] checks, except the chain, which needs the
    /// line before: the caller compares `prev` with it, in file order.
    pub(super) fn line(format: LedgerFormat, line: &[u8]) -> Read {
        let (record, prev) = match frame(format, line) {
            Ok(f) => f,
            Err(e) => return Read::Bad(e),
        };
        let record = match format {
            LedgerFormat::Jsonl => match fast_json(record) {
                Some(raw) => Ok((raw.seq, checked::check(raw))),
                None => parse_json_checked(record),
            },
            LedgerFormat::Csv => {
                parse(format, record).map(|r| (r.seq, checked::check(RawRecord::from(r))))
            }
        };
        Read::Framed {
            prev,
            hash: hash(line),
            record,
        }
    }
}

/// Splits a line into its record part and the `prev` it names, after
/// checking its framing and checksum.
fn frame(format: LedgerFormat, line: &[u8]) -> Result<(&[u8], Option<Hash>), LineError> {
    let (tail, crc_tail) = match format {
        LedgerFormat::Jsonl => (JSON_TAIL, JSON_CRC_TAIL),
        LedgerFormat::Csv => (CSV_TAIL, CSV_CRC_TAIL),
    };
    if line.len() < tail + 2 {
        return Err(LineError::TooShort);
    }
    let (body, crc_part) = line.split_at(line.len() - crc_tail);
    let (record, prev_part) = line.split_at(line.len() - tail);
    let (prev_hex, crc_found, framed) = match format {
        LedgerFormat::Jsonl => (
            &prev_part[9..41],
            &crc_part[8..16],
            // Fixed-size compares, not calls into memcmp.
            prev_part[..9] == br#","prev":""#[..]
                && prev_part[41..50] == br#"","crc":""#[..]
                && crc_part[16..] == br#""}"#[..],
        ),
        LedgerFormat::Csv => (
            &prev_part[1..33],
            &crc_part[1..],
            prev_part[0] == b',' && crc_part[0] == b',',
        ),
    };
    if !framed {
        return Err(LineError::NotFramed);
    }
    // Written as lowercase hex: anything else does not match.
    if lower_hex::<4>(crc_found) != Some(crc32fast::hash(body).to_be_bytes()) {
        return Err(LineError::Checksum);
    }
    Ok((record, lower_hex::<16>(prev_hex)))
}

/// The record part of a JSON line as the ledger writes it (keys of
/// `Record` once each, no whitespace, no escapes, plain integers), read
/// without serde. `None` for anything else, which then goes to serde_json:
/// whatever this reads, serde reads the same.
fn fast_json(record: &[u8]) -> Option<RawRecord<'_>> {
    enum V<'a> {
        Str(&'a str),
        Num(u64),
        Null,
    }
    let text = std::str::from_utf8(record).ok()?;
    let b = text.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut i = 1;
    let mut seen = 0u32;
    let (mut seq, mut time, mut event, mut issuer, mut code_id) = (None, None, None, None, None);
    let (mut kind, mut amount) = (None, None);
    // key_id, currency, payee, reference, issued_at, expires_at,
    // payload_sha256, txn, channel, source, replaces, judged_at
    let mut texts: [Option<Text>; 12] = Default::default();
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        // Strings are short: one pass finds the closing quote and refuses
        // escapes and control characters.
        let string_end = |from: usize| -> Option<usize> {
            let len = b[from..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
            (b[from + len] == b'"').then_some(from + len)
        };
        let key_end = string_end(i + 1)?;
        let key = &b[i + 1..key_end];
        i = key_end + 1;
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        let value = match *b.get(i)? {
            b'"' => {
                let end = string_end(i + 1)?;
                let v = V::Str(&text[i + 1..end]);
                i = end + 1;
                v
            }
            b'n' if b[i..].starts_with(b"null") => {
                i += 4;
                V::Null
            }
            b'0'..=b'9' => {
                let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits > 1 && b[i] == b'0' {
                    return None;
                }
                let n = text[i..i + digits].parse().ok()?;
                i += digits;
                V::Num(n)
            }
            _ => return None,
        };
        const KEYS: [&[u8]; 17] = [
            b"seq",
            b"time",
            b"event",
            b"issuer",
            b"code_id",
            b"kind",
            b"amount",
            b"key_id",
            b"currency",
            b"payee",
            b"reference",
            b"issued_at",
            b"expires_at",
            b"payload_sha256",
            b"txn",
            b"channel",
            b"source",
        ];
        // The one key this can be, by length and first letter (in
        // whatever order the keys come: payqr writes them sorted).
        let k = match (key.len(), key.first()) {
            (3, Some(b's')) => 0,
            (4, Some(b't')) => 1,
            (5, Some(b'e')) => 2,
            (6, Some(b'i')) => 3,
            (7, Some(b'c')) if key[1] == b'o' => 4,
            (4, Some(b'k')) => 5,
            (6, Some(b'a')) => 6,
            (6, Some(b'k')) => 7,
            (8, Some(b'c')) => 8,
            (5, Some(b'p')) => 9,
            (9, Some(b'r')) => 10,
            (9, Some(b'i')) => 11,
            (10, Some(b'e')) => 12,
            (14, Some(b'p')) => 13,
            (3, Some(b't')) => 14,
            (7, Some(b'c')) => 15,
            (6, Some(b's')) => 16,
            (8, Some(b'r')) => 17,
            (9, Some(b'j')) => 18,
            (7, Some(b'p')) => 19,
            _ => return None,
        };
        let name: &[u8] = match k {
            17 => b"replaces",
            18 => b"judged_at",
            19 => b"payload",
            _ => KEYS[k],
        };
        if name != key {
            return None;
        }
        if seen & 1 << k != 0 {
            return None;
        }
        seen |= 1 << k;
        match (k, value) {
            (0, V::Num(n)) => seq = Some(n),
            (1, V::Str(s)) => time = Some(s),
            (2, V::Str("issued")) => event = Some(Event::Issued),
            (2, V::Str("redeemed")) => event = Some(Event::Redeemed),
            (2, V::Str("lost")) => event = Some(Event::Lost),
            (3, V::Str(s)) => issuer = Some(s),
            (4, V::Str(s)) => code_id = Some(s),
            (5, V::Str("fine")) => kind = Some(Kind::Fine),
            (5, V::Str("bill")) => kind = Some(Kind::Bill),
            (6, V::Num(n)) => amount = Some(n),
            (5 | 6, V::Null) => {}
            // The payload text (issued records): kept for `payqr notice`,
            // not part of the state.
            (19, V::Str(_) | V::Null) => {}
            (7.., V::Str(s)) => texts[k - 7] = Some(Text(Cow::Borrowed(s))),
            (7.., V::Null) => {}
            _ => return None,
        }
        match b.get(i) {
            None => break,
            Some(b',') => i += 1,
            Some(_) => return None,
        }
    }
    fn borrowed(s: &str) -> Text<'_> {
        Text(Cow::Borrowed(s))
    }
    let [
        key_id,
        currency,
        payee,
        reference,
        issued_at,
        expires_at,
        payload_sha256,
        txn,
        channel,
        source,
        replaces,
        judged_at,
    ] = texts;
    Some(RawRecord {
        seq: seq?,
        time: borrowed(time?),
        event: event?,
        issuer: borrowed(issuer?),
        code_id: borrowed(code_id?),
        key_id,
        kind,
        amount,
        currency,
        payee,
        reference,
        issued_at,
        expires_at,
        payload_sha256,
        txn,
        channel,
        source,
        replaces,
        judged_at,
    })
}

thread_local! {
    /// The record part of a JSON line closed with `}`, reused line to line.
    static JSON: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Parses the record part of a JSON line (closed with `}`, as [`parse`]
/// does) with its strings borrowed, and checks its fields.
type Parsed = (u64, Result<Checked, RecordError>);

fn parse_json_checked(record: &[u8]) -> Result<Parsed, LineError> {
    JSON.with_borrow_mut(|json| {
        json.clear();
        json.extend_from_slice(record);
        json.push(b'}');
        let raw: RawRecord =
            serde_json::from_slice(json).map_err(|e| LineError::Syntax(e.to_string()))?;
        Ok((raw.seq, checked::check(raw)))
    })
}

/// Parses the record part of a line (before its prev and crc fields).
fn parse(format: LedgerFormat, record: &[u8]) -> Result<Record, LineError> {
    match format {
        LedgerFormat::Jsonl => {
            let mut json = Vec::with_capacity(record.len() + 1);
            json.extend_from_slice(record);
            json.push(b'}');
            serde_json::from_slice(&json).map_err(|e| LineError::Syntax(e.to_string()))
        }
        LedgerFormat::Csv => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .buffer_capacity(record.len() + 16)
                .from_reader(record);
            let mut row = csv::StringRecord::new();
            match rdr.read_record(&mut row) {
                Ok(true) => {}
                Ok(false) => return Err(LineError::Empty),
                Err(e) => return Err(LineError::Syntax(e.to_string())),
            }
            // Rows of ledgers written before the newest column lack it.
            let names = [&CSV_HEADER.1, &CSV_LEGACY_HEADER.1]
                .into_iter()
                .find(|names| names.len() == row.len())
                .ok_or(LineError::Fields {
                    found: row.len(),
                    expected: CSV_HEADER.1.len(),
                })?;
            row.deserialize(Some(names))
                .map_err(|e| LineError::Syntax(e.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::chain::GENESIS;

    /// Whatever the fast path reads, serde reads the same; what it does
    /// not read goes to serde.
    #[test]
    fn the_fast_path_reads_what_serde_reads() {
        let base = r#"{"seq":7,"time":"2026-11-23T00:00:00Z","event":"issued","issuer":"bj-traffic","code_id":"92e5dfe8cb1855fe","key_id":"5f3c9a1e","kind":"fine","amount":5000,"currency":"CNY","payee":"BJ-FINES","reference":"京A12345","issued_at":"2026-11-23T00:00:00Z","expires_at":"2026-11-23T04:00:00Z","payload_sha256":"d30160eb87477f0ecd0bc6fea874e9189ce16c6f85e638f20c52fdbd4f11a48a""#;
        let fast = [
            base.to_string(),
            r#"{"seq":0,"time":"t","event":"redeemed","issuer":"x","code_id":"c","txn":"T1","channel":"counter","source":null,"kind":null,"amount":null"#.into(),
            r#"{"code_id":"c","issuer":"x","event":"redeemed","time":"t","seq":18446744073709551615,"replaces":"r""#.into(),
        ];
        let slow = [
            base.replace(r#""seq":7"#, r#""seq": 7"#),
            base.replace("{", "{ "),
            base.replace(r#""seq":7"#, r#""seq":07"#),
            base.replace(r#""seq":7"#, r#""seq":-7"#),
            base.replace(r#""seq":7"#, r#""seq":7.0"#),
            base.replace(r#""seq":7"#, r#""seq":"7""#),
            base.replace(r#""seq":7"#, r#""seq":18446744073709551616"#),
            base.replace(r#""seq":7,"#, ""),
            base.replace(r#""kind":"fine""#, r#""kind":"Fine""#),
            base.replace(r#""event":"issued""#, r#""event":"Issued""#),
            base.replace(r#""payee":"BJ-FINES""#, r#""payee":"BJ\u002dFINES""#),
            base.replace(r#""payee":"BJ-FINES""#, "\"payee\":\"BJ\tFINES\""),
            base.replace(r#""payee":"BJ-FINES""#, r#""payee":"BJ-FINES","payee":"X""#),
            base.replace(r#""payee":"BJ-FINES""#, r#""memo":"x""#),
            base.replace(r#""payee":"BJ-FINES""#, r#""pager":"x""#),
            base.replace(r#""payee":"BJ-FINES""#, r#""cxxxxxx":"x""#),
            base.replace(r#""payee":"BJ-FINES""#, r#""payee":5"#),
            base.replace(r#""time":"#, r#""time":null,"x":"#),
            base.to_string() + ",",
            base.to_string() + "}",
            "{".into(),
            String::new(),
            "[1]".into(),
        ];
        let serde = |r: &str| -> Result<RawRecord<'_>, String> {
            // The record part, closed as `parse` closes it (leaked: the
            // borrowed strings must outlive this closure).
            let json: &'static str = Box::leak(format!("{r}}}").into_boxed_str());
            serde_json::from_str(json).map_err(|e| e.to_string())
        };
        // As payqr writes them: keys sorted, no nulls.
        let mut out = Vec::new();
        let mut r = Record::redeemed(
            "bj-traffic",
            crate::code::CodeId([7; 8]),
            9,
            Some("T9".into()),
            "counter",
            Some("bank.csv@0011".into()),
        );
        r.replaces = Some("x".into());
        r.judged_at = Some("2026-11-23T01:00:00Z".into());
        encode(LedgerFormat::Jsonl, &r, &GENESIS, &mut out).unwrap();
        let line = std::str::from_utf8(&out[..out.len() - 1]).unwrap();
        let fast = [
            fast.to_vec(),
            vec![
                line[..line.len() - JSON_TAIL].to_string(),
                r#"{"amount":5000,"code_id":"c","currency":"CNY","event":"issued","expires_at":"e","issued_at":"i","issuer":"x","key_id":"k","kind":"bill","payee":"p","payload_sha256":"h","reference":"r","seq":1,"time":"t""#.into(),
            ],
        ]
        .concat();
        for r in &fast {
            let f = fast_json(r.as_bytes()).unwrap_or_else(|| panic!("not fast: {r}"));
            let s = serde(r).unwrap();
            assert_eq!(format!("{f:?}"), format!("{s:?}"), "{r}");
        }
        for (i, r) in slow.iter().enumerate() {
            assert!(fast_json(r.as_bytes()).is_none(), "fast {i}: {r}");
        }
        assert!(fast_json(b"{\"seq\":1,\"time\":\"\xff\"").is_none());
    }
}
