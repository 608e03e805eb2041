//! Reading QR codes out of images: phone photos, scans and renders.
//!
//! Three concerns, kept apart:
//!
//! 1. **Decoding the image safely** ([`load`]). Files come from users, so
//!    the format is guessed from the content (never the extension). The
//!    header is read first and the memory the picture will take (decoder
//!    output and working buffers, grey copy, the scanner's views) is
//!    reserved from one process-wide budget ([`budget`],
//!    [`MEMORY_BUDGET`]) before any pixel buffer is allocated: a
//!    decompression bomb is refused in microseconds, and many images at
//!    once wait for each other instead of adding up.
//! 2. **Finding codes robustly** ([`scan_image`]). Two detectors
//!    ([`detect`]: rxing and rqrr) are tried on a short, measured list of
//!    views of the image ([`gray`]: reduced, smoothed, thresholded,
//!    inverted) until one reads something.
//! 3. **Never crashing or hanging** ([`guard`]): every detector call runs
//!    behind a panic guard, the working image is bounded in pixels, and no
//!    further attempt starts once an image has used its time budget.

mod budget;
mod detect;
mod gray;
mod guard;
mod load;
mod webp;

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use image::DynamicImage;
use thiserror::Error;

pub use budget::MEMORY_BUDGET;
use detect::Threshold;
use gray::Gray;

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

/// Image files up to this size are read whole before decoding; larger
/// ones (far beyond any photo) are streamed, so that a huge non-image file
/// is refused after its first bytes instead of after reading it.
const READ_WHOLE_MAX: u64 = 64 << 20;

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
    let mut file = File::open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    let some_path = Some(path);
    if !meta.is_file() {
        // Pipes and devices have to be read whole: they cannot seek, which
        // format guessing needs. At most READ_WHOLE_MAX is read, under a
        // reservation for it; the bytes then wait (unreserved) for the
        // budget their decoding needs, like a caller of `scan_bytes`.
        let cap = limits.max_alloc.min(READ_WHOLE_MAX);
        let mut bytes = Vec::new();
        {
            let _reading = budget::reserve(cap);
            (&mut file)
                .take(cap)
                .read_to_end(&mut bytes)
                .map_err(io_err)?;
        }
        return scan_bytes_held(&bytes, limits, some_path);
    }
    if meta.len() == 0 {
        return Err(ScanError::Empty);
    }
    // The header is read (and the picture priced) before the file: a file
    // kept in memory counts against the budget with the pixels.
    let plan = load::plan(BufReader::new(&file), limits, some_path)?;
    let whole = meta.len() <= READ_WHOLE_MAX;
    let held = if whole || plan.reads_whole() {
        meta.len()
    } else {
        0
    };
    let mut reservation = plan.reserve(held, limits)?;
    file.rewind().map_err(io_err)?;
    let gray = if whole {
        // Read whole, then decoded from the slice: decoders pull bytes
        // through a trait per refill, ~20 % faster from a slice than
        // through BufReader<File> (12 MP JPEG: 45 -> 37 ms).
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(READ_WHOLE_MAX)
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
        load::decode(Cursor::new(bytes.as_slice()), &plan, limits, some_path)?
    } else {
        load::decode(BufReader::new(file), &plan, limits, some_path)?
    };
    reservation.shrink_to(plan.scan_bytes);
    Ok(scan_gray(gray))
}

/// Scans an encoded image (PNG, JPEG, WebP, BMP or GIF) held in memory,
/// with default [`ScanLimits`].
pub fn scan_bytes(bytes: &[u8]) -> Result<Vec<String>, ScanError> {
    scan_bytes_with(bytes, &ScanLimits::default())
}

/// Scans an encoded image held in memory; see [`scan_file_with`].
pub fn scan_bytes_with(bytes: &[u8], limits: &ScanLimits) -> Result<Vec<String>, ScanError> {
    scan_bytes_held(bytes, limits, None)
}

/// Scans an encoded image the caller holds in memory.
fn scan_bytes_held(
    bytes: &[u8],
    limits: &ScanLimits,
    path: Option<&Path>,
) -> Result<Vec<String>, ScanError> {
    if bytes.is_empty() {
        return Err(ScanError::Empty);
    }
    let plan = load::plan(Cursor::new(bytes), limits, path)?;
    // The caller's bytes are theirs; a copy made to decode them is ours.
    let copy = if plan.reads_whole() {
        bytes.len() as u64
    } else {
        0
    };
    let mut reservation = plan.reserve(copy, limits)?;
    let gray = load::decode(Cursor::new(bytes), &plan, limits, path)?;
    reservation.shrink_to(plan.scan_bytes);
    Ok(scan_gray(gray))
}

