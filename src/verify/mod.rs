//! The verdict on one payload: is it an official, unexpired, unpaid code?
//!
//! Checks run in a fixed order and the first failure decides the status:
//! format → issuer/key known → signature → (EMV profile) payload fields
//! agree with the signed ones → key not revoked → key valid at issue time →
//! time window (with skew) → not redeemed → not replaced by a reissue.
//! A code is looked up in the ledger by its issuer and code id (code ids
//! are unique per issuer only). The signature is checked before
//! revocation so that a forgery naming a revoked key is reported as the
//! forgery it is.
//!
//! Both payload profiles are accepted: a `PQ1:` text, or an EMV MPM payload
//! carrying a payqr signature ([`crate::emv::profile`]).

pub mod scan;

use serde::Serialize;

use ed25519_dalek::VerifyingKey;

use crate::code::SignedCode;
use crate::code::time;
use crate::emv;
use crate::ledger::{CodeKey, LedgerState, Redemption};
use crate::trust::{Lookup, TrustList};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    BadSignature,
    Malformed,
    /// EMV profile: the payload's amount, currency or reference differ
    /// from the signed ones (e.g. an edited amount with a recomputed CRC).
    Tampered,
    UnknownIssuer,
    Revoked,
    KeyNotValid,
    Expired,
    NotYetValid,
    /// Already redeemed (paid) according to the ledger. Named
    /// `already_redeemed` so that the word alone never means a refusal:
    /// `redeem --json`'s `"redeemed": true` says this call recorded it.
    #[serde(rename = "already_redeemed")]
    Redeemed,
    /// Replaced by a reissue (`issue --reissue`): the ledger names the
    /// code to pay instead; this one is never payable again.
    Replaced,
    /// Cancelled by its issuer (`payqr cancel`), as the ledger or the
    /// trust bundle says: never payable.
    Cancelled,
    NoCode,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::BadSignature => "bad_signature",
            Status::Malformed => "malformed",
            Status::Tampered => "tampered",
            Status::UnknownIssuer => "unknown_issuer",
            Status::Revoked => "revoked",
            Status::KeyNotValid => "key_not_valid",
            Status::Expired => "expired",
            Status::NotYetValid => "not_yet_valid",
            Status::Redeemed => "already_redeemed",
            Status::Replaced => "replaced",
            Status::Cancelled => "cancelled",
            Status::NoCode => "no_code",
        }
    }
}

/// Defined with the time rules, below both verify and the trust list
/// (whose freshness check uses it too).
pub use crate::code::time::MAX_SKEW;

/// When and how strictly to judge time.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// The moment of verification (UTC seconds).
    pub at: u64,
    /// Tolerance for clock differences between issuer and verifier; more
    /// than [`MAX_SKEW`] counts as [`MAX_SKEW`].
    pub skew: u64,
}

/// The outcome for one payload.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub status: Status,
    /// The decoded code when the format was valid (even if untrusted).
    pub code: Option<SignedCode>,
    /// Issuer display name from the trust list, when the issuer is known.
    pub issuer_name: Option<String>,
    /// Why, in words: the format error, the revocation time, ...
    pub reason: Option<String>,
    /// The facts behind `reason` where they are not already in the
    /// verdict, for a caller that words the reason itself (the CLI in
    /// another language).
    pub detail: Option<Detail>,
    pub redemption: Option<Redemption>,
}

