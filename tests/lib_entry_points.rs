//! Issue 16, "the rules belong in the library": redemption and issuance
//! called as a library, the way a server would, without the CLI. The
//! redemption policy (a code twice in one group, the re-check against the
//! ledger, one durable write per group) runs over any backend that
//! implements `RedeemLedger`; single issuance goes through the same row
//! checks as a batch.

use std::cell::RefCell;
use std::sync::atomic::AtomicBool;

use payqr::code::time;
use payqr::issue::batch::Defaults;
use payqr::issue::issuance::Formats;
use payqr::issue::run::{self, Batch};
use payqr::issue::single::SingleError;
use payqr::issue::{Request, Single, issue_single, run_batch};
use payqr::ledger::{Backend, CodeKey, Ledger, LedgerError, LedgerState, Record};
use payqr::redeem::{Counter, FileSession, Item, RedeemLedger, RedeemSession, redeem};
use payqr::trust::TrustList;
use payqr::trust::keys::IssuerKey;
use payqr::verify::{Clock, Status};

const NOW: u64 = 1_795_392_000;

fn defaults() -> Defaults {
    Defaults {
        kind: None,
        currency: payqr::code::currency::Currency::from_code("CNY"),
        payee: Some("110000-FINES".into()),
        expires_in: Some(4 * 3600),
        expires_at: None,
        description: None,
        encoding: Default::default(),
    }
}

fn key() -> IssuerKey {
    IssuerKey::from_seed("bj-traffic", "Test", [7; 32], NOW).unwrap()
}

fn tz() -> chrono::FixedOffset {
    time::parse_offset("+08:00").unwrap()
}

/// One code per reference, issued with `key` through the library's single
/// issuance into `ledger` (the entry point takes either backend); their
/// payload texts.
fn issue_into(ledger: &Ledger, key: &IssuerKey, refs: &[&str], amount: &str) -> Vec<String> {
    let file = Backend::File(Ledger::new(ledger.path()));
    let single = Single {
        key,
        issued_at: NOW,
        emv: None,
        png: None,
        svg: None,
        ledger: Some(&file),
    };
    refs.iter()
        .map(|r| {
            let req = Request {
                reference: Some(r),
                amount: Some(amount),
                ..Request::default()
            };
            issue_single(&req, &defaults(), tz(), &single).unwrap().text
        })
        .collect()
}

/// A trust list holding `key` from [`NOW`].
fn trusting(key: &IssuerKey) -> TrustList {
    let mut trust = TrustList::default();
    trust.add(&key.public(), None, None, NOW).unwrap();
    trust
}

/// A server counter judging a minute after [`NOW`].
fn counter<'a>(trust: &'a TrustList, txn: Option<&'a str>) -> Counter<'a> {
    Counter {
        trust,
        clock: Clock {
            at: NOW + 60,
            skew: 300,
        },
        txn,
        channel: "server",
        judged_later: false,
    }
}

/// A backend that counts what the policy asks of it, over the file ledger.
struct Counting<'l> {
    inner: &'l Ledger,
    begins: RefCell<usize>,
    appends: RefCell<Vec<usize>>,
}

struct CountingSession<'s, 'l> {
    inner: FileSession<'l>,
    appends: &'s RefCell<Vec<usize>>,
}

impl RedeemLedger for Counting<'_> {
    type Session<'s>
        = CountingSession<'s, 's>
    where
        Self: 's;

    fn begin(&self, codes: &[CodeKey]) -> Result<Self::Session<'_>, LedgerError> {
        *self.begins.borrow_mut() += 1;
        Ok(CountingSession {
            inner: self.inner.begin(codes)?,
            appends: &self.appends,
        })
    }
}

impl RedeemSession for CountingSession<'_, '_> {
    fn state(&self) -> &LedgerState {
        self.inner.state()
    }

    fn append(&mut self, records: Vec<Record>) -> Result<(), LedgerError> {
        self.appends.borrow_mut().push(records.len());
        self.inner.append(records)
    }
}

