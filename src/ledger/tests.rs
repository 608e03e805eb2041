use super::*;
use crate::code::currency::Currency;
use crate::code::{Code, CodeId, KeyId, Kind, SignedCode};
use ed25519_dalek::SigningKey;

fn code(n: u16) -> SignedCode {
    let k = SigningKey::from_bytes(&[3u8; 32]);
    let mut id = [7u8; 8];
    id[..2].copy_from_slice(&n.to_be_bytes());
    Code {
        issuer: "bj-traffic".into(),
        key_id: KeyId::of(&k.verifying_key()),
        code_id: CodeId(id),
        kind: Kind::Fine,
        amount: 20000,
        currency: Currency::from_code("CNY").unwrap(),
        payee: "BJ-FINES".into(),
        reference: format!("京A1234{n}"),
        issued_at: 1_795_000_000,
        expires_at: 1_795_014_400,
        description: None,
    }
    .sign(&k)
    .unwrap()
}

fn key(n: u16) -> CodeKey {
    CodeKey::of("bj-traffic", code(n).code.code_id)
}

fn redeem(n: u16) -> Record {
    let id = code(n).code.code_id;
    Record::redeemed("bj-traffic", id, 9, Some(format!("T{n}")), "counter", None)
}

fn both() -> Vec<(tempfile::TempDir, Ledger)> {
    ["l.jsonl", "l.csv"]
        .iter()
        .map(|name| {
            let d = tempfile::tempdir().unwrap();
            let l = Ledger::new(&d.path().join(name));
            (d, l)
        })
        .collect()
}

/// A ledger with codes 1..=n issued and the odd ones redeemed.
fn filled(l: &Ledger, n: u16) {
    let lock = l.lock().unwrap();
    let mut st = l.load(&lock).unwrap();
    let recs = (1..=n).map(|i| Record::issued(&code(i), 5)).collect();
    l.append(&lock, &mut st, recs).unwrap();
    for i in (1..=n).step_by(2) {
        l.append(&lock, &mut st, vec![redeem(i)]).unwrap();
    }
}

#[test]
fn append_reload_and_refuse_double_redemption() {
    for (_d, l) in both() {
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let recs = vec![Record::issued(&code(1), 5), Record::issued(&code(2), 5)];
        l.append(&lock, &mut st, recs).unwrap();
        l.append(&lock, &mut st, vec![redeem(1)]).unwrap();
        let err = l.append(&lock, &mut st, vec![redeem(1)]).unwrap_err();
        assert!(err.to_string().contains("already redeemed"), "{err}");
        let st = l.load(&lock).unwrap();
        assert_eq!(st.records, 3);
        assert_eq!(st.issued.len(), 2);
        assert_eq!(st.redemption(&key(1)).unwrap().txn.as_deref(), Some("T1"));
        assert_eq!(
            st.code_for_reference("bj-traffic", "京A12342"),
            Some(code(2).code.code_id)
        );
        // The lock is on the ledger itself: no lock file beside it.
        let lock_files = std::fs::read_dir(_d.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension() == Some("lock".as_ref()))
            .count();
        assert_eq!(lock_files, 0);
    }
}

/// A code like `code(n)` but for reference `r` (a reissue of it).
fn code_for(n: u16, r: &str) -> SignedCode {
    let k = SigningKey::from_bytes(&[3u8; 32]);
    let mut c = code(n).code;
    c.reference = r.to_string();
    c.sign(&k).unwrap()
}

