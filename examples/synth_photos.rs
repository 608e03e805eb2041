//! Seeded synthetic "phone photos" of signed payqr codes, for
//! benches/photos.sh and the scan tests:
//!
//!     cargo run --release --example synth_photos -- OUT_DIR [COUNT] [SEED] [phone|classic]
//!
//! writes OUT_DIR/{easy,medium,hard}/NNN.jpg, each with NNN.txt holding the
//! payload the photo must read as. The same seed gives the same files.
//!
//! Two models. "phone" ([`phone_photo`], the default): the bill a plane in
//! 3D seen through a phone lens at any rotation and steep angles, a small
//! code in a 12 MP frame, grey ink on tinted paper with printed text around
//! the code, a light gradient and a shadow band, motion blur, noise, JPEG
//! quality down to 30. "classic" ([`photo`], the earlier set that
//! benches/NOTES.md's first figures and tests/scan_photos.rs use): corners
//! jittered in the image plane, one shadow edge, desk clutter.
// Test files include this one for some of its generators only.
#![allow(dead_code)]

use std::path::Path;

use image::{GrayImage, Luma};
use payqr::code::currency::Currency;
use payqr::code::{Code, CodeId, Kind};
use payqr::issue::render;

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

/// The second photo model (issue 14): a different camera, bill and light
/// from [`photo`]'s, along every axis a phone adds. The bill is a plane
/// in 3D, turned by any angle in itself and tilted away from the camera
/// (steep angles in hard), seen through a pinhole lens; the code is small
/// in a 12 MP frame; grey ink on tinted paper with printed text around the
/// code; a light gradient across the frame and the soft shadow band of the
/// phone or a hand across the code; motion blur along any direction;
/// sensor noise; colour JPEG at low quality.
#[derive(Debug, Clone, Copy)]
pub struct Phone {
    pub name: &'static str,
    pub frame: (u32, u32),
    /// Width of the code with its quiet zone, seen face-on, as a fraction
    /// of the frame's width.
    pub code_frac: (f64, f64),
    /// In-plane rotation in degrees, either way (180 = any angle).
    pub rotation: f64,
    /// Angle between the bill and the image plane, in degrees.
    pub tilt: (f64, f64),
    /// Gaussian blur sigma (focus) in pixels.
    pub blur: (f64, f64),
    /// Motion blur length in pixels, in any direction (< 1 = none).
    pub motion: (f64, f64),
    /// Light lost from one side of the frame to the other.
    pub gradient: (f64, f64),
    /// Light lost inside the shadow band.
    pub band: (f64, f64),
    /// Gray level of the ink and of the (tinted) paper under full light.
    pub ink: (f64, f64),
    pub paper: (f64, f64),
    /// Noise standard deviation in gray levels.
    pub noise: (f64, f64),
    pub jpeg_quality: (u8, u8),
}

pub const PHONE_LEVELS: [Phone; 3] = [
    Phone {
        name: "easy",
        frame: (1600, 1200),
        code_frac: (0.3, 0.5),
        rotation: 20.0,
        tilt: (0.0, 20.0),
        blur: (0.3, 1.0),
        motion: (0.0, 2.0),
        gradient: (0.0, 0.2),
        band: (0.0, 0.25),
        ink: (20.0, 60.0),
        paper: (200.0, 240.0),
        noise: (2.0, 5.0),
        jpeg_quality: (70, 90),
    },
    Phone {
        name: "medium",
        frame: (4000, 3000),
        code_frac: (0.12, 0.25),
        rotation: 180.0,
        tilt: (10.0, 45.0),
        blur: (0.6, 1.8),
        motion: (0.0, 6.0),
        gradient: (0.1, 0.4),
        band: (0.2, 0.5),
        ink: (50.0, 100.0),
        paper: (170.0, 225.0),
        noise: (5.0, 10.0),
        jpeg_quality: (45, 70),
    },
    Phone {
        name: "hard",
        frame: (4000, 3000),
        code_frac: (0.08, 0.15),
        rotation: 180.0,
        tilt: (30.0, 60.0),
        blur: (0.8, 2.2),
        motion: (3.0, 10.0),
        gradient: (0.2, 0.5),
        band: (0.3, 0.6),
        ink: (80.0, 130.0),
        paper: (160.0, 210.0),
        noise: (8.0, 14.0),
        jpeg_quality: (30, 60),
    },
];

/// Modules of printed text around the code's quiet zone, on the bill.
const TEXT_MARGIN: f64 = 8.0;

