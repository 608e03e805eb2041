//! What a scan may cost: the limits a caller sets ([`ScanLimits`]), the
//! sizes past which pictures are reduced, and the memory a scan of a given
//! picture holds (which the loader reserves before decoding). Its own module
//! so that the loader stands on it without standing on `scan/mod.rs`.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use super::budget::MEMORY_BUDGET;

/// Limits applied while decoding an image file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    /// Largest accepted width in pixels.
    pub max_width: u32,
    /// Largest accepted height in pixels.
    pub max_height: u32,
    /// Most memory one image may take to decode and scan, in bytes, as
    /// estimated from its header before anything is allocated (a file read
    /// whole counts too). Never more than [`MEMORY_BUDGET`], which all
    /// images being scanned in the process share.
    pub max_alloc: u64,
}

impl Default for ScanLimits {
    /// 16384 × 16384 pixels and the whole [`MEMORY_BUDGET`] (160 MiB):
    /// a 12 MP phone photo takes ~50 MB, an A4 page scanned at 600 dpi
    /// (35 MP, JPEG) ~110 MB.
    fn default() -> Self {
        ScanLimits {
            max_width: 16384,
            max_height: 16384,
            max_alloc: MEMORY_BUDGET,
        }
    }
}

/// Which limit an image exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeLimit {
    /// Wider or taller than [`ScanLimits`] allow.
    Sides { max_width: u32, max_height: u32 },
    /// Would need `needed` bytes to decode and scan; `limit` are allowed.
    Memory { needed: u64, limit: u64 },
}

impl std::fmt::Display for SizeLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const MIB: u64 = 1 << 20;
        match *self {
            SizeLimit::Sides {
                max_width,
                max_height,
            } => write!(f, "limit {max_width}x{max_height}"),
            SizeLimit::Memory { needed, limit } => write!(
                f,
                "would need {} MiB to read, limit {} MiB",
                needed.div_ceil(MIB),
                limit / MIB
            ),
        }
    }
}

/// Why an image could not be scanned. "No code in the image" is not an
/// error: the scan functions return an empty `Vec` for it.
///
/// Messages are single lines without the file name; callers prefix it.
#[derive(Debug, Error)]
pub enum ScanError {
    #[error("cannot read file: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("file is empty")]
    Empty,
    #[error("not an image (unrecognized file format)")]
    NotAnImage,
    #[error("unsupported image format: {0}")]
    UnsupportedFormat(String),
    #[error("image is too large to scan: {width}x{height} pixels ({limit})")]
    TooLarge {
        width: u32,
        height: u32,
        limit: SizeLimit,
    },
    #[error("corrupt image: {0}")]
    Corrupt(String),
}

/// Images with more pixels are box-reduced before scanning, which bounds
/// the memory of the working copies (rqrr copies the image for every
/// candidate code) and the time per attempt. 16 MP keeps a 12 MP phone
/// photo at full resolution.
pub(super) const MAX_SCAN_PIXELS: usize = 16 << 20;

/// rqrr is not tried on larger pictures: its time grows much faster than
/// the pixel count on cluttered photos (5.3 s on one synthetic 12 MP
/// frame), and it cannot be interrupted.
pub(super) const RQRR_MAX_PIXELS: usize = 2_500_000;

/// Images with a longer side above this are "large": the inverted view is
/// reduced to this size, and rxing skips the original for the smoothed
/// copy.
pub(super) const LARGE_SIDE: usize = 2000;

/// The integer factor by which a `w` × `h` picture is box-reduced before
/// scanning (1: not at all), so that it has at most `MAX_SCAN_PIXELS`.
pub(super) fn reduction(w: usize, h: usize) -> usize {
    if w * h <= MAX_SCAN_PIXELS {
        return 1;
    }
    let fits = |f: usize| w.div_ceil(f) * h.div_ceil(f) <= MAX_SCAN_PIXELS;
    (2..).find(|&f| fits(f)).unwrap_or(2)
}

/// Most bytes `scan_gray` holds for a `w` × `h` grey picture, its own
/// included: the picture and its reduced copy while reducing; then the
/// working picture, the smoothed view and rxing's copy of it (one lane),
/// the views of at most `LARGE_SIDE`² of the other lane (reduced, inverted
/// and rxing's copy), and rqrr's thresholded copy and regions on pictures
/// small enough for it. Measured peaks stay within it (tests in
/// tests/attack_image_bombs.rs).
pub(super) fn scan_bytes_needed(w: usize, h: usize) -> u64 {
    let (p, f) = ((w as u64) * (h as u64), reduction(w, h));
    let q = (w.div_ceil(f) as u64) * (h.div_ceil(f) as u64);
    let reducing = if f > 1 { p + q } else { 0 };
    let side = (LARGE_SIDE * LARGE_SIDE) as u64;
    let rqrr = if q <= RQRR_MAX_PIXELS as u64 {
        6 * q
    } else {
        0
    };
    let scanning = 3 * q + q / 4 + 3 * side.min(q) + rqrr + (4 << 20);
    reducing.max(scanning)
}
