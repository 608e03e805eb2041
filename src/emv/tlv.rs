//! A strict parser for EMV MPM payloads (EMVCo QR Code Specification for
//! Payment Systems, Merchant-Presented Mode, v1.1), for any scheme's code.
//!
//! A payload is a sequence of data objects: a 2-digit id, a 2-digit length
//! and the value. The length counts **characters**, while the CRC (object
//! 63, always last) is computed over the **UTF-8 bytes** of everything before
//! its value, "6304" included; the two differ as soon as a value holds a
//! non-ASCII character (a Chinese name in template 64).
//!
//! Strict means: a truncated object, a malformed id or length, a length of
//! 00, an id twice at one level, a wrong CRC, a value longer than its field
//! allows or outside its character set is an error naming the object and
//! its position. Unknown (reserved) ids are kept, named for their range.
//! Mandatory objects that are absent are *warnings*, not errors: real
//! schemes omit some (PromptPay codes carry no 52, 59 or 60) and wallets
//! scan them anyway.

use std::fmt::Write as _;

use super::crc16;

/// Longest value of any data object, in characters.
pub const MAX_VALUE_CHARS: usize = 99;

/// One data object; a template's value is also parsed into `children`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub id: u8,
    /// Human-readable name of the field (by id and enclosing template).
    pub name: &'static str,
    pub value: String,
    /// Whether the specification defines this object as a template.
    pub template: bool,
    /// Parsed sub-objects of a template, in payload order.
    pub children: Vec<Object>,
    /// 1-based character position of the object's id in the payload.
    pub at: usize,
}

impl Object {
    pub fn child(&self, id: u8) -> Option<&Object> {
        self.children.iter().find(|c| c.id == id)
    }

    /// The object as it appears in a payload: id, length, value.
    pub fn tlv(&self) -> String {
        tlv(self.id, &self.value)
    }
}

/// Formats one data object. The caller keeps `value` within
/// [`MAX_VALUE_CHARS`] (the profile and the config check it).
pub fn tlv(id: u8, value: &str) -> String {
    format!("{id:02}{:02}{value}", value.chars().count())
}

/// A parsed payload whose structure and CRC are valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// Top-level objects in payload order; the last is 63 (CRC).
    pub objects: Vec<Object>,
    pub crc: u16,
    /// Deviations that real schemes make and wallets tolerate.
    pub warnings: Vec<String>,
}

impl Payload {
    pub fn get(&self, id: u8) -> Option<&Object> {
        self.objects.iter().find(|o| o.id == id)
    }
}

/// Why a text is not a valid EMV MPM payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmvError {
    #[error("empty payload")]
    Empty,
    #[error("at character {at}: {path}: {problem}")]
    Syntax {
        path: String,
        at: usize,
        problem: String,
    },
    #[error("{path} appears twice (at characters {first} and {second})")]
    Duplicate {
        path: String,
        first: usize,
        second: usize,
    },
    #[error("{0}")]
    Structure(String),
    #[error("CRC mismatch: the payload says {given}, its bytes give {computed:04X}")]
    Crc { given: String, computed: u16 },
    #[error("{path} {name}: {problem}")]
    Field {
        path: String,
        name: &'static str,
        problem: ValueError,
    },
}

/// Parses and checks a payload. Surrounding whitespace (a scanner gun's
/// CR/LF) is ignored; a payload never starts or ends with a space.
pub fn parse(text: &str) -> Result<Payload, EmvError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(EmvError::Empty);
    }
    let raws = split(text, &[], 0)?;
    if raws[0].id != 0 {
        return Err(EmvError::Structure(format!(
            "payload must start with 00 Payload Format Indicator, not {:02}",
            raws[0].id
        )));
    }
    let last = raws.last().expect("split returns at least one object");
    if last.id != 63 {
        return Err(EmvError::Structure(format!(
            "payload must end with 63 CRC, not {:02}",
            last.id
        )));
    }
    let given = last.value;
    if given.len() != 4 || !given.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(EmvError::Field {
            path: "63".into(),
            name: name(&[63]),
            problem: ValueError::CrcDigits(given.to_string()),
        });
    }
    // Everything but the CRC's own 4 characters, which are ASCII here.
    let computed = crc16(&text.as_bytes()[..text.len() - 4]);
    if u16::from_str_radix(given, 16).ok() != Some(computed) {
        return Err(EmvError::Crc {
            given: given.to_string(),
            computed,
        });
    }
    let mut warnings = Vec::new();
    let objects = build(&raws, &[], &mut warnings)?;
    warnings.extend(missing_mandatory(&objects));
    Ok(Payload {
        objects,
        crc: computed,
        warnings,
    })
}