/// The facts of a refusal that [`Verdict::reason`] words and the rest of
/// the verdict does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// The key was revoked at this time (UTC seconds).
    Revoked { at: u64 },
    /// The code was issued outside the key's validity (RFC 3339 bounds,
    /// as the trust list gives them).
    KeyNotValid {
        not_before: Option<String>,
        not_after: Option<String>,
    },
    /// Replaced by a reissue: pay `by` instead (ledger line `seq`).
    Replaced { by: crate::code::CodeId, seq: u64 },
    /// Not a code: why the text did not parse (`PQ1:` or EMV profile).
    Malformed(Malformed),
    /// The EMV payload's own fields differ from the signed code.
    Tampered(emv::profile::Disagreement),
    /// Cancelled in the ledger (`payqr cancel`): when, why (as signed),
    /// and for an all-before cancellation the key and its bound.
    CancelledInLedger {
        time: String,
        reason: String,
        before: Option<(crate::code::KeyId, String)>,
    },
    /// Cancelled by the trust list (a rule or the bundle's cancelled codes).
    CancelledInTrust(crate::trust::TrustCancellation),
}

/// Why a payload is not a code, by profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    Code(crate::code::FormatError),
    Emv(emv::profile::ProfileError),
}

impl Verdict {
    fn new(status: Status, code: Option<SignedCode>) -> Verdict {
        Verdict {
            status,
            code,
            issuer_name: None,
            reason: None,
            detail: None,
            redemption: None,
        }
    }

    /// The verdict for an image in which no QR code was found.
    pub fn no_code() -> Verdict {
        Verdict::new(Status::NoCode, None).because("no QR code found in the image")
    }

    fn because(mut self, reason: impl Into<String>) -> Verdict {
        self.reason = Some(reason.into());
        self
    }
}

/// Judges a payload text (from a QR symbol, a scanner gun, or stdin), in
/// either profile.
pub fn verify_text(
    text: &str,
    trust: &TrustList,
    clock: Clock,
    ledger: Option<&LedgerState>,
) -> Verdict {
    if emv::is_emv(text) {
        return match emv::profile::extract(text) {
            Ok(c) => {
                let digest = c.digest;
                let signature_ok = move |s: &SignedCode, k: &VerifyingKey| {
                    emv::profile::verify_signature(s, &digest, k)
                };
                judge(
                    c.signed,
                    &signature_ok,
                    c.disagreement,
                    trust,
                    clock,
                    ledger,
                )
            }
            Err(e) => malformed(Malformed::Emv(e)),
        };
    }
    match SignedCode::parse_text(text) {
        Ok(code) => verify_code(code, trust, clock, ledger),
        Err(e) => malformed(Malformed::Code(e)),
    }
}

fn malformed(why: Malformed) -> Verdict {
    let text = match &why {
        Malformed::Code(e) => e.to_string(),
        Malformed::Emv(e) => e.to_string(),
    };
    let mut v = Verdict::new(Status::Malformed, None).because(text);
    v.detail = Some(Detail::Malformed(why));
    v
}

/// Judges a `PQ1:` code.
pub fn verify_code(
    code: SignedCode,
    trust: &TrustList,
    clock: Clock,
    ledger: Option<&LedgerState>,
) -> Verdict {
    let signature_ok = |s: &SignedCode, k: &VerifyingKey| s.verify_signature(k);
    judge(code, &signature_ok, None, trust, clock, ledger)
}

