//! Classification: every settlement row and every issued code gets a
//! status ([`reconcile`]).

use super::book::*;
use super::report::*;
use super::status::*;
use crate::ledger::Redemption;
use crate::reconcile::settlement::{Payment, Settlement};

/// Classifies every payment (in file order) and every issued code no
/// payment refers to. `at` decides whether an unpaid code has expired.
/// Fails only when a total is too large for the summary to hold exactly.
pub fn reconcile<'a>(
    book: &'a Book,
    files: &'a [Settlement],
    at: u64,
) -> Result<Report<'a>, TotalTooLarge> {
    use rayon::prelude::*;
    let total: usize = files.iter().map(|f| f.payments.len()).sum();
    let mut rows: Vec<Row> = Vec::with_capacity(total + book.len() / 16);
    for (f, file) in files.iter().enumerate() {
        rows.par_extend(file.payments.par_iter().enumerate().map(|(i, p)| {
            let found = p.code.id().map(|id| book.positions(&id));
            let code = match found.as_deref() {
                Some(&[c]) => Some(c),
                _ => None,
            };
            let (status, note) = match found.as_deref() {
                None => (Status::Unknown, Note::NotCodeId),
                Some([]) => (Status::Unknown, Note::NotIssued),
                Some([c]) if book.is_cancelled(*c) => (Status::Cancelled, Note::Cancelled),
                Some([c]) => match book.replaced_by(*c) {
                    Some(by) => (Status::Replaced, Note::ReplacedBy(by)),
                    None => (Status::Unknown, Note::None),
                },
                Some(many) => (Status::Ambiguous, Note::Ambiguous(many.len() as u32)),
            };
            Row {
                status,
                source: Source::Settlement {
                    file: f as u32,
                    index: i as u32,
                },
                code,
                note,
                expected: false,
            }
        }));
    }
    let payment = |row: &Row| -> Option<&'a Payment> {
        match row.source {
            Source::Settlement { file, index } => {
                Some(&files[file as usize].payments[index as usize])
            }
            Source::Ledger { .. } => None,
        }
    };
    // The same provider transaction listed again (two daily files
    // overlapping, or a file given twice): the same money, once. Rows are
    // taken together by a hash of their transaction id, then compared.
    // Each is (32 bits of the hash, row) in one number: sorting plain
    // numbers is quick, and the few ids that share 32 bits of hash by
    // chance are told apart by comparing them.
    let txns: Vec<u64> = rows
        .par_iter()
        .enumerate()
        .filter_map(|(r, row)| {
            let p = payment(row)?;
            let t = p.txn_id.as_deref()?;
            Some(txn_hash(t, p.refund) & !0xffff_ffff | r as u64)
        })
        .collect();
    let (txns, _) = bucket_sort(txns, |&t| t);
    let key = |r: u32| {
        let p = payment(&rows[r as usize]);
        (
            p.and_then(|p| p.txn_id.as_deref()),
            p.is_some_and(|p| p.refund),
            r,
        )
    };
    let mut group_rows: Vec<u32> = Vec::new();
    let mut repeats: Vec<(u32, u32)> = Vec::new();
    for group in txns.chunk_by(|a, b| a >> 32 == b >> 32) {
        if group.len() == 1 {
            continue;
        }
        // Rows whose ids share 32 bits of hash: sorted by id, then row,
        // the first row of each id is the first listing, the others repeat
        // it (a sort, so a big group is no slower than it needs to be).
        group_rows.clear();
        group_rows.extend(group.iter().map(|&t| t as u32));
        group_rows.sort_by_key(|&r| key(r));
        for same in group_rows.chunk_by(|&a, &b| {
            let (ka, kb) = (key(a), key(b));
            (ka.0, ka.1) == (kb.0, kb.1)
        }) {
            repeats.extend(same[1..].iter().map(|&r| (r, same[0])));
        }
    }
    for (r, first) in repeats {
        let Source::Settlement { file, .. } = rows[first as usize].source else {
            continue;
        };
        let line = payment(&rows[first as usize]).map_or(0, |q| q.line);
        let row = &mut rows[r as usize];
        row.status = Status::Repeated;
        row.note = Note::RepeatOf { file, line };
    }
    drop(txns);
    // How many rows name each code (repeats aside), up to 255.
    // A payment to a replaced code keeps its status: it is no part of
    // the code's payment (nor of its successor's).
    let settled = |s: Status| matches!(s, Status::Repeated | Status::Replaced | Status::Cancelled);
    let mut count = vec![0u8; book.len()];
    for row in &rows {
        if let (Some(c), false) = (row.code, settled(row.status)) {
            count[c as usize] = count[c as usize].saturating_add(1);
        }
    }
    // A code named by one row (nearly all of them) is classified on its
    // own, in parallel; the rows of the others are taken together, code by
    // code and in file order.
    rows.par_iter_mut()
        .for_each_init(Scratch::default, |scratch, row| {
            if let (Some(c), false) = (row.code, settled(row.status))
                && count[c as usize] == 1
            {
                classify_code(
                    book,
                    files,
                    c,
                    &[(c, 0)],
                    std::slice::from_mut(row),
                    scratch,
                );
            }
        });
    let mut named: Vec<(u32, u32)> = rows
        .par_iter()
        .enumerate()
        .filter(|(_, row)| !settled(row.status))
        .filter_map(|(r, row)| Some((row.code?, r as u32)))
        .filter(|&(c, _)| count[c as usize] > 1)
        .collect();
    // Pairs are distinct: a code's rows stay in file order.
    named.par_sort_unstable();
    let mut scratch = Scratch::default();
    for group in named.chunk_by(|a, b| a.0 == b.0) {
        classify_code(book, files, group[0].0, group, &mut rows, &mut scratch);
    }
    drop(named);
    let has_row = count;
    for (i, &seen) in has_row.iter().enumerate() {
        if seen > 0 {
            continue;
        }
        let code = &book.codes[i];
        let redemption = book.redemption(&book.key(i as u32));
        // A replaced code is not owed: its successor is (and is listed).
        // Nor is a cancelled one.
        if redemption.is_none()
            && (book.replaced_by(i as u32).is_some() || book.is_cancelled(i as u32))
        {
            continue;
        }
        let (status, note) = match redemption {
            Some(_) => (Status::RedeemedElsewhere, Note::Redeemed),
            None if code.expires_at < at => (
                Status::UnpaidExpired,
                Note::ExpiredAgo(at - code.expires_at),
            ),
            None => (Status::UnpaidOpen, Note::ExpiresIn(code.expires_at - at)),
        };
        rows.push(Row {
            status,
            source: Source::Ledger { index: i as u32 },
            code: Some(i as u32),
            note,
            // A code with no settlement row: its own row carries it.
            expected: true,
        });
    }
    let mut report = Report {
        book,
        files,
        rows,
        summary: Summary::default(),
        at,
    };
    report.summary = report.summarize()?;
    Ok(report)
}

