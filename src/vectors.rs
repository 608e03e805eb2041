//! The test vectors published in docs/FORMAT.md, computed from fixed inputs.
//! A test checks that the document shows exactly what the code produces.

pub mod trust;

use sha2::{Digest, Sha256};

use crate::code::currency::Currency;
use crate::code::{Code, CodeId, Kind, SignedCode};
use crate::emv::config::Config;
use crate::trust::keys::IssuerKey;

/// The public test key's seed: SHA-256 of this text (fixtures/test-issuer.key).
pub const TEST_SEED_TEXT: &str = "payqr test issuer key - NOT FOR PRODUCTION";

pub fn test_key() -> IssuerKey {
    let seed: [u8; 32] = Sha256::digest(TEST_SEED_TEXT.as_bytes()).into();
    IssuerKey::from_seed("bj-traffic", "TEST ONLY", seed, 0).expect("valid issuer")
}

/// The three vectors: (title, code).
pub fn vectors() -> Vec<(&'static str, SignedCode)> {
    let k = test_key();
    let base = |code_id: [u8; 8],
                kind,
                amount,
                cur: &str,
                payee: &str,
                reference: &str,
                desc: Option<&str>,
                valid: u64| Code {
        issuer: k.issuer.clone(),
        key_id: k.key_id,
        code_id: CodeId(code_id),
        kind,
        amount,
        currency: Currency::from_code(cur).expect("known currency"),
        payee: payee.into(),
        reference: reference.into(),
        issued_at: 1_795_392_000, // 2026-11-23T08:00:00+08:00
        expires_at: 1_795_392_000 + valid,
        description: desc.map(String::from),
    };
    let sign = |c: Code| c.sign(&k.signing_key).expect("valid vector");
    vec![
        (
            "fine, CNY 200.00, Chinese reference and description, 4 hours",
            sign(base(
                [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef],
                Kind::Fine,
                20000,
                "CNY",
                "110000-FINES",
                "京A12345",
                Some("闯红灯"),
                14_400,
            )),
        ),
        (
            "bill, JPY 4,980 (exponent 0), no description, 30 days",
            sign(base(
                [0, 0, 0, 0, 0, 0, 0, 1],
                Kind::Bill,
                4980,
                "JPY",
                "TOKYO-WATER",
                "W-0100234567-202611",
                None,
                30 * 86_400,
            )),
        ),
        (
            "fine, KWD 12.345 (exponent 3), 7 days",
            sign(base(
                [0xff; 8],
                Kind::Fine,
                12_345,
                "KWD",
                "KW-MOI-0001",
                "PLATE 12/34567",
                Some("Speeding"),
                7 * 86_400,
            )),
        ),
    ]
}

/// The EMV profile's second configuration: a primitive merchant account
/// (02, reserved for Visa) and the names in Japanese (template 64).
pub const EMV_CONFIG_JA: &str = r#"{ "payqr": "payqr emv config v1",
  "merchant_accounts": [ { "id": 2, "value": "4000123456789010" } ],
  "mcc": "4900", "country": "JP", "merchant_name": "TOKYO WATER",
  "merchant_city": "TOKYO", "postal_code": "1638001",
  "language": { "preference": "JA", "name": "東京都水道局", "city": "東京" } }"#;

