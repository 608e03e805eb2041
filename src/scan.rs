//! Reading QR codes out of images: phone photos, scans and renders.
//!
//! Two concerns, kept apart:
//!
//! 1. **Decoding the image safely.** Files come from users, so the format is
//!    guessed from the content (never the extension) and decoding runs under
//!    explicit [`ScanLimits`]: the dimensions in the header are checked
//!    before any pixel buffer is allocated, so a decompression bomb is
//!    refused in microseconds.
//! 2. **Finding codes robustly.** `rqrr` does the detection. It is good on
//!    clean renders but gives up on uneven lighting, inverted codes, tiny or
//!    huge modules, and it can panic on odd geometry. So every call runs
//!    behind `catch_unwind`, and when the image as is yields nothing, a
//!    short list of cheap pre-processing fallbacks is tried in turn (see
//!    [`scan_image`]), within a time budget.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};
use rqrr::PreparedImage;
use thiserror::Error;

/// Limits applied while decoding an image file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    /// Largest accepted width in pixels.
    pub max_width: u32,
    /// Largest accepted height in pixels.
    pub max_height: u32,
    /// Largest pixel buffer the decoder may allocate, in bytes.
    pub max_alloc: u64,
}

impl Default for ScanLimits {
    /// 16384 × 16384 pixels and 512 MiB: well above any camera or scanner
    /// output, well below what would hurt a server.
    fn default() -> Self {
        ScanLimits {
            max_width: 16384,
            max_height: 16384,
            max_alloc: 512 * 1024 * 1024,
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
    #[error("image is too large to scan: {width}x{height} pixels")]
    TooLarge { width: u32, height: u32 },
    #[error("corrupt image: {0}")]
    Corrupt(String),
}

/// Scans the image file at `path` with default [`ScanLimits`].
pub fn scan_file(path: &Path) -> Result<Vec<String>, ScanError> {
    scan_file_with(path, &ScanLimits::default())
}

/// Scans the image file at `path`: the texts of every QR code found,
/// deduplicated, in detection order (deterministic for a given image).
pub fn scan_file_with(path: &Path, limits: &ScanLimits) -> Result<Vec<String>, ScanError> {
    let io_err = |source| ScanError::Io {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    let img = if meta.is_file() {
        if meta.len() == 0 {
            return Err(ScanError::Empty);
        }
        decode_image(BufReader::new(file), limits, Some(path))?
    } else {
        // Pipes and devices cannot seek, which format guessing needs, so
        // read them into memory; no image within the limits is larger than
        // `max_alloc` on disk.
        let mut bytes = Vec::new();
        file.take(limits.max_alloc)
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
        if bytes.is_empty() {
            return Err(ScanError::Empty);
        }
        decode_image(Cursor::new(&bytes), limits, Some(path))?
    };
    Ok(scan_image(&img))
}

/// Scans an encoded image (PNG, JPEG, WebP, BMP or GIF) held in memory,
/// with default [`ScanLimits`].
pub fn scan_bytes(bytes: &[u8]) -> Result<Vec<String>, ScanError> {
    scan_bytes_with(bytes, &ScanLimits::default())
}

/// Scans an encoded image held in memory; see [`scan_file_with`].
pub fn scan_bytes_with(bytes: &[u8], limits: &ScanLimits) -> Result<Vec<String>, ScanError> {
    if bytes.is_empty() {
        return Err(ScanError::Empty);
    }
    let img = decode_image(Cursor::new(bytes), limits, None)?;
    Ok(scan_image(&img))
}

/// Decodes an image under `limits`, learning its dimensions from the header
/// first so that an oversized image is refused before pixels are allocated
/// and the error can say how large it claims to be.
fn decode_image<R: BufRead + Seek>(
    reader: R,
    limits: &ScanLimits,
    path: Option<&Path>,
) -> Result<DynamicImage, ScanError> {
    let mut reader = ImageReader::new(reader)
        .with_guessed_format()
        .map_err(|e| io_error(e, path))?;
    let Some(format) = reader.format() else {
        return Err(ScanError::NotAnImage);
    };
    let format_name = format
        .extensions_str()
        .first()
        .map_or_else(|| format!("{format:?}"), |ext| ext.to_uppercase());

    // Header stage: only the memory limit, so that oversized dimensions
    // surface as numbers we can report rather than as a bare limit error.
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(header_limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| image_error(e, &format_name, None, path))?;

    let (width, height) = decoder.dimensions();
    let dims = Some((width, height));
    if width > limits.max_width || height > limits.max_height {
        return Err(ScanError::TooLarge { width, height });
    }
    let mut full = Limits::default();
    full.max_image_width = Some(limits.max_width);
    full.max_image_height = Some(limits.max_height);
    full.max_alloc = Some(limits.max_alloc);
    // The output buffer counts against the allowance, as in
    // `ImageReader::decode`; what remains bounds the decoder's own scratch.
    full.reserve(decoder.total_bytes())
        .map_err(|e| image_error(e, &format_name, dims, path))?;
    decoder
        .set_limits(full)
        .map_err(|e| image_error(e, &format_name, dims, path))?;
    DynamicImage::from_decoder(decoder).map_err(|e| image_error(e, &format_name, dims, path))
}

fn io_error(e: io::Error, path: Option<&Path>) -> ScanError {
    match path {
        // A file that ends early is a broken image, not an I/O failure.
        _ if e.kind() == io::ErrorKind::UnexpectedEof => {
            ScanError::Corrupt("image data is truncated".into())
        }
        Some(path) => ScanError::Io {
            path: path.to_owned(),
            source: e,
        },
        None => ScanError::Corrupt(e.to_string()),
    }
}

fn image_error(
    e: ImageError,
    format: &str,
    dims: Option<(u32, u32)>,
    path: Option<&Path>,
) -> ScanError {
    match e {
        ImageError::IoError(e) => io_error(e, path),
        ImageError::Limits(_) => match dims {
            Some((width, height)) => ScanError::TooLarge { width, height },
            None => ScanError::Corrupt(format!("{format} image exceeds decoding limits")),
        },
        ImageError::Unsupported(_) => ScanError::UnsupportedFormat(format.to_owned()),
        // The decoder's own message names the format and the defect.
        other => ScanError::Corrupt(one_line(&other.to_string())),
    }
}

/// Decoder messages occasionally span lines, and the PNG decoder's embed
/// a `Debug` dump of the chunk type; the CLI prints one short line.
fn one_line(s: &str) -> String {
    let mut s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    // "ChunkType { type: IDAT, critical: true, ... }" → "IDAT"
    const DUMP: &str = "ChunkType { type: ";
    while let Some(start) = s.find(DUMP) {
        let rest = &s[start + DUMP.len()..];
        let (Some(comma), Some(close)) = (rest.find(','), rest.find('}')) else {
            break;
        };
        let name = rest[..comma.min(close)].to_owned();
        s.replace_range(start..start + DUMP.len() + close + 1, &name);
    }
    s
}

/// Stop trying further fallbacks once this much time went into an image.
const TIME_BUDGET: Duration = Duration::from_secs(2);

/// Images with more pixels are box-reduced before scanning, which bounds
/// the memory of the working copies (rqrr copies the image for every
/// candidate code) and the time per attempt. 16 MP keeps a 12 MP phone
/// photo at full resolution.
const MAX_SCAN_PIXELS: usize = 16 << 20;

/// The downscaled view is tried for images whose larger side exceeds this:
/// photos where the code is big and sensor noise at full resolution breaks
/// the finder patterns.
const DOWNSCALE_ABOVE: usize = 1600;

/// The upscaled view is tried for images whose larger side is at most this
/// (so it stays under 6 MP). It is not just for thumbnails: on resampled,
/// noisy and unevenly lit renders, a 2× upscale was measured to be the
/// single most effective fallback for modules of up to ~7 px; rqrr samples
/// modules at rounded pixel positions, and more pixels per module make
/// that rounding harmless.
const UPSCALE_MAX_SIDE: usize = 1200;

/// A picture derived from the image, for one detection attempt.
#[derive(Debug, Clone, Copy)]
enum View {
    Original,
    /// Integer box reduction to ≤ `DOWNSCALE_ABOVE` px; big images only.
    Downscaled,
    /// 3×3 box blur: sensor noise and JPEG speckle otherwise break the
    /// 1:1:3:1:1 runs of the finder patterns.
    Smoothed,
    /// 2× bilinear; small and medium images only.
    Upscaled,
    /// Light code on dark background.
    Inverted,
    /// 90° clockwise: rqrr scans rows, and some geometry only works one way.
    Rotated,
}

/// How a view is turned black and white before rqrr's detection.
#[derive(Debug, Clone, Copy)]
enum Threshold {
    /// rqrr's own: a running mean along each row.
    Rqrr,
    /// Otsu's global threshold: robust to blur, not to uneven lighting.
    Otsu,
    /// Mean of a square window ⅛ of the shorter side: robust to shadows
    /// and gradients.
    Adaptive,
}

/// The attempts after the first (original view, rqrr threshold), in order.
/// Cheap and likely ones first; the order only matters for time, since
/// every decoded text has passed Reed–Solomon error correction.
const FALLBACKS: [(View, Threshold); 11] = [
    (View::Original, Threshold::Otsu),
    (View::Downscaled, Threshold::Rqrr),
    (View::Original, Threshold::Adaptive),
    (View::Smoothed, Threshold::Otsu),
    (View::Upscaled, Threshold::Otsu),
    (View::Upscaled, Threshold::Rqrr),
    (View::Upscaled, Threshold::Adaptive),
    (View::Smoothed, Threshold::Adaptive),
    (View::Smoothed, Threshold::Rqrr),
    (View::Inverted, Threshold::Rqrr),
    (View::Rotated, Threshold::Rqrr),
];

/// Finds and decodes every QR code in `img`: deduplicated texts in
/// detection order (deterministic for a given image); empty if none.
///
/// Transparent pixels count as white, since QR renders often put black
/// modules on a transparent background. Texts that are not UTF-8 are read
/// as Latin-1, the QR default charset.
///
/// rqrr first runs on the image as is. If that decodes nothing, other
/// views of the image (Otsu and adaptive thresholds; downscaled, smoothed,
/// 2× upscaled, inverted and rotated copies) are tried in turn until one
/// decodes something or about 2 s have been spent. A typical 1000 px image
/// takes 10–50 ms when the code reads at once and about 0.1–0.3 s when
/// every fallback runs (release build).
pub fn scan_image(img: &DynamicImage) -> Vec<String> {
    let start = Instant::now();
    let mut gray = Gray::from_image(img);
    if gray.w == 0 || gray.h == 0 {
        return Vec::new();
    }
    if gray.w * gray.h > MAX_SCAN_PIXELS {
        let fits = |f: usize| gray.w.div_ceil(f) * gray.h.div_ceil(f) <= MAX_SCAN_PIXELS;
        let factor = (2..).find(|&f| fits(f)).unwrap_or(2);
        gray = gray.downscale(factor);
    }

    let found = detect(&gray, Threshold::Rqrr);
    if !found.is_empty() {
        return found;
    }
    let views = Views::new(&gray);
    for (view, threshold) in FALLBACKS {
        if start.elapsed() > TIME_BUDGET {
            break;
        }
        if let Some(img) = views.get(view) {
            let found = detect(&img, threshold);
            if !found.is_empty() {
                return found;
            }
        }
    }
    Vec::new()
}

/// Builds views on demand, keeping the ones several attempts share.
struct Views<'a> {
    original: &'a Gray,
    smoothed: OnceCell<Gray>,
    upscaled: OnceCell<Option<Gray>>,
}

impl<'a> Views<'a> {
    fn new(original: &'a Gray) -> Self {
        Views {
            original,
            smoothed: OnceCell::new(),
            upscaled: OnceCell::new(),
        }
    }

    /// The view, or `None` where it does not apply to this image's size.
    fn get(&self, view: View) -> Option<Cow<'_, Gray>> {
        let g = self.original;
        let side = g.w.max(g.h);
        Some(match view {
            View::Original => Cow::Borrowed(g),
            View::Downscaled if side > DOWNSCALE_ABOVE => {
                Cow::Owned(g.downscale(side.div_ceil(DOWNSCALE_ABOVE)))
            }
            View::Downscaled => return None,
            View::Smoothed => Cow::Borrowed(self.smoothed.get_or_init(|| g.blur3())),
            View::Upscaled => Cow::Borrowed(
                self.upscaled
                    .get_or_init(|| (side <= UPSCALE_MAX_SIDE).then(|| g.upscale2()))
                    .as_ref()?,
            ),
            View::Inverted => Cow::Owned(g.map(|v| 255 - v)),
            View::Rotated => Cow::Owned(g.rotate90()),
        })
    }
}

/// Runs rqrr on one picture. A panic inside rqrr (it asserts on some
/// degenerate geometry) means "nothing found by this attempt"; each grid
/// is decoded under its own guard so one bad candidate cannot hide others.
fn detect(img: &Gray, threshold: Threshold) -> Vec<String> {
    let (w, h) = (img.w, img.h);
    let binary = match threshold {
        Threshold::Rqrr => None,
        Threshold::Otsu => Some(img.otsu()),
        Threshold::Adaptive => Some(img.adaptive(w.min(h) / 16)),
    };
    let mut texts: Vec<String> = Vec::new();
    catch_quietly(|| {
        let mut prepared = match &binary {
            // Already black and white: skip rqrr's thresholding, which
            // would partly undo ours.
            Some(b) => PreparedImage::prepare_from_bitmap(w, h, |x, y| b.px[y * w + x] < 128),
            None => PreparedImage::prepare_from_greyscale(w, h, |x, y| img.px[y * w + x]),
        };
        for grid in prepared.detect_grids() {
            let mut bytes = Vec::new();
            // `decode_to`, not `decode`: the latter rejects non-UTF-8 data.
            let decoded = catch_quietly(|| grid.decode_to(&mut bytes).is_ok());
            if decoded == Some(true) {
                let text = bytes_to_text(bytes);
                if !texts.contains(&text) {
                    texts.push(text);
                }
            }
        }
    });
    texts
}

/// UTF-8 if valid, else Latin-1 (ISO 8859-1, the QR byte-mode default),
/// which maps every byte to the code point of the same value.
fn bytes_to_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|e| e.into_bytes().into_iter().map(char::from).collect())
}

