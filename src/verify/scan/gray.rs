//! Grayscale working copies of an image and the cheap transforms the
//! detectors are retried on (thresholds, scaling, blur, rotation).

use image::DynamicImage;

/// An 8-bit grayscale image, row-major; 0 is black.
#[derive(Clone)]
pub(super) struct Gray {
    pub(super) w: usize,
    pub(super) h: usize,
    pub(super) px: Vec<u8>,
}

impl Gray {
    /// Luma of `img` (Rec. 601 weights), with transparency composited over
    /// white. The common 8-bit layouts are converted here in integer
    /// arithmetic: `image`'s generic conversion took 40 ms on a 12 MP
    /// photo, a third of the time budget for one.
    pub(super) fn from_image(img: &DynamicImage) -> Gray {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let luma = |r: u8, g: u8, b: u8| {
            ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b) + 128) >> 8) as u8
        };
        let over_white = |l: u8, a: u8| {
            let (l, a) = (u16::from(l), u16::from(a));
            ((l * a + 255 * (255 - a)) / 255) as u8
        };
        let px = match img {
            DynamicImage::ImageLuma8(g) => g.as_raw().clone(),
            DynamicImage::ImageRgb8(rgb) => rgb
                .as_raw()
                .chunks_exact(3)
                .map(|p| luma(p[0], p[1], p[2]))
                .collect(),
            DynamicImage::ImageRgba8(rgba) => rgba
                .as_raw()
                .chunks_exact(4)
                .map(|p| over_white(luma(p[0], p[1], p[2]), p[3]))
                .collect(),
            _ if img.color().has_alpha() => img
                .to_luma_alpha8()
                .pixels()
                .map(|p| over_white(p.0[0], p.0[1]))
                .collect(),
            _ => img.to_luma8().into_raw(),
        };
        Gray { w, h, px }
    }

    /// Like [`Gray::from_image`], without copying an 8-bit grey picture.
    pub(super) fn from_owned(img: DynamicImage) -> Gray {
        match img {
            DynamicImage::ImageLuma8(g) => Gray {
                w: g.width() as usize,
                h: g.height() as usize,
                px: g.into_raw(),
            },
            img => Gray::from_image(&img),
        }
    }

    pub(super) fn map(&self, f: impl Fn(u8) -> u8) -> Gray {
        Gray {
            px: self.px.iter().map(|&v| f(v)).collect(),
            ..*self
        }
    }

    /// Binarizes at Otsu's threshold: the gray level that best separates
    /// the histogram into two classes (maximum between-class variance).
    pub(super) fn otsu(&self) -> Gray {
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
    pub(super) fn adaptive(&self, r: usize) -> Gray {
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
    ///
    /// Row by row with the interior free of edge tests: on a 12 MP photo
    /// this view is built for every image that the reduced views miss,
    /// and the per-pixel clamping it replaced cost ~35 ms of it.
    pub(super) fn blur3(&self) -> Gray {
        let (w, h) = (self.w, self.h);
        if w == 0 || h == 0 {
            return self.clone();
        }
        // Horizontal sums of three (≤ 765, fits u16), one row at a time.
        let hsum = |y: usize, out: &mut [u16]| {
            let src = &self.px[y * w..][..w];
            if w == 1 {
                out[0] = 3 * u16::from(src[0]);
                return;
            }
            out[0] = 2 * u16::from(src[0]) + u16::from(src[1]);
            for (o, t) in out[1..w - 1].iter_mut().zip(src.windows(3)) {
                *o = u16::from(t[0]) + u16::from(t[1]) + u16::from(t[2]);
            }
            out[w - 1] = u16::from(src[w - 2]) + 2 * u16::from(src[w - 1]);
        };
        // rows[0] = row y - 1 (clamped), rows[1] = row y, rows[2] = y + 1.
        let mut first = vec![0u16; w];
        hsum(0, &mut first);
        let mut rows = [first.clone(), first, vec![0u16; w]];
        let mut px = vec![0u8; w * h];
        for (y, out) in px.chunks_exact_mut(w).enumerate() {
            if y + 1 < h {
                hsum(y + 1, &mut rows[2]);
            } else {
                let (done, last) = rows.split_at_mut(2);
                last[0].copy_from_slice(&done[1]);
            }
            for (((o, &a), &b), &c) in out.iter_mut().zip(&rows[0]).zip(&rows[1]).zip(&rows[2]) {
                // x / 9 for x ≤ 2295, exact: (x * 7282) >> 16.
                *o = (((u32::from(a) + u32::from(b) + u32::from(c)) * 7282) >> 16) as u8;
            }
            rows.rotate_left(1);
        }
        Gray { w, h, px }
    }

    /// Box-filter reduction by an integer factor; edge blocks that are cut
    /// short are averaged over the pixels they have.
    ///
    /// Sums each band of `factor` rows into one row of block sums, walking
    /// the pixels in order: the per-pixel division and scattered writes it
    /// replaced cost ~25 ms on a 12 MP photo, for each reduced view.
    pub(super) fn downscale(&self, factor: usize) -> Gray {
        let f = factor.max(1);
        let (w, h) = (self.w.div_ceil(f), self.h.div_ceil(f));
        let mut px = Vec::with_capacity(w * h);
        let mut sums = vec![0u32; w];
        for band in self.px.chunks(f * self.w.max(1)) {
            sums.fill(0);
            for row in band.chunks_exact(self.w) {
                for (s, block) in sums.iter_mut().zip(row.chunks(f)) {
                    *s += block.iter().map(|&v| u32::from(v)).sum::<u32>();
                }
            }
            let rows = (band.len() / self.w) as u32;
            for (x, &s) in sums.iter().enumerate() {
                let cols = (self.w - x * f).min(f) as u32;
                px.push((s / (rows * cols)) as u8);
            }
        }
        Gray { w, h, px }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn noise(w: usize, h: usize, seed: u64) -> Gray {
        let mut state = seed;
        let px = (0..w * h)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                (state >> 56) as u8
            })
            .collect();
        Gray { w, h, px }
    }

    #[test]
    fn blur_and_downscale_match_brute_force() {
        for (w, h) in [(1, 1), (1, 5), (5, 1), (2, 2), (23, 17), (64, 9)] {
            let g = noise(w, h, (w * 31 + h) as u64);
            let b = g.blur3();
            for y in 0..h {
                for x in 0..w {
                    let mut sum = 0u32;
                    for dy in [-1i64, 0, 1] {
                        for dx in [-1i64, 0, 1] {
                            let yy = (y as i64 + dy).clamp(0, h as i64 - 1) as usize;
                            let xx = (x as i64 + dx).clamp(0, w as i64 - 1) as usize;
                            sum += u32::from(g.px[yy * w + xx]);
                        }
                    }
                    assert_eq!(
                        b.px[y * w + x],
                        (sum / 9) as u8,
                        "blur {w}x{h} at ({x}, {y})"
                    );
                }
            }
            for f in 1..=5 {
                let d = g.downscale(f);
                assert_eq!((d.w, d.h), (w.div_ceil(f), h.div_ceil(f)));
                for by in 0..d.h {
                    for bx in 0..d.w {
                        let (mut sum, mut n) = (0u32, 0u32);
                        for y in by * f..((by + 1) * f).min(h) {
                            for x in bx * f..((bx + 1) * f).min(w) {
                                sum += u32::from(g.px[y * w + x]);
                                n += 1;
                            }
                        }
                        assert_eq!(d.px[by * d.w + bx], (sum / n) as u8, "downscale {f}");
                    }
                }
            }
        }
    }

    #[test]
    fn fallback_transforms_keep_geometry() {
        let g = Gray {
            w: 3,
            h: 2,
            px: vec![0, 1, 2, 3, 4, 5],
        };
        let d = g.downscale(2);
        // Blocks {0,1,3,4} and the cut-short {2,5}.
        assert_eq!((d.w, d.h, d.px), (2, 1, vec![2, 3]));
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