#[test]
fn redeem_as_a_library_over_a_pluggable_ledger() {
    let d = tempfile::tempdir().unwrap();
    let key = key();
    let ledger = Ledger::new(&d.path().join("l.jsonl"));
    let texts = issue_into(&ledger, &key, &["京A1", "京A2", "京A3"], "200.00");
    let trust = trusting(&key);
    let counter = counter(&trust, Some("POS-1"));
    let backend = Counting {
        inner: &ledger,
        begins: RefCell::new(0),
        appends: RefCell::new(Vec::new()),
    };
    // A group: two codes, the first twice, an image without a code.
    let items = vec![
        Item::text("t1", &texts[0]),
        Item::text("t2", &texts[1]),
        Item::text("t3", &texts[0]),
        Item {
            source: "photo".into(),
            text: None,
        },
    ];
    let v = redeem(&backend, &items, &counter).unwrap();
    let got: Vec<Status> = v.iter().map(|v| v.status).collect();
    assert_eq!(
        got,
        [
            Status::Valid,
            Status::Valid,
            Status::Redeemed,
            Status::NoCode
        ]
    );
    // The repeat named the redemption it lost to.
    assert_eq!(
        v[2].redemption.as_ref().unwrap().txn.as_deref(),
        Some("POS-1")
    );
    // One session; the two before the repeat committed first, then nothing.
    assert_eq!(*backend.begins.borrow(), 1);
    assert_eq!(*backend.appends.borrow(), [2, 0]);
    // A later group: the ledger refuses what was paid, takes the rest.
    let v = redeem(
        &ledger,
        &[Item::text("a", &texts[1]), Item::text("b", &texts[2])],
        &counter,
    )
    .unwrap();
    assert_eq!(v[0].status, Status::Redeemed);
    assert_eq!(v[1].status, Status::Valid);
    let text = std::fs::read_to_string(d.path().join("l.jsonl")).unwrap();
    assert_eq!(text.matches("\"redeemed\"").count(), 3, "{text}");
    assert_eq!(text.matches("\"server\"").count(), 3, "{text}");
}

/// A backend whose first append fails as a PostgreSQL session does when
/// its connection was lost and the lock released before it wrote
/// (`judged_stale`): the policy must judge the group again and record
/// each code once.
struct StaleOnce<'l> {
    inner: &'l Ledger,
    begins: RefCell<usize>,
    armed: RefCell<bool>,
    stale: RefCell<bool>,
}

struct StaleSession<'s, 'l> {
    inner: FileSession<'l>,
    owner: &'s StaleOnce<'l>,
}

impl<'l> RedeemLedger for StaleOnce<'l> {
    type Session<'s>
        = StaleSession<'s, 'l>
    where
        Self: 's;

    fn begin(&self, codes: &[CodeKey]) -> Result<Self::Session<'_>, LedgerError> {
        *self.begins.borrow_mut() += 1;
        Ok(StaleSession {
            inner: self.inner.begin(codes)?,
            owner: self,
        })
    }

    fn judged_stale(&self, _error: &LedgerError) -> bool {
        self.stale.replace(false)
    }
}

impl RedeemSession for StaleSession<'_, '_> {
    fn state(&self) -> &LedgerState {
        self.inner.state()
    }

    fn append(&mut self, records: Vec<Record>) -> Result<(), LedgerError> {
        if self.owner.armed.replace(false) {
            *self.owner.stale.borrow_mut() = true;
            return Err(LedgerError::Io {
                path: self.owner.inner.path().to_path_buf(),
                source: std::io::Error::other("connection lost before the write"),
            });
        }
        self.inner.append(records)
    }
}

#[test]
fn a_group_whose_session_went_stale_is_judged_again_and_recorded_once() {
    let d = tempfile::tempdir().unwrap();
    let key = key();
    let ledger = Ledger::new(&d.path().join("l.jsonl"));
    let texts = issue_into(&ledger, &key, &["沪B1", "沪B2"], "50.00");
    let trust = trusting(&key);
    let counter = counter(&trust, None);
    let backend = StaleOnce {
        inner: &ledger,
        begins: RefCell::new(0),
        armed: RefCell::new(true),
        stale: RefCell::new(false),
    };
    // The first code twice: the repeat is refused against the first.
    let items = vec![
        Item::text("t1", &texts[0]),
        Item::text("t2", &texts[1]),
        Item::text("t3", &texts[0]),
    ];
    let v = redeem(&backend, &items, &counter).unwrap();
    let got: Vec<Status> = v.iter().map(|v| v.status).collect();
    assert_eq!(got, [Status::Valid, Status::Valid, Status::Redeemed]);
    // Judged twice (the stale session, then a new one), written once.
    assert_eq!(*backend.begins.borrow(), 2);
    let text = std::fs::read_to_string(d.path().join("l.jsonl")).unwrap();
    assert_eq!(text.matches("\"redeemed\"").count(), 2, "{text}");
}

