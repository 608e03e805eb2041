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

/// A small code in a wide frame that the first attempt misses and the
/// reduced views after it read: 4-pixel modules placed 2 pixels off the
/// 4-pixel grid in a 3900-pixel-wide frame. Reduced by 4 (to at most 1000
/// pixels, the first attempt) every pixel averages two modules; reduced
/// by 2 (to at most 2000) the modules are whole 2-pixel squares again.
fn small_code_in_wide_frame(text: &str) -> Gray {
    let code = render_gray(text, 4);
    let (w, h) = (3900, code.height() as usize + 44);
    let (ox, oy) = (1802, 22);
    let mut px = vec![255u8; w * h];
    for (x, y, p) in code.enumerate_pixels() {
        px[(oy + y as usize) * w + ox + x as usize] = p.0[0];
    }
    Gray { w, h, px }
}

/// Which codes are read must not depend on the machine's speed: a budget
/// already spent (zero: a busy PC, a debug build, Wine) still runs the
/// reduced views. On e4e5381 only the first attempt ran once 2 s had gone,
/// and the synthetic phone photo hard/007 (read at the reduced-by-3 view)
/// was missed under Wine and on a loaded Linux machine.
#[test]
fn reduced_views_run_when_the_time_budget_is_spent() {
    let text = payload(200, 21);
    let gray = small_code_in_wide_frame(&text);
    // The premise: the first attempt alone does not read it.
    assert_eq!(
        Views::new(&gray).attempt(ATTEMPTS[0]),
        Some(Vec::new()),
        "the first attempt read the code: the test proves nothing"
    );
    assert_eq!(
        scan_gray_within(gray.clone(), Duration::ZERO),
        vec![text.clone()]
    );
    assert_eq!(scan_gray(gray), vec![text]);
}