thread_local! {
    /// Set while this thread runs rqrr under `catch_quietly`.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `None` without printing it.
///
/// The panic hook is process-global, so this wraps (once) whatever hook is
/// installed and stays silent only for panics on a thread that is inside
/// `catch_quietly`, i.e. panics that are about to be caught and handled
/// here. Every other panic, on any thread, reaches the previous hook
/// unchanged. An application that installs its own hook later replaces
/// this one; rqrr panics are then merely printed, still caught.
fn catch_quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            // `try_with`: a hook must not panic, even during thread exit.
            if !QUIET.try_with(Cell::get).unwrap_or(false) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET.replace(true);
    // AssertUnwindSafe: after a panic, whatever `f` touched (rqrr's
    // working image, the output buffer) is dropped or discarded.
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.set(was_quiet);
    result.ok()
}

/// An 8-bit grayscale image, row-major; 0 is black.
#[derive(Clone)]
struct Gray {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Gray {
    /// Luma of `img`, with transparency composited over white.
    fn from_image(img: &DynamicImage) -> Gray {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let px = if img.color().has_alpha() {
            img.to_luma_alpha8()
                .pixels()
                .map(|p| {
                    let [l, a] = p.0;
                    let (l, a) = (u16::from(l), u16::from(a));
                    ((l * a + 255 * (255 - a)) / 255) as u8
                })
                .collect()
        } else {
            img.to_luma8().into_raw()
        };
        Gray { w, h, px }
    }

