//! QR symbols for payload texts, rendered to PNG, SVG or a terminal.
//!
//! Payload texts (`PQ1:` + base45) consist only of characters from the QR
//! alphanumeric set, packed at 5.5 bits per character by this crate's own
//! encoder (`encoder`, written for the speed of batch issuance); a
//! typical 150–300 character payload fits a version 7–10 symbol at
//! error-correction level M. Other texts (EMV payloads) go through the
//! `qrcode` crate's segment optimiser.
//!
//! The renderers are written by hand rather than through `qrcode`'s or
//! `image`'s generic renderers: a QR symbol is a 1-bit picture, and writing
//! it as a 1-bit PNG or as one run-length SVG path is both faster and an
//! order of magnitude smaller than an 8-bit raster.

use qrcode::QrCode;
use thiserror::Error;

mod encoder;

/// Quiet zone (light border) in modules the QR specification asks for.
pub const DEFAULT_QUIET_MODULES: u32 = 4;

/// Upper bound for `module_px` in [`Symbol::to_png`] and [`Symbol::to_svg`].
/// Larger values are clamped: even a version 40 symbol at this scale is a
/// 11,000 px square, and the bound keeps every size computation far from
/// overflow.
pub const MAX_MODULE_PX: u32 = 64;

/// Upper bound for `quiet_modules`; larger values are clamped.
pub const MAX_QUIET_MODULES: u32 = 64;

/// Quiet zone of [`Symbol::to_terminal`]. Terminal cells are precious and
/// phone scanners cope well with 2 modules, so it is smaller than the
/// specification's 4.
const TERMINAL_QUIET_MODULES: usize = 2;

/// Error-correction level: how much of the symbol may be damaged or
/// obscured and still decode (approximately 7, 15, 25 and 30 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EcLevel {
    L,
    /// The default: a good trade between symbol size and robustness for
    /// printed bills and phone screens.
    #[default]
    M,
    Q,
    H,
}

impl From<EcLevel> for qrcode::EcLevel {
    fn from(ec: EcLevel) -> Self {
        match ec {
            EcLevel::L => qrcode::EcLevel::L,
            EcLevel::M => qrcode::EcLevel::M,
            EcLevel::Q => qrcode::EcLevel::Q,
            EcLevel::H => qrcode::EcLevel::H,
        }
    }
}

/// Why a text could not be turned into a QR symbol.
#[derive(Debug, Error)]
pub enum RenderError {
    #[error("text of {len} bytes is too long for a QR code at error-correction level {ec:?}")]
    TooLong { len: usize, ec: EcLevel },
    #[error("cannot encode QR code: {0}")]
    Encode(String),
}

/// An encoded QR symbol: a square of dark and light modules, without the
/// quiet zone (the renderers add it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    version: u8,
    width: usize,
    /// Row-major, `true` = dark.
    dark: Vec<bool>,
}

/// Encodes `text` at error-correction level M in the smallest symbol that
/// holds it.
pub fn encode(text: &str) -> Result<Symbol, RenderError> {
    encode_with(text, EcLevel::M)
}

/// Encodes `text` at the given error-correction level in the smallest
/// symbol that holds it.
///
/// Texts made only of QR alphanumeric characters (every `PQ1:` payload)
/// go through this crate's own encoder (`encoder`): one segment is then
/// optimal, and its mask choice is what decides the speed of batch
/// issuance (~39 µs a code against `qrcode`'s ~1,240, benches/NOTES.md).
/// Other texts go through `qrcode`, whose segment optimiser mixes numeric,
/// alphanumeric and byte segments into a smaller symbol than any single
/// mode would.
pub fn encode_with(text: &str, ec: EcLevel) -> Result<Symbol, RenderError> {
    if text.bytes().all(encoder::is_alphanumeric) {
        encoder::encode(text.as_bytes(), ec).ok_or(RenderError::TooLong {
            len: text.len(),
            ec,
        })
    } else {
        encode_segmented(text, ec)
    }
}

fn encode_segmented(text: &str, ec: EcLevel) -> Result<Symbol, RenderError> {
    let code = QrCode::with_error_correction_level(text, ec.into()).map_err(|e| match e {
        qrcode::types::QrError::DataTooLong => RenderError::TooLong {
            len: text.len(),
            ec,
        },
        other => RenderError::Encode(other.to_string()),
    })?;
    let version = match code.version() {
        qrcode::Version::Normal(v) => u8::try_from(v).ok(),
        // `with_error_correction_level` only produces normal symbols.
        qrcode::Version::Micro(_) => None,
    }
    .ok_or_else(|| RenderError::Encode("unexpected QR version".into()))?;
    let width = code.width();
    let dark = code
        .into_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok(Symbol {
        version,
        width,
        dark,
    })
}

