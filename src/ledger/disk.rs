//! Every write, fsync and rename the ledger does goes through here, so tests
//! can make the n-th one fail (EIO, ENOSPC, or a torn write that stops half
//! way) and prove that no failure is ever acknowledged.
//!
//! Faults are read from `PAYQR_FAULT=OP:N:KIND` (OP `write`, `fsync` or
//! `rename`; KIND `eio`, `enospc` or `torn`) in debug builds only: a release
//! binary cannot be told to fail.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Write,
    Fsync,
    Rename,
}

/// One write of the whole buffer (partial writes are continued by
/// `write_all`; an error leaves the caller to roll back).
pub fn write(f: &mut File, bytes: &[u8]) -> io::Result<()> {
    if let Some(kind) = fault::hit(Op::Write) {
        if kind == Kind::Torn {
            // A crash half way through: part of the line reaches the file.
            f.write_all(&bytes[..bytes.len() / 2])?;
        }
        return Err(kind.error());
    }
    f.write_all(bytes)
}

/// `fdatasync`: the data and the file length, which is all an append needs.
pub fn sync_data(f: &File) -> io::Result<()> {
    if let Some(kind) = fault::hit(Op::Fsync) {
        return Err(kind.error());
    }
    f.sync_data()
}

pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(kind) = fault::hit(Op::Rename) {
        return Err(kind.error());
    }
    std::fs::rename(from, to)
}

/// How an injected fault fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(debug_assertions), allow(dead_code))]
enum Kind {
    Eio,
    Enospc,
    Torn,
}

impl Kind {
    fn error(self) -> io::Error {
        match self {
            Kind::Enospc => io::Error::from_raw_os_error(28),
            Kind::Eio | Kind::Torn => io::Error::from_raw_os_error(5),
        }
    }
}

#[cfg(debug_assertions)]
mod fault {
    use std::sync::Mutex;

    use super::{Kind, Op};

    struct Plan {
        op: Op,
        n: u64,
        kind: Kind,
        seen: u64,
    }

    static PLAN: Mutex<Option<Option<Plan>>> = Mutex::new(None);

    fn parse(s: &str) -> Option<Plan> {
        let mut it = s.split(':');
        let op = match it.next()? {
            "write" => Op::Write,
            "fsync" => Op::Fsync,
            "rename" => Op::Rename,
            _ => return None,
        };
        let n = it.next()?.parse().ok()?;
        let kind = match it.next()? {
            "eio" => Kind::Eio,
            "enospc" => Kind::Enospc,
            "torn" => Kind::Torn,
            _ => return None,
        };
        Some(Plan {
            op,
            n,
            kind,
            seen: 0,
        })
    }

    /// Whether this operation is the one planned to fail.
    pub fn hit(op: Op) -> Option<Kind> {
        let mut plan = PLAN.lock().unwrap_or_else(|e| e.into_inner());
        let plan = plan
            .get_or_insert_with(|| std::env::var("PAYQR_FAULT").ok().as_deref().and_then(parse));
        let p = plan.as_mut().filter(|p| p.op == op)?;
        p.seen += 1;
        (p.seen == p.n).then_some(p.kind)
    }
}

#[cfg(not(debug_assertions))]
mod fault {
    use super::{Kind, Op};

    #[inline(always)]
    pub fn hit(_: Op) -> Option<Kind> {
        None
    }
}