/// An object before its value is interpreted.
struct Raw<'a> {
    id: u8,
    value: &'a str,
    at: usize,
}

fn path_of(ids: &[u8]) -> String {
    let mut s = String::new();
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push('-');
        }
        let _ = write!(s, "{id:02}");
    }
    s
}

/// Splits one level of TLV objects; `start` is the 0-based character offset
/// of `s` in the payload, for error positions.
fn split<'a>(s: &'a str, parent: &[u8], start: usize) -> Result<Vec<Raw<'a>>, EmvError> {
    let mut out: Vec<Raw> = Vec::new();
    let mut rest = s;
    let mut at = start + 1;
    let syntax = |path: String, at: usize, problem: String| EmvError::Syntax { path, at, problem };
    let two_digits = |t: &str| -> Option<u8> {
        if t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    while !rest.is_empty() {
        let parent_path = if parent.is_empty() {
            "payload".to_string()
        } else {
            path_of(parent)
        };
        let id = rest
            .get(..2)
            .and_then(two_digits)
            .ok_or_else(|| match rest.chars().count() {
                n if n < 2 => syntax(
                    parent_path.clone(),
                    at,
                    format!("truncated TLV: {rest:?} is too short for an id"),
                ),
                _ => syntax(
                    parent_path.clone(),
                    at,
                    format!(
                        "id {:?} is not two digits",
                        rest.chars().take(2).collect::<String>()
                    ),
                ),
            })?;
        let path = path_of(&[parent, &[id]].concat());
        let len = rest.get(2..4).and_then(two_digits).ok_or_else(|| {
            let got: String = rest.chars().skip(2).take(2).collect();
            if got.chars().count() < 2 {
                syntax(path.clone(), at, "truncated TLV: no length".into())
            } else {
                syntax(
                    path.clone(),
                    at,
                    format!("length {got:?} is not two digits"),
                )
            }
        })?;
        // An empty template is tolerated (and warned about by `build`); an
        // empty field is not.
        if len == 0 && !is_template(&[parent, &[id]].concat()) {
            return Err(syntax(
                path,
                at,
                "length 00 (an absent object is left out, not sent empty)".into(),
            ));
        }
        let after = &rest[4..];
        let (value, tail) = split_chars(after, usize::from(len)).ok_or_else(|| {
            syntax(
                path.clone(),
                at,
                format!(
                    "truncated TLV: declares {len} characters but only {} remain",
                    after.chars().count()
                ),
            )
        })?;
        if let Some(first) = out.iter().find(|r| r.id == id) {
            return Err(EmvError::Duplicate {
                path,
                first: first.at,
                second: at,
            });
        }
        out.push(Raw { id, value, at });
        at += 4 + usize::from(len);
        rest = tail;
    }
    Ok(out)
}

/// The first `n` characters of `s` and the rest, or None when `s` is shorter.
fn split_chars(s: &str, n: usize) -> Option<(&str, &str)> {
    match s.char_indices().nth(n) {
        Some((i, _)) => Some(s.split_at(i)),
        None if s.chars().count() == n => Some((s, "")),
        None => None,
    }
}

fn is_template(path: &[u8]) -> bool {
    match path {
        [26..=51 | 62 | 64 | 80..=99] => true,
        // Payment System specific templates inside the Additional Data Field.
        [62, 50..=99] => true,
        _ => false,
    }
}

/// Templates whose contents EMVCo leaves to a payment system or to the
/// merchant: kept raw, with a warning, when they are not what the
/// specification's general TLV rules expect.
fn is_open_template(path: &[u8]) -> bool {
    matches!(path, [26..=51 | 80..=99] | [62, 50..=99])
}