/// Buffers reused from one code to the next (rows, or (row, file, line)
/// of refunds): a million codes need no million small allocations.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) pending: Vec<u32>,
    pub(super) paid_rows: Vec<u32>,
    pub(super) duplicates: Vec<u32>,
    pub(super) refunds: Vec<(u32, u32, u64)>,
}

/// Gives a status to every row naming one code (`members`, in file order).
///
/// Precedence for a payment row, first that applies wins: currency
/// mismatch (amounts in different currencies cannot be compared), an
/// amount that cannot be read, duplicate (the code was already paid: the
/// money must go back whatever else is wrong), amount mismatch (the parts
/// so far overshoot, or never reach, the amount), already redeemed (money
/// taken twice matters more than money taken late), late, matched.
///
/// One row of the code carries its expected amount into the totals, the
/// one that decides it: the payment (or last part) that reached or
/// overshot the amount; else the last part of an underpayment; else the
/// first row in the code's currency (a refund, an unreadable amount).
/// Never a duplicate or a repeat. A code whose rows are all in another
/// currency is expected in no total: its amount cannot be added to theirs.
pub(super) fn classify_code(
    book: &Book,
    files: &[Settlement],
    c: u32,
    members: &[(u32, u32)],
    rows: &mut [Row],
    scratch: &mut Scratch,
) {
    let code = &book.terms(c);
    let payment = |row: &Row| -> Option<(&Payment, &Settlement, u32)> {
        let Source::Settlement { file, index } = row.source else {
            return None;
        };
        let f = &files[file as usize];
        Some((&f.payments[index as usize], f, file))
    };
    let redemption = book.redemption(&book.key(c));
    let Scratch {
        pending,
        paid_rows,
        duplicates,
        refunds,
    } = scratch;
    for v in [&mut *pending, &mut *paid_rows, &mut *duplicates] {
        v.clear();
    }
    refunds.clear();
    // Exact sums (i128: no saturation, and room for signed amounts): a
    // saturated sum of parts could equal the amount by accident.
    let mut pending_sum = 0i128;
    // The row that completed (or overshot) the payment: file, line.
    let mut paid_by: Option<(u32, u64)> = None;
    let mut paid_row: Option<u32> = None;
    let mut first_in_currency: Option<u32> = None;
    let mut paid_sum = 0i128;
    let mut duplicate_sum = 0i128;
    let mut refund_sum = 0i128;
    let amount = i128::from(code.amount);
    for &(_, r) in members {
        // Only settlement rows name codes here.
        let Some((p, file, file_no)) = payment(&rows[r as usize]) else {
            continue;
        };
        let currency = p.currency.unwrap_or(code.currency);
        if currency == code.currency && first_in_currency.is_none() {
            first_in_currency = Some(r);
        }
        let (status, note) = if currency != code.currency {
            (Status::CurrencyMismatch, Note::OtherCurrency)
        } else {
            match p.amount.minor(currency.exponent) {
                Err(e) => (Status::AmountMismatch, Note::BadAmount(Box::new(e))),
                Ok(minor) if p.refund => {
                    refunds.push((r, file_no, p.line));
                    refund_sum += i128::from(minor);
                    (Status::Refunded, Note::Refund)
                }
                Ok(minor) => {
                    if let Some((f, line)) = paid_by {
                        duplicates.push(r);
                        duplicate_sum += i128::from(minor);
                        (Status::Duplicate, Note::PaidOn { file: f, line })
                    } else {
                        let sum = pending_sum + i128::from(minor);
                        pending.push(r);
                        pending_sum = sum;
                        if sum < amount {
                            continue;
                        }
                        paid_rows.clear();
                        paid_rows.append(pending);
                        let n = paid_rows.len() as u32;
                        let (status, note) = if sum > amount {
                            // Less than the last part: the sum before it
                            // was short of the amount.
                            let over = u64::try_from(sum - amount).expect("below one part");
                            // k is set per part below.
                            let (k, parts) = (n, n);
                            (Status::AmountMismatch, Note::Overpaid { over, k, parts })
                        } else {
                            completion(code, redemption, p, file)
                        };
                        paid_by = Some((file_no, p.line));
                        paid_row = Some(r);
                        paid_sum = sum;
                        for (k, &part) in paid_rows.iter().enumerate() {
                            let row = &mut rows[part as usize];
                            row.status = status;
                            let k = k as u32 + 1;
                            row.note = match (&note, n) {
                                (Note::None, 2..) => Note::Part { k, n },
                                (&Note::Overpaid { over, parts, .. }, _) => {
                                    Note::Overpaid { over, k, parts }
                                }
                                _ => note.clone(),
                            };
                        }
                        continue;
                    }
                }
            }
        };
        let row = &mut rows[r as usize];
        row.status = status;
        row.note = note;
    }
    if let Some(r) = paid_row.or(pending.last().copied()).or(first_in_currency) {
        rows[r as usize].expected = true;
    }
    if !pending.is_empty() {
        let short = u64::try_from(amount - pending_sum).expect("short of a u64 amount");
        let parts = pending.len() as u32;
        for (k, &r) in pending.iter().enumerate() {
            rows[r as usize].status = Status::AmountMismatch;
            rows[r as usize].note = Note::Underpaid {
                short,
                k: k as u32 + 1,
                parts,
            };
        }
    }
    if refunds.is_empty() {
        return;
    }
    let (_, file, line) = refunds[0];
    let settled: &[u32] = if !duplicates.is_empty() && refund_sum == duplicate_sum {
        // The second payment went back: what is left is one payment.
        duplicates
    } else if refund_sum == paid_sum + duplicate_sum && paid_by.is_some() {
        // Everything went back: the code is not paid.
        paid_rows.extend_from_slice(duplicates);
        paid_rows
    } else {
        for &(r, _, _) in refunds.iter() {
            rows[r as usize].status = Status::AmountMismatch;
            rows[r as usize].note = Note::RefundMismatch;
        }
        return;
    };
    for &r in settled {
        rows[r as usize].status = Status::Refunded;
        rows[r as usize].note = Note::RefundedOn { file, line };
    }
}

/// The status of a payment (or the last part of one) that pays the code's
/// amount exactly.
pub(super) fn completion(
    code: &Terms,
    redemption: Option<&Redemption>,
    p: &Payment,
    file: &Settlement,
) -> (Status, Note) {
    // A redemption written by an earlier apply of this very payment: still
    // a match, so rerunning (or reading the payment again in the next
    // day's file) changes nothing.
    let applied = redemption
        .is_some_and(|r| r.channel == CHANNEL && r.txn.as_deref() == Some(&txn_key(p, file)));
    match (redemption, p.paid_at) {
        (Some(_), _) if !applied => (Status::AlreadyRedeemed, Note::Redeemed),
        (_, Some(t)) if t > code.expires_at => (Status::Late, Note::Late(t - code.expires_at)),
        (Some(_), _) => (Status::Matched, Note::Applied),
        (None, _) => (Status::Matched, Note::None),
    }
}