/// Renders one photo of `text` with the second model; returns JPEG bytes.
pub fn phone_photo(text: &str, level: &Phone, rng: &mut Rng) -> Vec<u8> {
    let symbol = render::encode(text).expect("payload fits a QR code");
    let (fw, fh) = (f64::from(level.frame.0), f64::from(level.frame.1));
    let quiet = f64::from(render::DEFAULT_QUIET_MODULES);
    let modules = symbol.width() as f64 + 2.0 * quiet;
    let bill = modules + 2.0 * TEXT_MARGIN;

    // The camera: a phone's wide lens (26 mm equivalent, focal length
    // ~0.75 of the frame width), the bill at the distance that makes the
    // code `code_frac` of the frame wide when seen face-on.
    let focal = 0.75 * fw;
    let code_px = rng.range(level.code_frac) * fw;
    let dist = focal * modules / code_px;
    let theta = rng.range((-level.rotation, level.rotation)).to_radians();
    let tilt = rng.range(level.tilt).to_radians();
    let axis = rng.range((0.0, std::f64::consts::PI));
    let (st, ct) = theta.sin_cos();
    let (sa, ca) = (tilt.sin(), tilt.cos());
    let (ax, ay) = (axis.cos(), axis.sin());
    let project = |u: f64, v: f64| {
        // Bill point, centred, turned in its plane...
        let (x, y) = (u - bill / 2.0, v - bill / 2.0);
        let (x, y) = (x * ct - y * st, x * st + y * ct);
        // ... tilted about the in-plane axis (ax, ay) (Rodrigues: the
        // component along the axis stays, the rest turns out of plane)...
        let along = x * ax + y * ay;
        let (px, py) = (x - along * ax, y - along * ay);
        let (x, y, z) = (along * ax + px * ca, along * ay + py * ca, px * sa);
        // ... and seen through the pinhole.
        (focal * x / (dist + z), focal * y / (dist + z))
    };
    let plane = [(0.0, 0.0), (bill, 0.0), (bill, bill), (0.0, bill)];
    let mut corners = plane.map(|(u, v)| project(u, v));
    let (x0, x1) = corners
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.0), b.max(c.0)));
    let (y0, y1) = corners
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.1), b.max(c.1)));
    // Anywhere in the frame, the bill whole (or centred if it is larger).
    let place = |lo: f64, hi: f64, size: f64, rng: &mut Rng| {
        let room = size - (hi - lo);
        if room > 0.0 {
            rng.range((0.0, room)) - lo
        } else {
            room / 2.0 - lo
        }
    };
    let (dx, dy) = (place(x0, x1, fw, rng), place(y0, y1, fh, rng));
    for c in &mut corners {
        *c = (c.0 + dx, c.1 + dy);
    }
    let to_plane = homography(&corners, &plane);

    let ink = rng.range(level.ink);
    let paper = rng.range(level.paper);
    let text_seed = rng.next_u64();
    let (lo, hi) = (TEXT_MARGIN, bill - TEXT_MARGIN);
    let dark = |u: f64, v: f64| {
        if (lo..hi).contains(&u) && (lo..hi).contains(&v) {
            let (mx, my) = (u - lo - quiet, v - lo - quiet);
            return mx >= 0.0 && my >= 0.0 && symbol.is_dark(mx as usize, my as usize);
        }
        printed_text(u, v, text_seed)
    };
    let clutter = Clutter::new(rng, level.frame.0, level.frame.1);
    let bbox = (x0 + dx - 2.0, x1 + dx + 2.0, y0 + dy - 2.0, y1 + dy + 2.0);
    let mut img = GrayImage::from_fn(level.frame.0, level.frame.1, |x, y| {
        let (x, y) = (f64::from(x), f64::from(y));
        let inside = |(u, v): (f64, f64)| (0.0..bill).contains(&u) && (0.0..bill).contains(&v);
        let near = (bbox.0..bbox.1).contains(&x) && (bbox.2..bbox.3).contains(&y);
        let v = if near && inside(apply(&to_plane, x + 0.5, y + 0.5)) {
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

    // Light: a linear gradient across the frame, and a soft-edged shadow
    // band through (near) the code's centre.
    let gdir = rng.range((0.0, std::f64::consts::TAU));
    let (gx, gy) = (gdir.cos(), gdir.sin());
    let gradient = rng.range(level.gradient);
    let span = fw.abs() * gx.abs() + fh * gy.abs();
    let bdir = rng.range((0.0, std::f64::consts::TAU));
    let (bx, by) = (bdir.cos(), bdir.sin());
    let (ccx, ccy) = ((x0 + x1) / 2.0 + dx, (y0 + y1) / 2.0 + dy);
    let width = x1 - x0;
    let boff = rng.range((-0.4, 0.4)) * width;
    let half = rng.range((0.15, 0.5)) * width;
    let soft = rng.range((0.03, 0.15)) * width;
    let depth = rng.range(level.band);
    let noise = rng.range(level.noise);
    let sig = |t: f64| 1.0 / (1.0 + (-t).exp());
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (x, y) = (f64::from(x), f64::from(y));
        let g = ((x - fw / 2.0) * gx + (y - fh / 2.0) * gy) / span + 0.5;
        let d = (x - ccx) * bx + (y - ccy) * by - boff;
        let band = depth * (sig((d + half) / soft) - sig((d - half) / soft));
        let v = f64::from(p.0[0]) * (1.0 - gradient * g) * (1.0 - band) + noise * rng.normal();
        p.0[0] = v.clamp(0.0, 255.0) as u8;
    }

    let quality = rng.range((
        f64::from(level.jpeg_quality.0),
        f64::from(level.jpeg_quality.1) + 1.0,
    )) as u8;
    // Tinted paper (cream, pink, green or blue), its luma kept: the ink
    // stays grey where it is dark, the tint shows where the paper is.
    let tints = [
        [1.0, 0.95, 0.8],
        [1.0, 0.88, 0.9],
        [0.9, 1.0, 0.88],
        [0.88, 0.95, 1.0],
    ];
    let tint = tints[(rng.next_u64() % 4) as usize];
    let luma = 0.299 * tint[0] + 0.587 * tint[1] + 0.114 * tint[2];
    let rgb = image::RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let v = f64::from(img.get_pixel(x, y).0[0]);
        let t = ((v - ink) / (paper - ink)).clamp(0.0, 1.0);
        image::Rgb(tint.map(|c| (v * (1.0 + t * (c / luma - 1.0))).clamp(0.0, 255.0) as u8))
    });
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    rgb.write_with_encoder(enc).expect("JPEG into memory");
    out
}