/// Stop trying further views once this much time went into an image.
/// One attempt on a working image of at most `MAX_SCAN_PIXELS` takes well
/// under a second, so this bounds the time per image to a few seconds.
const TIME_BUDGET: Duration = Duration::from_secs(2);

/// Images with more pixels are box-reduced before scanning, which bounds
/// the memory of the working copies (rqrr copies the image for every
/// candidate code) and the time per attempt. 16 MP keeps a 12 MP phone
/// photo at full resolution.
const MAX_SCAN_PIXELS: usize = 16 << 20;

/// rxing's first look is at the image box-reduced to at most this many
/// pixels on its longer side: on photos, averaging away sensor noise and
/// JPEG speckle helps its finder-pattern search far more than the lost
/// detail hurts, and it is 4–12× faster on a 12 MP frame.
const REDUCED_SIDE: usize = 1000;

/// Between the two: a 12 MP frame reduced by 3. Small, blurred codes
/// seen at a steep angle in a 12 MP frame (synthetic "phone" photos, hard
/// level) read at this scale where both others miss; the view costs about
/// as much as the 1000-px one.
const MID_SIDE: usize = 1400;

/// rqrr is not tried on larger pictures: its time grows much faster than
/// the pixel count on cluttered photos (5.3 s on one synthetic 12 MP
/// frame), and it cannot be interrupted.
const RQRR_MAX_PIXELS: usize = 2_500_000;

/// Images with a longer side above this are "large": the inverted view is
/// reduced to this size, and rxing skips the original for the smoothed
/// copy.
const LARGE_SIDE: usize = 2000;

/// A picture derived from the image, for one detection attempt.
#[derive(Debug, Clone, Copy)]
enum View {
    Original,
    /// Integer box reduction to at most this many pixels on the longer
    /// side; only for images larger than that.
    Reduced(usize),
    /// 3×3 box blur: sensor noise and JPEG speckle otherwise break the
    /// 1:1:3:1:1 runs of the finder patterns.
    Smoothed,
    /// Light code on dark background.
    Inverted,
}

/// One detection attempt: a detector on a view.
#[derive(Debug, Clone, Copy)]
enum Attempt {
    Rxing(View),
    Rqrr(View, Threshold),
}

/// The attempts, in order, until one reads something. Cheap and likely
/// ones first; the order only matters for time, since every decoded text
/// has passed Reed–Solomon error correction. Each attempt here is the
/// first to read at least one image of the ZXing photo corpus or of the
/// synthetic phone photos (benches/photos.sh); rqrr on upscaled, rotated,
/// Otsu- or adaptive-thresholded originals read none that these miss.
const ATTEMPTS: &[Attempt] = &[
    Attempt::Rxing(View::Reduced(REDUCED_SIDE)),
    Attempt::Rxing(View::Reduced(MID_SIDE)),
    Attempt::Rxing(View::Reduced(LARGE_SIDE)),
    Attempt::Rxing(View::Original),
    Attempt::Rxing(View::Smoothed),
    Attempt::Rqrr(View::Original, Threshold::Rqrr),
    Attempt::Rqrr(View::Smoothed, Threshold::Otsu),
    Attempt::Rqrr(View::Smoothed, Threshold::Adaptive),
    Attempt::Rqrr(View::Inverted, Threshold::Rqrr),
    Attempt::Rxing(View::Inverted),
];

/// Finds and decodes every QR code in `img`: deduplicated texts in
/// detection order (deterministic for a given image); empty if none.
///
/// Transparent pixels count as white, since QR renders often put black
/// modules on a transparent background. rqrr texts that are not UTF-8 are
/// read as Latin-1, the QR default charset; rxing applies the ECI/charset
/// rules of ZXing.
///
/// The attempts (detector × view of the image) run until one decodes
/// something or about 2 s have been spent: the first alone, the others in
/// two lanes on both cores; the answer is that of the earliest attempt in
/// a fixed order that reads something, so it does not depend on timing.
///
/// The picture is the caller's; the working memory of the scan counts
/// against [`MEMORY_BUDGET`] (waiting for it, capped at all of it).
pub fn scan_image(img: &DynamicImage) -> Vec<String> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    // The grey copy and the scan's working memory, at most the whole
    // budget: the picture exists already, so it is scanned in any case.
    let needed = (w * h) as u64 + scan_bytes_needed(w, h);
    let _reservation = budget::reserve(needed.min(MEMORY_BUDGET));
    scan_gray(Gray::from_image(img))
}

