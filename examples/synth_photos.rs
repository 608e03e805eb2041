//! Seeded synthetic "phone photos" of signed payqr codes, for
//! benches/photos.sh and the scan tests:
//!
//!     cargo run --release --example synth_photos -- OUT_DIR [COUNT] [SEED]
//!
//! writes OUT_DIR/{easy,medium,hard}/NNN.jpg, each with NNN.txt holding the
//! payload the photo must read as. A code signed with the public test key
//! is printed on a bill (paper with ink of limited contrast) lying on a
//! cluttered desk, photographed with perspective tilt, rotation, blur or
//! motion blur, uneven light and shadow, sensor noise and JPEG compression.
//! Medium and hard photos are 12-megapixel frames (4000×3000) in which the
//! code covers a small part. The same seed gives the same files.

use std::path::Path;

use image::{GrayImage, Luma};
use payqr::code::{Code, CodeId, Kind};
use payqr::currency::Currency;
use payqr::render;

/// How hard a photo is: ranges the random draws come from.
#[derive(Debug, Clone, Copy)]
pub struct Level {
    pub name: &'static str,
    pub frame: (u32, u32),
    /// Side of the code (with quiet zone) as a fraction of the frame's
    /// shorter side.
    pub code_frac: (f64, f64),
    /// Rotation in degrees, either way.
    pub rotation: f64,
    /// Perspective: how far each corner may move, as a fraction of the
    /// code's side.
    pub tilt: f64,
    /// Gaussian blur sigma in pixels.
    pub blur: (f64, f64),
    /// Motion blur length in pixels (0 = none).
    pub motion: (f64, f64),
    /// Darkest shadow across the bill, as a fraction of light removed.
    pub shadow: f64,
    /// Ink gray level (0 = black); the paper is 215–245.
    pub ink: (f64, f64),
    /// Noise standard deviation in gray levels.
    pub noise: f64,
    pub jpeg_quality: (u8, u8),
}

pub const LEVELS: [Level; 3] = [
    Level {
        name: "easy",
        frame: (1600, 1200),
        code_frac: (0.35, 0.6),
        rotation: 15.0,
        tilt: 0.04,
        blur: (0.3, 1.0),
        motion: (0.0, 0.0),
        shadow: 0.25,
        ink: (10.0, 50.0),
        noise: 4.0,
        jpeg_quality: (80, 92),
    },
    Level {
        name: "medium",
        frame: (4000, 3000),
        code_frac: (0.15, 0.3),
        rotation: 180.0,
        tilt: 0.10,
        blur: (0.8, 2.0),
        motion: (0.0, 6.0),
        shadow: 0.5,
        ink: (40.0, 90.0),
        noise: 9.0,
        jpeg_quality: (65, 85),
    },
    Level {
        name: "hard",
        frame: (4000, 3000),
        code_frac: (0.08, 0.15),
        rotation: 180.0,
        tilt: 0.18,
        blur: (1.0, 2.5),
        motion: (3.0, 10.0),
        shadow: 0.65,
        ink: (70.0, 120.0),
        noise: 14.0,
        jpeg_quality: (45, 70),
    },
];

/// SplitMix64: tiny, seedable, good enough for picking parameters.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    pub fn range(&mut self, (lo, hi): (f64, f64)) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Approximately normal with mean 0 and standard deviation 1.
    pub fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.range((-1.0, 1.0))).sum::<f64>() * (3.0f64 / 4.0).sqrt()
    }
}

/// A signed fine as `payqr issue` would print it, varied by `rng`.
pub fn payload(rng: &mut Rng) -> String {
    let key = payqr::vectors::test_key();
    let n = rng.next_u64();
    let code = Code {
        issuer: key.issuer.clone(),
        key_id: key.key_id,
        code_id: CodeId(n.to_be_bytes()),
        kind: Kind::Fine,
        amount: 5_000 + n % 100_000,
        currency: Currency::from_code("CNY").expect("known currency"),
        payee: "110000-FINES".into(),
        reference: format!("京A{:05}", n % 100_000),
        issued_at: 1_795_392_000,
        expires_at: 1_795_392_000 + 30 * 86_400,
        description: n.is_multiple_of(2).then(|| "闯红灯".to_string()),
    };
    code.sign(&key.signing_key).expect("valid code").to_text()
}

