//! Image bombs (issue 13, route 12): small files whose headers claim huge
//! pictures, alone and many per call, are refused from the header with a
//! line naming the file, its size and the limit, and `payqr verify` stays
//! within its memory budget; large legitimate photos are still read.
//!
//! Peak memory is the child's `ru_maxrss` (wait4), so parallel tests do
//! not mix. Linux carries the spawning process's resident size across
//! fork/exec into it, so it is an upper bound of payqr's own peak (this
//! test process stays well under the bound). Before the budget, one
//! 16384² grey+alpha PNG took 1.3 GB, a progressive JPEG header 1.8 GB.

mod common;
use common::*;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

/// Peak resident memory allowed to one `payqr verify` in these tests. The
/// release build stays under 256 MB (benches/hostile_images.sh); this is
/// the debug build, whose code and unoptimized buffers weigh a little
/// more. Far below what the bombs took before (285 MB to 2.6 GB).
const MAX_RSS_MB: u64 = 280;

struct Measured {
    code: i32,
    stdout: String,
    stderr: String,
    max_rss_mb: u64,
}

/// Runs payqr in `dir` and reports its exit code, output and peak RSS.
fn payqr_measured(dir: &Path, args: &[&str]) -> Measured {
    let mut child = common::command()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn payqr");
    // Drained on threads: a full pipe must not stall the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).unwrap();
        s
    });
    let (code, max_rss_mb) = wait_rusage(child);
    Measured {
        code,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        max_rss_mb,
    }
}

#[cfg(target_os = "linux")]
fn wait_rusage(child: std::process::Child) -> (i32, u64) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain syscall on our own child; both out-pointers are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // ru_maxrss is in KiB on Linux.
    (code, usage.ru_maxrss as u64 / 1024)
}

// Elsewhere no peak memory is measured (0 passes the bound): the refusals and
// exit codes are still checked; only Linux's wait4 gives a child's peak RSS.
#[cfg(not(target_os = "linux"))]
fn wait_rusage(mut child: std::process::Child) -> (i32, u64) {
    (child.wait().unwrap().code().unwrap_or(-1), 0)
}

/// A PNG of `w` × `h` zero pixels, compressed to almost nothing.
fn png_zeros(path: &Path, w: u32, h: u32, color: png::ColorType, depth: png::BitDepth) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut enc = png::Encoder::new(file, w, h);
    enc.set_color(color);
    enc.set_depth(depth);
    enc.set_compression(png::Compression::High);
    let mut writer = enc.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let bits = color.samples() * depth as usize;
    let row = vec![0u8; (w as usize * bits).div_ceil(8)];
    for _ in 0..h {
        stream.write_all(&row).unwrap();
    }
    stream.finish().unwrap();
}

/// A JPEG header claiming `w` × `h` (1 or 3 components at 1x1 sampling)
/// and a few bytes of entropy data: lenient decoders fill in the rest.
fn jpeg_claiming(w: u16, h: u16, progressive: bool, components: u8) -> Vec<u8> {
    let seg = |marker: u8, data: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&(data.len() as u16 + 2).to_be_bytes());
        s.extend_from_slice(data);
        s
    };
    let mut out = vec![0xFF, 0xD8];
    let mut dqt = vec![0u8];
    dqt.extend_from_slice(&[1; 64]);
    out.extend(seg(0xDB, &dqt));
    let mut sof = vec![8];
    sof.extend_from_slice(&h.to_be_bytes());
    sof.extend_from_slice(&w.to_be_bytes());
    sof.push(components);
    for c in 0..components {
        sof.extend_from_slice(&[c + 1, 0x11, 0]);
    }
    out.extend(seg(if progressive { 0xC2 } else { 0xC0 }, &sof));
    // One 1-bit code for symbol 0 in a DC and an AC table.
    let mut counts = vec![1u8];
    counts.extend_from_slice(&[0; 15]);
    for class in [0x00, 0x10] {
        let mut dht = vec![class];
        dht.extend_from_slice(&counts);
        dht.push(0);
        out.extend(seg(0xC4, &dht));
    }
    let mut sos = vec![components];
    for c in 0..components {
        sos.extend_from_slice(&[c + 1, 0]);
    }
    sos.extend_from_slice(if progressive { &[0, 0, 0] } else { &[0, 63, 0] });
    out.extend(seg(0xDA, &sos));
    out.extend_from_slice(&[0; 64]);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// A one-frame GIF of `w` × `h` with almost no image data.
fn gif_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut out = b"GIF89a".to_vec();
    out.extend_from_slice(&w.to_le_bytes());
    out.extend_from_slice(&h.to_le_bytes());
    out.extend_from_slice(&[0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x2C, 0, 0, 0, 0]);
    out.extend_from_slice(&w.to_le_bytes());
    out.extend_from_slice(&h.to_le_bytes());
    out.extend_from_slice(&[0, 2, 2, 0x4C, 0x01, 0, 0x3B]);
    out
}

/// A 24-bit BMP header claiming `w` × `h`, with 4 KB of pixels.
fn bmp_claiming(w: i32, h: i32) -> Vec<u8> {
    let size = (w as u32) * 3 * (h as u32);
    let mut out = b"BM".to_vec();
    out.extend_from_slice(&(54u32.wrapping_add(size)).to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&54u32.to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&w.to_le_bytes());
    out.extend_from_slice(&h.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&24u16.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&[0; 16]);
    out.extend_from_slice(&[0; 4096]);
    out
}

