//! Decoding an image file into pixels under explicit limits.

use std::io::{self, BufRead, Cursor, Read, Seek};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use super::budget::{self, MEMORY_BUDGET, Reservation};
use super::gray::Gray;
use super::limits::{ScanError, ScanLimits, SizeLimit, scan_bytes_needed};
use super::webp;

/// What an image will cost, learned from its header alone: nothing the
/// size of the picture has been allocated yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Plan {
    format: ImageFormat,
    pub(super) width: u32,
    pub(super) height: u32,
    /// Peak bytes while decoding: the decoder's output and working
    /// buffers, then the grey copy made from them.
    decode_bytes: u64,
    /// Peak bytes while scanning the grey picture (see `scan_bytes_needed`).
    pub(super) scan_bytes: u64,
}

/// Bytes of metadata (ICC profiles, text chunks) a PNG decoder may hold
/// besides the pixels; more is refused as corrupt.
const METADATA_BYTES: u64 = 8 << 20;

/// Reads the header of the image in `reader` and prices its decoding.
/// The reader is left anywhere; `decode` starts from the beginning.
pub(super) fn plan<R: BufRead + Seek>(
    mut reader: R,
    limits: &ScanLimits,
    path: Option<&Path>,
) -> Result<Plan, ScanError> {
    let image_reader = ImageReader::new(&mut reader)
        .with_guessed_format()
        .map_err(|e| io_error(e, path))?;
    let Some(format) = image_reader.format() else {
        return Err(ScanError::NotAnImage);
    };
    let (width, height, decode_bytes) = if format == ImageFormat::Jpeg {
        reader.rewind().map_err(|e| io_error(e, path))?;
        jpeg_plan(&mut reader, path)?
    } else {
        let decoder = header_decoder(image_reader, format, path)?;
        let (w, h) = decoder.dimensions();
        let (wu, hu) = (u64::from(w), u64::from(h));
        // `image` decoders may hold a scratch buffer as large as their
        // output (GIF frames, WebP canvases), then the grey copy follows.
        let mut bytes = 2 * decoder.total_bytes() + wu * hu + METADATA_BYTES;
        if format == ImageFormat::WebP {
            // libwebp, lossless (VP8L decodes to 4-byte ARGB) or lossy, into
            // the Y, U and V planes.
            bytes = bytes.max(wu * hu * 4 + wu * hu * 3 / 2 + 64 * wu);
        }
        (w, h, bytes)
    };
    let scan_bytes = scan_bytes_needed(width as usize, height as usize);
    Ok(Plan {
        format,
        width,
        height,
        decode_bytes: decode_bytes.max(scan_bytes),
        scan_bytes,
    })
    .and_then(|plan| plan.check_sides(limits))
}

impl Plan {
    /// Whether decoding reads the whole file into memory (libwebp does).
    pub(super) fn reads_whole(&self) -> bool {
        self.format == ImageFormat::WebP
    }

    fn check_sides(self, limits: &ScanLimits) -> Result<Plan, ScanError> {
        if self.width > limits.max_width || self.height > limits.max_height {
            return Err(ScanError::TooLarge {
                width: self.width,
                height: self.height,
                limit: SizeLimit::Sides {
                    max_width: limits.max_width,
                    max_height: limits.max_height,
                },
            });
        }
        Ok(self)
    }

    /// Reserves what decoding needs, plus `held` bytes the caller keeps
    /// in memory meanwhile (the file), from the process-wide budget:
    /// waits while other images hold it, refuses an image that can never
    /// fit.
    pub(super) fn reserve(&self, held: u64, limits: &ScanLimits) -> Result<Reservation, ScanError> {
        let needed = self.decode_bytes + held;
        let limit = limits.max_alloc.min(MEMORY_BUDGET);
        let too_large = || ScanError::TooLarge {
            width: self.width,
            height: self.height,
            limit: SizeLimit::Memory { needed, limit },
        };
        if needed > limit {
            return Err(too_large());
        }
        budget::reserve(needed).ok_or_else(too_large)
    }
}

/// Decodes the image `plan` was made from into its luma. The header is
/// read again and must give the same plan (a file rewritten in between
/// would otherwise be decoded under another one's reservation).
pub(super) fn decode<R: BufRead + Seek>(
    mut reader: R,
    planned: &Plan,
    limits: &ScanLimits,
    path: Option<&Path>,
) -> Result<Gray, ScanError> {
    let again = plan(&mut reader, limits, path)?;
    if &again != planned {
        return Err(ScanError::Corrupt("image changed while being read".into()));
    }
    reader.rewind().map_err(|e| io_error(e, path))?;
    let format = planned.format;
    let gray = if format == ImageFormat::Jpeg {
        jpeg_luma(reader, planned, path)?
    } else if format == ImageFormat::WebP {
        // libwebp wants the file in memory: a copy the caller reserved
        // (`Plan::reads_whole`).
        let mut bytes = Vec::new();
        reader
            .take(limits.max_alloc.min(MEMORY_BUDGET))
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(e, path))?;
        let size = (planned.width as usize, planned.height as usize);
        match webp::luma(&bytes, size) {
            Some(gray) => gray,
            // The pure-Rust decoder, from the bytes already read.
            None => decode_image(Cursor::new(bytes), planned, path)?,
        }
    } else {
        decode_image(reader, planned, path)?
    };
    if (gray.w, gray.h) != (planned.width as usize, planned.height as usize) {
        return Err(ScanError::Corrupt(
            "image size differs from its header".into(),
        ));
    }
    Ok(gray)
}