#[test]
fn references_only_state_resumes_and_appends_like_a_full_one() {
    for (_d, l) in both() {
        filled(&l, 130);
        let lock = l.lock().unwrap();
        // Reissue reference 5 as code 900: the latest code wins.
        let mut full = l.load(&lock).unwrap();
        let again = Record::issued(&code_for(900, "京A12345"), 6);
        l.append(&lock, &mut full, vec![again]).unwrap();
        let mut refs = l.load_references(&lock).unwrap();
        assert_eq!((refs.records, refs.issued.len()), (full.records, 0));
        for n in (1..=130).chain([900, 131]) {
            let r = format!("京A1234{n}");
            let want = full.code_for_reference("bj-traffic", &r);
            assert_eq!(refs.code_for_reference("bj-traffic", &r), want, "{r}");
            assert_eq!(refs.code_for_reference("other-issuer", &r), None);
        }
        assert_eq!(
            refs.code_for_reference("bj-traffic", "京A12345"),
            Some(code(900).code.code_id)
        );
        // A code id already in the ledger is refused, a redemption is
        // refused (the state does not know redemptions), a new code
        // is appended and found, in this state and after a reload.
        let dup = vec![Record::issued(&code_for(7, "new"), 6)];
        let err = l.append(&lock, &mut refs, dup).unwrap_err().to_string();
        assert!(err.contains("already issued"), "{err}");
        let err = l.append(&lock, &mut refs, vec![redeem(2)]).unwrap_err();
        assert!(err.to_string().contains("not loaded"), "{err}");
        let new: Vec<Record> = (131..=300).map(|i| Record::issued(&code(i), 6)).collect();
        l.append(&lock, &mut refs, new).unwrap();
        let last = code(300).code;
        assert_eq!(
            refs.code_for_reference("bj-traffic", &last.reference),
            Some(last.code_id)
        );
        let full = l.load(&lock).unwrap();
        assert_eq!((full.records, full.issued.len()), (refs.records, 301));
        let last = CodeKey::of(&last.issuer, last.code_id);
        assert!(refs.knows_code(&last) && full.knows_code(&last));
    }
}

