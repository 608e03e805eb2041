//! WebP files through libwebp, Google's reference decoder, asked for the
//! luma plane only.
//!
//! Why a C library: most photos in the ZXing corpus are small WebP files,
//! and the pure-Rust decoder behind `image` took 1.08 ms (median) to turn
//! one into pixels where libwebp's YUV decode takes 0.24 ms; the QR search
//! that follows takes ~0.15 ms. libwebp is fuzzed continuously upstream
//! (OSS-Fuzz), the bundled version (1.6.0) postdates the 2023 Huffman
//! overflow fixes, and the dimensions are checked from the header before
//! it allocates anything. Files it does not take (alpha, animation,
//! anything it refuses) go to the pure-Rust decoder, which also words the
//! error for a broken file.

use std::ffi::c_int;

use libwebp_sys as ffi;

use super::gray::Gray;

/// The luma plane of a WebP file, or `None` where it is not for this
/// path: alpha (composited over white elsewhere), animation, or a file
/// libwebp refuses, or whose size is not `size`: the caller priced and
/// reserved memory for that size (`load::plan`, through `image`'s reading
/// of the header), and libwebp allocates nothing else here.
// unsafe: libwebp is C, called through FFI (4.5x faster than the pure-Rust
// decoder, module comment); each call's SAFETY note says why it holds.
#[allow(unsafe_code)]
pub(super) fn luma(bytes: &[u8], size: (usize, usize)) -> Option<Gray> {
    let features = features(bytes)?;
    if features.has_alpha != 0 || features.has_animation != 0 {
        return None;
    }
    let (Ok(wu), Ok(hu)) = (
        usize::try_from(features.width),
        usize::try_from(features.height),
    ) else {
        return None;
    };
    if wu == 0 || hu == 0 || (wu, hu) != size {
        return None;
    }
    // Decode straight into our buffers (`...Into`), so no memory is owned
    // by C when this function returns, whatever happens. libwebp writes
    // the chroma planes too; they are half the size in each direction.
    let (cw, ch) = (wu.div_ceil(2), hu.div_ceil(2));
    let mut y = vec![0u8; wu * hu];
    let mut u = vec![0u8; cw * ch];
    let mut v = vec![0u8; cw * ch];
    let (Ok(ys), Ok(cs)) = (c_int::try_from(wu), c_int::try_from(cw)) else {
        return None;
    };
    // SAFETY: every pointer comes with the true length of its buffer and
    // the stride matches the width the buffer was sized for; libwebp
    // checks that the decoded picture fits those sizes before writing and
    // returns NULL otherwise. `bytes` is only read.
    let out = unsafe {
        ffi::WebPDecodeYUVInto(
            bytes.as_ptr(),
            bytes.len(),
            y.as_mut_ptr(),
            y.len(),
            ys,
            u.as_mut_ptr(),
            u.len(),
            cs,
            v.as_mut_ptr(),
            v.len(),
            cs,
        )
    };
    if out.is_null() {
        return None;
    }
    // WebP's luma is "studio range" (black 16, white 235). It is used as
    // is: the detectors binarize by local contrast, and stretching it to
    // 0-255 lost one corpus photo (qrcode-2/12.webp) that the
    // unstretched plane and the pure-Rust RGB path both read.
    Some(Gray {
        w: wu,
        h: hu,
        px: y,
    })
}