/// The `image` decoder for `format`, after its header only. Its own
/// allowance covers metadata, not pixels: those are priced by `plan`.
fn header_decoder<'a, R: BufRead + Seek + 'a>(
    mut reader: ImageReader<R>,
    format: ImageFormat,
    path: Option<&Path>,
) -> Result<impl ImageDecoder + 'a, ScanError> {
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(METADATA_BYTES);
    reader.limits(header_limits);
    reader
        .into_decoder()
        .map_err(|e| image_error(e, &format_name(format), path))
}

fn format_name(format: ImageFormat) -> String {
    format
        .extensions_str()
        .first()
        .map_or_else(|| format!("{format:?}"), |ext| ext.to_uppercase())
}

/// Decodes any other format through `image`, within the planned bytes.
fn decode_image<R: BufRead + Seek>(
    reader: R,
    plan: &Plan,
    path: Option<&Path>,
) -> Result<Gray, ScanError> {
    let name = format_name(plan.format);
    let mut decoder = header_decoder(
        ImageReader::with_format(reader, plan.format),
        plan.format,
        path,
    )?;
    let mut full = Limits::default();
    full.max_alloc = Some(plan.decode_bytes);
    // The output buffer counts against the allowance, as in
    // `ImageReader::decode`; what remains bounds the decoder's own scratch.
    full.reserve(decoder.total_bytes())
        .map_err(|e| image_error(e, &name, path))?;
    decoder
        .set_limits(full)
        .map_err(|e| image_error(e, &name, path))?;
    let img = DynamicImage::from_decoder(decoder).map_err(|e| image_error(e, &name, path))?;
    Ok(Gray::from_owned(img))
}

/// A JPEG's frame as far as memory goes: size, sampling factors, and
/// whether the decoder must keep every coefficient of the picture.
fn jpeg_plan<R: Read + Seek>(
    reader: &mut R,
    path: Option<&Path>,
) -> Result<(u32, u32, u64), ScanError> {
    let frame = jpeg_frame(reader).map_err(|e| io_error(e, path))?;
    let Some(f) = frame else {
        // No frame before the first scan: let the decoder word the defect.
        return Ok((0, 0, 0));
    };
    let (w, h) = (u64::from(f.width), u64::from(f.height));
    let hmax = f
        .sampling
        .iter()
        .map(|s| u64::from(s.0))
        .max()
        .unwrap_or(1)
        .max(1);
    let vmax = f
        .sampling
        .iter()
        .map(|s| u64::from(s.1))
        .max()
        .unwrap_or(1)
        .max(1);
    let (mcu_x, mcu_y) = (w.div_ceil(8 * hmax), h.div_ceil(8 * vmax));
    let blocks: u64 = f
        .sampling
        .iter()
        .map(|&(hs, vs)| mcu_x * mcu_y * u64::from(hs.max(1)) * u64::from(vs.max(1)))
        .sum();
    // zune-jpeg keeps every block's 64 i16 coefficients for progressive
    // files and for those whose components come in separate scans;
    // otherwise one row of MCUs at a time.
    let coefficients = if f.progressive || f.first_scan < f.sampling.len() {
        blocks * 64 * 2
    } else {
        mcu_x * 8 * hmax * 8 * vmax * f.sampling.len() as u64 * 4
    };
    Ok((
        f.width.into(),
        f.height.into(),
        w * h + coefficients + (1 << 20),
    ))
}

struct JpegFrame {
    width: u16,
    height: u16,
    progressive: bool,
    /// (horizontal, vertical) sampling factor of each component.
    sampling: Vec<(u8, u8)>,
    /// Components in the first scan.
    first_scan: usize,
}