/// Appends `n` (a module coordinate or run length) in decimal ASCII.
fn push_decimal(out: &mut Vec<u8>, n: usize) {
    crate::code::decimal::push_decimal(out, n as u64);
}

impl Symbol {
    /// QR version, 1..=40 (the symbol is `17 + 4 * version` modules wide).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Width (and height) in modules, without quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at column `x`, row `y` is dark. Coordinates
    /// outside the symbol are light, as the quiet zone around it is.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Same as [`is_dark`](Self::is_dark) in coordinates that include a
    /// quiet zone of `quiet` modules.
    fn is_dark_q(&self, x: usize, y: usize, quiet: usize) -> bool {
        match (x.checked_sub(quiet), y.checked_sub(quiet)) {
            (Some(x), Some(y)) => self.is_dark(x, y),
            _ => false,
        }
    }

    /// Renders the symbol as a 1-bit grayscale PNG, `module_px` pixels per
    /// module, with `quiet_modules` modules of light border on each side
    /// ([`DEFAULT_QUIET_MODULES`] is the specification's value).
    ///
    /// `module_px` is clamped to `1..=MAX_MODULE_PX` and `quiet_modules` to
    /// `..=MAX_QUIET_MODULES`, so this cannot fail.
    pub fn to_png(&self, module_px: u32, quiet_modules: u32) -> Vec<u8> {
        let scale = module_px.clamp(1, MAX_MODULE_PX) as usize;
        let quiet = quiet_modules.min(MAX_QUIET_MODULES) as usize;
        let modules = self.width + 2 * quiet;
        let side = modules * scale;

        // One packed row per module row, then repeated `scale` times: bits
        // are MSB first and 1 means white in 1-bit grayscale.
        let row_bytes = side.div_ceil(8);
        let mut data = Vec::with_capacity(row_bytes * side);
        let mut row = vec![0u8; row_bytes];
        for my in 0..modules {
            // Start white (padding bits included) and clear dark modules:
            // per module, not per pixel, since batch issuance renders
            // every code.
            row.fill(0xff);
            for mx in 0..modules {
                if self.is_dark_q(mx, my, quiet) {
                    for px in mx * scale..(mx + 1) * scale {
                        row[px / 8] &= !(0x80 >> (px % 8));
                    }
                }
            }
            for _ in 0..scale {
                data.extend_from_slice(&row);
            }
        }

        let mut out = Vec::with_capacity(data.len() / 8 + 128);
        // Both sizes are at most (177 + 128) * 64 < 20,000 thanks to the
        // clamps above, and writing to a Vec has no I/O errors, so the PNG
        // encoder has nothing left to reject.
        let side = side as u32;
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        // Fastest = the Up filter + fdeflate's fast mode. `Fast` tries all
        // five filters on every row; here each module row is repeated
        // `scale` times, so Up (zeros) is what it would pick anyway: 49 →
        // 29-39 µs a code in benches/stages.rs, files 6 % larger (1.8 KB).
        encoder.set_compression(png::Compression::Fastest);
        let mut writer = encoder
            .write_header()
            .expect("PNG header of a bounded-size image");
        writer
            .write_image_data(&data)
            .expect("PNG data of exactly the declared size");
        writer.finish().expect("PNG written to memory");
        out
    }

