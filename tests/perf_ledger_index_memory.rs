//! Memory of the index paths a bulk `redeem -` takes (issue 16: bulk
//! redemption's peak memory grew 29 % when index entries grew from 24 to 48
//! bytes). A group of codes is looked up by reading the index a piece at a
//! time, not all of it at once; folding the tail into the index holds the
//! new index's bytes once, not three copies. Peak heap is counted by a
//! global allocator around each call.
//!
//! Also: JSON lines are written by hand when no string needs an escape,
//! and must be exactly the bytes serde_json writes (the hash chain and the
//! checksums cover them).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use payqr::code::CodeId;
use payqr::ledger::{CodeKey, Event, Ledger, Record};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = NOW.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        NOW.fetch_sub(l.size(), Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

/// One measurement at a time: the tests of this file run on threads of one
/// process, and share the counters.
static SERIAL: Mutex<()> = Mutex::new(());

/// Bytes allocated at the peak of `f`, beyond what was live before it.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = NOW.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed).saturating_sub(base))
}

const ISSUER: &str = "bench-city";

fn id(n: u32) -> CodeId {
    let mut b = [0u8; 8];
    // Spread over the key space like random ids.
    b[..4].copy_from_slice(&n.wrapping_mul(2_654_435_761).to_be_bytes());
    b[4..].copy_from_slice(&n.to_be_bytes());
    CodeId(b)
}

fn issued(n: u32) -> Record {
    let mut r = Record::redeemed(ISSUER, id(n), 1_767_225_600, None, "x", None);
    r.event = Event::Issued;
    r.channel = None;
    r.key_id = Some("5f3c9a1e".into());
    r.kind = Some(payqr::code::Kind::Fine);
    r.amount = Some(100 + u64::from(n % 1000));
    r.currency = Some("CNY".into());
    r.payee = Some("110000-FINES".into());
    r.reference = Some(format!("京B{n:07}"));
    r.issued_at = Some("2026-01-01T00:00:00Z".into());
    r.expires_at = Some("2036-01-01T00:00:00Z".into());
    r.payload_sha256 = Some(format!("{:064x}", n));
    r
}

#[test]
fn a_group_lookup_and_a_tail_fold_do_not_hold_the_whole_index() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Debug builds take the index limits from here: an index from 1,000
    // records, folded once its tail passes 1,000.
    // SAFETY: set before any ledger reads it; no other thread reads the
    // environment in this test binary.
    unsafe { std::env::set_var("PAYQR_TEST_INDEX", "1000,1000") };
    const N: u32 = 100_000;
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("l.jsonl");
    {
        let l = Ledger::new(&path);
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        for part in (0..N).collect::<Vec<_>>().chunks(50_000) {
            l.append(&lock, &mut st, part.iter().map(|&n| issued(n)).collect())
                .unwrap();
        }
    }
    let key = |n: u32| CodeKey::of(ISSUER, id(n));
    let l = Ledger::new(&path);
    let lock = l.lock().unwrap();
    // The first lookup builds the index.
    l.load_codes(&lock, &[key(0)]).unwrap();
    let index = std::fs::metadata(l.index_path()).unwrap().len() as usize;
    assert!(index > N as usize * 40, "index of {index} bytes");

    // A group of 1,500 codes, as `redeem -` looks them up.
    let group: Vec<CodeKey> = (1..=1500).map(|n| key(n * 61)).collect();
    let (st, peak) = peak_of(|| l.load_codes(&lock, &group).unwrap());
    eprintln!("group lookup: peak {peak} bytes, index {index}");
    for k in &group {
        assert!(st.issued(k).is_some(), "code {} not found", k.id);
    }
    assert!(
        peak < index / 2,
        "looking up 1,500 codes held {peak} bytes at its peak, the index is {index}"
    );
    let mut st = st;
    let redemptions = (1..=1500)
        .map(|n| Record::redeemed(ISSUER, id(n * 61), 1_767_225_700, None, "counter", None))
        .collect();
    l.append(&lock, &mut st, redemptions).unwrap();
    drop(st);
    drop(lock);

    // A fresh process: its tail of 1,500 redemptions passes the limit and
    // is folded into the index.
    let l = Ledger::new(&path);
    let lock = l.lock().unwrap();
    let before = std::fs::read(l.index_path()).unwrap();
    let (st, peak) = peak_of(|| l.load_codes(&lock, &[key(61)]).unwrap());
    eprintln!("fold: peak {peak} bytes, index {index}");
    assert!(st.redemption(&key(61)).is_some());
    let after = std::fs::read(l.index_path()).unwrap();
    assert_ne!(before, after, "the tail was not folded in");
    assert_eq!(
        after.len(),
        before.len(),
        "one entry per code, before and after"
    );
    assert!(
        peak < index * 3 / 2,
        "folding the tail held {peak} bytes at its peak, the index is {index}"
    );
    // The folded index answers as a full load does.
    let full = l.load(&lock).unwrap();
    let some: Vec<CodeKey> = (0..N).step_by(331).map(key).chain(group).collect();
    let part = l.load_codes(&lock, &some).unwrap();
    for k in &some {
        assert_eq!(part.issued(k), full.issued(k));
        assert_eq!(part.redemption(k), full.redemption(k));
    }
}