fn build(raws: &[Raw], parent: &[u8], warnings: &mut Vec<String>) -> Result<Vec<Object>, EmvError> {
    let mut out = Vec::with_capacity(raws.len());
    for r in raws {
        let path = [parent, &[r.id]].concat();
        let template = is_template(&path);
        let mut obj = Object {
            id: r.id,
            name: name(&path),
            value: r.value.to_string(),
            template,
            children: vec![],
            at: r.at,
        };
        if template && r.value.is_empty() {
            warnings.push(format!(
                "{} {} is empty (length 00); an absent template is normally left out",
                path_of(&path),
                obj.name
            ));
            out.push(obj);
            continue;
        }
        if template {
            // Children's warnings count only if the template is kept parsed.
            let mut inner = Vec::new();
            let open = is_open_template(&path);
            match split(r.value, &path, r.at + 3).and_then(|raws| build(&raws, &path, &mut inner)) {
                Ok(children) => {
                    obj.children = children;
                    warnings.extend(inner);
                }
                Err(e) if open => warnings.push(format!(
                    "{} {} at character {}: contents kept as written, not read as \
                     data objects ({e})",
                    path_of(&path),
                    obj.name,
                    r.at
                )),
                Err(e) => return Err(e),
            }
            if let Err(problem) = check(&path, &obj) {
                if !open {
                    return Err(EmvError::Field {
                        path: path_of(&path),
                        name: obj.name,
                        problem,
                    });
                }
                if !obj.children.is_empty() {
                    warnings.push(format!("{} {}: {problem}", path_of(&path), obj.name));
                }
            }
            out.push(obj);
            continue;
        }
        check(&path, &obj).map_err(|problem| EmvError::Field {
            path: path_of(&path),
            name: obj.name,
            problem,
        })?;
        out.push(obj);
    }
    Ok(out)
}

/// The field's name in the specification (v1.1, tables 3.5–3.9).
pub fn name(path: &[u8]) -> &'static str {
    match path {
        [0] => "Payload Format Indicator",
        [1] => "Point of Initiation Method",
        [2 | 3] => "Merchant Account Information (Visa)",
        [4 | 5] => "Merchant Account Information (Mastercard)",
        [6..=8] | [17..=25] => "Merchant Account Information (reserved by EMVCo)",
        [9 | 10] => "Merchant Account Information (Discover)",
        [11 | 12] => "Merchant Account Information (Amex)",
        [13 | 14] => "Merchant Account Information (JCB)",
        [15 | 16] => "Merchant Account Information (UnionPay)",
        [26..=51] => "Merchant Account Information",
        [52] => "Merchant Category Code",
        [53] => "Transaction Currency",
        [54] => "Transaction Amount",
        [55] => "Tip or Convenience Indicator",
        [56] => "Value of Convenience Fee Fixed",
        [57] => "Value of Convenience Fee Percentage",
        [58] => "Country Code",
        [59] => "Merchant Name",
        [60] => "Merchant City",
        [61] => "Postal Code",
        [62] => "Additional Data Field Template",
        [63] => "CRC",
        [64] => "Merchant Information—Language Template",
        [65..=79] => "RFU for EMVCo",
        [80..=99] => "Unreserved Template",
        [26..=51 | 80..=99, 0] | [62, 50..=99, 0] => "Globally Unique Identifier",
        [26..=51, _] => "Payment network specific",
        [80..=99, _] => "Context specific data",
        [62, 1] => "Bill Number",
        [62, 2] => "Mobile Number",
        [62, 3] => "Store Label",
        [62, 4] => "Loyalty Number",
        [62, 5] => "Reference Label",
        [62, 6] => "Customer Label",
        [62, 7] => "Terminal Label",
        [62, 8] => "Purpose of Transaction",
        [62, 9] => "Additional Consumer Data Request",
        [62, 10] => "Merchant Tax ID",
        [62, 11] => "Merchant Channel",
        [62, 12..=49] | [64, 3..=99] => "RFU for EMVCo",
        [62, 50..=99] => "Payment System specific template",
        [62, 50..=99, _] => "Payment System specific data",
        [64, 0] => "Language Preference",
        [64, 1] => "Merchant Name—Alternate Language",
        [64, 2] => "Merchant City—Alternate Language",
        _ => "unknown",
    }
}

