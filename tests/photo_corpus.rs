//! Every photo of an image corpus through the scanner: no panic, no hang,
//! no misread, no image refused. The corpus is not part of the repository
//! (ZXing's QR test photographs are at ../shared/corpus/qr-photos on the
//! team's machines; any folder of IMAGE + IMAGE.txt pairs will do), so the
//! test only runs when asked for:
//!
//! ```sh
//! PAYQR_PHOTO_CORPUS=../shared/corpus/qr-photos \
//!     cargo test --release --test photo_corpus -- --ignored --nocapture
//! ```
//!
//! How many photos are read, against zxing-cpp and ZBar, is the business
//! of benches/photos.sh; this test is about what must never happen.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The scanner stops starting attempts after 2 s; one attempt on the
/// largest corpus photo is well under a second.
const MAX_PER_IMAGE: Duration = Duration::from_secs(5);

const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "webp", "gif", "bmp"];

fn images_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            images_under(&p, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(p);
        }
    }
}

/// What the image must read as: (text, exact). One part of a
/// structured-append sequence (qrcode-7/01-02.png) has no NAME.txt; the
/// folder's 01.txt holds the merged text, and a part reads correctly as a
/// non-empty piece of it. Same rule as benches/photos.py.
fn expected(path: &Path) -> Option<(String, bool)> {
    let read = |p: PathBuf| {
        std::fs::read(p)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    if let Some(text) = read(path.with_extension("txt")) {
        return Some((text, true));
    }
    let stem = path.file_stem()?.to_str()?;
    let sequence = stem.split('-').next()?;
    read(path.with_file_name(format!("{sequence}.txt"))).map(|t| (t, false))
}

#[test]
#[ignore = "needs PAYQR_PHOTO_CORPUS=DIR, a photo corpus outside the repository"]
fn every_corpus_photo_scans_without_panic_hang_or_misread() {
    let dir = std::env::var_os("PAYQR_PHOTO_CORPUS")
        .expect("set PAYQR_PHOTO_CORPUS to the corpus folder (see the top of this file)");
    let mut images = Vec::new();
    images_under(Path::new(&dir), &mut images);
    assert!(!images.is_empty(), "no images under {dir:?}");

    let (mut read, mut missed) = (0, 0);
    let mut problems = Vec::new();
    for path in &images {
        let start = Instant::now();
        // A panic escaping the scanner fails the test right here.
        let result = payqr::verify::scan::scan_file(path);
        let took = start.elapsed();
        if took > MAX_PER_IMAGE {
            problems.push(format!("{}: took {took:?}", path.display()));
        }
        match result {
            Err(e) => problems.push(format!("{}: refused: {e}", path.display())),
            Ok(texts) if texts.is_empty() => missed += 1,
            Ok(texts) => {
                let right = expected(path).is_some_and(|(want, exact)| {
                    texts.iter().any(|t| match exact {
                        true => *t == want,
                        false => !t.is_empty() && want.contains(t.as_str()),
                    })
                });
                if right {
                    read += 1;
                } else {
                    problems.push(format!("{}: misread as {texts:?}", path.display()));
                }
            }
        }
    }
    eprintln!(
        "{} images: {read} read correctly, {missed} not read, {} problems",
        images.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
