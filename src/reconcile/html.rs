//! A one-page HTML reconciliation report: totals per status, payments per
//! hour (an inline SVG bar chart) and the discrepancy table. Self-contained:
//! no script, no external style sheet, font or image, so it opens offline
//! and can be mailed as one file. Every text from a file or the ledger is
//! escaped.

use std::fmt::Write;

use chrono::FixedOffset;

use crate::code::currency::Currency;
use crate::code::time;
use crate::reconcile::report::Report;

/// Discrepancy rows shown; the per-row report has them all.
pub const MAX_TABLE_ROWS: usize = 1000;

/// Escapes text for HTML element content and quoted attribute values;
/// control, bidi and invisible characters are shown as escapes
/// ([`crate::sanitize::for_terminal`]), as a browser would obey them.
pub fn escape(s: &str) -> String {
    let s = crate::sanitize::for_terminal(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}\
h1{font-size:20px}h2{font-size:16px;margin-top:28px}\
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}\
tr.bad td:first-child{color:#b00020;font-weight:600}.muted{color:#666}\
td{white-space:nowrap}td.w{white-space:normal;min-width:16em}\
td.x{white-space:normal;word-break:break-all;max-width:12em;font-size:12px}";

/// The page. `title` names what was reconciled; times are shown in `tz`.
pub fn render(report: &Report, title: &str, tz: FixedOffset, generated_at: u64) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>payqr reconciliation: {t}</title><style>{STYLE}</style></head><body>\
         <h1>Reconciliation: {t}</h1><p class=\"muted\">{} settlement row(s) in {} file(s), \
         {} issued code(s); generated {}; unpaid codes judged as of {}.</p>",
        report.files.iter().map(|f| f.payments.len()).sum::<usize>(),
        report.files.len(),
        report.book.len(),
        time::format_in(generated_at, tz),
        time::format_in(report.at, tz),
        t = escape(title),
    );
    totals(&mut h, report);
    chart(&mut h, report, tz);
    discrepancies(&mut h, report, tz);
    h.push_str("</body></html>\n");
    h
}

fn totals(h: &mut String, report: &Report) {
    h.push_str(
        "<h2>Totals per status</h2><table><tr><th>status</th><th>count</th>\
         <th>paid</th><th>expected</th><th>fees</th><th>currency</th></tr>",
    );
    for t in &report.summary.totals {
        let cur = t.currency.as_deref().and_then(Currency::from_code);
        let fmt = |m: i128| cur.map_or(m.to_string(), |c| c.format_signed(m));
        let class = if t.status.is_discrepancy() {
            " class=\"bad\""
        } else {
            ""
        };
        let _ = write!(
            h,
            "<tr{class}><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            t.status,
            t.count,
            fmt(t.paid_minor),
            fmt(i128::from(t.expected_minor)),
            fmt(t.fee_minor),
            escape(t.currency.as_deref().unwrap_or("-")),
        );
    }
    h.push_str("</table>");
}

