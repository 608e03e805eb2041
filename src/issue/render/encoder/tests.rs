//! The encoder against the `qrcode` crate, bit for bit, and the bit-set
//! penalty against the module-by-module one.

use super::mask::*;
use super::*;
use crate::issue::render::tests::payload;

const LEVELS: [EcLevel; 4] = [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H];

/// The same symbol from the `qrcode` crate: same version, level and
/// mask, one alphanumeric segment.
fn reference_symbol(text: &str, version: u8, ec: EcLevel, mask: u8) -> Vec<bool> {
    use qrcode::Version;
    use qrcode::canvas::{Canvas, MaskPattern};
    let v = Version::Normal(i16::from(version));
    let mut bits = qrcode::bits::Bits::new(v);
    bits.push_alphanumeric_data(text.as_bytes()).unwrap();
    bits.push_terminator(ec.into()).unwrap();
    let raw = bits.into_bytes();
    let (data_cw, ec_cw) = qrcode::ec::construct_codewords(&raw, v, ec.into()).unwrap();
    let mut canvas = Canvas::new(v, ec.into());
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data_cw, &ec_cw);
    let pattern = [
        MaskPattern::Checkerboard,
        MaskPattern::HorizontalLines,
        MaskPattern::VerticalLines,
        MaskPattern::DiagonalLines,
        MaskPattern::LargeCheckerboard,
        MaskPattern::Fields,
        MaskPattern::Diamonds,
        MaskPattern::Meadow,
    ][mask as usize];
    canvas.apply_mask(pattern);
    canvas
        .into_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect()
}

#[test]
fn every_version_level_and_mask_matches_the_qrcode_crate() {
    for version in 1..=40u8 {
        for (li, &ec) in LEVELS.iter().enumerate() {
            // The longest text the version holds, so padding and the
            // last block are exercised, and a short one.
            let max = (1..5000)
                .take_while(|&n| data_bits(n, version) <= 8 * data_codewords(version, ec))
                .last()
                .unwrap();
            for len in [max, 5.min(max)] {
                let text = payload(len.max(4), u64::from(version) * 8 + li as u64);
                let text = &text[..len];
                for mask in 0..8 {
                    let ours = encode_at(text.as_bytes(), version, ec, Some(mask)).unwrap();
                    assert_eq!(ours.width, 17 + 4 * version as usize);
                    let theirs = reference_symbol(text, version, ec, mask);
                    assert!(
                        ours.dark == theirs,
                        "version {version} {ec:?} mask {mask} length {len} differs"
                    );
                }
            }
        }
    }
}

#[test]
fn bit_set_penalty_equals_module_penalty() {
    for version in 1..=25u8 {
        let t = template(version);
        for seed in 0..3u64 {
            let text = payload(10 + 7 * version as usize + seed as usize, seed + 100);
            let Some(data) = data_codewords_for(text.as_bytes(), version, EcLevel::M) else {
                continue;
            };
            let cw = add_ec_and_interleave(&data, version, EcLevel::M);
            for mask in 0..8 {
                let sym = place_and_mask_fast(t, &cw, EcLevel::M, Some(mask));
                assert_eq!(
                    sym,
                    place_and_mask_reference(t, &cw, EcLevel::M, Some(mask))
                );
                let (rows, cols) = bit_sets(t.width, |x, y| sym[y * t.width + x]);
                let expected = penalty_reference(&sym, t.width);
                assert_eq!(
                    penalty_bits(&rows, &cols, t.width),
                    expected,
                    "version {version} mask {mask}"
                );
                assert_eq!(penalty_bits_portable(&rows, &cols, t.width), expected);
            }
        }
    }
}

#[test]
fn penalty_rules_score_known_patterns() {
    // All light 21×21: rule 1 gives 21 runs of 21 per row and column
    // (19 each), rule 2 20×20 blocks, rule 4 the maximum 90, rule 3
    // nothing.
    let w = 21;
    let light = vec![false; w * w];
    assert_eq!(penalty_reference(&light, w), 2 * 21 * 19 + 3 * 400 + 90);
    let (r, c) = bit_sets(w, |_, _| false);
    assert_eq!(penalty_bits(&r, &c, w), penalty_reference(&light, w));
    // One finder look-alike in an otherwise checkerboard row scores
    // rule 3 on the side where it meets 4 light modules.
    let mut board: Vec<bool> = (0..w * w).map(|i| (i / w + i % w) % 2 == 0).collect();
    let base = penalty_reference(&board, w);
    for (x, d) in [
        true, false, true, true, true, false, true, false, false, false, false,
    ]
    .into_iter()
    .enumerate()
    {
        board[10 * w + x] = d;
    }
    let (r, c) = bit_sets(w, |x, y| board[y * w + x]);
    let with = penalty_bits(&r, &c, w);
    assert_eq!(with, penalty_reference(&board, w));
    assert!(with >= base + 40, "{with} vs {base}");
}

#[test]
fn chosen_mask_has_the_lowest_penalty() {
    for seed in 0..20 {
        let text = payload(150 + 5 * seed, seed as u64);
        let sym = encode(text.as_bytes(), EcLevel::M).unwrap();
        let scores: Vec<u32> = (0..8)
            .map(|m| {
                let s = encode_at(text.as_bytes(), sym.version, EcLevel::M, Some(m)).unwrap();
                penalty_reference(&s.dark, s.width)
            })
            .collect();
        let best = penalty_reference(&sym.dark, sym.width);
        assert_eq!(best, *scores.iter().min().unwrap(), "{scores:?}");
    }
}

#[test]
fn large_versions_take_the_reference_path_and_still_pick_the_best() {
    let text = payload(1500, 9);
    let sym = encode(text.as_bytes(), EcLevel::M).unwrap();
    assert!(sym.width > FAST_MAX_WIDTH, "version {}", sym.version);
    let min = (0..8)
        .map(|m| {
            let s = encode_at(text.as_bytes(), sym.version, EcLevel::M, Some(m)).unwrap();
            penalty_reference(&s.dark, s.width)
        })
        .min()
        .unwrap();
    assert_eq!(penalty_reference(&sym.dark, sym.width), min);
}

#[test]
fn version_capacity_boundaries() {
    // Version 1-M holds 20 alphanumeric characters, version 40-L 4,296.
    assert_eq!(encode(&b"A".repeat(20), EcLevel::M).unwrap().version, 1);
    assert_eq!(encode(&b"A".repeat(21), EcLevel::M).unwrap().version, 2);
    assert_eq!(encode(&b"A".repeat(4296), EcLevel::L).unwrap().version, 40);
    assert!(encode(&b"A".repeat(4297), EcLevel::L).is_none());
    assert!(encode(b"lower case", EcLevel::M).is_none());
    // An empty text is a valid (if useless) symbol, not a panic.
    let empty = encode(b"", EcLevel::H).unwrap();
    assert_eq!((empty.version, empty.width), (1, 21));
}