/// Whether bill coordinates (u, v), in modules, fall on a stroke of the
/// printed text: lines 1.6 modules tall every 2.6, "characters" 1.2 wide
/// made of 3×4 random cells, some of them spaces.
fn printed_text(u: f64, v: f64, seed: u64) -> bool {
    let (line, lv) = ((v / 2.6).floor(), v.rem_euclid(2.6));
    if lv > 1.6 {
        return false;
    }
    let (ch, cu) = ((u / 1.2).floor(), u.rem_euclid(1.2));
    if cu > 1.0 {
        return false;
    }
    let mut h = Rng::new(seed ^ ((line as i64 as u64) << 32) ^ (ch as i64 as u64));
    let cell = h.next_u64();
    if cell.is_multiple_of(7) {
        return false; // a space
    }
    let bit = (cu / 1.0 * 3.0) as u64 + 3 * (lv / 1.6 * 4.0) as u64;
    (cell >> (8 + bit.min(11))) & 1 == 1
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!(
            "usage: synth_photos OUT_DIR [COUNT per level, default 10] [SEED, default 1] [phone|classic, default phone]"
        );
        std::process::exit(2);
    };
    let count: u32 = args.next().map_or(10, |s| s.parse().expect("COUNT"));
    let seed: u64 = args.next().map_or(1, |s| s.parse().expect("SEED"));
    let classic = match args.next().as_deref() {
        None | Some("phone") => false,
        Some("classic") => true,
        Some(other) => {
            eprintln!("unknown model {other:?}: phone or classic");
            std::process::exit(2);
        }
    };
    let names = if classic {
        LEVELS.map(|l| l.name)
    } else {
        PHONE_LEVELS.map(|l| l.name)
    };
    for (li, name) in names.into_iter().enumerate() {
        let dir = Path::new(&out).join(name);
        std::fs::create_dir_all(&dir).expect("create output folder");
        // Photos in parallel: each has its own seeded generator, so the
        // files do not depend on the scheduling.
        use rayon::prelude::*;
        (0..count).into_par_iter().for_each(|i| {
            let mut rng = Rng::new((seed << 40) ^ ((li as u64) << 32) ^ u64::from(i));
            let text = payload(&mut rng);
            let jpeg = if classic {
                photo(&text, &LEVELS[li], &mut rng)
            } else {
                phone_photo(&text, &PHONE_LEVELS[li], &mut rng)
            };
            std::fs::write(dir.join(format!("{i:03}.jpg")), jpeg).expect("write photo");
            std::fs::write(dir.join(format!("{i:03}.txt")), &text).expect("write text");
        });
        eprintln!("{name}: {count} photos in {}", dir.display());
    }
}
