//! Makes a trust bundle holding N cancelled codes, for benches/cancel.sh:
//! `cargo run --release --example cancel_bundle -- N TRUST.json ANCHOR.key OUT.pqt`.
//! The cancelled codes are N pseudo-random hashes (what a bundle holds is a
//! hash per code; making and signing a million real cancellations would
//! measure `payqr cancel`, not the lookup), plus code 0123456789abcdef of
//! the first issuer in the list, so a cancelled code can be verified too.

use std::path::Path;

use payqr::code::CodeId;
use payqr::trust::TrustList;
use payqr::trust::anchor::AnchorKey;
use payqr::trust::bundle::{self, Contents};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, n, trust, anchor, out] = &args[..] else {
        eprintln!("usage: cancel_bundle N TRUST.json ANCHOR.key OUT.pqt");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N");
    let list = TrustList::load(Path::new(trust)).expect("trust list");
    let anchor = AnchorKey::load(Path::new(anchor)).expect("anchor key");
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut cancelled: Vec<[u8; 16]> = (0..n)
        .map(|_| {
            let mut h = [0u8; 16];
            for half in h.chunks_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                half.copy_from_slice(&x.to_le_bytes());
            }
            h
        })
        .collect();
    let issuer = &list.entries()[0].meta.issuer;
    cancelled.push(bundle::cancel_hash(
        issuer,
        CodeId([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]),
    ));
    let now = payqr::code::time::now();
    let bytes = bundle::make(
        &anchor,
        Contents {
            sequence: now,
            issued_at: now,
            expires_at: now + 7 * 86_400,
            endorsements: vec![],
            keys: list.entries().iter().map(|e| e.meta.clone()).collect(),
            cancel_rules: vec![],
            cancelled,
        },
    );
    std::fs::write(out, &bytes).expect("write bundle");
    eprintln!("{out}: {} bytes, {} cancelled codes", bytes.len(), n + 1);
}