/// Walks the JPEG markers up to the first scan header; `None` for a file
/// that is not laid out as a JPEG (the decoder then says why).
fn jpeg_frame<R: Read + Seek>(r: &mut R) -> io::Result<Option<JpegFrame>> {
    let mut byte = || -> io::Result<u8> {
        let mut b = [0u8; 1];
        r.read_exact(&mut b)?;
        Ok(b[0])
    };
    if (byte()?, byte()?) != (0xFF, 0xD8) {
        return Ok(None);
    }
    let mut frame: Option<JpegFrame> = None;
    let mut b = [0u8; 1];
    loop {
        // Stray bytes between segments are skipped, as decoders do.
        r.read_exact(&mut b)?;
        if b[0] != 0xFF {
            continue;
        }
        let mut marker = 0xFF;
        while marker == 0xFF {
            r.read_exact(&mut b)?;
            marker = b[0];
        }
        // Markers without a length.
        if marker == 0x01 || (0xD0..=0xD8).contains(&marker) {
            continue;
        }
        if marker == 0xD9 {
            return Ok(None);
        }
        let mut len = [0u8; 2];
        r.read_exact(&mut len)?;
        let len = u16::from_be_bytes(len);
        let Some(body_len) = len.checked_sub(2) else {
            return Ok(None);
        };
        let mut body = vec![0u8; usize::from(body_len)];
        match marker {
            0xC0..=0xCF if ![0xC4, 0xC8, 0xCC].contains(&marker) => {
                r.read_exact(&mut body)?;
                if body.len() < 6 {
                    return Ok(None);
                }
                let n = usize::from(body[5]);
                let comps = body.get(6..6 + 3 * n).unwrap_or_default();
                frame = Some(JpegFrame {
                    height: u16::from_be_bytes([body[1], body[2]]),
                    width: u16::from_be_bytes([body[3], body[4]]),
                    progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
                    sampling: comps
                        .chunks_exact(3)
                        .map(|c| (c[1] >> 4, c[1] & 15))
                        .collect(),
                    first_scan: 0,
                });
            }
            0xDA => {
                r.read_exact(&mut body)?;
                return Ok(frame.map(|f| JpegFrame {
                    first_scan: body.first().map_or(0, |&n| usize::from(n)),
                    ..f
                }));
            }
            _ => {
                r.seek_relative(i64::from(body_len))?;
            }
        }
    }
}

/// Decodes only the luma of a JPEG (what phones write). Asking zune-jpeg
/// (the decoder `image` itself uses) for luma skips chroma upsampling and
/// color conversion: measured 2x faster on a 12 MP photo than decoding to
/// RGB and converting.
fn jpeg_luma<R: BufRead + Seek>(
    reader: R,
    plan: &Plan,
    path: Option<&Path>,
) -> Result<Gray, ScanError> {
    // JPEG dimensions are 16-bit. The decoder's own dimension limits are
    // left at that: `plan` has priced the picture already.
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX));
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(reader, options);
    let corrupt = |e: zune_jpeg::errors::DecodeErrors| match e {
        zune_jpeg::errors::DecodeErrors::IoErrors(
            zune_core::bytestream::ZByteIoError::StdIoError(e),
        ) => io_error(e, path),
        zune_jpeg::errors::DecodeErrors::IoErrors(_) => {
            ScanError::Corrupt("image data is truncated".into())
        }
        e => ScanError::Corrupt(one_line(&format!("JPEG: {e}"))),
    };
    decoder.decode_headers().map_err(corrupt)?;
    let info = decoder.info().ok_or_else(corrupt_header)?;
    let (w, h) = (usize::from(info.width), usize::from(info.height));
    // Only the frame `plan` priced may be decoded: a layout the marker
    // walk did not follow must not allocate unpriced.
    if (w, h) != (plan.width as usize, plan.height as usize) || w * h == 0 {
        return Err(corrupt_header());
    }
    let px = decoder.decode().map_err(corrupt)?;
    if px.len() != w * h {
        return Err(corrupt_header());
    }
    Ok(Gray { w, h, px })
}

fn corrupt_header() -> ScanError {
    ScanError::Corrupt("JPEG: no frame header".into())
}

fn io_error(e: io::Error, path: Option<&Path>) -> ScanError {
    match path {
        // A file that ends early is a broken image, not an I/O failure.
        _ if e.kind() == io::ErrorKind::UnexpectedEof => {
            ScanError::Corrupt("image data is truncated".into())
        }
        Some(path) => ScanError::Io {
            path: path.to_owned(),
            source: e,
        },
        None => ScanError::Corrupt(e.to_string()),
    }
}

fn image_error(e: ImageError, format: &str, path: Option<&Path>) -> ScanError {
    match e {
        ImageError::IoError(e) => io_error(e, path),
        // The pixels were priced from the header; this is metadata beyond
        // METADATA_BYTES, or a decoder wanting more than its header said.
        ImageError::Limits(_) => {
            ScanError::Corrupt(format!("{format} image exceeds decoding limits"))
        }
        ImageError::Unsupported(_) => ScanError::UnsupportedFormat(format.to_owned()),
        // The decoder's own message names the format and the defect.
        other => ScanError::Corrupt(one_line(&other.to_string())),
    }
}

/// Decoder messages occasionally span lines, and the PNG decoder's embed
/// a `Debug` dump of the chunk type; the CLI prints one short line.
fn one_line(s: &str) -> String {
    let mut s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    // "ChunkType { type: IDAT, critical: true, ... }" → "IDAT"
    const DUMP: &str = "ChunkType { type: ";
    while let Some(start) = s.find(DUMP) {
        let rest = &s[start + DUMP.len()..];
        let (Some(comma), Some(close)) = (rest.find(','), rest.find('}')) else {
            break;
        };
        let name = rest[..comma.min(close)].to_owned();
        s.replace_range(start..start + DUMP.len() + close + 1, &name);
    }
    s
}