#[test]
fn single_issuance_obeys_the_batch_rules_and_the_ledger() {
    let d = tempfile::tempdir().unwrap();
    let key = key();
    let ledger = Ledger::new(&d.path().join("l.jsonl"));
    // The issuing entry points take either backend.
    let file = Backend::File(Ledger::new(ledger.path()));
    let single = Single {
        key: &key,
        issued_at: NOW,
        emv: None,
        png: Some(&d.path().join("a.png")),
        svg: None,
        ledger: Some(&file),
    };
    let req = |amount| Request {
        reference: Some(" 京A12345 "),
        amount: Some(amount),
        ..Request::default()
    };
    let e = issue_single(&req("0"), &defaults(), tz(), &single)
        .err()
        .unwrap();
    assert!(
        matches!(&e, SingleError::Field(f) if f.field == "amount"),
        "{e}"
    );
    assert!(!d.path().join("a.png").exists());
    let code = issue_single(&req("12.5"), &defaults(), tz(), &single).unwrap();
    assert_eq!(code.signed.code.reference, "京A12345");
    assert_eq!(code.signed.code.amount, 1250);
    assert_eq!(code.signed.code.kind, payqr::code::Kind::Fine);
    assert!(d.path().join("a.png").exists());
    let e = issue_single(&req("12.5"), &defaults(), tz(), &single)
        .err()
        .unwrap();
    assert!(matches!(e, SingleError::AlreadyIssued { .. }), "{e}");
}

#[test]
fn batch_run_as_a_library_validates_first_then_issues() {
    let d = tempfile::tempdir().unwrap();
    let key = key();
    let csv = d.path().join("f.csv");
    let ledger = Ledger::new(&d.path().join("l.jsonl"));
    // The issuing entry points take either backend.
    let file = Backend::File(Ledger::new(ledger.path()));
    let out = d.path().join("out");
    let mut b = Batch {
        csv: &csv,
        defaults: &Defaults {
            kind: Some(payqr::code::Kind::Bill),
            ..defaults()
        },
        tz: tz(),
        key: &key,
        issued_at: NOW,
        out_dir: &out,
        formats: Formats {
            svg: true,
            ..Formats::default()
        },
        emv: None,
        ledger: Some(&file),
        manifest: None,
        reissue: false,
        dry_run: false,
        chunk_rows: 2,
    };
    let stop = AtomicBool::new(false);
    std::fs::write(&csv, "reference,amount\nA,1\nB,x\n").unwrap();
    match run_batch(&b, &stop, &()) {
        Err(run::RunError::Rows { errors, .. }) => assert_eq!(errors[0].line, 3),
        other => panic!("{other:?}"),
    }
    assert!(!out.exists(), "a bad file wrote something");
    std::fs::write(&csv, "reference,amount\nA,1\nB,2\nC,3\n").unwrap();
    b.dry_run = true;
    let r = run_batch(&b, &stop, &()).unwrap();
    assert_eq!(
        r,
        run::Outcome::DryRun {
            rows: 3,
            would_issue: 3,
            would_skip: 0
        }
    );
    b.dry_run = false;
    let run::Outcome::Done { rows, tally } = run_batch(&b, &stop, &()).unwrap() else {
        panic!()
    };
    assert_eq!((rows, tally.issued, tally.files), (3, 3, 3));
    let run::Outcome::Done { tally, .. } = run_batch(&b, &stop, &()).unwrap() else {
        panic!()
    };
    assert_eq!((tally.issued, tally.skipped), (0, 3));
}