    fn map(&self, f: impl Fn(u8) -> u8) -> Gray {
        Gray {
            px: self.px.iter().map(|&v| f(v)).collect(),
            ..*self
        }
    }

    /// Binarizes at Otsu's threshold: the gray level that best separates
    /// the histogram into two classes (maximum between-class variance).
    fn otsu(&self) -> Gray {
        let mut hist = [0u64; 256];
        for &v in &self.px {
            hist[v as usize] += 1;
        }
        let total = self.px.len() as f64;
        let sum_all: f64 = hist
            .iter()
            .enumerate()
            .map(|(i, &n)| i as f64 * n as f64)
            .sum();
        let (mut best, mut best_var) = (127u8, -1.0);
        let (mut n_dark, mut sum_dark) = (0.0, 0.0);
        for (t, &n) in hist.iter().enumerate() {
            n_dark += n as f64;
            sum_dark += t as f64 * n as f64;
            let n_light = total - n_dark;
            if n_dark == 0.0 || n_light == 0.0 {
                continue;
            }
            let diff = sum_dark / n_dark - (sum_all - sum_dark) / n_light;
            let var = n_dark * n_light * diff * diff;
            if var > best_var {
                (best, best_var) = (t as u8, var);
            }
        }
        self.map(|v| if v <= best { 0 } else { 255 })
    }

