//! The verdict as a cashier reads it: a first line that says at a glance
//! whether to take the payment (VALID / REDEEMED / REFUSED and why), in
//! colour on a terminal, then the facts, indented, in the language of
//! [`crate::cmd::lang`]. The words are in the catalog
//! ([`payqr::i18n::verdict`]); a refusal's reason is rebuilt from the
//! verdict's facts where they are all there (expired, not yet valid,
//! already redeemed, unknown issuer or key, bad signature, no code) or
//! from its typed detail (malformed, tampered, cancelled: [`errtext`]),
//! and is otherwise the library's English text.

/// What every verdict says about the trust list's freshness: set once when
/// the trust list is loaded (output::CheckArgs::resolve), shown by
/// [`render`] and in JSON.
pub static TRUST_NOTE: std::sync::OnceLock<TrustNote> = std::sync::OnceLock::new();

#[derive(Debug, Clone)]
pub struct TrustNote {
    /// In English: what JSON carries.
    pub why: String,
    /// In the reader's language: what the terminal shows.
    pub shown: String,
    /// Expired, and judged anyway because of --allow-stale.
    pub allow_stale: bool,
}

use std::io::IsTerminal;

use chrono::FixedOffset;

use payqr::code::{Kind, time};
use payqr::i18n::{Lang, verdict as msg};
use payqr::sanitize::for_terminal;
use payqr::verify::{Detail, Status, Verdict};

use crate::cmd::errtext;

/// What the command did with a code, for the first line's word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// `payqr verify`: judged only; `ledger_checked` says whether a ledger
    /// was read, so that "not yet paid" is a fact and not a guess.
    Verify { ledger_checked: bool },
    /// `payqr redeem`: a valid code was recorded as paid by this call.
    Redeem,
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
/// "REDEEMED: recorded ...", "REFUSED: expired: expired 2h 0m ago"
/// ("拒收：已过期（expired）：已过期 2小时0分" in Chinese).
pub fn headline(
    v: &Verdict,
    act: Act,
    at: u64,
    tz: FixedOffset,
    lang: Lang,
    colour: bool,
) -> String {
    let ok = v.status == Status::Valid;
    match (ok, act) {
        (true, Act::Verify { ledger_checked }) => {
            let what = if ledger_checked {
                msg::not_yet_paid(lang)
            } else {
                msg::not_checked(lang)
            };
            msg::headline_ok(lang, &paint(&msg::valid(lang), true, colour), &what)
        }
        (true, Act::Redeem) => msg::headline_ok(
            lang,
            &paint(&msg::redeemed(lang), true, colour),
            &msg::recorded(lang),
        ),
        (false, _) => {
            let word = paint(&msg::refused(lang), false, colour);
            let status = status_name(v.status, lang);
            match reason(v, at, tz, lang) {
                Some(why) if !why.is_empty() => msg::headline_refused(lang, &word, &status, &why),
                _ => msg::headline_refused_bare(lang, &word, &status),
            }
        }
    }
}

/// A status as the headline names it (English: the JSON value).
pub fn status_name(s: Status, lang: Lang) -> String {
    let f = match s {
        Status::Valid => msg::st_valid,
        Status::BadSignature => msg::st_bad_signature,
        Status::Malformed => msg::st_malformed,
        Status::Tampered => msg::st_tampered,
        Status::UnknownIssuer => msg::st_unknown_issuer,
        Status::Revoked => msg::st_revoked,
        Status::KeyNotValid => msg::st_key_not_valid,
        Status::Expired => msg::st_expired,
        Status::NotYetValid => msg::st_not_yet_valid,
        Status::Redeemed => msg::st_already_redeemed,
        Status::Replaced => msg::st_replaced,
        Status::Cancelled => msg::st_cancelled,
        Status::NoCode => msg::st_no_code,
    };
    f(lang)
}

/// Why a code was refused, sanitized: rebuilt from the verdict's facts
/// where the verdict carries them all, its times in `tz` as every human
/// time is (the library's reason, which JSON carries, says them in UTC
/// RFC 3339); else the library's reason (data, English).
fn reason(v: &Verdict, at: u64, tz: FixedOffset, lang: Lang) -> Option<String> {
    let when = |t: u64| time::format_in(t, tz);
    rebuilt(v, at, lang, &when).or_else(|| v.reason.as_deref().map(for_terminal))
}

