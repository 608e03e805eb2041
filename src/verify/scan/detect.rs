//! The two QR detectors payqr runs, each on one grayscale picture.
//!
//! rxing (a port of ZXing and of zxing-cpp's QR detector) reads most
//! photos, fast; rqrr reads some that rxing misses (and the reverse), so
//! [`super::scan_image`] tries both. Each call runs under the panic guard.

use std::collections::HashSet;

use rqrr::PreparedImage;
use rxing::common::HybridBinarizer;
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::QRCodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, Reader};

use super::gray::Gray;
use super::guard::catch_quietly;

/// How a picture is turned black and white before rqrr's detection.
#[derive(Debug, Clone, Copy)]
pub(super) enum Threshold {
    /// rqrr's own: a running mean along each row.
    Rqrr,
    /// Otsu's global threshold: robust to blur, not to uneven lighting.
    Otsu,
    /// Mean of a square window 1/16 of the shorter side: robust to shadows
    /// and gradients.
    Adaptive,
}

/// Runs rqrr on one picture. A panic inside rqrr means "nothing found by
/// this attempt"; each grid is decoded under its own guard so one bad
/// candidate cannot hide others.
pub(super) fn rqrr(img: &Gray, threshold: Threshold) -> Vec<String> {
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
                push_new(&mut texts, bytes_to_text(bytes));
            }
        }
    });
    texts
}

/// Runs rxing on one picture: zxing-cpp's multi-symbol QR reader, and if it
/// finds nothing, ZXing's classic single-symbol reader (its finder-pattern
/// search copes with some blur the other does not). "Try harder" scans
/// every row for finder patterns instead of every few.
pub(super) fn rxing(img: &Gray) -> Vec<String> {
    let mut texts = Vec::new();
    catch_quietly(|| {
        let hints = DecodeHints {
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            TryHarder: Some(true),
            ..DecodeHints::default()
        };
        // rxing's binarizer wants an owned buffer ('static source).
        let Ok(source) = Luma8LuminanceSource::new(img.px.clone(), img.w as u32, img.h as u32)
        else {
            return;
        };
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        if let Ok(results) = QrReader.decode_multiple_with_hints(&mut bitmap, &hints) {
            for r in results {
                push_new(&mut texts, r.getText().to_owned());
            }
        }
        if texts.is_empty()
            && let Ok(r) = QRCodeReader.decode_with_hints(&mut bitmap, &hints)
        {
            push_new(&mut texts, r.getText().to_owned());
        }
    });
    texts
}

fn push_new(texts: &mut Vec<String>, text: String) {
    if !texts.contains(&text) {
        texts.push(text);
    }
}

/// UTF-8 if valid, else Latin-1 (ISO 8859-1, the QR byte-mode default),
/// which maps every byte to the code point of the same value.
fn bytes_to_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|e| e.into_bytes().into_iter().map(char::from).collect())
}
