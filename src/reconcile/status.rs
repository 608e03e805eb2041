//! What reconciliation says of a row: its status, where it came from, the
//! note that explains it, and the totals.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::code::CodeId;
use crate::code::currency::{AmountError, Currency};

/// The ledger channel of redemptions written by [`apply_records`].
pub const CHANNEL: &str = "settlement";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Matched,
    AmountMismatch,
    CurrencyMismatch,
    Duplicate,
    Late,
    AlreadyRedeemed,
    Unknown,
    Refunded,
    Repeated,
    UnpaidOpen,
    UnpaidExpired,
    RedeemedElsewhere,
    /// A payment to a code replaced by a reissue: the code to pay was
    /// another one, so the payment is never a match.
    Replaced,
    /// The row's code id was issued by more than one issuer in the ledger
    /// (code ids are unique per issuer only): which code was paid cannot
    /// be told from the row.
    Ambiguous,
    /// A payment to a code its issuer cancelled (`payqr cancel`): never
    /// a match, whatever the amount.
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 15] = [
        Status::Matched,
        Status::AmountMismatch,
        Status::CurrencyMismatch,
        Status::Duplicate,
        Status::Late,
        Status::AlreadyRedeemed,
        Status::Unknown,
        Status::Refunded,
        Status::Repeated,
        Status::UnpaidOpen,
        Status::UnpaidExpired,
        Status::RedeemedElsewhere,
        Status::Replaced,
        Status::Ambiguous,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Matched => "matched",
            Status::AmountMismatch => "amount_mismatch",
            Status::CurrencyMismatch => "currency_mismatch",
            Status::Duplicate => "duplicate",
            Status::Late => "late",
            Status::AlreadyRedeemed => "already_redeemed",
            Status::Unknown => "unknown",
            Status::Refunded => "refunded",
            Status::Repeated => "repeated",
            Status::UnpaidOpen => "unpaid_open",
            Status::UnpaidExpired => "unpaid_expired",
            Status::RedeemedElsewhere => "redeemed_elsewhere",
            Status::Replaced => "replaced",
            Status::Ambiguous => "ambiguous",
            Status::Cancelled => "cancelled",
        }
    }

    /// Whether someone has to look at it. An open unpaid code may still be
    /// paid; a code redeemed through another channel with no settlement
    /// row is the normal case for counter payments; a refund that settles
    /// its payment leaves nothing to do; a repeated row is a payment the
    /// provider listed twice, not a second payment.
    pub fn is_discrepancy(self) -> bool {
        !matches!(
            self,
            Status::Matched
                | Status::UnpaidOpen
                | Status::RedeemedElsewhere
                | Status::Refunded
                | Status::Repeated
        )
    }

    /// Every status for which [`Status::is_discrepancy`] holds.
    pub fn discrepancies() -> Vec<Status> {
        Status::ALL
            .into_iter()
            .filter(|s| s.is_discrepancy())
            .collect()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name [`Status`]'s `FromStr` does not know (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a status (one of: {names})", names = status_names())]
pub struct UnknownStatus(pub String);

fn status_names() -> String {
    let names: Vec<&str> = Status::ALL.iter().map(|st| st.as_str()).collect();
    names.join(", ")
}

impl std::str::FromStr for Status {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Status, UnknownStatus> {
        let s = s.trim();
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

/// Where a report row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Payment `index` of settlement file `file`.
    Settlement { file: u32, index: u32 },
    /// Issued code `index` of the ledger (in ledger order), with no row.
    Ledger { index: u32 },
}

/// Why a row has its status, in a few bytes; [`Report::view`] words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    None,
    NotCodeId,
    NotIssued,
    /// The code is in another currency than the payment.
    OtherCurrency,
    BadAmount(Box<AmountError>),
    /// Short by this many minor units; row `k` of the `parts` rows paid.
    Underpaid {
        short: u64,
        k: u32,
        parts: u32,
    },
    /// Over by this many minor units; row `k` of the `parts` rows paid.
    Overpaid {
        over: u64,
        k: u32,
        parts: u32,
    },
    /// Part `k` of `n` rows that add up to the amount.
    Part {
        k: u32,
        n: u32,
    },
    /// The code was already paid by the row on this line of this file.
    PaidOn {
        file: u32,
        line: u64,
    },
    /// Seconds after expiry.
    Late(u64),
    /// A redemption in the ledger from another payment or channel.
    Redeemed,
    /// An earlier apply of this very payment (this file, or an earlier one
    /// carrying the same transaction id).
    Applied,
    Refund,
    /// Paid back by the refund on this line.
    RefundedOn {
        file: u32,
        line: u64,
    },
    /// The refunds of the code do not add up to what was overpaid or paid.
    RefundMismatch,
    /// The same transaction id was listed on this line before.
    RepeatOf {
        file: u32,
        line: u64,
    },
    ExpiredAgo(u64),
    ExpiresIn(u64),
    /// Replaced by this code (its direct successor) in a reissue.
    ReplacedBy(CodeId),
    /// Issued by this many issuers.
    Ambiguous(u32),
    /// Cancelled by its issuer.
    Cancelled,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub status: Status,
    pub source: Source,
    /// The issued code the row is about (index into `LedgerState::issued`).
    pub code: Option<u32>,
    pub note: Note,
    /// Whether this row carries its code's expected amount: one row per
    /// code does (see [`classify_code`]), so totals count it once.
    pub expected: bool,
}

/// Totals of one status in one currency (`None`: rows with no known currency).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Total {
    pub status: Status,
    pub currency: Option<String>,
    pub count: u64,
    /// Net money in: refunds count negative, so the totals of a file agree
    /// with the provider's own net figures.
    pub paid_minor: i128,
    pub expected_minor: u64,
    /// Net fees charged: a fee given back with a refund counts negative.
    pub fee_minor: i128,
}

/// Totals per status and currency, in status order. Minor units of
/// different currencies are never added together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub totals: Vec<Total>,
}

impl Summary {
    /// Rows with this status, in all currencies.
    pub fn count(&self, status: Status) -> u64 {
        self.totals
            .iter()
            .filter(|t| t.status == status)
            .map(|t| t.count)
            .sum()
    }
}

/// A total that a [`Total`] (minor units in a `u64`) cannot hold: the
/// report fails rather than show a wrong sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalTooLarge {
    pub status: Status,
    pub currency: Option<Currency>,
    /// "paid", "expected" or "fee".
    pub what: &'static str,
    /// The exact sum, in minor units.
    pub sum: i128,
}

impl fmt::Display for TotalTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sum, max, unit) = match self.currency {
            Some(c) => (
                decimal(self.sum, c.exponent),
                c.format_amount(u64::MAX),
                c.code,
            ),
            None => (self.sum.to_string(), u64::MAX.to_string(), "minor units"),
        };
        write!(
            f,
            "the {} total of {} rows is {sum} {unit}, more than a report total can hold \
             ({max} {unit}); nothing was reported",
            self.what, self.status
        )
    }
}

impl std::error::Error for TotalTooLarge {}

/// Minor units as a major-unit decimal, for sums past a `u64`.
pub(super) fn decimal(minor: i128, exponent: u8) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let digits = minor.unsigned_abs().to_string();
    let e = usize::from(exponent);
    if e == 0 {
        return format!("{sign}{digits}");
    }
    let digits = format!("{digits:0>width$}", width = e + 1);
    let (int, frac) = digits.split_at(digits.len() - e);
    format!("{sign}{int}.{frac}")
}
