//! Writes a seeded benchmark fixture for benches/ledger.sh: an issuer key
//! (`bench.key`/`bench.pub`), a JSON-lines ledger of N issued codes
//! (`ledger.jsonl`) and their payload texts (`payloads.txt`, one per line).
//!
//!     cargo run --release --example ledger_fixture -- DIR N SEED

use std::io::Write;
use std::path::PathBuf;

use payqr::code::currency::Currency;
use payqr::code::{Code, CodeId, Kind};
use payqr::ledger::{Ledger, Record};
use payqr::trust::keys::IssuerKey;

/// Issued 2026-01-01T00:00:00Z, valid ten years: the bench never expires.
const ISSUED_AT: u64 = 1_767_225_600;
const VALID: u64 = 10 * 365 * 86_400;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, n, seed] = &args[..] else {
        return Err("usage: ledger_fixture DIR N SEED".into());
    };
    let dir = PathBuf::from(dir);
    let n: u64 = n.parse()?;
    let seed: u64 = seed.parse()?;
    std::fs::create_dir_all(&dir)?;
    let mut key_seed = [0u8; 32];
    key_seed[..8].copy_from_slice(&seed.to_le_bytes());
    let key = IssuerKey::from_seed(
        "bench-city",
        "Bench city (benchmark key)",
        key_seed,
        ISSUED_AT,
    )?;
    key.save(&dir.join("bench"), true)?;

    let ledger = Ledger::new(&dir.join("ledger.jsonl"));
    let _ = std::fs::remove_file(ledger.path());
    let _ = std::fs::remove_file(ledger.index_path());
    let lock = ledger.lock()?;
    let mut state = ledger.load(&lock)?;
    let mut payloads = std::io::BufWriter::new(std::fs::File::create(dir.join("payloads.txt"))?);
    let cny = Currency::from_code("CNY").ok_or("CNY")?;
    let mut records = Vec::new();
    let mut x = seed | 1;
    for i in 0..n {
        // xorshift: seeded amounts from 1.00 to 2,000.00 CNY
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let reference = format!("京B{i:07}");
        let code = Code {
            issuer: key.issuer.clone(),
            key_id: key.key_id,
            code_id: CodeId::derive(&key_seed, &reference, ISSUED_AT),
            kind: Kind::Fine,
            amount: 100 + x % 200_000,
            currency: cny,
            payee: "110000-FINES".into(),
            reference,
            issued_at: ISSUED_AT,
            expires_at: ISSUED_AT + VALID,
            description: None,
        }
        .sign(&key.signing_key)?;
        writeln!(payloads, "{}", code.to_text())?;
        records.push(Record::issued(&code, ISSUED_AT));
        if records.len() == 50_000 {
            ledger.append(&lock, &mut state, std::mem::take(&mut records))?;
        }
    }
    ledger.append(&lock, &mut state, records)?;
    payloads.flush()?;
    eprintln!("{}: {} codes", ledger.path().display(), state.records);
    Ok(())
}