// unsafe: libwebp's header reader, through FFI (see `luma`).
#[allow(unsafe_code)]
fn features(bytes: &[u8]) -> Option<ffi::WebPBitstreamFeatures> {
    let mut f = ffi::WebPBitstreamFeatures {
        width: 0,
        height: 0,
        has_alpha: 0,
        has_animation: 0,
        format: 0,
        pad: [0; 5],
    };
    // SAFETY: reads at most `bytes.len()` bytes; writes only `f`.
    let status = unsafe { ffi::WebPGetFeatures(bytes.as_ptr(), bytes.len(), &mut f) };
    (status == ffi::VP8StatusCode::VP8_STATUS_OK).then_some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::render::tests::payload;
    use crate::issue::render::{self, DEFAULT_QUIET_MODULES};
    use crate::verify::scan::{ScanError, ScanLimits, scan_bytes, scan_bytes_with};

    /// A lossy WebP (what phones and the web write) of `rgb`, by libwebp's
    /// own encoder.
    // unsafe: libwebp's encoder, through FFI, makes the test files.
    #[allow(unsafe_code)]
    fn lossy(rgb: &[u8], w: usize, h: usize, quality: f32) -> Vec<u8> {
        let mut out: *mut u8 = std::ptr::null_mut();
        // SAFETY: `rgb` holds w*h RGB pixels at stride 3w; libwebp
        // allocates `out`, which is copied and freed with WebPFree.
        unsafe {
            let n = ffi::WebPEncodeRGB(
                rgb.as_ptr(),
                w as c_int,
                h as c_int,
                (3 * w) as c_int,
                quality,
                &mut out,
            );
            assert!(n > 0 && !out.is_null());
            let v = std::slice::from_raw_parts(out, n).to_vec();
            ffi::WebPFree(out.cast());
            v
        }
    }

    fn code_rgb(text: &str) -> (Vec<u8>, usize, usize) {
        let png = render::encode(text)
            .unwrap()
            .to_png(4, DEFAULT_QUIET_MODULES);
        let img = image::load_from_memory(&png).unwrap().to_rgb8();
        let (w, h) = (img.width() as usize, img.height() as usize);
        (img.into_raw(), w, h)
    }

    #[test]
    fn lossy_webp_is_read_through_libwebp() {
        let text = payload(240, 21);
        let (rgb, w, h) = code_rgb(&text);
        let file = lossy(&rgb, w, h, 60.0);
        let Some(g) = luma(&file, (w, h)) else {
            panic!("libwebp did not take a plain lossy file");
        };
        assert_eq!((g.w, g.h), (w, h));
        // Studio range: the quiet zone is white (235), modules black (16).
        assert!(g.px[0] > 225 && g.px.iter().any(|&p| p < 30));
        assert_eq!(scan_bytes(&file).unwrap(), vec![text.clone()]);
        // Cut short: libwebp refuses it and the pure-Rust decoder names
        // the defect (or reads what there is); never a panic or a misread.
        for cut in [12, 30, file.len() / 2, file.len() - 1] {
            match scan_bytes(&file[..cut]) {
                Ok(found) => assert!(found.is_empty() || found == vec![text.clone()]),
                Err(e) => assert!(!e.to_string().contains('\n'), "{e}"),
            }
        }
    }

    /// Mutated files straight into libwebp: a crash here would take the
    /// test process down. What comes back must be a picture of the size
    /// the header claims, within the limits, or a refusal.
    #[test]
    fn mutated_webp_files_are_decoded_or_refused() {
        let (rgb, w, h) = code_rgb(&payload(120, 23));
        let file = lossy(&rgb, w, h, 50.0);
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let (mut decoded, mut refused) = (0, 0);
        for _ in 0..3000 {
            let mut f = file.clone();
            for _ in 0..1 + next(6) {
                // Half the flips land in the first 64 bytes: headers.
                let at = if next(2) == 0 {
                    next(64)
                } else {
                    next(f.len())
                };
                f[at] ^= 1 << next(8);
            }
            if next(4) == 0 {
                f.truncate(next(f.len()));
            }
            // What `load::plan` does before calling `luma`: the size comes
            // from the header and is checked first.
            let Some(size) = features(&f)
                .map(|f| (f.width as usize, f.height as usize))
                .filter(|&(w, h)| w <= 2000 && h <= 2000)
            else {
                refused += 1;
                continue;
            };
            match luma(&f, size) {
                Some(g) => {
                    assert!(g.w <= 2000 && g.h <= 2000 && g.px.len() == g.w * g.h);
                    decoded += 1;
                }
                None => refused += 1,
            }
        }
        assert!(
            decoded > 0 && refused > 0,
            "{decoded} decoded, {refused} refused"
        );
    }

    #[test]
    fn webp_with_alpha_goes_to_the_rust_decoder() {
        let text = payload(200, 22);
        let png = render::encode(&text)
            .unwrap()
            .to_png(4, DEFAULT_QUIET_MODULES);
        let rgba = image::load_from_memory(&png).unwrap().to_rgba8();
        let mut file = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgba8(rgba)
            .write_to(&mut file, image::ImageFormat::WebP)
            .unwrap();
        let file = file.into_inner();
        let size = image::load_from_memory(&file).unwrap();
        assert!(luma(&file, (size.width() as usize, size.height() as usize)).is_none());
        assert_eq!(scan_bytes(&file).unwrap(), vec![text]);
    }

    /// A lossless (VP8L) header claiming `w` × `h`, and no pixel data.
    fn vp8l_header(w: u32, h: u32) -> Vec<u8> {
        let bits = (w - 1) | ((h - 1) << 14);
        let mut chunk = vec![0x2f];
        chunk.extend_from_slice(&bits.to_le_bytes());
        chunk.extend_from_slice(&[0; 8]);
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&((4 + 8 + chunk.len()) as u32).to_le_bytes());
        out.extend_from_slice(b"WEBPVP8L");
        out.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
        out.extend_from_slice(&chunk);
        out
    }

    #[test]
    fn oversized_webp_is_refused_from_its_header() {
        let claim = vp8l_header(16000, 15000);
        let start = std::time::Instant::now();
        let err = scan_bytes(&claim).unwrap_err();
        assert!(
            matches!(
                err,
                ScanError::TooLarge {
                    width: 16000,
                    height: 15000,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(start.elapsed().as_millis() < 500);
        // Within tighter limits too, by dimension.
        let limits = ScanLimits {
            max_width: 1000,
            ..ScanLimits::default()
        };
        let err = scan_bytes_with(&vp8l_header(1200, 10), &limits).unwrap_err();
        assert!(
            matches!(
                err,
                ScanError::TooLarge {
                    width: 1200,
                    height: 10,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
