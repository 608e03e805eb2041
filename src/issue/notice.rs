//! Printable payment notices: one A6 page (105 x 148 mm) per code as SVG,
//! ready for a clerk to print a batch directly.
//!
//! The page shows who issued it, what it is, the reference, the amount,
//! the due time in local time with its offset, the QR symbol and the code
//! id in readable groups. Sizes are in millimetres (the SVG's user unit),
//! so the printed QR has a known module size: never below
//! [`MIN_MODULE_MM`], which phone cameras read reliably at arm's length.

use std::fmt::Write as _;

use chrono::FixedOffset;
use thiserror::Error;

use crate::code::time;
use crate::code::{Kind, SignedCode};
use crate::issue::render::Symbol;

/// Smallest printed QR module. ISO/IEC 18004 allows smaller, but 0.5 mm
/// keeps a version 10 symbol readable on cheap office printers and by
/// phone cameras with modest autofocus.
pub const MIN_MODULE_MM: f64 = 0.5;

const PAGE_W: f64 = 105.0;
const PAGE_H: f64 = 148.0;
const MARGIN: f64 = 6.0;
/// The square left for the QR symbol and its quiet zone.
const QR_BOX: f64 = 62.0;
const QR_TOP: f64 = 66.0;
const QUIET: usize = crate::issue::render::DEFAULT_QUIET_MODULES as usize;

#[derive(Debug, Error)]
pub enum NoticeError {
    #[error(
        "QR version {version} needs modules of {module_mm:.2} mm to fit an A6 notice (minimum {MIN_MODULE_MM} mm)"
    )]
    TooDense { version: u8, module_mm: f64 },
}

/// What a notice says besides the code itself.
#[derive(Debug, Clone)]
pub struct NoticeStyle {
    /// The issuer's display name (the key's name).
    pub issuer_name: String,
    /// Offset the due time is shown in.
    pub tz: FixedOffset,
}

/// The module size a symbol gets on a notice: as large as the QR box
/// allows, in steps of 0.01 mm so the output is stable text.
pub fn module_mm(symbol: &Symbol) -> f64 {
    let modules = (symbol.width() + 2 * QUIET) as f64;
    (QR_BOX / modules * 100.0).floor() / 100.0
}

/// The A6 notice for `code`, whose payload text is drawn as `symbol`.
pub fn to_svg(
    code: &SignedCode,
    symbol: &Symbol,
    style: &NoticeStyle,
) -> Result<String, NoticeError> {
    let c = &code.code;
    let module = module_mm(symbol);
    if module < MIN_MODULE_MM {
        return Err(NoticeError::TooDense {
            version: symbol.version(),
            module_mm: module,
        });
    }
    let qr_size = module * (symbol.width() + 2 * QUIET) as f64;
    let qr_left = (PAGE_W - qr_size) / 2.0;
    let kind = match c.kind {
        Kind::Fine => "Traffic fine notice · 罚款通知书",
        Kind::Bill => "Payment notice · 缴费通知单",
    };
    let amount = format!("{} {}", c.currency.format_amount(c.amount), c.currency);
    let mut s = String::with_capacity(4096 + symbol.width() * symbol.width() / 2);
    // Writing to a String cannot fail.
    let _ = write!(
        s,
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" "#,
            r#"font-family="DejaVu Sans, Noto Sans CJK SC, Droid Sans Fallback, sans-serif">"#,
            "\n",
            r##"<rect width="{w}" height="{h}" fill="#fff"/>"##,
            "\n"
        ),
        w = PAGE_W,
        h = PAGE_H
    );
    text(
        &mut s,
        13.0,
        fit(&style.issuer_name, 5.5),
        "bold",
        &style.issuer_name,
    );
    text(&mut s, 19.5, 3.6, "normal", kind);
    let _ = writeln!(
        s,
        r##"<line x1="{MARGIN}" y1="22.5" x2="{x2}" y2="22.5" stroke="#000" stroke-width="0.3"/>"##,
        x2 = PAGE_W - MARGIN
    );
    label(&mut s, 29.0, "Reference · 编号");
    text(&mut s, 35.0, fit(&c.reference, 5.0), "bold", &c.reference);
    label(&mut s, 41.5, "Amount due · 应缴金额");
    text(&mut s, 48.5, 6.5, "bold", &amount);
    label(&mut s, 55.0, "Pay before · 缴款期限");
    text(
        &mut s,
        61.0,
        4.2,
        "normal",
        &time::format_in(c.expires_at, style.tz),
    );
    let _ = writeln!(
        s,
        r##"<g transform="translate({qr_left:.2} {QR_TOP}) scale({module})"><path fill="#000" d="{d}"/></g>"##,
        d = symbol.svg_path(QUIET)
    );
    let below = QR_TOP + qr_size + 5.0;
    let _ = writeln!(
        s,
        r#"<text x="{x}" y="{below:.2}" font-size="3.8" text-anchor="middle" font-family="DejaVu Sans Mono, monospace">Code {id}</text>"#,
        x = PAGE_W / 2.0,
        id = grouped_id(&c.code_id.to_string())
    );
    if let Some(d) = &c.description {
        text(&mut s, below + 5.5, fit(d, 3.4), "normal", d);
    }
    s.push_str("</svg>\n");
    Ok(s)
}