/// The checks both profiles share. `signature_ok` checks the profile's
/// signature; `disagreement` says how the payload's own fields differ from
/// the signed ones (EMV profile).
fn judge(
    code: SignedCode,
    signature_ok: &dyn Fn(&SignedCode, &VerifyingKey) -> bool,
    disagreement: Option<emv::profile::Disagreement>,
    trust: &TrustList,
    clock: Clock,
    ledger: Option<&LedgerState>,
) -> Verdict {
    let c = &code.code;
    let entry = match trust.lookup(&c.issuer, c.key_id) {
        Lookup::UnknownIssuer => {
            let why = format!("issuer {:?} is not in the trust list", c.issuer);
            return Verdict::new(Status::UnknownIssuer, Some(code)).because(why);
        }
        Lookup::UnknownKey => {
            let why = format!("key {} is not a trusted key of {}", c.key_id, c.issuer);
            let mut v = Verdict::new(Status::UnknownIssuer, Some(code)).because(why);
            v.issuer_name = trust
                .issuer_name(&v.code.as_ref().expect("set").code.issuer)
                .map(String::from);
            return v;
        }
        Lookup::Found(e) => e,
    };
    let name = Some(entry.meta.name.clone());
    let verdict = |status: Status, code: SignedCode, why: Option<String>| Verdict {
        status,
        code: Some(code),
        issuer_name: name.clone(),
        reason: why,
        detail: None,
        redemption: None,
    };
    if !signature_ok(&code, &entry.key) {
        let why = format!("signature does not match key {} of {}", c.key_id, c.issuer);
        return verdict(Status::BadSignature, code, Some(why));
    }
    if let Some(d) = disagreement {
        let mut v = verdict(Status::Tampered, code, Some(d.to_string()));
        v.detail = Some(Detail::Tampered(d));
        return v;
    }
    if let Some(t) = entry.revoked_at {
        let why = format!("key {} was revoked at {}", c.key_id, time::format_utc(t));
        let mut v = verdict(Status::Revoked, code, Some(why));
        v.detail = Some(Detail::Revoked { at: t });
        return v;
    }
    if !entry.valid_at(c.issued_at) {
        let why = format!(
            "issued at {} outside the key's validity ({} .. {})",
            time::format_utc(c.issued_at),
            entry.meta.not_before.as_deref().unwrap_or("-"),
            entry.meta.not_after.as_deref().unwrap_or("-"),
        );
        let mut v = verdict(Status::KeyNotValid, code, Some(why));
        v.detail = Some(Detail::KeyNotValid {
            not_before: entry.meta.not_before.clone(),
            not_after: entry.meta.not_after.clone(),
        });
        return v;
    }
    // Before the times: a cancelled code is cancelled whether or not it
    // has expired, and saying so explains a refusal best.
    let cancelled = ledger
        .and_then(|l| l.cancellation(&c.issuer, c.key_id, c.code_id, c.issued_at))
        .map(|x| {
            let why = match &x.before {
                Some((_, b)) => format!(
                    "every code of key {} issued before {b} was cancelled at {}: {}",
                    x.key_id, x.time, x.reason
                ),
                None => format!("cancelled by its issuer at {}: {}", x.time, x.reason),
            };
            let detail = Detail::CancelledInLedger {
                time: x.time.clone(),
                reason: x.reason.clone(),
                before: x.before.as_ref().map(|(_, b)| (x.key_id, b.clone())),
            };
            (why, detail)
        })
        .or_else(|| {
            trust
                .cancellation(&c.issuer, c.key_id, c.code_id, c.issued_at)
                .map(|t| (t.to_string(), Detail::CancelledInTrust(t)))
        });
    if let Some((why, detail)) = cancelled {
        let mut v = verdict(Status::Cancelled, code, Some(why));
        v.detail = Some(detail);
        return v;
    }
    let skew = clock.skew.min(MAX_SKEW);
    if c.issued_at > clock.at.saturating_add(skew) {
        let why = format!("issued at {}, in the future", time::format_utc(c.issued_at));
        return verdict(Status::NotYetValid, code, Some(why));
    }
    if clock.at > c.expires_at.saturating_add(skew) {
        let why = format!("expired {} ago", time::humanize(clock.at - c.expires_at));
        return verdict(Status::Expired, code, Some(why));
    }
    let key = CodeKey::of(&c.issuer, c.code_id);
    if let Some(r) = ledger.and_then(|l| l.redemption(&key)) {
        let why = format!(
            "already redeemed at {}{}",
            time::format_utc(r.time),
            r.txn
                .as_deref()
                .map(|t| format!(", txn {t}"))
                .unwrap_or_default()
        );
        let mut v = verdict(Status::Redeemed, code, Some(why));
        v.redemption = Some(r.clone());
        return v;
    }
    // The direct successor is named; if it was reissued in turn, judging
    // it names the next one, and so on to the code to pay.
    if let Some(r) = ledger.and_then(|l| l.replaced_by(&key)) {
        let why = format!(
            "replaced by code {} (reissued; ledger seq {}): pay that code instead",
            r.by, r.seq
        );
        let mut v = verdict(Status::Replaced, code, Some(why));
        v.detail = Some(Detail::Replaced {
            by: r.by,
            seq: r.seq,
        });
        return v;
    }
    verdict(Status::Valid, code, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::currency::Currency;
    use crate::code::{Code, CodeId, Kind};
    use crate::trust::keys::IssuerKey;

    const T0: u64 = 1_795_000_000;

    fn setup() -> (IssuerKey, TrustList) {
        let k = IssuerKey::from_seed("bj-traffic", "Beijing", [9; 32], 0).unwrap();
        let mut t = TrustList::default();
        t.add(&k.public(), None, None, 0).unwrap();
        (k, t)
    }

    fn issue(k: &IssuerKey) -> SignedCode {
        Code {
            issuer: k.issuer.clone(),
            key_id: k.key_id,
            code_id: CodeId([5; 8]),
            kind: Kind::Fine,
            amount: 20000,
            currency: Currency::from_code("CNY").unwrap(),
            payee: "BJ".into(),
            reference: "京A12345".into(),
            issued_at: T0,
            expires_at: T0 + 14_400,
            description: None,
        }
        .sign(&k.signing_key)
        .unwrap()
    }

    fn clock(at: u64) -> Clock {
        Clock { at, skew: 300 }
    }

    #[test]
    fn statuses() {
        let (k, trust) = setup();
        let text = issue(&k).to_text();
        assert_eq!(
            verify_text(&text, &trust, clock(T0 + 60), None).status,
            Status::Valid
        );
        assert_eq!(
            verify_text(&text, &trust, clock(T0 + 14_400 + 301), None).status,
            Status::Expired
        );
        assert_eq!(
            verify_text(&text, &trust, clock(T0 + 14_400 + 299), None).status,
            Status::Valid
        );
        assert_eq!(
            verify_text(&text, &trust, clock(T0 - 301), None).status,
            Status::NotYetValid
        );
        assert_eq!(
            verify_text("hello", &trust, clock(T0), None).status,
            Status::Malformed
        );
        let other = IssuerKey::from_seed("bj-traffic", "Fake", [1; 32], 0).unwrap();
        let forged = issue(&other).to_text();
        assert_eq!(
            verify_text(&forged, &trust, clock(T0), None).status,
            Status::UnknownIssuer
        );
        // Same key id, wrong signature bytes: a forgery.
        let mut c = issue(&k);
        c.signature[10] ^= 1;
        assert_eq!(
            verify_text(&c.to_text(), &trust, clock(T0), None).status,
            Status::BadSignature
        );
        let mut revoked = trust.clone();
        revoked.revoke(&k.key_id.to_string(), None, T0).unwrap();
        assert_eq!(
            verify_text(&text, &revoked, clock(T0), None).status,
            Status::Revoked
        );
        // A skew past the limit counts as the limit: no 1970, no 2099.
        let wide = |at| Clock { at, skew: u64::MAX };
        let judge = |at| verify_text(&text, &trust, wide(at), None).status;
        assert_eq!(judge(0), Status::NotYetValid);
        assert_eq!(judge(T0 - MAX_SKEW - 1), Status::NotYetValid);
        assert_eq!(judge(T0 - MAX_SKEW), Status::Valid);
        assert_eq!(judge(T0 + 14_400 + MAX_SKEW), Status::Valid);
        assert_eq!(judge(T0 + 14_400 + MAX_SKEW + 1), Status::Expired);
        assert_eq!(judge(4_070_908_800), Status::Expired);
        let mut windowed = TrustList::default();
        windowed.add(&k.public(), Some(T0 + 1), None, 0).unwrap();
        assert_eq!(
            verify_text(&text, &windowed, clock(T0), None).status,
            Status::KeyNotValid
        );
    }
}
