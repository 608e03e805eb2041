//! The "phone" model of synthetic photos (examples/synth_photos.rs: a
//! small code in a 12 MP frame, steep perspective, any rotation, grey ink
//! on tinted paper with text around it, gradient and shadow band, motion
//! blur, noise, JPEG quality 30–60): the photos payqr's attempt sequence
//! was extended for are read, to the right text, and verify.
//!
//! The photos are generated here exactly as
//! `cargo run --release --example synth_photos -- DIR 40 1` writes them,
//! so a number below is the file DIR/LEVEL/NNN.jpg of benches/NOTES.md.

#[path = "../examples/synth_photos.rs"]
mod synth;

use payqr::code::SignedCode;
use synth::{PHONE_LEVELS, Rng};

/// The photo `index` of level `level` (0 easy, 1 medium, 2 hard) for
/// seed 1, as the example's `main` draws it; returns (text, JPEG).
fn phone(level: usize, index: u64) -> (String, Vec<u8>) {
    let seed = 1u64;
    let mut rng = Rng::new((seed << 40) ^ ((level as u64) << 32) ^ index);
    let text = synth::payload(&mut rng);
    let jpeg = synth::phone_photo(&text, &PHONE_LEVELS[level], &mut rng);
    (text, jpeg)
}

fn assert_reads(level: usize, index: u64) {
    let (text, jpeg) = phone(level, index);
    let found = payqr::verify::scan::scan_bytes(&jpeg).unwrap();
    let name = PHONE_LEVELS[level].name;
    assert_eq!(found, vec![text], "{name}/{index:03}.jpg");
    let key = payqr::vectors::test_key().signing_key.verifying_key();
    assert!(
        SignedCode::parse_text(&found[0])
            .unwrap()
            .verify_signature(&key)
    );
}

/// Hard 007: a small code at a steep angle in a 4000×3000 frame, blurred by
/// motion. Only the frame reduced by 3 reads it (neither by 2 nor by 4,
/// nor the full frame); zxing-cpp 3.1 misses it too.
#[test]
fn small_tilted_code_in_12_mp_frame_is_read() {
    assert_reads(2, 7);
}

/// The easy level, which every reader gets: a guard that the generator
/// keeps producing readable photos (a model that breaks them all would make
/// the bench's counts meaningless).
#[test]
fn easy_phone_photos_are_read() {
    for index in 0..2 {
        assert_reads(0, index);
    }
}