/// A lossless WebP (VP8L) header claiming `w` × `h`, and no pixel data.
fn webp_claiming(w: u32, h: u32) -> Vec<u8> {
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

fn assert_refused(m: &Measured, name: &str, dims: &str) {
    assert_eq!(m.code, 2, "{name}: exit {}\n{}", m.code, m.stderr);
    let line = m
        .stderr
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("{name} not named:\n{}", m.stderr));
    assert!(
        line.contains(&format!("image is too large to scan: {dims} pixels"))
            && line.contains("limit"),
        "{line}"
    );
    assert!(!m.stderr.contains("panicked"), "{}", m.stderr);
}

#[test]
fn bombs_of_every_format_are_refused_from_the_header() {
    let d = setup();
    let p = d.path();
    png_zeros(
        &p.join("ga.png"),
        16384,
        16384,
        png::ColorType::GrayscaleAlpha,
        png::BitDepth::Eight,
    );
    png_zeros(
        &p.join("rgba16.png"),
        8192,
        8192,
        png::ColorType::Rgba,
        png::BitDepth::Sixteen,
    );
    std::fs::write(
        p.join("baseline.jpg"),
        jpeg_claiming(16384, 16384, false, 1),
    )
    .unwrap();
    std::fs::write(
        p.join("progressive.jpg"),
        jpeg_claiming(16384, 16384, true, 3),
    )
    .unwrap();
    // Within the old 512 MiB pixel allowance (11000² luma = 115 MB), but
    // a progressive 4:4:4 file keeps 2 bytes per coefficient: 726 MB.
    std::fs::write(
        p.join("prog-11000.jpg"),
        jpeg_claiming(11000, 11000, true, 3),
    )
    .unwrap();
    std::fs::write(p.join("anim.gif"), gif_claiming(16000, 16000)).unwrap();
    std::fs::write(p.join("big.bmp"), bmp_claiming(16384, 16384)).unwrap();
    std::fs::write(p.join("big.webp"), webp_claiming(16383, 16383)).unwrap();
    let cases = [
        ("ga.png", "16384x16384"),
        ("rgba16.png", "8192x8192"),
        ("baseline.jpg", "16384x16384"),
        ("progressive.jpg", "16384x16384"),
        ("prog-11000.jpg", "11000x11000"),
        ("anim.gif", "16000x16000"),
        ("big.bmp", "16384x16384"),
        ("big.webp", "16383x16383"),
    ];
    for (name, dims) in cases {
        let m = payqr_measured(p, &["verify", "--trust", "trust.json", name]);
        eprintln!("{name}: peak RSS {} MB", m.max_rss_mb);
        assert_refused(&m, name, dims);
        assert!(
            m.max_rss_mb <= MAX_RSS_MB,
            "{name}: peak RSS {} MB > {MAX_RSS_MB} MB",
            m.max_rss_mb
        );
    }
    // All in one call, each PNG six times: every file refused and named,
    // the others still judged, memory still bounded.
    let mut args = vec!["verify", "--trust", "trust.json"];
    for (name, _) in cases {
        args.push(name);
    }
    for _ in 0..5 {
        args.extend(["ga.png", "rgba16.png"]);
    }
    let m = payqr_measured(p, &args);
    eprintln!(
        "{} bombs at once: peak RSS {} MB",
        args.len() - 3,
        m.max_rss_mb
    );
    assert_eq!(m.code, 2, "{}", m.stderr);
    assert_eq!(
        m.stderr.matches("image is too large to scan").count(),
        cases.len() + 10,
        "{}",
        m.stderr
    );
    assert!(
        m.max_rss_mb <= MAX_RSS_MB,
        "all at once: peak RSS {} MB > {MAX_RSS_MB} MB",
        m.max_rss_mb
    );
}

/// A 4000 × 3000 picture (a 12 MP phone photo) with a payqr code in it.
fn photo_with_code(text: &str) -> image::GrayImage {
    let png = payqr::issue::render::encode(text).unwrap().to_png(12, 4);
    let code = image::load_from_memory(&png).unwrap().to_luma8();
    let mut img = image::GrayImage::from_pixel(4000, 3000, image::Luma([200]));
    image::imageops::replace(&mut img, &code, 1500, 1000);
    img
}

#[test]
fn large_legitimate_photos_are_still_read() {
    let d = setup();
    let p = d.path();
    let text = issue_one(p, "PHOTO-1", &[]);
    let gray = photo_with_code(&text);
    let rgb = image::DynamicImage::ImageLuma8(gray.clone()).to_rgb8();
    rgb.save(p.join("photo.png")).unwrap();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&rgb)
        .unwrap();
    std::fs::write(p.join("photo.jpg"), &jpeg).unwrap();
    // Six 12 MP photos per call: more than the budget holds at once, so
    // some wait for others; all are read.
    let mut args = vec!["verify", "--trust", "trust.json", "--at", DURING];
    for _ in 0..3 {
        args.extend(["photo.png", "photo.jpg"]);
    }
    let m = payqr_measured(p, &args);
    eprintln!("six 12 MP photos: peak RSS {} MB", m.max_rss_mb);
    assert_eq!(m.code, 0, "{}\n{}", m.stdout, m.stderr);
    assert_eq!(m.stdout.matches("VALID: ").count(), 6, "{}", m.stdout);
    assert!(
        m.max_rss_mb <= MAX_RSS_MB,
        "six photos: peak RSS {} MB > {MAX_RSS_MB} MB",
        m.max_rss_mb
    );
}