/// The record part of a JSON line as serde_json writes it (the encoder's
/// fallback): sorted keys, no nulls, the payload among them.
fn serde_record_part(r: &Record) -> String {
    let mut v = serde_json::to_value(r).unwrap();
    let map = v.as_object_mut().unwrap();
    map.retain(|_, v| !v.is_null());
    if let Some(p) = &r.payload {
        map.insert("payload".into(), serde_json::Value::String(p.clone()));
    }
    let s = serde_json::to_string(&v).unwrap();
    s[..s.len() - 1].to_string()
}

#[test]
fn json_lines_are_the_bytes_serde_writes() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut records = vec![issued(7), issued(u32::MAX)];
    let mut with_payload = issued(8);
    with_payload.payload = Some("PQ1:ABC$%*+-./:0123".into());
    records.push(with_payload);
    let mut r = Record::redeemed(
        ISSUER,
        id(9),
        0,
        Some("POS-0001".into()),
        "counter",
        Some("stdin:12".into()),
    );
    r.judged_at = Some("2026-11-23T01:00:00Z".into());
    records.push(r);
    // Strings serde escapes, and text it does not.
    for text in [
        "quote \" inside",
        "back\\slash",
        "tab\there",
        "nl\nx",
        "\u{1}",
        "DEL\u{7f} é 京 😀",
        "",
    ] {
        let r = Record::redeemed(
            ISSUER,
            id(10),
            0,
            Some(text.into()),
            "counter",
            Some(text.into()),
        );
        records.push(r);
    }
    let d = tempfile::tempdir().unwrap();
    let l = Ledger::new(&d.path().join("j.jsonl"));
    let lock = l.lock().unwrap();
    let mut st = l.load(&lock).unwrap();
    let mut want = Vec::new();
    for (i, mut r) in records.into_iter().enumerate() {
        // Redemptions of one code would conflict: one code each.
        if r.event == Event::Redeemed {
            r.code_id = id(1000 + i as u32).to_string();
        }
        let mut appended = r.clone();
        appended.seq = st.next_seq();
        want.push(serde_record_part(&appended));
        l.append(&lock, &mut st, vec![r]).unwrap();
    }
    let text = std::fs::read_to_string(l.path()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), want.len());
    for (line, want) in lines.iter().zip(&want) {
        let part = &line[..line.rfind(r#","prev":""#).unwrap()];
        assert_eq!(part, want);
    }
    // And they read back.
    drop(lock);
    let lock = l.lock().unwrap();
    assert_eq!(l.load(&lock).unwrap().records, want.len() as u64);
}