    /// Binarizes each pixel against the mean of the `(2r+1)²` window around
    /// it (clipped at the edges), a little below it so flat areas stay
    /// white. Sliding column sums keep it O(pixels) with O(width) memory.
    fn adaptive(&self, r: usize) -> Gray {
        let (w, h) = (self.w, self.h);
        let r = r.max(1);
        let mut out = vec![255u8; w * h];
        // col[x] = sum of column x over rows [top, bottom).
        let mut col = vec![0u32; w];
        let (mut top, mut bottom) = (0, 0);
        for y in 0..h {
            let (want_top, want_bottom) = (y.saturating_sub(r), (y + r + 1).min(h));
            while bottom < want_bottom {
                for (c, &v) in col.iter_mut().zip(&self.px[bottom * w..][..w]) {
                    *c += u32::from(v);
                }
                bottom += 1;
            }
            while top < want_top {
                for (c, &v) in col.iter_mut().zip(&self.px[top * w..][..w]) {
                    *c -= u32::from(v);
                }
                top += 1;
            }
            let rows = (bottom - top) as u64;
            // Horizontal sliding sum over the column sums.
            let mut sum: u64 = col[..r.min(w)].iter().map(|&c| u64::from(c)).sum();
            for x in 0..w {
                if x + r < w {
                    sum += u64::from(col[x + r]);
                }
                if x > r {
                    sum -= u64::from(col[x - r - 1]);
                }
                let cols = ((x + r + 1).min(w) - x.saturating_sub(r)) as u64;
                let v = u64::from(self.px[y * w + x]);
                // Dark if more than ~6 % below the local mean.
                if v * cols * rows * 100 < sum * 94 {
                    out[y * w + x] = 0;
                }
            }
        }
        Gray { px: out, ..*self }
    }

