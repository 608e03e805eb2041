//! Test vectors of docs/FORMAT.md §9 and §10 (trust bundles, cancellations),
//! computed from fixed inputs; a test checks the document shows them.

use sha2::{Digest, Sha256};

use super::test_key;
use crate::code::CodeId;
use crate::trust::anchor::AnchorKey;
use crate::trust::bundle::{self, Contents};
use crate::trust::cancel::{Cancellation, Target};
use crate::trust::{CancelRule, TrustList};

/// The public test anchor's seed: SHA-256 of this text.
pub const TEST_ANCHOR_TEXT: &str = "payqr test anchor key - NOT FOR PRODUCTION";
/// 2026-11-23T00:00:00Z
pub const T0: u64 = 1_795_392_000;

pub fn test_anchor() -> AnchorKey {
    let seed: [u8; 32] = Sha256::digest(TEST_ANCHOR_TEXT.as_bytes()).into();
    AnchorKey::from_seed(seed, 0)
}

pub const CODE: CodeId = CodeId([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);

/// The two cancellations: code 0123456789abcdef, and every code of the
/// test key issued before T0.
pub fn cancellations() -> [Cancellation; 2] {
    let k = test_key();
    [
        Cancellation::sign(&k, Target::Code(CODE), T0 + 3600, "issued by mistake").expect("valid"),
        Cancellation::sign(&k, Target::Before(T0), T0 + 3600, "key compromised").expect("valid"),
    ]
}

/// The bundle: the test key trusted, both cancellations, sequence 1,
/// valid 7 days from T0.
pub fn bundle() -> Vec<u8> {
    let k = test_key();
    let mut list = TrustList::default();
    list.add(&k.public(), None, None, T0).expect("valid");
    let [one, all] = cancellations();
    bundle::make(
        &test_anchor(),
        Contents {
            sequence: 1,
            issued_at: T0,
            expires_at: T0 + 7 * 86_400,
            endorsements: vec![],
            keys: list.entries().iter().map(|e| e.meta.clone()).collect(),
            cancel_rules: vec![CancelRule {
                issuer: all.issuer.clone(),
                key_id: all.key_id.clone(),
                before: all.before.clone().expect("all-before"),
            }],
            cancelled: vec![bundle::cancel_hash(&one.issuer, CODE)],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::to_hex;

    fn facts() -> Vec<String> {
        let [one, all] = cancellations();
        let b = bundle();
        let hlen = u32::from_be_bytes(b[21..25].try_into().unwrap()) as usize;
        vec![
            test_anchor().key_id.to_string(),
            test_anchor().public().to_base64(),
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&all).unwrap(),
            to_hex(&bundle::cancel_hash("bj-traffic", CODE)),
            String::from_utf8(b[25..25 + hlen].to_vec()).unwrap(),
            format!("{} bytes", b.len()),
            to_hex(&Sha256::digest(&b)),
        ]
    }

    #[test]
    fn format_md_shows_the_trust_vectors() {
        let doc = include_str!("../../docs/FORMAT.md");
        for f in facts() {
            assert!(doc.contains(&f), "docs/FORMAT.md lacks:\n{f}");
        }
        // And the bundle opens with the anchor, as the document says.
        let b = bundle::open(&bundle(), &test_anchor().public(), T0 + 60).unwrap();
        assert_eq!(b.cancelled.len(), 1);
    }

    #[test]
    #[ignore = "prints the vectors for docs/FORMAT.md: cargo test --lib print_trust_vectors -- --ignored --nocapture"]
    fn print_trust_vectors() {
        for f in facts() {
            println!("{f}\n");
        }
    }
}