/// The reason in the catalog's words, when the verdict carries every fact
/// of it, each time written by `when`. In English with UTC RFC 3339 times
/// it is the library's reason word for word (tested), so the two cannot
/// drift apart.
fn rebuilt(v: &Verdict, at: u64, lang: Lang, when: &dyn Fn(u64) -> String) -> Option<String> {
    // Malformed, tampered, cancelled: worded from the typed detail.
    if let Some(why) = v.detail.as_ref().and_then(|d| errtext::refusal(lang, d)) {
        return Some(for_terminal(&why));
    }
    let Some(c) = v.code.as_ref().map(|sc| &sc.code) else {
        return match v.status {
            Status::NoCode => Some(msg::why_no_code(lang)),
            _ => None,
        };
    };
    let words = match v.status {
        Status::Expired => msg::why_expired(
            lang,
            &payqr::i18n::duration(lang, at.saturating_sub(c.expires_at)),
        ),
        Status::NotYetValid => msg::why_not_yet_valid(lang, &when(c.issued_at)),
        Status::BadSignature => msg::why_bad_signature(lang, &c.key_id, &c.issuer),
        // The library names the key when the issuer is known, the issuer
        // when it is not; the trust list's name for it says which.
        Status::UnknownIssuer if v.issuer_name.is_some() => {
            msg::why_unknown_key(lang, &c.key_id, &c.issuer)
        }
        Status::UnknownIssuer => msg::why_unknown_issuer(lang, &c.issuer),
        Status::Revoked | Status::KeyNotValid | Status::Replaced => match &v.detail {
            Some(Detail::Revoked { at }) => msg::why_revoked(lang, &c.key_id, &when(*at)),
            Some(Detail::KeyNotValid {
                not_before,
                not_after,
            }) => msg::why_key_not_valid(
                lang,
                &when(c.issued_at),
                &not_before.as_deref().map_or("-".into(), for_terminal),
                &not_after.as_deref().map_or("-".into(), for_terminal),
            ),
            Some(Detail::Replaced { by, seq }) => msg::why_replaced(lang, by, seq),
            _ => return None,
        },
        Status::Redeemed => match &v.redemption {
            Some(r) => match r.txn.as_deref() {
                Some(txn) => msg::why_redeemed_txn(lang, &when(r.time), &for_terminal(txn)),
                None => msg::why_redeemed(lang, &when(r.time)),
            },
            None => return None,
        },
        _ => return None,
    };
    Some(words)
}

fn kind_name(k: Kind, lang: Lang) -> String {
    match k {
        Kind::Fine => msg::kind_fine(lang),
        Kind::Bill => msg::kind_bill(lang),
    }
}

