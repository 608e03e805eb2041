//! Masking and the penalty score that chooses the mask: each row and
//! column of the symbol one `u128` bit set (the module comment of
//! [`super`] says why), and the module-by-module definition it is tested
//! against.

use super::template::{MARGIN, Template, format_word, mask_bit};
use crate::issue::render::EcLevel;

// ---------------------------------------------------------------------------
// Placement, masking and penalty: bit sets.

pub(super) fn place_and_mask_fast(
    t: &Template,
    codewords: &[u8],
    ec: EcLevel,
    mask: Option<u8>,
) -> Vec<bool> {
    let w = t.width;
    let mut rows = t.function_rows.clone();
    let mut cols = t.function_cols.clone();
    for (i, &(x, y)) in t.order.iter().take(codewords.len() * 8).enumerate() {
        if (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1 {
            rows[y as usize] |= 1 << (x as usize + MARGIN);
            cols[x as usize] |= 1 << (y as usize + MARGIN);
        }
    }

    let mut best: Option<u32> = None;
    let (mut r, mut c) = (vec![0u128; w], vec![0u128; w]);
    let mut best_rows = vec![0u128; w];
    for m in mask.map_or(0..8, |m| m..m + 1) {
        apply_mask(t, &rows, &cols, ec, m, &mut r, &mut c);
        let score = if mask.is_some() {
            0
        } else {
            penalty_bits(&r, &c, w)
        };
        if best.is_none_or(|s| score < s) {
            best = Some(score);
            best_rows.copy_from_slice(&r);
        }
    }
    let mut dark = Vec::with_capacity(w * w);
    for row in &best_rows {
        dark.extend((0..w).map(|x| (row >> (x + MARGIN)) & 1 == 1));
    }
    dark
}

/// Rows and columns of the symbol under mask `m`, format information drawn.
pub(super) fn apply_mask(
    t: &Template,
    rows: &[u128],
    cols: &[u128],
    ec: EcLevel,
    m: u8,
    r: &mut [u128],
    c: &mut [u128],
) {
    for ((out, &base), &flip) in r.iter_mut().zip(rows).zip(&t.mask_rows[m as usize]) {
        *out = base ^ flip;
    }
    for ((out, &base), &flip) in c.iter_mut().zip(cols).zip(&t.mask_cols[m as usize]) {
        *out = base ^ flip;
    }
    let word = format_word(ec, m);
    for &(x, y, bit) in &t.format_cells {
        if (word >> bit) & 1 == 1 {
            r[y as usize] |= 1 << (x as usize + MARGIN);
            c[x as usize] |= 1 << (y as usize + MARGIN);
        }
    }
}

/// The specification's penalty score from row and column bit sets; equal
/// to [`penalty_reference`] (tested).
///
/// Scoring is mostly popcounts (a dozen per row and column). The x86-64
/// baseline Rust compiles for has no POPCNT instruction, and its software
/// popcount made the whole encoder 2x slower, so where the CPU has POPCNT
/// (every x86-64 CPU since 2008) the same code runs compiled with it.
// unsafe: calling a function compiled for a CPU feature (POPCNT) is
// unsafe; the feature is detected at run time just before the call.
#[allow(unsafe_code)]
pub(super) fn penalty_bits(rows: &[u128], cols: &[u128], w: usize) -> u32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU supports POPCNT, checked just above.
        return unsafe { penalty_bits_popcnt(rows, cols, w) };
    }
    penalty_bits_portable(rows, cols, w)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn penalty_bits_popcnt(rows: &[u128], cols: &[u128], w: usize) -> u32 {
    penalty_bits_portable(rows, cols, w)
}

// Inlined so that the POPCNT variant above compiles it with POPCNT.
#[inline(always)]
pub(super) fn penalty_bits_portable(rows: &[u128], cols: &[u128], w: usize) -> u32 {
    let inside: u128 = ((1u128 << w) - 1) << MARGIN;
    let mut score = 0;
    let mut dark = 0;
    for &line in rows.iter().chain(cols) {
        score += line_penalty(line, inside);
    }
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (la, lb) = (!a & inside, !b & inside);
        let both_dark = a & b & (a >> 1) & (b >> 1);
        let both_light = la & lb & (la >> 1) & (lb >> 1);
        score += 3 * (both_dark.count_ones() + both_light.count_ones());
    }
    for &row in rows {
        dark += row.count_ones();
    }
    score + balance_penalty(dark as usize, w * w)
}