    /// Renders the symbol as a standalone SVG document: a white background
    /// and one black `<path>` made of horizontal runs of dark modules.
    ///
    /// The viewBox is in module units (quiet zone included) so the drawing
    /// scales without seams; `width`/`height` are `module_px` per module.
    /// The same clamps as [`to_png`](Self::to_png) apply.
    pub fn to_svg(&self, module_px: u32, quiet_modules: u32) -> String {
        let scale = module_px.clamp(1, MAX_MODULE_PX) as usize;
        let quiet = quiet_modules.min(MAX_QUIET_MODULES) as usize;
        let modules = self.width + 2 * quiet;
        let px = modules * scale;

        let path = self.svg_path(quiet);
        format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                "\n",
                r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" "#,
                r#"width="{px}" height="{px}" viewBox="0 0 {m} {m}" shape-rendering="crispEdges">"#,
                r##"<rect width="{m}" height="{m}" fill="#fff"/>"##,
                r##"<path fill="#000" d="{path}"/>"##,
                "</svg>\n"
            ),
            px = px,
            m = modules,
            path = path
        )
    }

    /// The dark modules as SVG path data in module units, offset by
    /// `quiet` modules: one `M x yhNv1h-Nz` rectangle per horizontal run,
    /// so a viewer draws no seams between neighbouring modules.
    pub fn svg_path(&self, quiet: usize) -> String {
        // Written byte by byte rather than with `write!`: the formatting
        // machinery cost ~60 µs a code for the ~700 runs of a version 9
        // symbol, a fifth of a batch's CPU per code (benches/NOTES.md).
        let mut path = Vec::with_capacity(self.width * self.width * 4);
        for (y, row) in self.dark.chunks_exact(self.width.max(1)).enumerate() {
            let mut x = 0;
            while x < row.len() {
                if !row[x] {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < row.len() && row[x] {
                    x += 1;
                }
                let len = x - start;
                path.push(b'M');
                push_decimal(&mut path, start + quiet);
                path.push(b' ');
                push_decimal(&mut path, y + quiet);
                path.push(b'h');
                push_decimal(&mut path, len);
                path.extend_from_slice(b"v1h-");
                push_decimal(&mut path, len);
                path.push(b'z');
            }
        }
        // Only ASCII digits and letters were pushed.
        String::from_utf8(path).unwrap_or_default()
    }

    /// Renders the symbol with Unicode half blocks, two module rows per
    /// line, with a 2-module quiet zone. Every line ends in `\n`.
    ///
    /// Convention: *light* modules are drawn as block characters and dark
    /// modules as spaces, so the terminal's background supplies the dark
    /// ink. That is right for the common dark-theme terminal (light glyphs
    /// on a dark background), and it is what `qrencode -t UTF8` does. On a
    /// light-theme terminal the symbol comes out inverted; most phone
    /// scanners (and [`crate::verify::scan`]) still read inverted codes.
    pub fn to_terminal(&self) -> String {
        let quiet = TERMINAL_QUIET_MODULES;
        let modules = self.width + 2 * quiet;
        let lines = modules.div_ceil(2);
        let mut out = String::with_capacity(lines * (modules * 3 + 1));
        for line in 0..lines {
            let (top, bottom) = (2 * line, 2 * line + 1);
            for x in 0..modules {
                let top_light = !self.is_dark_q(x, top, quiet);
                // The last line of an odd-height symbol has no bottom row;
                // leave that half as terminal background.
                let bottom_light = bottom < modules && !self.is_dark_q(x, bottom, quiet);
                out.push(match (top_light, bottom_light) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const BASE45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    /// A payload-like text: `PQ1:` and `len - 4` pseudo-random base45
    /// characters (deterministic, so failures reproduce). Shared with the
    /// scan tests.
    pub(crate) fn payload(len: usize, seed: u64) -> String {
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let mut s = String::from("PQ1:");
        while s.len() < len {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(BASE45[(state >> 33) as usize % BASE45.len()] as char);
        }
        s
    }

    #[test]
    fn png_round_trips_through_scan() {
        let text = payload(270, 1);
        let sym = encode(&text).unwrap();
        let png = sym.to_png(4, DEFAULT_QUIET_MODULES);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(crate::verify::scan::scan_bytes(&png).unwrap(), vec![text]);
    }

    #[test]
    fn both_encoders_produce_symbols_that_scan() {
        // Alphanumeric text takes the own encoder, anything else the
        // qrcode segment optimiser; both must read back exactly.
        for text in [
            payload(270, 7),
            "00020101021226 bill: 京A12345 ¥200".to_string(),
        ] {
            let sym = encode(&text).unwrap();
            assert_eq!(sym.width(), 17 + 4 * sym.version() as usize);
            let png = sym.to_png(4, DEFAULT_QUIET_MODULES);
            assert_eq!(crate::verify::scan::scan_bytes(&png).unwrap(), vec![text]);
        }
    }

    #[test]
    fn symbols_of_every_level_and_many_sizes_scan_back() {
        // The encoder is this crate's own; a second decoder (the scanner)
        // must read what it writes, from small to large versions.
        for (i, ec) in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H]
            .into_iter()
            .enumerate()
        {
            for len in [8, 60, 150, 270, 420] {
                let text = payload(len, 40 + i as u64);
                let sym = encode_with(&text, ec).unwrap();
                let png = sym.to_png(3, DEFAULT_QUIET_MODULES);
                assert_eq!(
                    crate::verify::scan::scan_bytes(&png).unwrap(),
                    vec![text],
                    "{ec:?} version {}",
                    sym.version()
                );
            }
        }
    }

    #[test]
    fn png_is_one_bit_with_expected_size() {
        let sym = encode("PQ1:HELLO").unwrap();
        let png = sym.to_png(3, 4);
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        let side = (sym.width() as u32 + 8) * 3;
        assert_eq!((info.width, info.height), (side, side));
        assert_eq!(info.bit_depth, png::BitDepth::One);
        assert_eq!(info.color_type, png::ColorType::Grayscale);
    }

    #[test]
    fn png_clamps_zero_scale() {
        let sym = encode("PQ1:X").unwrap();
        let png = sym.to_png(0, 0);
        let reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        assert_eq!(reader.info().width as usize, sym.width());
    }

    #[test]
    fn svg_structure() {
        let sym = encode(&payload(200, 2)).unwrap();
        let svg = sym.to_svg(5, 4);
        let px = (sym.width() + 8) * 5;
        let m = sym.width() + 8;
        assert!(svg.starts_with("<?xml version=\"1.0\""));
        assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains(&format!("width=\"{px}\" height=\"{px}\"")));
        assert!(svg.contains(&format!("viewBox=\"0 0 {m} {m}\"")));
        assert!(svg.contains("shape-rendering=\"crispEdges\""));
        assert_eq!(svg.matches("<path").count(), 1);
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.trim_end().ends_with("</svg>"));
        // The top-left finder pattern's first row is one run of 7 modules
        // starting inside the quiet zone.
        assert!(svg.contains("d=\"M4 4h7v1h-7z"));
        // Every dark module is covered by exactly one run.
        let d = svg.split("d=\"").nth(1).unwrap().split('"').next().unwrap();
        let covered: usize = d
            .split('h')
            .skip(1)
            .step_by(2)
            .map(|s| s.split('v').next().unwrap().parse::<usize>().unwrap())
            .sum();
        let dark = (0..sym.width())
            .flat_map(|y| (0..sym.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| sym.is_dark(x, y))
            .count();
        assert_eq!(covered, dark);
    }

    #[test]
    fn svg_path_is_the_run_list_written_with_format() {
        // The hand-written number formatting against `write!`, on symbols
        // whose coordinates reach three digits (quiet 64 + width 100+).
        use std::fmt::Write as _;
        for (len, quiet) in [(9, 0), (270, 4), (900, 64)] {
            let sym = encode(&payload(len, 11)).unwrap();
            let mut expected = String::new();
            for y in 0..sym.width() {
                let mut x = 0;
                while x < sym.width() {
                    let start = x;
                    while x < sym.width() && sym.is_dark(x, y) {
                        x += 1;
                    }
                    if x > start {
                        let n = x - start;
                        write!(expected, "M{} {}h{n}v1h-{n}z", start + quiet, y + quiet).unwrap();
                    } else {
                        x += 1;
                    }
                }
            }
            assert_eq!(sym.svg_path(quiet), expected);
        }
        let mut out = Vec::new();
        for n in [0, 7, 10, 99, 100, 12345, usize::MAX] {
            out.clear();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }

    #[test]
    fn terminal_shape() {
        let sym = encode("PQ1:TERMINAL").unwrap();
        let out = sym.to_terminal();
        let modules = sym.width() + 4;
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), modules.div_ceil(2));
        assert!(lines.iter().all(|l| l.chars().count() == modules));
        // First line is quiet zone only: all light, drawn as full blocks.
        assert!(lines[0].chars().all(|c| c == '█'));
        // Line 1 holds rows 2 and 3; at column 2 both are on the left edge
        // of the top-left finder pattern, dark, so terminal background.
        assert_eq!(lines[1].chars().nth(2), Some(' '));
        // Column 1 is quiet zone, light in both rows.
        assert_eq!(lines[1].chars().nth(1), Some('█'));
    }

    #[test]
    fn version_grows_with_length() {
        let versions: Vec<u8> = [20, 80, 150, 220, 300, 600]
            .iter()
            .map(|&n| encode(&payload(n, 3)).unwrap().version())
            .collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
        for v in &versions {
            assert!((1..=40).contains(v));
        }
        let sym = encode(&payload(150, 3)).unwrap();
        assert_eq!(sym.width(), 17 + 4 * sym.version() as usize);
    }

    #[test]
    fn alphanumeric_220_fits_version_8_at_m() {
        // Version 8-M holds 221 alphanumeric characters but only 152 bytes,
        // so this also proves the text is not encoded in byte mode.
        let sym = encode(&payload(220, 4)).unwrap();
        assert!(sym.version() <= 8, "version {}", sym.version());
    }

    #[test]
    fn higher_ec_needs_larger_symbol() {
        let text = payload(220, 5);
        let m = encode_with(&text, EcLevel::M).unwrap().version();
        let h = encode_with(&text, EcLevel::H).unwrap().version();
        assert!(h > m);
    }

    #[test]
    fn too_long_is_an_error() {
        let text = payload(5000, 6);
        assert!(matches!(
            encode(&text),
            Err(RenderError::TooLong { len: 5000, .. })
        ));
    }
}
