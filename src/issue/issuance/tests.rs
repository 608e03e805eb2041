//! Batch issuance end to end on a temporary directory: interruption and
//! rerun, reissue links, an unwritable output directory.

use std::sync::atomic::AtomicU64;

use chrono::FixedOffset;

use super::*;
use crate::code::Kind;
use crate::code::currency::Currency;
use crate::issue::batch::{self, Defaults};

const NOW: u64 = 1_795_392_000;

fn defaults() -> Defaults {
    Defaults {
        kind: Some(Kind::Fine),
        currency: Currency::from_code("CNY"),
        payee: Some("BJ-FINES".into()),
        expires_in: Some(86_400),
        expires_at: None,
        description: None,
        encoding: Default::default(),
    }
}

fn text(c: &Code) -> Result<(SignedCode, String), ProfileError> {
    let signed = c.sign(&crate::vectors::test_key().signing_key)?;
    let text = signed.to_text();
    Ok((signed, text))
}

/// Runs the batch in `csv` into `dir`/out with ledger `dir`/l.jsonl,
/// raising `stop` once `stop_after` rows were dealt with.
fn run(dir: &Path, csv: &Path, reissue: bool, stop_after: u64) -> Result<Tally, IssueError> {
    let key = crate::vectors::test_key();
    let tz = FixedOffset::east_opt(0).unwrap();
    batch::validate(csv, &defaults(), NOW, tz).unwrap();
    let out = dir.join("out");
    let job = Job {
        key: &key,
        issued_at: NOW,
        out_dir: &out,
        formats: Formats {
            png: true,
            ..Formats::default()
        },
        notice: NoticeStyle {
            issuer_name: key.name.clone(),
            tz,
        },
        payload_text: &text,
        reissue,
        chunk_rows: 10,
    };
    let ledger = Ledger::new(&dir.join("l.jsonl"));
    let lock = ledger.lock().unwrap();
    let mut state = ledger.load(&lock).unwrap();
    let stop = AtomicBool::new(false);
    let seen = AtomicU64::new(0);
    let tick = || {
        if seen.fetch_add(1, Ordering::Relaxed) + 1 >= stop_after {
            stop.store(true, Ordering::Relaxed);
        }
    };
    let session = LedgerSession::File {
        ledger: &ledger,
        lock: &lock,
        state: &mut state,
    };
    let rows = batch::rows(csv, &defaults(), NOW, tz).unwrap();
    issue(&job, rows, Some(session), None, &stop, &tick)
}

fn csv(dir: &Path, n: usize) -> PathBuf {
    let mut s = String::from("reference,amount\n");
    for i in 0..n {
        s.push_str(&format!("京A{i:05},{}.00\n", 10 + i));
    }
    let p = dir.join("f.csv");
    fs::write(&p, s).unwrap();
    p
}

fn ledger_state(dir: &Path) -> LedgerState {
    let l = Ledger::new(&dir.join("l.jsonl"));
    let lock = l.lock_shared().unwrap();
    l.load(&lock).unwrap()
}

/// Every file under `out`, as (shard, name).
fn files(out: &Path) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for shard in fs::read_dir(out).unwrap() {
        let shard = shard.unwrap();
        for f in fs::read_dir(shard.path()).unwrap() {
            v.push((
                shard.file_name().to_string_lossy().into_owned(),
                f.unwrap().file_name().to_string_lossy().into_owned(),
            ));
        }
    }
    v.sort();
    v
}

#[test]
fn stop_finishes_the_chunk_in_hand_and_a_rerun_completes_the_rest() {
    let d = tempfile::tempdir().unwrap();
    let csv = csv(d.path(), 25);
    // Stop requested during the first chunk: it is finished, no more.
    let t = run(d.path(), &csv, false, 3).unwrap();
    assert_eq!((t.rows, t.issued, t.skipped, t.files), (10, 10, 0, 10));
    let st = ledger_state(d.path());
    assert_eq!(st.issued.len(), 10);
    let first = files(&d.path().join("out"));
    assert_eq!(first.len(), 10, "{first:?}");
    for (shard, name) in &first {
        assert!(name.ends_with(".png") && !name.starts_with('.'), "{name}");
        assert_eq!(shard, &name[..2]);
        let id: CodeId = name[..16].parse().unwrap();
        let key = CodeKey::of(&st.issued[0].issuer, id);
        assert!(st.issued(&key).is_some(), "{name} has no ledger record");
    }
    // A run killed while writing the next chunk leaves temp files.
    let (shard, name) = &first[0];
    fs::write(
        d.path().join("out").join(shard).join(".stale.png.tmp"),
        b"half",
    )
    .unwrap();

    let t = run(d.path(), &csv, false, u64::MAX).unwrap();
    assert_eq!((t.rows, t.issued, t.skipped), (25, 15, 10));
    let st = ledger_state(d.path());
    assert_eq!(st.issued.len(), 25);
    let refs: BTreeSet<&str> = st.issued.iter().map(|i| i.reference.as_str()).collect();
    assert_eq!(refs.len(), 25, "a reference was issued twice");
    let pngs: Vec<_> = files(&d.path().join("out"))
        .into_iter()
        .filter(|(_, n)| !n.starts_with('.'))
        .collect();
    assert_eq!(pngs.len(), 25);
    assert!(pngs.contains(&(shard.clone(), name.clone())));
}

#[test]
fn reissue_links_each_new_code_to_the_one_it_replaces() {
    let d = tempfile::tempdir().unwrap();
    let csv = csv(d.path(), 12);
    run(d.path(), &csv, false, u64::MAX).unwrap();
    let before = ledger_state(d.path());
    let t = run(d.path(), &csv, true, u64::MAX).unwrap();
    assert_eq!((t.issued, t.reissued, t.skipped), (12, 12, 0));
    let after = ledger_state(d.path());
    assert_eq!(after.issued.len(), 24);
    for old in &before.issued {
        let new = after
            .code_for_reference(&old.issuer, &old.reference)
            .unwrap();
        assert_ne!(new, old.code_id);
    }
    let text = fs::read_to_string(d.path().join("l.jsonl")).unwrap();
    let replaced: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split("\"replaces\":\"").nth(1))
        .map(|r| &r[..16])
        .collect();
    assert_eq!(replaced.len(), 12);
    for old in &before.issued {
        assert!(replaced.contains(&old.code_id.to_string().as_str()));
    }
}

#[test]
fn an_unwritable_output_dir_issues_nothing() {
    let d = tempfile::tempdir().unwrap();
    let csv = csv(d.path(), 15);
    // A plain file where each shard directory should go.
    fs::create_dir_all(d.path().join("out")).unwrap();
    for s in 0..=255u8 {
        fs::write(d.path().join("out").join(format!("{s:02x}")), b"").unwrap();
    }
    let e = run(d.path(), &csv, false, u64::MAX).unwrap_err();
    assert!(matches!(e, IssueError::Io { .. }), "{e}");
    assert!(ledger_state(d.path()).issued.is_empty());
}