/// Runs of five or more (rule 1) and finder look-alikes (rule 3) in one
/// row or column.
#[inline(always)]
pub(super) fn line_penalty(d: u128, inside: u128) -> u32 {
    let mut score = 0;
    for c in [d, !d & inside] {
        // A run of length L >= 5 holds L - 4 windows of five and scores
        // 3 + (L - 5) = (L - 4) + 2: count windows, plus 2 per run start.
        let five = c & (c >> 1) & (c >> 2) & (c >> 3) & (c >> 4);
        let starts = five & !(c << 1);
        score += five.count_ones() + 2 * starts.count_ones();
    }
    // Dark-light-dark×3-light-dark, with four light modules after it or
    // before it (outside the symbol counts as light).
    let core = d & !(d >> 1) & (d >> 2) & (d >> 3) & (d >> 4) & !(d >> 5) & (d >> 6);
    let light_after = !((d >> 7) | (d >> 8) | (d >> 9) | (d >> 10));
    let light_before = !((d << 1) | (d << 2) | (d << 3) | (d << 4));
    score += 40 * ((core & light_after).count_ones() + (core & light_before).count_ones());
    score
}

/// Rule 4: 10 points for every full 5 % the dark share is away from 50 %.
pub(super) fn balance_penalty(dark: usize, total: usize) -> u32 {
    let off = (dark * 20).abs_diff(total * 10);
    (off.div_ceil(total).saturating_sub(1) * 10) as u32
}

// ---------------------------------------------------------------------------
// Placement, masking and penalty: module by module.

pub(super) fn place_and_mask_reference(
    t: &Template,
    codewords: &[u8],
    ec: EcLevel,
    mask: Option<u8>,
) -> Vec<bool> {
    let w = t.width;
    let mut base = t.function_dark.clone();
    for (i, &(x, y)) in t.order.iter().take(codewords.len() * 8).enumerate() {
        base[y as usize * w + x as usize] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1;
    }
    let mut best: Option<(u32, Vec<bool>)> = None;
    for m in mask.map_or(0..8, |m| m..m + 1) {
        let mut s = base.clone();
        for y in 0..w {
            for x in 0..w {
                if !t.function[y * w + x] && mask_bit(m, x, y) {
                    s[y * w + x] ^= true;
                }
            }
        }
        let word = format_word(ec, m);
        for &(x, y, bit) in &t.format_cells {
            s[y as usize * w + x as usize] = (word >> bit) & 1 == 1;
        }
        let score = if mask.is_some() {
            0
        } else {
            penalty_reference(&s, w)
        };
        if best.as_ref().is_none_or(|(b, _)| score < *b) {
            best = Some((score, s));
        }
    }
    best.map(|(_, s)| s).unwrap_or_default()
}

/// The penalty score, rule by rule over the modules (`dark` row-major):
/// 1. each run of L >= 5 same-colour modules in a row or column: L - 2;
/// 2. each 2×2 block of one colour: 3;
/// 3. each 1:1:3:1:1 dark-light-dark-light-dark run with 4 light modules
///    on either side in a row or column (outside the symbol is light): 40,
///    once per side;
/// 4. 10 for every full 5 % the dark share is away from 50 %.
pub(super) fn penalty_reference(dark: &[bool], w: usize) -> u32 {
    let at = |x: usize, y: usize| dark[y * w + x];
    let mut score = 0;
    for line in 0..w {
        for horizontal in [true, false] {
            let get = |i: usize| if horizontal { at(i, line) } else { at(line, i) };
            // Rule 1.
            let mut run = 1;
            for i in 1..=w {
                if i < w && get(i) == get(i - 1) {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += run as u32 - 2;
                    }
                    run = 1;
                }
            }
            // Rule 3, on the line padded with 4 light modules each side.
            let padded: Vec<bool> = (0..w + 8)
                .map(|i| (MARGIN..w + MARGIN).contains(&i) && get(i - MARGIN))
                .collect();
            const CORE: [bool; 7] = [true, false, true, true, true, false, true];
            for win in padded.windows(11) {
                if win[..7] == CORE && win[7..].iter().all(|&d| !d) {
                    score += 40;
                }
                if win[4..] == CORE && win[..4].iter().all(|&d| !d) {
                    score += 40;
                }
            }
        }
    }
    // Rule 2.
    for y in 0..w - 1 {
        for x in 0..w - 1 {
            let c = at(x, y);
            if at(x + 1, y) == c && at(x, y + 1) == c && at(x + 1, y + 1) == c {
                score += 3;
            }
        }
    }
    score + balance_penalty(dark.iter().filter(|&&d| d).count(), w * w)
}