    /// 3×3 box blur, separable, with edges clamped.
    fn blur3(&self) -> Gray {
        let (w, h) = (self.w, self.h);
        // Horizontal pass into sums of three (≤ 765, fits u16), then
        // vertical pass over those.
        let mut rows = vec![0u16; w * h];
        for y in 0..h {
            let src = &self.px[y * w..][..w];
            for x in 0..w {
                let (l, r) = (x.saturating_sub(1), (x + 1).min(w - 1));
                rows[y * w + x] = u16::from(src[l]) + u16::from(src[x]) + u16::from(src[r]);
            }
        }
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            let (up, down) = (y.saturating_sub(1), (y + 1).min(h - 1));
            for x in 0..w {
                let sum = u32::from(rows[up * w + x])
                    + u32::from(rows[y * w + x])
                    + u32::from(rows[down * w + x]);
                px.push((sum / 9) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Box-filter reduction by an integer factor; edge blocks that are cut
    /// short are averaged over the pixels they have.
    fn downscale(&self, factor: usize) -> Gray {
        let f = factor.max(1);
        let (w, h) = (self.w.div_ceil(f), self.h.div_ceil(f));
        let mut sums = vec![0u32; w * h];
        let mut counts = vec![0u32; w * h];
        for y in 0..self.h {
            let row = &self.px[y * self.w..][..self.w];
            let out = (y / f) * w;
            for (x, &v) in row.iter().enumerate() {
                sums[out + x / f] += u32::from(v);
                counts[out + x / f] += 1;
            }
        }
        let px = sums
            .iter()
            .zip(&counts)
            .map(|(&s, &n)| (s / n.max(1)) as u8)
            .collect();
        Gray { w, h, px }
    }

    /// 2× enlargement with bilinear interpolation, so one-pixel modules
    /// become two pixels with soft edges rqrr's threshold can place.
    fn upscale2(&self) -> Gray {
        let (w, h) = (self.w * 2, self.h * 2);
        let at =
            |x: usize, y: usize| u32::from(self.px[y.min(self.h - 1) * self.w + x.min(self.w - 1)]);
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            let (sy, dy) = (y / 2, y % 2);
            for x in 0..w {
                let (sx, dx) = (x / 2, x % 2);
                let sum = at(sx, sy) + at(sx + dx, sy) + at(sx, sy + dy) + at(sx + dx, sy + dy);
                px.push((sum / 4) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Rotation by 90° clockwise.
    fn rotate90(&self) -> Gray {
        let (w, h) = (self.h, self.w);
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                // Output (x, y) comes from source column y, row h_src-1-x.
                px.push(self.px[(self.h - 1 - x) * self.w + y]);
            }
        }
        Gray { w, h, px }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::payload;
    use crate::render::{self, DEFAULT_QUIET_MODULES};
    use image::{GrayImage, ImageFormat, Luma};

    fn render_gray(text: &str, module_px: u32) -> GrayImage {
        let png = render::encode(text)
            .unwrap()
            .to_png(module_px, DEFAULT_QUIET_MODULES);
        image::load_from_memory(&png).unwrap().to_luma8()
    }

    fn encode_as(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn jpeg(img: &DynamicImage, quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
        img.to_rgb8().write_with_encoder(enc).unwrap();
        out
    }

    /// A hand-built PNG whose IHDR claims `width` × `height` pixels,
    /// followed by a tiny IDAT (decoders read up to the first IDAT before
    /// they report the header) and IEND.
    fn png_header(width: u32, height: u32, color_type: u8, depth: u8) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = !0u32;
            for &b in bytes {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
                }
            }
            !crc
        }
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let start = out.len();
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            let crc = crc32(&out[start..]);
            out.extend_from_slice(&crc.to_be_bytes());
        }
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        // Depth, color type, then compression, filter, interlace methods.
        ihdr.extend_from_slice(&[depth, color_type, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", &[0; 8]);
        chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn png_round_trip() {
        let text = payload(270, 1);
        let png = render::encode(&text).unwrap().to_png(4, 4);
        assert_eq!(scan_bytes(&png).unwrap(), vec![text]);
    }

    #[test]
    fn file_round_trip_ignores_extension() {
        let text = payload(200, 2);
        let png = render::encode(&text).unwrap().to_png(3, 4);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.jpg"); // wrong on purpose
        std::fs::write(&path, &png).unwrap();
        assert_eq!(scan_file(&path).unwrap(), vec![text]);
    }

    #[test]
    fn jpeg_round_trip() {
        let text = payload(270, 3);
        let img = DynamicImage::ImageLuma8(render_gray(&text, 5));
        assert_eq!(scan_bytes(&jpeg(&img, 80)).unwrap(), vec![text]);
    }

    #[test]
    fn jpeg_scaled_and_rotated() {
        let text = payload(250, 4);
        let img = DynamicImage::ImageLuma8(render_gray(&text, 4));
        // Non-integer scale blurs module edges; rotation moves the finder
        // patterns to other corners.
        let (w, h) = (img.width() * 7 / 5, img.height() * 7 / 5);
        let img = img
            .resize_exact(w, h, image::imageops::FilterType::Triangle)
            .rotate90();
        assert_eq!(scan_bytes(&jpeg(&img, 80)).unwrap(), vec![text]);
    }

    /// A render degraded like a photo: resampled by a non-integer factor
    /// (soft edges), lit by a left-to-right gradient that darkens the right
    /// side to `1 - shadow`, plus uniform noise of ±`noise` levels.
    fn photo_like(text: &str, scale: f32, shadow: f32, noise: f32) -> DynamicImage {
        let code = DynamicImage::ImageLuma8(render_gray(text, 1));
        let side = (code.width() as f32 * scale) as u32;
        let soft = code
            .resize_exact(side, side, image::imageops::FilterType::Triangle)
            .to_luma8();
        let mut state = 7u64;
        let img = GrayImage::from_fn(side, side, |x, y| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let jitter = ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 2.0 * noise;
            let light = 1.0 - shadow * x as f32 / side as f32;
            let v = f32::from(soft.get_pixel(x, y).0[0]) * light + jitter;
            Luma([v.clamp(0.0, 255.0) as u8])
        });
        DynamicImage::ImageLuma8(img)
    }

    #[test]
    fn degraded_photos_are_read() {
        let text = payload(260, 12);
        for (scale, shadow, noise) in [
            (4.6, 0.0, 0.0),  // soft edges only
            (5.3, 0.75, 0.0), // deep shadow on one side
            (5.0, 0.0, 45.0), // heavy sensor noise
            (3.4, 0.3, 12.0), // a bit of everything, small modules
        ] {
            let img = photo_like(&text, scale, shadow, noise);
            assert_eq!(
                scan_image(&img),
                vec![text.clone()],
                "scale {scale} shadow {shadow} noise {noise}"
            );
        }
    }

    #[test]
    fn inverted_code_is_found() {
        let text = payload(180, 5);
        let mut img = render_gray(&text, 4);
        image::imageops::invert(&mut img);
        let img = DynamicImage::ImageLuma8(img);
        assert_eq!(scan_image(&img), vec![text]);
    }

    #[test]
    fn transparent_background_counts_as_white() {
        let text = payload(150, 6);
        let gray = render_gray(&text, 4);
        // Dark modules opaque black, light ones fully transparent black.
        let rgba = image::RgbaImage::from_fn(gray.width(), gray.height(), |x, y| {
            let a = 255 - gray.get_pixel(x, y).0[0];
            image::Rgba([0, 0, 0, a])
        });
        let bytes = encode_as(&DynamicImage::ImageRgba8(rgba), ImageFormat::Png);
        assert_eq!(scan_bytes(&bytes).unwrap(), vec![text]);
    }

    #[test]
    fn two_codes_side_by_side() {
        let (a, b) = (payload(200, 7), payload(120, 8));
        let (ia, ib) = (render_gray(&a, 4), render_gray(&b, 4));
        let mut img = GrayImage::from_pixel(
            ia.width() + ib.width(),
            ia.height().max(ib.height()),
            Luma([255]),
        );
        image::imageops::replace(&mut img, &ia, 0, 0);
        image::imageops::replace(&mut img, &ib, i64::from(ia.width()), 0);
        let bytes = encode_as(&DynamicImage::ImageLuma8(img), ImageFormat::Png);
        let mut found = scan_bytes(&bytes).unwrap();
        found.sort();
        let mut want = vec![a, b];
        want.sort();
        assert_eq!(found, want);
    }

    #[test]
    fn duplicate_codes_are_reported_once() {
        let text = payload(100, 9);
        let one = render_gray(&text, 4);
        let mut img = GrayImage::from_pixel(one.width() * 2, one.height(), Luma([255]));
        image::imageops::replace(&mut img, &one, 0, 0);
        image::imageops::replace(&mut img, &one, i64::from(one.width()), 0);
        assert_eq!(scan_image(&DynamicImage::ImageLuma8(img)), vec![text]);
    }

    #[test]
    fn latin1_payload_is_not_dropped() {
        // "café" in Latin-1: not valid UTF-8, which rqrr's `decode` rejects.
        let code = qrcode::QrCode::new(b"caf\xe9").unwrap();
        let w = code.width() as u32;
        let colors = code.to_colors();
        let img = GrayImage::from_fn((w + 8) * 4, (w + 8) * 4, |x, y| {
            let (mx, my) = ((x / 4).wrapping_sub(4), (y / 4).wrapping_sub(4));
            let dark = mx < w && my < w && colors[(my * w + mx) as usize] == qrcode::Color::Dark;
            Luma([if dark { 0 } else { 255 }])
        });
        assert_eq!(scan_image(&DynamicImage::ImageLuma8(img)), vec!["café"]);
    }

    #[test]
    fn blank_image_has_no_codes() {
        let img = GrayImage::from_pixel(640, 480, Luma([255]));
        let bytes = encode_as(&DynamicImage::ImageLuma8(img), ImageFormat::Png);
        assert_eq!(scan_bytes(&bytes).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn empty_input() {
        assert!(matches!(scan_bytes(&[]), Err(ScanError::Empty)));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.png");
        std::fs::write(&path, b"").unwrap();
        assert!(matches!(scan_file(&path), Err(ScanError::Empty)));
    }

    #[test]
    fn missing_file_is_io_error() {
        let err = scan_file(Path::new("/nonexistent/payqr/code.png")).unwrap_err();
        assert!(matches!(err, ScanError::Io { .. }), "{err:?}");
        assert!(err.to_string().starts_with("cannot read file: "));
    }

    #[test]
    fn non_image_bytes() {
        let mut state = 0x1234_5678_u64;
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                (state >> 56) as u8
            })
            .collect();
        assert!(matches!(scan_bytes(&bytes), Err(ScanError::NotAnImage)));
        assert!(matches!(
            scan_bytes(b"PQ1:this is a payload, not a picture"),
            Err(ScanError::NotAnImage)
        ));
    }

    #[test]
    fn truncated_png_is_corrupt() {
        let png = render::encode(&payload(200, 10)).unwrap().to_png(4, 4);
        let err = scan_bytes(&png[..png.len() / 2]).unwrap_err();
        assert!(matches!(err, ScanError::Corrupt(_)), "{err:?}");
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn truncated_jpeg_does_not_panic() {
        let img = DynamicImage::ImageLuma8(render_gray(&payload(200, 11), 4));
        let bytes = jpeg(&img, 80);
        // Lenient decoders fill in missing data; either outcome is fine as
        // long as it is not a panic or a wrong text.
        match scan_bytes(&bytes[..bytes.len() / 3]) {
            Ok(found) => assert!(found.is_empty() || found == vec![payload(200, 11)]),
            Err(e) => assert!(matches!(e, ScanError::Corrupt(_)), "{e:?}"),
        }
    }

    #[test]
    fn decompression_bomb_is_refused_fast() {
        let bomb = png_header(20000, 20000, 0, 8);
        let start = Instant::now();
        let err = scan_bytes(&bomb).unwrap_err();
        assert!(start.elapsed() < Duration::from_millis(100));
        assert!(
            matches!(
                err,
                ScanError::TooLarge {
                    width: 20000,
                    height: 20000
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "image is too large to scan: 20000x20000 pixels"
        );
    }

    #[test]
    fn memory_limit_is_enforced() {
        // Within the dimension limits, but 16000² × 8 bytes is 2 GB.
        let bomb = png_header(16000, 16000, 6, 16);
        let err = scan_bytes(&bomb).unwrap_err();
        assert!(
            matches!(
                err,
                ScanError::TooLarge {
                    width: 16000,
                    height: 16000
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn custom_limits() {
        let png = render::encode("PQ1:SMALL").unwrap().to_png(4, 4);
        let limits = ScanLimits {
            max_width: 50,
            ..ScanLimits::default()
        };
        assert!(matches!(
            scan_bytes_with(&png, &limits),
            Err(ScanError::TooLarge { .. })
        ));
    }

    #[test]
    fn corrupt_png_message_is_short() {
        let mut png = render::encode("PQ1:CRC").unwrap().to_png(4, 4);
        png[30] ^= 0xff; // inside IHDR: its CRC no longer matches
        let err = scan_bytes(&png).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ScanError::Corrupt(_)), "{err:?}");
        assert!(
            msg.contains("CRC error") && msg.ends_with("decoding IHDR chunk."),
            "{msg}"
        );
    }

    #[test]
    fn adaptive_threshold_matches_brute_force() {
        let (w, h, r) = (23, 17, 3);
        let mut state = 99u64;
        let px: Vec<u8> = (0..w * h)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                (state >> 56) as u8
            })
            .collect();
        let g = Gray { w, h, px };
        let fast = g.adaptive(r);
        for y in 0..h {
            for x in 0..w {
                let (mut sum, mut n) = (0u64, 0u64);
                for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
                    for xx in x.saturating_sub(r)..(x + r + 1).min(w) {
                        sum += u64::from(g.px[yy * w + xx]);
                        n += 1;
                    }
                }
                let dark = u64::from(g.px[y * w + x]) * n * 100 < sum * 94;
                assert_eq!(fast.px[y * w + x] == 0, dark, "at ({x}, {y})");
            }
        }
    }

    #[test]
    fn panics_are_caught_and_scoped() {
        assert_eq!(catch_quietly(|| 7), Some(7));
        let nested = catch_quietly(|| catch_quietly(|| panic!("rqrr-like failure")));
        assert_eq!(nested, Some(None));
        // Only the dynamic extent of `catch_quietly` is silenced.
        assert!(!QUIET.get());
    }

    #[test]
    fn zero_sized_image_has_no_codes() {
        assert!(scan_image(&DynamicImage::new_luma8(0, 0)).is_empty());
        assert!(scan_image(&DynamicImage::new_luma8(1, 1)).is_empty());
    }

    #[test]
    fn fallback_transforms_keep_geometry() {
        let g = Gray {
            w: 3,
            h: 2,
            px: vec![0, 1, 2, 3, 4, 5],
        };
        let r = g.rotate90();
        assert_eq!((r.w, r.h, r.px), (2, 3, vec![3, 0, 4, 1, 5, 2]));
        let d = g.downscale(2);
        // Blocks {0,1,3,4} and the cut-short {2,5}.
        assert_eq!((d.w, d.h, d.px), (2, 1, vec![2, 3]));
        let u = g.upscale2();
        assert_eq!((u.w, u.h), (6, 4));
        let b = g.blur3();
        assert_eq!((b.w, b.h), (3, 2));
        // Corner (0, 0) averages {0,0,1, 0,0,1, 3,3,4} with clamped edges.
        assert_eq!(b.px[0], 12 / 9);
        let flat = Gray {
            w: 5,
            h: 5,
            px: vec![200; 25],
        };
        assert!(flat.adaptive(2).px.iter().all(|&v| v == 255));
        assert!(flat.otsu().px.iter().all(|&v| v == 0 || v == 255));
    }
}