#[test]
fn every_line_carries_prev_and_crc() {
    for (_d, l) in both() {
        filled(&l, 2);
        let text = std::fs::read_to_string(l.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let records = &lines[usize::from(l.format() == LedgerFormat::Csv)..];
        assert_eq!(records.len(), 3);
        // The first record chains to zeros, the next to the first.
        assert!(records[0].contains(&"0".repeat(32)), "{}", records[0]);
        let h = crate::code::to_hex(&chain::hash(records[0].as_bytes()));
        assert!(records[1].contains(&h), "{}", records[1]);
        if l.format() == LedgerFormat::Csv {
            assert!(lines[0].ends_with(",prev,crc"), "{}", lines[0]);
        }
    }
}

#[test]
fn bad_lines_are_named_and_torn_tails_repaired() {
    for (_d, l) in both() {
        filled(&l, 2);
        let lock = l.lock().unwrap();
        let text = std::fs::read_to_string(l.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let n = lines.len();
        let mut swapped = lines.clone();
        swapped.swap(n - 1, n - 2);
        std::fs::write(l.path(), swapped.join("\n") + "\n").unwrap();
        let err = l.load(&lock).unwrap_err().to_string();
        assert!(err.contains(&format!(":{}:", n - 1)), "{err}");
        assert!(err.contains("hash chain broken"), "{err}");
        assert_eq!(l.repair(&lock).unwrap_err().to_string(), err);

        // A torn tail is flagged, appending refuses to build on it, and
        // repair cuts exactly the partial line.
        let torn = "{\"seq\":4,\"ti";
        std::fs::write(l.path(), text.clone() + torn).unwrap();
        let mut st = l.load(&lock).unwrap();
        assert!(st.torn_tail);
        assert_eq!(st.records, 3);
        let e = l.append(&lock, &mut st, vec![redeem(2)]).unwrap_err();
        assert!(e.to_string().contains("incomplete"), "{e}");
        assert_eq!(l.repair(&lock).unwrap(), torn.len() as u64);
        assert_eq!(std::fs::read_to_string(l.path()).unwrap(), text);
        assert_eq!(l.repair(&lock).unwrap(), 0);
        let mut st = l.load(&lock).unwrap();
        l.append(&lock, &mut st, vec![redeem(2)]).unwrap();
    }
}

#[test]
fn appends_refuse_a_file_that_changed_underneath() {
    for (_d, l) in both() {
        filled(&l, 2);
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let mut other = l.load(&lock).unwrap();
        l.append(&lock, &mut other, vec![Record::issued(&code(9), 5)])
            .unwrap();
        let e = l
            .append(&lock, &mut st, vec![Record::issued(&code(10), 5)])
            .unwrap_err();
        assert!(e.to_string().contains("changed"), "{e}");
        assert_eq!(l.load(&lock).unwrap().records, 4);
    }
}

#[test]
fn a_failed_write_never_cuts_bytes_it_did_not_write() {
    for (_d, l) in both() {
        filled(&l, 4);
        let lock = l.lock().unwrap();
        let st = l.load(&lock).unwrap();
        let base = std::fs::read(l.path()).unwrap();
        let mut ours = Vec::new();
        line::encode(l.format(), &redeem(2), &st.last_hash, &mut ours).unwrap();
        let f = || {
            OpenOptions::new()
                .read(true)
                .append(true)
                .open(l.path())
                .unwrap()
        };
        let with = |tail: &[u8]| [&base[..], tail].concat();
        // Half of this writer's line: cut back to where it started.
        std::fs::write(l.path(), with(&ours[..ours.len() / 2])).unwrap();
        l.cut_back(&f(), &st, &ours).unwrap();
        assert_eq!(std::fs::read(l.path()).unwrap(), base);
        // Someone else's line, more than it wrote, a shorter file, or a
        // different line before: it cuts nothing.
        let mut theirs = Vec::new();
        line::encode(l.format(), &redeem(4), &st.last_hash, &mut theirs).unwrap();
        let mut changed_last = base.clone();
        let at = changed_last.len() - 10;
        changed_last[at] ^= 1;
        let (len, wrote) = (base.len() as u64, ours.len() as u64);
        let cases = [
            (with(&theirs), NotCutBack::NotOurs, "not the ones"),
            (
                with(&[&ours[..], b"x"].concat()),
                NotCutBack::Longer {
                    extra: wrote + 1,
                    wrote,
                },
                "more than",
            ),
            (
                base[..base.len() - 1].to_vec(),
                NotCutBack::Shorter {
                    len: len - 1,
                    start: len,
                },
                "shorter",
            ),
            (
                [&changed_last[..], &ours[..]].concat(),
                NotCutBack::LineBefore,
                "last line",
            ),
        ];
        for (bytes, want, why) in cases {
            std::fs::write(l.path(), &bytes).unwrap();
            let e = l.cut_back(&f(), &st, &ours).unwrap_err();
            assert_eq!(e, want);
            assert!(e.to_string().contains(why), "{why}: {e}");
            assert_eq!(std::fs::read(l.path()).unwrap(), bytes);
        }
    }
}

#[test]
fn a_ledger_replaced_under_the_lock_is_not_written() {
    for (d, l) in both() {
        filled(&l, 2);
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        let copy = d.path().join("copy");
        std::fs::copy(l.path(), &copy).unwrap();
        let before = std::fs::read(l.path()).unwrap();
        if !crate::fs::platform::rename_over_open(&copy, l.path()).unwrap() {
            // Windows without POSIX renames refuses to replace the
            // locked (open) ledger: the lock holder writes the file
            // the name still reaches.
            l.append(&lock, &mut st, vec![redeem(2)]).unwrap();
            let after = std::fs::read(l.path()).unwrap();
            assert!(after.len() > before.len() && after.starts_with(&before));
            continue;
        }
        let before = std::fs::read(l.path()).unwrap();
        let e = l.append(&lock, &mut st, vec![redeem(2)]).unwrap_err();
        assert!(e.to_string().contains("replaced"), "{e}");
        assert_eq!(std::fs::read(l.path()).unwrap(), before);
        // A new lock takes the file the name reaches now.
        drop(lock);
        let lock = l.lock().unwrap();
        let mut st = l.load(&lock).unwrap();
        l.append(&lock, &mut st, vec![redeem(2)]).unwrap();
    }
}

#[test]
fn a_second_issue_of_a_code_is_named() {
    for (_d, l) in both() {
        filled(&l, 70);
        let lock = l.lock().unwrap();
        let full = l.load(&lock).unwrap();
        // A state that knows nothing of the codes, at the ledger's end.
        let mut blind = LedgerState::default();
        blind.records = full.records;
        blind.end = full.end;
        blind.last_hash = full.last_hash;
        l.append(&lock, &mut blind, vec![Record::issued(&code(3), 5)])
            .unwrap();
        let line = full.records + 1 + u64::from(l.format() == LedgerFormat::Csv);
        let err = l.load(&lock).unwrap_err().to_string();
        let want = format!(":{line}: code {} issued twice", code(3).code.code_id);
        assert!(err.contains(&want), "{err}");
    }
}

#[test]
fn small_chunks_name_the_same_lines() {
    for (_d, l) in both() {
        filled(&l, 30);
        let lock = l.lock().unwrap();
        let whole = l.load(&lock).unwrap();
        let text = std::fs::read(l.path()).unwrap();
        // Chunks shorter than a line, a line and a bit, and many lines.
        for chunk in [1, 7, 300, 1000, 5000] {
            let small = Ledger {
                chunk,
                ..Ledger::new(l.path())
            };
            let st = small.load(&lock).unwrap();
            assert_eq!((st.records, st.end), (whole.records, whole.end));
            assert_eq!(st.issued, whole.issued);
            assert_eq!(st.redeemed, whole.redeemed);
            assert!(!st.torn_tail);
            // A flipped bit on each line in turn is named on that line.
            let starts: Vec<usize> = std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', &text).map(|i| i + 1))
                .filter(|&i| i < text.len())
                .collect();
            for (n, &at) in starts.iter().enumerate().skip(1).step_by(7) {
                let mut bad = text.clone();
                bad[at + 3] ^= 0x01;
                std::fs::write(l.path(), &bad).unwrap();
                let e = small.load(&lock).unwrap_err().to_string();
                assert!(e.contains(&format!(":{}: ", n + 1)), "{chunk}: {e}");
            }
            // A torn tail after a chunk boundary.
            let mut torn = text.clone();
            torn.extend_from_slice(b"{\"seq\":99");
            std::fs::write(l.path(), &torn).unwrap();
            let st = small.load(&lock).unwrap();
            assert!(st.torn_tail);
            assert_eq!(st.end, whole.end);
            std::fs::write(l.path(), &text).unwrap();
        }
    }
}

/// The state of a few codes, read through the index or by a scan, is
/// what a full load says about them.
fn same_as_full(l: &Ledger, ids: &[CodeKey]) {
    let lock = l.lock().unwrap();
    let full = l.load(&lock).unwrap();
    let part = l.load_codes(&lock, ids).unwrap();
    assert_eq!(part.records, full.records);
    assert_eq!((part.end, part.last_hash), (full.end, full.last_hash));
    for id in ids {
        assert_eq!(part.issued(id), full.issued(id));
        assert_eq!(part.redemption(id), full.redemption(id));
    }
}

#[test]
fn index_answers_like_a_full_load_and_survives_damage() {
    for (_d, l) in both() {
        filled(&l, 40);
        let ids: Vec<CodeKey> = (1..=41).map(key).collect();
        // Below the threshold no index is kept.
        same_as_full(&l, &ids);
        assert!(!l.index_path().exists());
        let l = Ledger {
            limits: (40, 1000),
            ..l
        };
        same_as_full(&l, &ids[..1]);
        assert!(l.index_path().exists());
        same_as_full(&l, &ids[..3]);
        same_as_full(&l, &ids);
        // The index really spares the scan: damage to another code's
        // line goes unseen by load_codes (ledger check finds it).
        let text = std::fs::read(l.path()).unwrap();
        let mut damaged = text.clone();
        let mid = text.len() / 2;
        damaged[mid] ^= 0x20;
        std::fs::write(l.path(), &damaged).unwrap();
        let lock = l.lock().unwrap();
        assert!(l.load(&lock).is_err());
        assert_eq!(l.load_codes(&lock, &ids[..1]).unwrap().records, 60);
        drop(lock);
        std::fs::write(l.path(), &text).unwrap();
        // Past the index: a tail of new records is read on every open.
        let lock = l.lock().unwrap();
        let mut st = l.load_codes(&lock, &ids[1..2]).unwrap();
        l.append(&lock, &mut st, vec![redeem(2)]).unwrap();
        drop(lock);
        same_as_full(&l, &ids[..4]);
        // A damaged, stale or foreign index is ignored.
        let good = std::fs::read(l.index_path()).unwrap();
        let mut bad = good.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        for junk in [bad, good[..100].to_vec(), b"PAYQRIX1".to_vec()] {
            std::fs::write(l.index_path(), junk).unwrap();
            same_as_full(&l, &ids);
        }
        std::fs::remove_file(l.index_path()).unwrap();
        same_as_full(&l, &ids);
    }
}

/// A writer found the ledger missing, and another created it and recorded
/// (its checkpoint written) before the first read the evidence: no loss
/// (six concurrent first redemptions into a new ledger: one exited 2).
#[test]
fn a_ledger_created_meanwhile_is_no_loss() {
    for (_d, l) in both() {
        filled(&l, 2);
        assert!(l.checkpoint_path().exists());
        l.missing_is_a_loss().unwrap();
        // Really missing: a loss.
        std::fs::remove_file(l.path()).unwrap();
        let e = l.missing_is_a_loss().unwrap_err();
        assert!(matches!(e, LedgerError::Lost { .. }), "{e}");
        assert!(e.to_string().contains("is missing"), "{e}");
    }
}

/// Issue 16: an index entry is checked before it is believed, whatever
/// byte of it changed (its key, a pointer, its checksum), on both lookup
/// paths (a few codes: one binary search each; many: a piece at a time),
/// and a damaged index is rebuilt from the ledger.
#[test]
fn a_damaged_index_entry_is_never_believed() {
    for (_d, l) in both() {
        filled(&l, 150);
        let l = Ledger {
            limits: (40, 1000),
            ..l
        };
        let ids: Vec<CodeKey> = (1..=150).map(key).collect();
        same_as_full(&l, &ids[..1]);
        let good = std::fs::read(l.index_path()).unwrap();
        let size = 52;
        let entries = (good.len() - 64) / size;
        assert_eq!(entries, 150);
        for j in [0, 64, 75, 149] {
            // The key, the `issued`, `redeemed` and `cancelled` pointers,
            // the checksum.
            for at in [0, 9, 24, 40, 48] {
                let mut bad = good.clone();
                bad[64 + j * size + at] ^= 0x40;
                for group in [&ids[j..=j], &ids[..60], &ids[90..], &ids[..]] {
                    std::fs::write(l.index_path(), &bad).unwrap();
                    same_as_full(&l, group);
                }
                // Looking every code up reaches every entry: the damage
                // was found and the index rebuilt.
                assert_eq!(std::fs::read(l.index_path()).unwrap(), good, "{j} {at}");
            }
        }
    }
}

#[test]
fn the_index_finds_records_cut_off_the_end() {
    for (_d, l) in both() {
        filled(&l, 40);
        let l = Ledger {
            limits: (40, 1000),
            ..l
        };
        let lock = l.lock().unwrap();
        let mut st = l.load_codes(&lock, &[key(2)]).unwrap();
        assert!(l.index_path().exists());
        l.check_index(&lock, &l.load(&lock).unwrap()).unwrap();
        // Growing past the index is fine.
        l.append(&lock, &mut st, vec![redeem(2)]).unwrap();
        l.check_index(&lock, &l.load(&lock).unwrap()).unwrap();
        // Cutting whole lines off leaves a sound file, but not the
        // one the index covered.
        let text = std::fs::read_to_string(l.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let keep = lines.len() - 3;
        std::fs::write(l.path(), lines[..keep].join("\n") + "\n").unwrap();
        let cut = l.load_unchecked(&lock).unwrap();
        let e = l.check_index(&lock, &cut).unwrap_err().to_string();
        assert!(e.contains("records were removed from the end"), "{e}");
        // Every load refuses: nothing is rebuilt over the evidence.
        let idx = std::fs::read(l.index_path()).unwrap();
        for e in [
            l.load(&lock).unwrap_err(),
            l.load_references(&lock).unwrap_err(),
            l.load_each(&lock, |_| {}).unwrap_err(),
            l.load_codes(&lock, &[key(2)]).unwrap_err(),
            l.lookup_codes(&lock, &[key(2)]).unwrap_err(),
        ] {
            assert!(matches!(e, LedgerError::Lost { .. }), "{e}");
        }
        assert_eq!(std::fs::read(l.index_path()).unwrap(), idx);
        // The index alone covered 60 records (before redeem(2)).
        let ckpt = std::fs::read(l.checkpoint_path()).unwrap();
        std::fs::remove_file(l.checkpoint_path()).unwrap();
        assert_eq!(l.find_loss(&lock).unwrap().unwrap().records, 2);
        // Without the index and the checkpoint there is nothing to
        // compare with.
        std::fs::remove_file(l.index_path()).unwrap();
        l.check_index(&lock, &cut).unwrap();
        assert!(l.find_loss(&lock).unwrap().is_none());
        // The checkpoint covered all 61; 58 are left.
        std::fs::write(l.index_path(), &idx).unwrap();
        std::fs::write(l.checkpoint_path(), &ckpt).unwrap();
        let loss = l.find_loss(&lock).unwrap().unwrap();
        assert_eq!(loss.records, 3);
        let recorded = l.record_loss(&lock, 77).unwrap().unwrap();
        assert_eq!((recorded.records, recorded.seq), (3, 59));
        assert!(!l.index_path().exists());
        let st = l.load(&lock).unwrap();
        assert_eq!(st.records, 59);
        assert_eq!(st.losses.len(), 1);
        assert_eq!(st.losses[0].bytes, loss.bytes);
        assert_eq!(st.losses[0].hash, loss.hash);
        assert!(l.find_loss(&lock).unwrap().is_none());
        assert!(l.record_loss(&lock, 78).unwrap().is_none());
        // Writing resumes, and a rebuilt index still sees the loss.
        let mut st = l.load_codes(&lock, &[key(4)]).unwrap();
        l.append(&lock, &mut st, vec![redeem(4)]).unwrap();
        assert_eq!(l.load(&lock).unwrap().losses.len(), 1);
    }
}

#[test]
fn a_process_keeps_its_tail_between_batches() {
    for (_d, l) in both() {
        filled(&l, 60);
        let ids: Vec<CodeKey> = (1..=60).map(key).collect();
        // Two "processes": `a` keeps what it read past the index between
        // its batches (and folds it in after 32), `b` appends between.
        let a = Ledger {
            limits: (40, 1),
            ..Ledger::new(l.path())
        };
        let b = Ledger {
            limits: (40, 1000),
            ..Ledger::new(l.path())
        };
        for k in (2..=60).step_by(2) {
            let lock = a.lock().unwrap();
            let mut st = a.load_codes(&lock, &[key(k)]).unwrap();
            a.append(&lock, &mut st, vec![redeem(k)]).unwrap();
            // A second redemption in the same process is refused.
            let mut st = a.load_codes(&lock, &[key(k)]).unwrap();
            assert!(a.append(&lock, &mut st, vec![redeem(k)]).is_err());
            drop(lock);
            if k % 3 == 0 {
                let new = code(100 + k);
                let lock = b.lock().unwrap();
                let mut st = b
                    .load_codes(&lock, &[CodeKey::of(&new.code.issuer, new.code.code_id)])
                    .unwrap();
                b.append(&lock, &mut st, vec![Record::issued(&new, 5)])
                    .unwrap();
            }
            same_as_full(&a, &ids);
            same_as_full(&b, &ids);
        }
        let lock = l.lock().unwrap();
        let all = l.load(&lock).unwrap();
        assert_eq!((all.redeemed.len(), all.issued.len()), (60, 70));
    }
}
