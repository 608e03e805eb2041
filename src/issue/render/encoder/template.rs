//! The per-version template's shape and the small pieces both the encoder
//! (`mod.rs`) and masking (`mask.rs`) need: kept apart so that `mask.rs`
//! never names `mod.rs`, which names it. `Template::build` stays in
//! `mod.rs`.

use crate::issue::render::EcLevel;

/// Light modules kept around each row/column bit set, so the finder-pattern
/// rule's "4 light modules beside it" can look past the symbol's edge
/// without shifting bits out.
pub(super) const MARGIN: usize = 4;

/// The two bits the format information gives the level (not in L-M-Q-H
/// order: L = 01, M = 00, Q = 11, H = 10).
pub(super) fn level_format_bits(ec: EcLevel) -> u32 {
    match ec {
        EcLevel::L => 1,
        EcLevel::M => 0,
        EcLevel::Q => 3,
        EcLevel::H => 2,
    }
}

pub(super) struct Template {
    pub(super) width: usize,
    /// Row-major: which modules are function patterns (format area
    /// included), and the colours of those patterns (format area light).
    pub(super) function: Vec<bool>,
    pub(super) function_dark: Vec<bool>,
    /// Data modules (x, y) in placement order: two-column zigzag from the
    /// bottom-right corner, skipping the vertical timing pattern.
    pub(super) order: Vec<(u8, u8)>,
    /// The 30 format-information modules: (x, y, bit of the 15-bit word).
    pub(super) format_cells: Vec<(u8, u8, u8)>,
    /// Bit sets (only for widths up to FAST_MAX_WIDTH, else empty): the
    /// function patterns by row and by column, and for each mask the data
    /// modules it inverts, by row and by column. Bit `x + MARGIN` of row
    /// `y` is module (x, y).
    pub(super) function_rows: Vec<u128>,
    pub(super) function_cols: Vec<u128>,
    pub(super) mask_rows: [Vec<u128>; 8],
    pub(super) mask_cols: [Vec<u128>; 8],
}

/// Whether mask `m` inverts the module at column `x`, row `y`.
// Written as the specification's table 10 gives them.
#[allow(clippy::manual_is_multiple_of)]
pub(super) fn mask_bit(m: u8, x: usize, y: usize) -> bool {
    match m {
        0 => (x + y) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (x + y) % 3 == 0,
        4 => (x / 3 + y / 2) % 2 == 0,
        5 => x * y % 2 + x * y % 3 == 0,
        6 => (x * y % 2 + x * y % 3) % 2 == 0,
        _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
    }
}

/// The 15-bit format information word for a level and mask.
pub(super) fn format_word(ec: EcLevel, mask: u8) -> u32 {
    let data = level_format_bits(ec) << 3 | u32::from(mask);
    let mut rem = data;
    for _ in 0..10 {
        rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    }
    (data << 10 | rem) ^ 0x5412
}

/// Row and column bit sets of the modules for which `f(x, y)` holds.
pub(super) fn bit_sets(w: usize, f: impl Fn(usize, usize) -> bool) -> (Vec<u128>, Vec<u128>) {
    let mut rows = vec![0u128; w];
    let mut cols = vec![0u128; w];
    for (y, row) in rows.iter_mut().enumerate() {
        for (x, col) in cols.iter_mut().enumerate() {
            if f(x, y) {
                *row |= 1 << (x + MARGIN);
                *col |= 1 << (y + MARGIN);
            }
        }
    }
    (rows, cols)
}