/// A centred line of text, XML-escaped.
fn text(s: &mut String, y: f64, size: f64, weight: &str, t: &str) {
    let _ = writeln!(
        s,
        r#"<text x="{x}" y="{y:.2}" font-size="{size:.2}" font-weight="{weight}" text-anchor="middle">{t}</text>"#,
        x = PAGE_W / 2.0,
        t = xml_escape(t)
    );
}

fn label(s: &mut String, y: f64, t: &str) {
    let _ = writeln!(
        s,
        r##"<text x="{x}" y="{y:.2}" font-size="2.8" fill="#555" text-anchor="middle">{t}</text>"##,
        x = PAGE_W / 2.0
    );
}

/// The font size (mm) at which `t` fits the page width, at most `max`.
/// CJK and other wide characters count as one em, the rest as 0.6 em.
fn fit(t: &str, max: f64) -> f64 {
    let ems: f64 = t
        .chars()
        .map(|c| if (c as u32) >= 0x1100 { 1.0 } else { 0.6 })
        .sum();
    let size = (PAGE_W - 2.0 * MARGIN) / ems.max(1.0);
    (size.min(max) * 100.0).floor() / 100.0
}

/// "0123456789abcdef" → "0123 4567 89AB CDEF": easy to read out on the phone.
fn grouped_id(hex: &str) -> String {
    let upper = hex.to_ascii_uppercase();
    let chunks: Vec<&str> = upper
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    chunks.join(" ")
}

fn xml_escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::currency::Currency;
    use crate::code::{Code, CodeId};

    fn signed(reference: &str, description: Option<&str>) -> SignedCode {
        let key = crate::vectors::test_key();
        Code {
            issuer: key.issuer.clone(),
            key_id: key.key_id,
            code_id: CodeId([0xab, 0xcd, 1, 2, 3, 4, 5, 6]),
            kind: Kind::Fine,
            amount: 20_000,
            currency: Currency::from_code("CNY").unwrap(),
            payee: "BJ-FINES".into(),
            reference: reference.into(),
            issued_at: 1_795_392_000,
            expires_at: 1_795_406_400,
            description: description.map(String::from),
        }
        .sign(&key.signing_key)
        .unwrap()
    }

    fn style() -> NoticeStyle {
        NoticeStyle {
            issuer_name: "北京市公安局 <Traffic & Co>".into(),
            tz: FixedOffset::east_opt(8 * 3600).unwrap(),
        }
    }

    #[test]
    fn shows_the_fine_in_local_time_and_escapes_user_text() {
        let code = signed("京A<1>&\"2\"", Some("闯红灯 'x'"));
        let sym = crate::issue::render::encode(&code.to_text()).unwrap();
        let svg = to_svg(&code, &sym, &style()).unwrap();
        assert!(svg.contains(r#"width="105mm" height="148mm""#));
        assert!(svg.contains("北京市公安局 &lt;Traffic &amp; Co&gt;"));
        assert!(svg.contains("京A&lt;1&gt;&amp;&quot;2&quot;"));
        assert!(svg.contains("闯红灯 &apos;x&apos;"));
        assert!(svg.contains(">200.00 CNY<"));
        // 2026-11-23T04:00:00Z due, shown at +08:00.
        assert!(svg.contains(">2026-11-23 12:00:00 +08:00<"), "{svg}");
        assert!(svg.contains(">Code ABCD 0102 0304 0506<"));
        let m = module_mm(&sym);
        assert!(m >= MIN_MODULE_MM);
        assert!(svg.contains(&format!("scale({m})")));
    }

    #[test]
    fn a_symbol_too_dense_for_the_page_is_refused() {
        let long: String = "PQ1:"
            .chars()
            .chain(std::iter::repeat_n('A', 1800))
            .collect();
        let sym = crate::issue::render::encode(&long).unwrap();
        assert!(module_mm(&sym) < MIN_MODULE_MM);
        let e = to_svg(&signed("R", None), &sym, &style()).unwrap_err();
        assert!(e.to_string().contains("minimum 0.5 mm"), "{e}");
    }
}
