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
mod limits;
mod load;
mod webp;

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use image::DynamicImage;

pub use budget::MEMORY_BUDGET;
use detect::Threshold;
use gray::Gray;
use limits::{LARGE_SIDE, RQRR_MAX_PIXELS, reduction, scan_bytes_needed};
pub use limits::{ScanError, ScanLimits, SizeLimit};

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

/// The first attempts (the three reduced views, at most LARGE_SIDE pixels
/// on a side) run whatever time has gone: their cost is bounded on any
/// image, and which codes are read must not depend on the machine's speed.
/// With the budget checked before them, a busy or slow PC (a debug build,
/// Wine: the first attempt alone took over 2 s) missed photos a fast one
/// read at the reduced-by-3 view (synthetic phone photo hard/007).
const ALWAYS_RUN: usize = 3;

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
/// something or about 2 s have been spent (the three on reduced views run
/// in any case): the first alone, the others in two lanes on both cores;
/// the answer is that of the earliest attempt in a fixed order that reads
/// something, so it does not depend on timing unless the budget cut the
/// costlier attempts (original size, smoothed, rqrr, inverted) short.
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

fn scan_gray(gray: Gray) -> Vec<String> {
    scan_gray_within(gray, TIME_BUDGET)
}

/// [`scan_gray`] with another time budget (tests: zero, a machine too slow
/// for any budget).
fn scan_gray_within(mut gray: Gray, budget: Duration) -> Vec<String> {
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
            if earliest.load(Ordering::Acquire) < i || (i >= ALWAYS_RUN && start.elapsed() > budget)
            {
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
mod tests;