/// Digits with at most one '.', as EMV writes amounts ("23.72", "500").
fn is_amount(s: &str) -> bool {
    s.bytes().filter(|&b| b == b'.').count() <= 1
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// Why a value does not fit its field (format "ans", "N", "S", length),
/// or a template lacks what it needs. Values are as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error(
        "character {0:?} is outside the EMV common character set (printable ASCII); \
         names in other scripts belong in template 64"
    )]
    NotCommonSet(char),
    #[error("{chars} characters, at most {max} allowed")]
    TooLong { chars: usize, max: usize },
    #[error("{value:?} is not {digits} digits")]
    NotDigits { value: String, digits: usize },
    #[error("{0:?} is not an amount (digits and one '.')")]
    NotAmount(String),
    #[error("{0:?}: only format \"01\" exists")]
    FormatIndicator(String),
    #[error("{0:?}: 11 (static) or 12 (dynamic)")]
    InitiationMethod(String),
    #[error("{0:?}: 01, 02 or 03")]
    TipIndicator(String),
    #[error("{0:?} is not an ISO 3166-1 alpha-2 code (two capital letters)")]
    Country(String),
    #[error("{0:?}: up to three of A, M, E")]
    ConsumerData(String),
    #[error("{0:?} is not an ISO 639-1 code (two letters)")]
    Language(String),
    #[error("{0:?} is not 4 hexadecimal digits")]
    CrcDigits(String),
    #[error("template without 00 Globally Unique Identifier")]
    NoGui,
    #[error("needs 00 Language Preference and 01 Merchant Name")]
    LanguageTemplate,
}

fn max_len(s: &str, max: usize) -> Result<(), ValueError> {
    let chars = s.chars().count();
    if chars > max {
        return Err(ValueError::TooLong { chars, max });
    }
    Ok(())
}

/// The rules of one field (format and length); `Err` is the problem.
pub fn check_value(path: &[u8], value: &str) -> Result<(), ValueError> {
    // Alternate-language names (64) and unreserved templates (80-99) are
    // format "S": any Unicode text. Everything else is "ans", the common
    // character set (printable ASCII).
    let unicode = matches!(path, [64, ..] | [80..=99, ..]);
    if !unicode && let Some(c) = value.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(ValueError::NotCommonSet(c));
    }
    let digits = |n: usize| {
        if value.len() == n && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(())
        } else {
            Err(ValueError::NotDigits {
                value: value.to_string(),
                digits: n,
            })
        }
    };
    let amount = |max: usize| {
        max_len(value, max)?;
        if is_amount(value) {
            Ok(())
        } else {
            Err(ValueError::NotAmount(value.to_string()))
        }
    };
    let bad = |e: fn(String) -> ValueError| Err(e(value.to_string()));
    match path {
        [0] if value != "01" => bad(ValueError::FormatIndicator),
        [1] if value != "11" && value != "12" => bad(ValueError::InitiationMethod),
        [52] => digits(4),
        [53] => digits(3),
        [54 | 56] => amount(13),
        [55] if !["01", "02", "03"].contains(&value) => bad(ValueError::TipIndicator),
        [57] => amount(5),
        [58] if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase()) => {
            bad(ValueError::Country)
        }
        [59] => max_len(value, 25),
        [60] => max_len(value, 15),
        [61] => max_len(value, 10),
        [62, 1..=8] => max_len(value, 25),
        [62, 9]
            if value.is_empty()
                || value.len() > 3
                || !value.bytes().all(|b| b"AME".contains(&b)) =>
        {
            bad(ValueError::ConsumerData)
        }
        [64, 0] if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_alphabetic()) => {
            bad(ValueError::Language)
        }
        [64, 1] => max_len(value, 25),
        [64, 2] => max_len(value, 15),
        [26..=51 | 80..=99, 0] | [62, 50..=99, 0] => max_len(value, 32),
        _ => Ok(()),
    }
}