/// The EMV profile vectors (docs/FORMAT.md §5): (title, configuration, code).
pub fn emv_vectors() -> Vec<(&'static str, Config, Code)> {
    let k = test_key();
    let fixture = include_str!("../fixtures/emv-config.json");
    let code = |code_id,
                kind,
                amount,
                cur: &str,
                payee: &str,
                reference: &str,
                desc: Option<&str>,
                valid: u64| Code {
        issuer: k.issuer.clone(),
        key_id: k.key_id,
        code_id: CodeId(code_id),
        kind,
        amount,
        currency: Currency::from_code(cur).expect("known currency"),
        payee: payee.into(),
        reference: reference.into(),
        issued_at: 1_795_392_000,
        expires_at: 1_795_392_000 + valid,
        description: desc.map(String::from),
    };
    vec![
        (
            "fine, CNY 200.00, fixtures/emv-config.json, 4 hours",
            Config::from_json(fixture, "fixtures/emv-config.json").expect("valid fixture"),
            code(
                [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef],
                Kind::Fine,
                20000,
                "CNY",
                "BJ-FINES",
                "BJ2611230001",
                Some("京A12345 闯红灯"),
                14_400,
            ),
        ),
        (
            "bill, JPY 4,980, Japanese names in template 64, 30 days",
            Config::from_json(EMV_CONFIG_JA, "EMV_CONFIG_JA").expect("valid config"),
            code(
                [0, 0, 0, 0, 0, 0, 0, 2],
                Kind::Bill,
                4980,
                "JPY",
                "TOKYO-WATER",
                "W-0100234567-202611",
                None,
                30 * 86_400,
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::to_hex as hex;

    #[test]
    fn format_md_shows_the_vectors() {
        let doc = include_str!("../docs/FORMAT.md");
        let k = test_key();
        assert!(
            doc.contains(&format!("key id `{}`", k.key_id)),
            "key id missing from docs"
        );
        for (title, v) in vectors() {
            let text = v.to_text();
            assert!(
                doc.contains(&text),
                "vector {title:?}: text missing from docs:\n{text}"
            );
            assert!(
                doc.contains(&hex(&v.body)),
                "vector {title:?}: body hex missing:\n{}",
                hex(&v.body)
            );
            assert!(
                doc.contains(&hex(&v.signature)),
                "vector {title:?}: signature missing"
            );
            // And they parse back and verify.
            let back = SignedCode::parse_text(&text).unwrap();
            assert!(back.verify_signature(&k.signing_key.verifying_key()));
        }
    }

    #[test]
    fn format_md_shows_the_emv_vectors() {
        let doc = include_str!("../docs/FORMAT.md");
        let k = test_key();
        assert!(
            doc.contains(EMV_CONFIG_JA),
            "EMV_CONFIG_JA missing from docs"
        );
        assert!(doc.contains(include_str!("../fixtures/emv-config.json").trim_end()));
        for (title, config, code) in emv_vectors() {
            let (signed, text) =
                crate::emv::profile::sign_emv(&code, &k.signing_key, &config).unwrap();
            assert!(
                doc.contains(&text),
                "EMV vector {title:?}: text missing:\n{text}"
            );
            assert!(
                doc.contains(&hex(&signed.signature)),
                "EMV vector {title:?}: signature missing"
            );
            let carried = crate::emv::profile::extract(&text).unwrap();
            assert_eq!(carried.signed, signed);
            assert!(
                doc.contains(&hex(&carried.digest)),
                "EMV vector {title:?}: digest"
            );
            assert!(crate::emv::profile::verify_signature(
                &signed,
                &carried.digest,
                &k.signing_key.verifying_key()
            ));
            let version = crate::issue::render::encode(&text).unwrap().version();
            assert!(
                doc.contains(&format!(
                    "{} characters, QR version {version}",
                    text.chars().count()
                )),
                "EMV vector {title:?}: size line"
            );
        }
    }

    #[test]
    #[ignore = "prints the vectors for docs/FORMAT.md: cargo test --lib print_vectors -- --ignored --nocapture"]
    fn print_vectors() {
        let k = test_key();
        println!(
            "key id {} public {}",
            k.key_id,
            hex(k.signing_key.verifying_key().as_bytes())
        );
        for (title, v) in vectors() {
            println!(
                "## {title}\nbody {}\nsig {}\ntext {}\nlen {}\n",
                hex(&v.body),
                hex(&v.signature),
                v.to_text(),
                v.to_text().len()
            );
        }
        for (title, config, code) in emv_vectors() {
            let (signed, text) =
                crate::emv::profile::sign_emv(&code, &k.signing_key, &config).unwrap();
            let digest = crate::emv::profile::extract(&text).unwrap().digest;
            println!(
                "## EMV {title}\ndigest {}\nsig {}\ntext {text}\n{} characters, QR version {}\n",
                hex(&digest),
                hex(&signed.signature),
                text.chars().count(),
                crate::issue::render::encode(&text).unwrap().version()
            );
        }
    }
}
