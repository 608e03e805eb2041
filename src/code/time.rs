//! Times and durations: stored as UTC Unix seconds, shown with an offset.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// The most clock difference tolerated, in seconds. Skew widens a code's
/// validity at both ends; a clock off by more than an hour is wrong (a
/// bad time zone, a dead battery) and is to be fixed, not tolerated:
/// unbounded, `--skew` made a 2026 code valid in 1970 and in 2099.
pub const MAX_SKEW: u64 = 3600;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("{0:?} is not a duration (examples: 90s, 15m, 4h, 7d, 1h30m)")]
    Duration(String),
    #[error(
        "{0:?} is not a time (examples: 2026-11-23T16:00:00+08:00, \"2026-11-23 16:00\", @1795000000, now)"
    )]
    Time(String),
    #[error("{0:?} is not a UTC offset (examples: +08:00, -05:00, Z)")]
    Offset(String),
    #[error("time {0} is before 1970")]
    BeforeEpoch(String),
}

/// Parses "90s", "15m", "4h", "7d", "2w", or combinations like "1h30m".
pub fn parse_duration(s: &str) -> Result<u64, TimeError> {
    let err = || TimeError::Duration(s.to_string());
    let t = s.trim();
    if t.is_empty() {
        return Err(err());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(err()),
        };
        let n: u64 = num.parse().map_err(|_| err())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(err)?;
        num.clear();
    }
    if !num.is_empty() {
        return Err(err());
    }
    Ok(total)
}

pub fn parse_offset(s: &str) -> Result<FixedOffset, TimeError> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return Ok(FixedOffset::east_opt(0).expect("zero offset"));
    }
    let err = || TimeError::Offset(s.to_string());
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(err()),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: i32 = h.parse().map_err(|_| err())?;
    let m: i32 = m.parse().map_err(|_| err())?;
    if h > 23 || m > 59 {
        return Err(err());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(err)
}

/// Parses a point in time. Accepted: RFC 3339 ("2026-11-23T16:00:00+08:00"),
/// "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]" read in `tz`,
/// "@<unix seconds>", and "now".
pub fn parse_time(s: &str, now: u64, tz: FixedOffset) -> Result<u64, TimeError> {
    let t = s.trim();
    let err = || TimeError::Time(s.to_string());
    if let Some(secs) = utc_seconds(t) {
        return Ok(secs);
    }
    if t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(secs) = t.strip_prefix('@') {
        return secs.parse().map_err(|_| err());
    }
    let dt: DateTime<FixedOffset> = if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        dt
    } else {
        let naive = [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .ok_or_else(err)?;
        tz.from_local_datetime(&naive).single().ok_or_else(err)?
    };
    u64::try_from(dt.timestamp()).map_err(|_| TimeError::BeforeEpoch(t.to_string()))
}

/// "YYYY-MM-DDTHH:MM:SSZ", the storage form every ledger line carries
/// three times, read without chrono's RFC 3339 parser. Anything else (a
/// leap second, a year before 1970, an invalid date) is left to
/// [`parse_time`]'s general path, which agrees on everything read here.
fn utc_seconds(t: &str) -> Option<u64> {
    let b = t.as_bytes();
    let shape = b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z';
    if !shape {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = num(0..4)?;
    let (h, m, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if year < 1970 || h > 23 || m > 59 || s > 59 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(year as i32, num(5..7)?, num(8..10)?)?;
    let days = date.signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?);
    let secs = days.num_seconds() + i64::from(h * 3600 + m * 60 + s);
    u64::try_from(secs).ok()
}

pub fn now() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

fn to_dt(secs: u64) -> DateTime<Utc> {
    i64::try_from(secs)
        .ok()
        .and_then(|s| Utc.timestamp_opt(s, 0).single())
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// "2026-11-23T08:00:00Z": the storage form.
pub fn format_utc(secs: u64) -> String {
    to_dt(secs).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// "2026-11-23 16:00:00 +08:00": the display form.
pub fn format_in(secs: u64, tz: FixedOffset) -> String {
    to_dt(secs)
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M:%S %:z")
        .to_string()
}

/// "2026-11-23T16:00:00+08:00": RFC 3339 in an offset, for machine
/// outputs (CSV) that are also read in a given time zone.
pub fn format_rfc3339_in(secs: u64, tz: FixedOffset) -> String {
    to_dt(secs)
        .with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// "3h 59m", "2d 4h", "45s": a coarse, human span.
pub fn humanize(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// The local offset of this machine now (used only for display defaults).
pub fn local_offset() -> FixedOffset {
    *chrono::Local::now().offset()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_utc_fast_path_agrees_with_chrono() {
        let utc = FixedOffset::east_opt(0).unwrap();
        for t in [
            "2026-11-23T08:00:00Z",
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59Z",
            "2100-12-31T12:34:56Z",
        ] {
            let slow = DateTime::parse_from_rfc3339(t).unwrap().timestamp() as u64;
            assert_eq!(utc_seconds(t), Some(slow), "{t}");
            assert_eq!(parse_time(t, 0, utc), Ok(slow), "{t}");
        }
        for t in [
            "2026-02-29T00:00:00Z",
            "2026-11-23T24:00:00Z",
            "2026-11-23T23:60:00Z",
            "2016-12-31T23:59:60Z",
            "1969-12-31T23:59:59Z",
            "2026-11-23t08:00:00Z",
            "2026-11-23T08:00:00z",
            "2026-1a-23T08:00:00Z",
        ] {
            assert_eq!(utc_seconds(t), None, "{t}");
        }
        assert!(parse_time("2026-02-29T00:00:00Z", 0, utc).is_err());
        assert!(parse_time("1969-12-31T23:59:59Z", 0, utc).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("4h"), Ok(14_400));
        assert_eq!(parse_duration("1h30m"), Ok(5_400));
        assert_eq!(parse_duration("90s"), Ok(90));
        for bad in ["", "4", "h", "4x", "-4h", "4.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn times() {
        let utc = parse_offset("Z").unwrap();
        let cst = parse_offset("+08:00").unwrap();
        let t = parse_time("2026-11-23T16:00:00+08:00", 0, utc).unwrap();
        assert_eq!(format_utc(t), "2026-11-23T08:00:00Z");
        assert_eq!(parse_time("2026-11-23 16:00", 0, cst), Ok(t));
        assert_eq!(parse_time("@1795000000", 0, utc), Ok(1_795_000_000));
        assert_eq!(parse_time("now", 42, utc), Ok(42));
        assert_eq!(format_in(t, cst), "2026-11-23 16:00:00 +08:00");
        assert!(parse_time("yesterday", 0, utc).is_err());
        assert!(parse_time("1969-01-01T00:00:00Z", 0, utc).is_err());
    }

    #[test]
    fn humane() {
        assert_eq!(humanize(14_340), "3h 59m");
        assert_eq!(humanize(45), "45s");
        assert_eq!(humanize(2 * 86_400 + 4 * 3600), "2d 4h");
    }
}