fn check(path: &[u8], obj: &Object) -> Result<(), ValueError> {
    if obj.template {
        let needs_gui = matches!(path, [26..=51 | 80..=99] | [62, 50..=99]);
        if needs_gui && obj.child(0).is_none() {
            return Err(ValueError::NoGui);
        }
        if path == [64] && (obj.child(0).is_none() || obj.child(1).is_none()) {
            return Err(ValueError::LanguageTemplate);
        }
        return Ok(());
    }
    check_value(path, &obj.value)
}

fn missing_mandatory(objects: &[Object]) -> Vec<String> {
    let has = |id: u8| objects.iter().any(|o| o.id == id);
    let mut w = Vec::new();
    if !objects.iter().any(|o| (2..=51).contains(&o.id)) {
        w.push("no Merchant Account Information (02-51)".to_string());
    }
    for id in [52, 53, 58, 59, 60] {
        if !has(id) {
            w.push(format!("{id:02} {} is mandatory but absent", name(&[id])));
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emv::seal;

    #[test]
    fn lengths_count_characters_crc_counts_bytes() {
        let p = seal(
            "000201520441115303156540523.725802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京",
        );
        let parsed = parse(&p).unwrap();
        let lang = parsed.get(64).unwrap();
        assert_eq!(lang.child(1).unwrap().value, "最佳运输");
        assert_eq!(lang.child(2).unwrap().value, "北京");
        // The CRC covers the UTF-8 bytes: a byte-for-byte different text
        // with the same characters count must not check.
        assert_eq!(
            parse(&p.replace("北京", "南京")).unwrap_err(),
            EmvError::Crc {
                given: p[p.len() - 4..].to_string(),
                computed: crc16(&p.replace("北京", "南京").as_bytes()[..p.len() - 4]),
            }
        );
    }

    #[test]
    fn errors_name_the_object_and_position() {
        let err = |s: &str| parse(s).unwrap_err().to_string();
        assert_eq!(err(""), "empty payload");
        assert_eq!(
            err(&seal("0002015999TOO SHORT")),
            "at character 7: 59: truncated TLV: declares 99 characters but only 17 remain"
        );
        assert!(err(&seal("000201540510.005405 9.00")).contains("54 appears twice"));
        assert_eq!(
            err(&seal("0002015930ABCDEFGHIJKLMNOPQRSTUVWXYZ0123")),
            "59 Merchant Name: 30 characters, at most 25 allowed"
        );
        assert!(err(&seal("0002016000")).contains("length 00"));
        assert!(err(&seal("0002016A02XX")).contains("id \"6A\" is not two digits"));
        assert!(err(&seal("000201620805039999")).contains("62: truncated TLV"));
        // A payment system's template without its GUI is kept, with a warning.
        let p = parse(&seal("00020126060102XX")).unwrap();
        assert!(
            p.warnings[0].contains("without 00 Globally"),
            "{:?}",
            p.warnings
        );
        assert_eq!(p.get(26).unwrap().child(1).unwrap().value, "XX");
        assert!(err(&seal("0002015906Zürich")).contains("common character set"));
        assert!(err("5802CN6304ABCD").contains("must start with 00"));
        assert!(err("00020158").contains("truncated TLV: no length"));
        let good = seal("0002015802CN");
        let bad = format!("{}0000", &good[..good.len() - 4]);
        assert!(err(&bad).starts_with("CRC mismatch: the payload says 0000"));
        assert!(err(&format!("{good}5907EXAMPLE")).contains("must end with 63"));
    }

    #[test]
    fn unknown_ids_are_kept_and_missing_mandatory_fields_warned() {
        let p = parse(&seal("000201700512345")).unwrap();
        let rfu = p.get(70).unwrap();
        assert_eq!((rfu.name, rfu.value.as_str()), ("RFU for EMVCo", "12345"));
        assert!(p.warnings.iter().any(|w| w.contains("59 Merchant Name")));
        assert_eq!(p.warnings.len(), 6);
    }
}