/// The facts after the first line, each line indented by two spaces: the
/// source and what the code asks for, who issued it, and (for a valid
/// code) when it expires, in `tz`.
pub fn fact_lines(source: &str, v: &Verdict, at: u64, tz: FixedOffset, lang: Lang) -> Vec<String> {
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
    let asks = msg::asks(
        lang,
        &source,
        &kind_name(c.kind, lang),
        &c.currency.format_amount(c.amount),
        &c.currency,
        &desc,
        &for_terminal(&c.reference),
        &for_terminal(&c.payee),
    );
    let mut lines = vec![
        format!("  {asks}"),
        format!("  {}", msg::issued_by(lang, &issuer, &c.code_id)),
    ];
    if v.status == Status::Valid {
        let exp = c.expires_at;
        let left = payqr::i18n::duration(lang, exp.saturating_sub(at));
        lines.push(format!(
            "  {}",
            msg::expires_in(lang, &left, &time::format_in(exp, tz))
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
    let lang = crate::cmd::lang();
    let mut s = headline(v, act, at, tz, lang, colour);
    s.push('\n');
    for l in fact_lines(source, v, at, tz, lang) {
        s.push_str(&l);
        s.push('\n');
    }
    if let Some(note) = TRUST_NOTE.get().map(|n| n.shown.clone()) {
        s.push_str(&format!("  [{}]\n", payqr::sanitize::for_terminal(&note)));
    }
    s
}

/// Stdin held no payload (`verify - </dev/null`): a negative result, not
/// silence; exit 1, as for a code that is not valid.
pub fn nothing_read() -> crate::cmd::Failure {
    use payqr::i18n::cli;
    let lang = crate::cmd::lang();
    let mut f =
        crate::cmd::Failure::new(cli::no_code_read(lang)).hint(cli::no_code_read_hint(lang));
    f.code = 1;
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use payqr::code::{Code, CodeId, SignedCode, currency::Currency};
    use payqr::redeem::{Counter, Item, redeem};
    use payqr::trust::{TrustList, keys::IssuerKey};
    use payqr::verify::{Clock, verify_text};

    const T0: u64 = 1_795_392_000;

    fn code(k: &IssuerKey) -> SignedCode {
        Code {
            issuer: k.issuer.clone(),
            key_id: k.key_id,
            code_id: CodeId([7; 8]),
            kind: Kind::Fine,
            amount: 20_000,
            currency: Currency::from_code("CNY").unwrap(),
            payee: "BJ".into(),
            reference: "R-1".into(),
            issued_at: T0,
            expires_at: T0 + 14_400,
            description: None,
        }
        .sign(&k.signing_key)
        .unwrap()
    }

    /// Every reason rebuilt from the catalog reads, in English, exactly as
    /// the library words it; in Chinese it is Chinese. One verdict per
    /// status the CLI rewords.
    #[test]
    fn rebuilt_reasons_match_the_library_word_for_word() {
        let k = IssuerKey::from_seed("bj-traffic", "Beijing", [9; 32], 0).unwrap();
        let stranger = IssuerKey::from_seed("sh-traffic", "Shanghai", [8; 32], 0).unwrap();
        let other_key = IssuerKey::from_seed("bj-traffic", "Beijing", [1; 32], 0).unwrap();
        let mut trust = TrustList::default();
        trust.add(&k.public(), None, None, 0).unwrap();
        let text = code(&k).to_text();
        let clock = |at| Clock { at, skew: 300 };
        let mut bad = code(&k);
        bad.signature[3] ^= 1;
        let mut revoked = trust.clone();
        revoked
            .revoke(&k.key_id.to_string(), None, T0 - 10)
            .unwrap();
        let mut windowed = TrustList::default();
        windowed.add(&k.public(), Some(T0 + 3600), None, 0).unwrap();
        let mut verdicts = vec![
            (
                verify_text(&text, &trust, clock(T0 + 20_000), None),
                T0 + 20_000,
            ),
            (
                verify_text(&text, &trust, clock(T0 - 4000), None),
                T0 - 4000,
            ),
            (verify_text(&bad.to_text(), &trust, clock(T0), None), T0),
            (
                verify_text(&code(&stranger).to_text(), &trust, clock(T0), None),
                T0,
            ),
            (
                verify_text(&code(&other_key).to_text(), &trust, clock(T0), None),
                T0,
            ),
            (verify_text(&text, &revoked, clock(T0), None), T0),
            (verify_text(&text, &windowed, clock(T0), None), T0),
            (Verdict::no_code(), T0),
        ];
        // Paid twice: the second is refused with the redemption named.
        let dir = tempfile::tempdir().unwrap();
        let ledger = payqr::ledger::Ledger::new(&dir.path().join("l.jsonl"));
        let counter = Counter {
            trust: &trust,
            clock: clock(T0),
            txn: Some("POS-1"),
            channel: "counter",
            judged_later: false,
        };
        let item = Item {
            source: "t".into(),
            text: Some(text.clone()),
        };
        for _ in 0..2 {
            let v = redeem(&ledger, std::slice::from_ref(&item), &counter).unwrap();
            verdicts.push((v[0].clone(), T0));
        }
        let expect = [
            Status::Expired,
            Status::NotYetValid,
            Status::BadSignature,
            Status::UnknownIssuer,
            Status::UnknownIssuer,
            Status::Revoked,
            Status::KeyNotValid,
            Status::NoCode,
            Status::Valid,
            Status::Redeemed,
        ];
        for ((v, at), want) in verdicts.iter().zip(expect) {
            assert_eq!(v.status, want, "{:?}", v.reason);
            if want == Status::Valid {
                continue;
            }
            let en = rebuilt(v, *at, Lang::En, &time::format_utc).expect("rebuilt");
            assert_eq!(Some(en), v.reason, "{want:?}");
            let zh = rebuilt(v, *at, Lang::ZhCn, &time::format_utc).unwrap();
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
    }

    /// Malformed and tampered codes (PQ1 and EMV profile): each reason
    /// rebuilt from the typed detail reads as the library's in English and
    /// is Chinese in Chinese.
    #[test]
    fn malformed_and_tampered_reasons_from_the_typed_detail() {
        use payqr::emv::config::Config;
        use payqr::emv::profile::sign_emv;
        let k = IssuerKey::from_seed("bj-traffic", "Beijing", [9; 32], 0).unwrap();
        let mut trust = TrustList::default();
        trust.add(&k.public(), None, None, 0).unwrap();
        let config = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/emv-config.json"
        ))
        .unwrap();
        let config = Config::from_json(&config, "emv-config.json").unwrap();
        let (_, emv) = sign_emv(&code(&k).code, &k.signing_key, &config).unwrap();
        let pq1 = code(&k).to_text();
        let edit = |from: &str, to: &str| {
            // Re-sealed with a right CRC so that the edit is what is judged.
            let t = emv.replacen(from, to, 1);
            let body = &t[..t.len() - 4];
            format!("{body}{:04X}", payqr::emv::crc16(body.as_bytes()))
        };
        let texts = [
            ("hello".to_string(), Status::Malformed),
            ("PQ1:abc".into(), Status::Malformed),
            ("PQ1:ABCD".into(), Status::Malformed),
            (pq1[..pq1.len() - 6].to_string(), Status::Malformed),
            (format!("{}0000", &emv[..emv.len() - 4]), Status::Malformed),
            ("000201".into(), Status::Malformed),
            (edit("5406200.00", "5406900.00"), Status::Tampered),
            (edit("5303156", "5303840"), Status::Tampered),
            (edit("R-1", "R-9"), Status::Tampered),
        ];
        let clock = Clock { at: T0, skew: 300 };
        for (text, want) in texts {
            let v = verify_text(&text, &trust, clock, None);
            assert_eq!(v.status, want, "{text}: {:?}", v.reason);
            let en = rebuilt(&v, T0, Lang::En, &time::format_utc).expect("rebuilt");
            assert_eq!(Some(en), v.reason, "{text}");
            let zh = rebuilt(&v, T0, Lang::ZhCn, &time::format_utc).unwrap();
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{text}: {zh}"
            );
        }
    }
}