/// Payments (not refunds) per hour in `tz`, from the first hour with a
/// payment to the last; per day when that spans more than two weeks.
fn chart(h: &mut String, report: &Report, tz: FixedOffset) {
    let offset = i64::from(tz.local_minus_utc());
    let local: Vec<i64> = report
        .files
        .iter()
        .flat_map(|f| &f.payments)
        .filter(|p| !p.refund)
        .filter_map(|p| p.paid_at)
        .map(|t| t as i64 + offset)
        .collect();
    let (Some(&min), Some(&max)) = (local.iter().min(), local.iter().max()) else {
        h.push_str("<h2>Payments per hour</h2><p class=\"muted\">No payment times.</p>");
        return;
    };
    let hourly = (max - min) / 3600 < 14 * 24;
    let step: i64 = if hourly { 3600 } else { 86_400 };
    let first = min.div_euclid(step) * step;
    let n = ((max.div_euclid(step) * step - first) / step + 1) as usize;
    let mut counts = vec![0u64; n];
    for t in local {
        counts[((t - first) / step) as usize] += 1;
    }
    let peak = counts.iter().copied().max().unwrap_or(1).max(1);
    let (w, ht, left, bottom) = (900.0f64, 260.0f64, 56.0f64, 40.0f64);
    let bar = (w - left - 10.0) / n as f64;
    let plot = ht - bottom - 10.0;
    let unit = if hourly { "hour" } else { "day" };
    let _ = write!(
        h,
        "<h2>Payments per {unit} ({})</h2><svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{w}\" height=\"{ht}\" role=\"img\" aria-label=\"payments per {unit}\">\
         <line x1=\"{left}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#444\"/>\
         <text x=\"{lx}\" y=\"14\" font-size=\"11\" text-anchor=\"end\">{peak}</text>\
         <text x=\"{lx}\" y=\"{y0}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        tz,
        y0 = ht - bottom,
        x1 = w - 10.0,
        lx = left - 6.0,
    );
    let label_every = n.div_ceil(12).max(1);
    for (i, &c) in counts.iter().enumerate() {
        let bh = plot * c as f64 / peak as f64;
        let x = left + bar * i as f64;
        let start = first + step * i as i64;
        let label = chrono::DateTime::from_timestamp(start, 0)
            .map(|d| {
                d.format(if hourly { "%m-%d %H:00" } else { "%Y-%m-%d" })
                    .to_string()
            })
            .unwrap_or_default();
        let _ = write!(
            h,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#3b6ea8\">\
             <title>{label}: {c}</title></rect>",
            ht - bottom - bh,
            (bar - 1.0).max(0.5),
        );
        if i % label_every == 0 {
            let _ = write!(
                h,
                "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\">{label}</text>",
                ht - bottom + 14.0
            );
        }
    }
    h.push_str("</svg>");
}

/// "11-23 12:30:00" in `tz` (the zone is in the chart heading).
fn short_time(t: u64, tz: FixedOffset) -> String {
    chrono::DateTime::from_timestamp(t as i64, 0)
        .map(|d| d.with_timezone(&tz).format("%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn discrepancies(h: &mut String, report: &Report, tz: FixedOffset) {
    // Every row that is not a match, discrepancies first: an accountant
    // also wants the codes still open and the refunds in front of them,
    // though they call for no correction.
    let mut bad: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.status != crate::reconcile::Status::Matched)
        .collect();
    bad.sort_by_key(|r| !r.status.is_discrepancy());
    let n_bad = bad.iter().filter(|r| r.status.is_discrepancy()).count();
    let _ = write!(h, "<h2>Discrepancies ({n_bad})</h2>");
    if n_bad < bad.len() {
        let _ = write!(
            h,
            "<p>Also listed: {} row(s) not matched that need no correction \
             (open codes, refunds, repeated rows, codes redeemed elsewhere).</p>",
            bad.len() - n_bad
        );
    }
    if bad.is_empty() {
        h.push_str("<p>None: every payment matched.</p>");
        return;
    }
    let _ = write!(
        h,
        "<table><tr><th>status</th><th>where</th><th>code</th><th>reference</th>\
         <th>currency</th><th>expected</th><th>paid</th><th>paid at ({tz})</th><th>note</th><th>transaction</th></tr>",
    );
    for r in bad.iter().take(MAX_TABLE_ROWS) {
        let v = report.view(r);
        let cur = v.currency.and_then(Currency::from_code);
        let amount = |m: Option<i128>| match (m, cur) {
            (Some(m), Some(c)) => c.format_signed(m),
            _ => String::new(),
        };
        // The file's name (its digest is in the per-row report).
        let place = match (v.file, v.line) {
            (Some(f), Some(l)) => format!("{}:{l}", f.rsplit_once('@').map_or(f, |(name, _)| name)),
            _ => "ledger".into(),
        };
        let _ = write!(
            h,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"w\">{}</td><td class=\"x\">{}</td></tr>",
            if r.status.is_discrepancy() {
                "bad"
            } else {
                "open"
            },
            v.status,
            escape(&place),
            escape(&v.code_id),
            escape(v.reference.unwrap_or_default()),
            v.currency.unwrap_or_default(),
            amount(v.expected_minor.map(i128::from)),
            amount(v.paid_minor),
            v.paid_at.map(|t| short_time(t, tz)).unwrap_or_default(),
            escape(&v.note),
            escape(v.txn_id.unwrap_or_default()),
        );
    }
    h.push_str("</table>");
    if bad.len() > MAX_TABLE_ROWS {
        let _ = write!(
            h,
            "<p class=\"muted\">… and {} more; the per-row report (--report) lists them all.</p>",
            bad.len() - MAX_TABLE_ROWS
        );
    }
}
