//! The batch progress bar's rate and ETA, in figures a person reads: a
//! whole number of rows per second (not `1,631.9328/s`) and an ETA from the
//! average rate since the start, rounded to a coarse step so that it
//! settles instead of jumping with every chunk.

use std::time::Duration;

/// "1632 rows/s"; "-" before the first second of data.
pub fn rate_text(pos: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if pos == 0 || secs < 0.5 {
        return "- rows/s".into();
    }
    format!("{:.0} rows/s", pos as f64 / secs)
}

/// Time left at the average rate so far, rounded: to 5 s under a minute,
/// to 15 s under ten minutes, to the minute beyond.
pub fn eta_text(pos: u64, len: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if pos == 0 || secs < 0.5 {
        return "ETA -".into();
    }
    let left = len.saturating_sub(pos) as f64 * secs / pos as f64;
    let step = if left < 60.0 {
        5.0
    } else if left < 600.0 {
        15.0
    } else {
        60.0
    };
    let t = ((left / step).ceil() * step) as u64;
    match t {
        0 => "ETA 0s".into(),
        t if t < 60 => format!("ETA {t}s"),
        t if t < 3600 => format!("ETA {}m {:02}s", t / 60, t % 60),
        t => format!("ETA {}h {:02}m", t / 3600, t / 60 % 60),
    }
}

/// The bar's style: `{wide_bar} {pos}/{len} rows {rate} {eta}`.
pub fn style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{wide_bar} {pos}/{len} rows {rate} {eta}")
        .expect("static template")
        .with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&rate_text(s.pos(), s.elapsed()));
            },
        )
        .with_key(
            "eta",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let len = s.len().unwrap_or(s.pos());
                let _ = w.write_str(&eta_text(s.pos(), len, s.elapsed()));
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_is_a_whole_number() {
        let r = rate_text(16_319, Duration::from_secs(10));
        assert_eq!(r, "1632 rows/s");
        assert_eq!(rate_text(0, Duration::from_secs(3)), "- rows/s");
    }

    #[test]
    fn eta_settles_on_coarse_steps() {
        // 1000 rows/s with 12,345 left: 12.3 s → 15 s; a little later
        // and a little faster, still 15 s (the figure does not flicker).
        let d = Duration::from_secs(10);
        assert_eq!(eta_text(10_000, 22_345, d), "ETA 15s");
        assert_eq!(
            eta_text(10_100, 22_345, Duration::from_millis(10_050)),
            "ETA 15s"
        );
        assert_eq!(eta_text(1_000, 200_000, d), "ETA 34m 00s");
        assert_eq!(eta_text(100, 100, d), "ETA 0s");
        assert_eq!(
            eta_text(1, 10_000_000, Duration::from_secs(1)),
            "ETA 2777h 47m"
        );
    }
}