/// Renders one degraded photo of `text` at `level`; returns the JPEG bytes.
pub fn photo(text: &str, level: &Level, rng: &mut Rng) -> Vec<u8> {
    let symbol = render::encode(text).expect("payload fits a QR code");
    let (fw, fh) = level.frame;
    let quiet = f64::from(render::DEFAULT_QUIET_MODULES);
    let modules = symbol.width() as f64 + 2.0 * quiet;
    // The bill: paper around the code, in module units.
    let margin = 3.0;
    let bill = modules + 2.0 * margin;

    // Where the bill's corners land in the frame: a rotated square, each
    // corner pushed by the tilt, somewhere fully inside the frame.
    let side = rng.range(level.code_frac) * f64::from(fw.min(fh)) * bill / modules;
    let angle = rng.range((-level.rotation, level.rotation)).to_radians();
    let (sin, cos) = angle.sin_cos();
    let reach = side * 0.5 * std::f64::consts::SQRT_2 * (1.0 + level.tilt);
    let cx = rng.range((reach, f64::from(fw) - reach));
    let cy = rng.range((reach, f64::from(fh) - reach));
    let unit = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)];
    let mut corners = [(0.0, 0.0); 4];
    for (c, (ux, uy)) in corners.iter_mut().zip(unit) {
        let (x, y) = (ux * side, uy * side);
        let jx = rng.range((-level.tilt, level.tilt)) * side;
        let jy = rng.range((-level.tilt, level.tilt)) * side;
        *c = (cx + x * cos - y * sin + jx, cy + x * sin + y * cos + jy);
    }
    let plane = [(0.0, 0.0), (bill, 0.0), (bill, bill), (0.0, bill)];
    let to_plane = homography(&corners, &plane);

    let ink = rng.range(level.ink);
    let paper = rng.range((215.0, 245.0));
    let dark = |u: f64, v: f64| {
        let (mx, my) = (u - margin - quiet, v - margin - quiet);
        mx >= 0.0
            && my >= 0.0
            && (mx as usize) < symbol.width()
            && (my as usize) < symbol.width()
            && symbol.is_dark(mx as usize, my as usize)
    };
    let clutter = Clutter::new(rng, fw, fh);
    // Supersample 3×3 inside the bill so module edges are anti-aliased as
    // a lens would.
    let mut img = GrayImage::from_fn(fw, fh, |x, y| {
        let (x, y) = (f64::from(x), f64::from(y));
        let (u, v) = apply(&to_plane, x + 0.5, y + 0.5);
        let v = if (0.0..bill).contains(&u) && (0.0..bill).contains(&v) {
            let mut sum = 0.0;
            for sy in 0..3 {
                for sx in 0..3 {
                    let p = (
                        x + (f64::from(sx) + 0.5) / 3.0,
                        y + (f64::from(sy) + 0.5) / 3.0,
                    );
                    let (u, v) = apply(&to_plane, p.0, p.1);
                    sum += if dark(u, v) { ink } else { paper };
                }
            }
            sum / 9.0
        } else {
            clutter.at(x, y)
        };
        Luma([v as u8])
    });

    let sigma = rng.range(level.blur);
    img = image::imageops::blur(&img, sigma as f32);
    let motion = rng.range(level.motion);
    if motion >= 1.0 {
        img = motion_blur(&img, motion, rng.range((0.0, std::f64::consts::PI)));
    }
    light_and_noise(&mut img, level, rng);

    let quality = rng.range((
        f64::from(level.jpeg_quality.0),
        f64::from(level.jpeg_quality.1) + 1.0,
    )) as u8;
    // Phones write color JPEGs (full luma, subsampled chroma), and warm
    // indoor light tints the paper.
    let tint = [1.0, rng.range((0.9, 1.0)), rng.range((0.75, 0.95))];
    let rgb = image::RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let v = f64::from(img.get_pixel(x, y).0[0]);
        image::Rgb(tint.map(|t| (v * t) as u8))
    });
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    rgb.write_with_encoder(enc).expect("JPEG into memory");
    out
}

/// Desk clutter: a few overlapping gray rectangles and lines of "text".
struct Clutter {
    base: f64,
    rects: Vec<(f64, f64, f64, f64, f64)>,
}

impl Clutter {
    fn new(rng: &mut Rng, w: u32, h: u32) -> Clutter {
        let (w, h) = (f64::from(w), f64::from(h));
        let mut rects = Vec::new();
        for _ in 0..12 {
            let (x, y) = (rng.range((0.0, w)), rng.range((0.0, h)));
            let (rw, rh) = (rng.range((0.05, 0.4)) * w, rng.range((0.05, 0.4)) * h);
            rects.push((x, y, x + rw, y + rh, rng.range((30.0, 230.0))));
        }
        // Text-like strokes: thin dark bars in rows.
        for _ in 0..60 {
            let (x, y) = (rng.range((0.0, w)), rng.range((0.0, h)));
            let len = rng.range((0.02, 0.2)) * w;
            let thick = rng.range((0.002, 0.008)) * h;
            rects.push((x, y, x + len, y + thick, rng.range((0.0, 80.0))));
        }
        Clutter {
            base: rng.range((120.0, 200.0)),
            rects,
        }
    }

