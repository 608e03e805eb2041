//! Where the time of batch issuance goes, stage by stage, one thread.
//!
//! Usage: cargo bench --bench stages -- FINES.csv KEY WORK_DIR [N]
//! (benches/batch.sh runs it). Prints one line per stage: microseconds
//! per code (median of 3 runs over the first N rows, default 10,000).
//! WORK_DIR must not exist yet: the file stages write into it.

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::FixedOffset;
use payqr::code::currency::Currency;
use payqr::code::{Kind, SignedCode};
use payqr::issue::batch::{self, BatchRow, Defaults};
use payqr::issue::render::{self, Symbol};
use payqr::trust::keys::IssuerKey;

const NOW: u64 = 1_795_392_000;

fn median_us(n: usize, mut f: impl FnMut()) -> f64 {
    let mut runs: Vec<f64> = (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e6 / n as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[1]
}

fn report(stage: &str, us: f64) {
    println!("{stage:<44} {us:>9.1} µs/code");
}

/// Writes each file as the batch does: temp name in its shard, write,
/// rename; one syncfs-equivalent (`sync`) at the end.
fn write_files(dir: &Path, files: &[(String, &[u8])]) {
    for (name, bytes) in files {
        let shard = dir.join(&name[..2]);
        let path = shard.join(name);
        let tmp = shard.join(format!(".{name}.tmp"));
        let mut f = std::fs::File::create(&tmp).expect("create");
        f.write_all(bytes).expect("write");
        drop(f);
        std::fs::rename(&tmp, &path).expect("rename");
    }
    std::process::Command::new("sync").status().expect("sync");
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [csv, key, work, rest @ ..] = args.as_slice() else {
        eprintln!("usage: stages FINES.csv KEY WORK_DIR [N]");
        std::process::exit(2);
    };
    let n: usize = rest.first().map_or(10_000, |s| s.parse().expect("N"));
    let csv = Path::new(csv);
    let work = PathBuf::from(work);
    let key = IssuerKey::load(Path::new(key)).expect("key");
    let tz = FixedOffset::east_opt(8 * 3600).expect("tz");
    let d = Defaults {
        kind: Some(Kind::Fine),
        currency: Currency::from_code("CNY"),
        payee: Some("110000-FINES".into()),
        expires_in: Some(30 * 86_400),
        expires_at: None,
        description: None,
        encoding: Default::default(),
    };
    let rows: Vec<BatchRow> = batch::rows(csv, &d, NOW, tz)
        .expect("rows")
        .take(n)
        .collect::<Result<_, _>>()
        .expect("valid rows");
    let n = rows.len();
    let total = batch::validate(csv, &d, NOW, tz).expect("valid file") as usize;
    println!("stages over {n} codes (CSV stages over all {total} rows), one thread");

    report(
        "CSV validate pass (streaming)",
        median_us(total, || {
            black_box(batch::validate(csv, &d, NOW, tz).unwrap());
        }),
    );
    report(
        "CSV read pass (rows)",
        median_us(total, || {
            black_box(batch::rows(csv, &d, NOW, tz).unwrap().count());
        }),
    );
    let mut signed: Vec<SignedCode> = Vec::new();
    report(
        "sign (Ed25519 + encode body)",
        median_us(n, || {
            signed = rows
                .iter()
                .map(|r| r.to_code(&key, NOW).sign(&key.signing_key).unwrap())
                .collect();
        }),
    );
    let mut texts: Vec<String> = Vec::new();
    report(
        "payload text (base45)",
        median_us(n, || {
            texts = signed.iter().map(SignedCode::to_text).collect()
        }),
    );
    let mut symbols: Vec<Symbol> = Vec::new();
    report(
        "QR encode, payqr's encoder (render::encode)",
        median_us(n, || {
            symbols = texts.iter().map(|t| render::encode(t).unwrap()).collect();
        }),
    );
    report(
        "QR encode, fast_qr crate (the encoder until 2026-11-23)",
        median_us(n, || {
            for t in &texts {
                black_box(
                    fast_qr::QRBuilder::new(t.as_bytes())
                        .ecl(fast_qr::ECL::M)
                        .build()
                        .unwrap(),
                );
            }
        }),
    );
    let sample = n.min(1_000);
    report(
        &format!("QR encode, qrcode crate (first {sample})"),
        median_us(sample, || {
            for t in &texts[..sample] {
                black_box(
                    qrcode::QrCode::with_error_correction_level(t, qrcode::EcLevel::M).unwrap(),
                );
            }
        }),
    );
    let mut pngs: Vec<Vec<u8>> = Vec::new();
    report(
        "PNG encode (1-bit, 4 px/module)",
        median_us(n, || {
            pngs = symbols.iter().map(|s| s.to_png(4, 4)).collect();
        }),
    );
    let mut svgs: Vec<String> = Vec::new();
    report(
        "SVG encode (run-length path)",
        median_us(n, || {
            svgs = symbols.iter().map(|s| s.to_svg(4, 4)).collect();
        }),
    );
    let style = payqr::issue::notice::NoticeStyle {
        issuer_name: key.name.clone(),
        tz,
    };
    report(
        "notice SVG encode (A6)",
        median_us(n, || {
            for (c, s) in signed.iter().zip(&symbols) {
                black_box(payqr::issue::notice::to_svg(c, s, &style).unwrap());
            }
        }),
    );
    report(
        "ledger record (Record::issued)",
        median_us(n, || {
            for c in &signed {
                black_box(payqr::ledger::Record::issued(c, NOW));
            }
        }),
    );

    // Files: each run into fresh directories (ext4 is slow to reuse
    // inodes deleted moments ago, which would bill this stage for it).
    std::fs::create_dir(&work).expect("WORK_DIR must not exist");
    let names: Vec<String> = signed.iter().map(|c| c.code.code_id.to_string()).collect();
    let mut run = 0;
    let mut files_stage = |label: &str, ext: &str, bytes: Vec<&[u8]>| {
        let files: Vec<(String, &[u8])> = names
            .iter()
            .zip(bytes)
            .map(|(id, b)| (format!("{id}.{ext}"), b))
            .collect();
        let us = median_us(n, || {
            run += 1;
            let dir = work.join(format!("run{run}"));
            for s in 0..=255u8 {
                std::fs::create_dir_all(dir.join(format!("{s:02x}"))).unwrap();
            }
            write_files(&dir, &files);
        });
        let size: usize = files.iter().map(|f| f.1.len()).sum::<usize>() / n;
        report(&format!("{label} ({size} B/file)"), us);
    };
    files_stage(
        "files: PNG write+rename+sync (the floor)",
        "png",
        pngs.iter().map(Vec::as_slice).collect(),
    );
    files_stage(
        "files: SVG write+rename+sync (the floor)",
        "svg",
        svgs.iter().map(String::as_bytes).collect(),
    );
}