/// The integer factor by which a `w` × `h` picture is box-reduced before
/// scanning (1: not at all), so that it has at most `MAX_SCAN_PIXELS`.
fn reduction(w: usize, h: usize) -> usize {
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
pub(crate) fn scan_bytes_needed(w: usize, h: usize) -> u64 {
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

fn scan_gray(mut gray: Gray) -> Vec<String> {
    let start = Instant::now();
    if gray.w == 0 || gray.h == 0 {
        return Vec::new();
    }
    let factor = reduction(gray.w, gray.h);
    if factor > 1 {
        gray = gray.downscale(factor);
    }
    let views = Views::new(&gray);

    // The first attempt that applies runs alone: it reads most images,
    // and starting a second, costlier attempt beside it would only delay
    // the answer until that one ends (attempts cannot be interrupted).
    let mut rest = 0..ATTEMPTS.len();
    for i in rest.by_ref() {
        if let Some(found) = views.attempt(ATTEMPTS[i]) {
            if !found.is_empty() {
                return found;
            }
            break;
        }
    }

    // The others run in two lanes, one per core: the attempts on the
    // smoothed view (which the lane builds itself) and all the rest. On a
    // 12 MP photo that nothing reads, one lane alone took ~200 ms.
    //
    // The answer stays the one of the earliest attempt (in ATTEMPTS order)
    // that reads something, whatever the timing: a lane skips an attempt
    // only once an earlier one has read something, so every attempt
    // before the answer has run.
    let earliest = AtomicUsize::new(usize::MAX);
    let lane = |smoothed: bool| -> Option<(usize, Vec<String>)> {
        for i in rest.clone() {
            let a = ATTEMPTS[i];
            if a.on_smoothed() != smoothed {
                continue;
            }
            if earliest.load(Ordering::Acquire) < i || start.elapsed() > TIME_BUDGET {
                return None;
            }
            if let Some(found) = views.attempt(a).filter(|f| !f.is_empty()) {
                earliest.fetch_min(i, Ordering::AcqRel);
                return Some((i, found));
            }
        }
        None
    };
    let (a, b) = rayon::join(|| lane(false), || lane(true));
    [a, b]
        .into_iter()
        .flatten()
        .min_by_key(|(i, _)| *i)
        .map(|(_, found)| found)
        .unwrap_or_default()
}

impl Attempt {
    fn on_smoothed(self) -> bool {
        matches!(
            self,
            Attempt::Rxing(View::Smoothed) | Attempt::Rqrr(View::Smoothed, _)
        )
    }
}

/// Builds views on demand, keeping the ones several attempts share. Both
/// lanes of [`scan_gray`] use it, hence `OnceLock`.
struct Views<'a> {
    original: &'a Gray,
    smoothed: OnceLock<Gray>,
    /// Reduced to LARGE_SIDE: read by rxing, then the base of the inverted
    /// view.
    reduced_large: OnceLock<Gray>,
}

impl<'a> Views<'a> {
    fn new(original: &'a Gray) -> Self {
        Views {
            original,
            smoothed: OnceLock::new(),
            reduced_large: OnceLock::new(),
        }
    }

    /// Runs one attempt: `None` if it does not apply to this image's size,
    /// else the texts it read (perhaps none).
    fn attempt(&self, attempt: Attempt) -> Option<Vec<String>> {
        let g = self.original;
        match attempt {
            // On large images the smoothed view read every code the
            // original did (synthetic 12 MP photos), at the same cost.
            Attempt::Rxing(View::Original) if g.w.max(g.h) > LARGE_SIDE => None,
            Attempt::Rxing(view) => self.get(view).map(|v| detect::rxing(&v)),
            // Decided before building the view, which costs tens of
            // milliseconds on a 12 MP image.
            Attempt::Rqrr(_, _) if g.w * g.h > RQRR_MAX_PIXELS => None,
            Attempt::Rqrr(view, t) => self.get(view).map(|v| detect::rqrr(&v, t)),
        }
    }

    /// The view, or `None` where it does not apply to this image's size.
    fn get(&self, view: View) -> Option<Cow<'_, Gray>> {
        let g = self.original;
        let side = g.w.max(g.h);
        Some(match view {
            View::Original => Cow::Borrowed(g),
            View::Reduced(LARGE_SIDE) if side > LARGE_SIDE => Cow::Borrowed(
                self.reduced_large
                    .get_or_init(|| g.downscale(side.div_ceil(LARGE_SIDE))),
            ),
            View::Reduced(max) if side > max => Cow::Owned(g.downscale(side.div_ceil(max))),
            View::Reduced(_) => return None,
            View::Smoothed => Cow::Borrowed(self.smoothed.get_or_init(|| g.blur3())),
            // Light-on-dark codes are screens and stickers, large in the
            // frame: the reduced copy is enough and 4× cheaper.
            View::Inverted => {
                let base = self.get(View::Reduced(LARGE_SIDE));
                Cow::Owned(base.as_deref().unwrap_or(g).map(|v| 255 - v))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::render::tests::payload;
    use crate::issue::render::{self, DEFAULT_QUIET_MODULES};
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
    fn decompression_bomb_is_refused() {
        // 58 bytes claiming 400 MP: refused from the header, before any
        // pixel buffer exists (benches/photos.sh has no timing for it; the
        // whole test binary would run out of memory if it were decoded).
        let bomb = png_header(20000, 20000, 0, 8);
        let err = scan_bytes(&bomb).unwrap_err();
        assert!(
            matches!(
                err,
                ScanError::TooLarge {
                    width: 20000,
                    height: 20000,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "image is too large to scan: 20000x20000 pixels (limit 16384x16384)"
        );
        // Within the sides, beyond the memory budget: grey+alpha 16384²
        // decodes to 512 MiB before its grey copy.
        let err = scan_bytes(&png_header(16384, 16384, 4, 8)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("image is too large to scan: 16384x16384 pixels (would need "),
            "{err}"
        );
        assert!(
            err.to_string().ends_with(" MiB to read, limit 160 MiB)"),
            "{err}"
        );
    }

    /// A small real JPEG whose frame header is patched to claim
    /// `width` × `height`.
    fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = jpeg(&DynamicImage::new_luma8(16, 16), 80);
        let sof = bytes.windows(2).position(|m| m == [0xFF, 0xC0]).unwrap();
        bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        bytes
    }

    #[test]
    fn jpeg_bomb_is_refused() {
        let err = scan_bytes(&jpeg_claiming(60000, 60000)).unwrap_err();
        assert!(
            matches!(
                err,
                ScanError::TooLarge {
                    width: 60000,
                    height: 60000,
                    ..
                }
            ),
            "{err:?}"
        );
        // Within the limits but short of data: lenient decoding of a blank
        // picture, or a one-line error; no panic.
        match scan_bytes(&jpeg_claiming(640, 480)) {
            Ok(found) => assert!(found.is_empty()),
            Err(e) => assert!(!e.to_string().contains('\n'), "{e}"),
        }
    }

    #[test]
    fn truncated_images_of_every_format_are_handled() {
        let text = payload(200, 13);
        let img = DynamicImage::ImageLuma8(render_gray(&text, 3));
        let formats = [
            ImageFormat::Png,
            ImageFormat::Jpeg,
            ImageFormat::WebP,
            ImageFormat::Gif,
            ImageFormat::Bmp,
        ];
        for format in formats {
            // The GIF encoder takes RGBA only.
            let bytes = match format {
                ImageFormat::Gif => encode_as(&DynamicImage::ImageRgba8(img.to_rgba8()), format),
                _ => encode_as(&img, format),
            };
            assert_eq!(
                scan_bytes(&bytes).unwrap(),
                vec![text.clone()],
                "{format:?}"
            );
            for cut in [1, 8, 30, bytes.len() / 2, bytes.len() - 1] {
                // Lenient decoders fill in missing data; any outcome but a
                // panic or a wrong text is fine.
                match scan_bytes(&bytes[..cut]) {
                    Ok(found) => assert!(
                        found.is_empty() || found == vec![text.clone()],
                        "{format:?} cut at {cut}: {found:?}"
                    ),
                    Err(e) => assert!(!e.to_string().contains('\n'), "{format:?}: {e}"),
                }
            }
        }
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
                    height: 16000,
                    ..
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
    fn zero_sized_image_has_no_codes() {
        assert!(scan_image(&DynamicImage::new_luma8(0, 0)).is_empty());
        assert!(scan_image(&DynamicImage::new_luma8(1, 1)).is_empty());
    }
}