    fn at(&self, x: f64, y: f64) -> f64 {
        self.rects
            .iter()
            .rev()
            .find(|&&(x0, y0, x1, y1, _)| (x0..x1).contains(&x) && (y0..y1).contains(&y))
            .map_or(self.base, |r| r.4)
    }
}

/// Averages `len` samples along direction `angle` (radians).
fn motion_blur(img: &GrayImage, len: f64, angle: f64) -> GrayImage {
    let n = len.round() as i64;
    let (dx, dy) = (angle.cos(), angle.sin());
    let (w, h) = (i64::from(img.width()), i64::from(img.height()));
    let offsets: Vec<(i64, i64)> = (0..n)
        .map(|i| {
            let t = i as f64 - (n - 1) as f64 / 2.0;
            ((t * dx).round() as i64, (t * dy).round() as i64)
        })
        .collect();
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let sum: u32 = offsets
            .iter()
            .map(|&(ox, oy)| {
                let sx = (i64::from(x) + ox).clamp(0, w - 1) as u32;
                let sy = (i64::from(y) + oy).clamp(0, h - 1) as u32;
                u32::from(img.get_pixel(sx, sy).0[0])
            })
            .sum();
        Luma([(sum / n as u32) as u8])
    })
}

/// A soft shadow edge across the frame, a vignette, and sensor noise.
fn light_and_noise(img: &mut GrayImage, level: &Level, rng: &mut Rng) {
    let (w, h) = (f64::from(img.width()), f64::from(img.height()));
    let dir = rng.range((0.0, std::f64::consts::TAU));
    let (nx, ny) = (dir.cos(), dir.sin());
    let offset = rng.range((-0.3, 0.3)) * w.max(h);
    let softness = rng.range((0.05, 0.3)) * w.max(h);
    let depth = rng.range((0.3, 1.0)) * level.shadow;
    let (cx, cy, r2) = (w / 2.0, h / 2.0, (w * w + h * h) / 4.0);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (x, y) = (f64::from(x), f64::from(y));
        let d = ((x - cx) * nx + (y - cy) * ny - offset) / softness;
        let shadow = depth / (1.0 + (-d).exp());
        let vignette = 1.0 - 0.25 * ((x - cx).powi(2) + (y - cy).powi(2)) / r2;
        let v = f64::from(p.0[0]) * (1.0 - shadow) * vignette + level.noise * rng.normal();
        p.0[0] = v.clamp(0.0, 255.0) as u8;
    }
}

/// The projective map taking `from[i]` to `to[i]` (i = 0..4), as the 3×3
/// matrix with h33 = 1, by solving the usual 8×8 linear system.
fn homography(from: &[(f64, f64); 4], to: &[(f64, f64); 4]) -> [f64; 9] {
    let mut a = [[0.0f64; 9]; 8];
    for i in 0..4 {
        let ((x, y), (u, v)) = (from[i], to[i]);
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    // Gauss–Jordan elimination with partial pivoting.
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .expect("rows left");
        a.swap(col, pivot);
        let pivot_row = a[col];
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    let mut m = [1.0; 9];
    for (i, (mi, row)) in m.iter_mut().zip(&a).enumerate() {
        *mi = row[8] / row[i];
    }
    m
}

fn apply(m: &[f64; 9], x: f64, y: f64) -> (f64, f64) {
    let w = m[6] * x + m[7] * y + m[8];
    (
        (m[0] * x + m[1] * y + m[2]) / w,
        (m[3] * x + m[4] * y + m[5]) / w,
    )
}

#[allow(dead_code)] // the scan tests include this file for `photo` alone
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("usage: synth_photos OUT_DIR [COUNT per level, default 10] [SEED, default 1]");
        std::process::exit(2);
    };
    let count: u32 = args.next().map_or(10, |s| s.parse().expect("COUNT"));
    let seed: u64 = args.next().map_or(1, |s| s.parse().expect("SEED"));
    for (li, level) in LEVELS.iter().enumerate() {
        let dir = Path::new(&out).join(level.name);
        std::fs::create_dir_all(&dir).expect("create output folder");
        for i in 0..count {
            let mut rng = Rng::new((seed << 40) ^ ((li as u64) << 32) ^ u64::from(i));
            let text = payload(&mut rng);
            let jpeg = photo(&text, level, &mut rng);
            std::fs::write(dir.join(format!("{i:03}.jpg")), jpeg).expect("write photo");
            std::fs::write(dir.join(format!("{i:03}.txt")), &text).expect("write text");
        }
        eprintln!("{}: {count} photos in {}", level.name, dir.display());
    }
}
