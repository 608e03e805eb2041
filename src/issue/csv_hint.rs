//! What to tell a clerk whose CSV row has more or fewer cells than the
//! header: most often a decimal comma (`A1,200,00`) split the amount.

use csv::StringRecord;

use super::problem::Problem;

/// The problem for a row of `rec.len()` cells under a header of
/// `expected`. When the row has one cell too many and the amount column
/// and the next look like "200" and "00", says it is a decimal comma and
/// how to write the amount.
pub(crate) fn field_count(rec: &StringRecord, expected: u64, amount_col: Option<usize>) -> Problem {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut comma = None;
    if let Some(i) = amount_col
        && rec.len() as u64 == expected + 1
        && let (Some(int), Some(frac)) = (rec.get(i), rec.get(i + 1))
    {
        let (int, frac) = (int.trim(), frac.trim());
        if digits(int) && digits(frac) && frac.len() <= 2 {
            comma = Some(Box::new((int.to_string(), frac.to_string())));
        }
    }
    Problem::FieldCount {
        cells: rec.len(),
        expected,
        comma,
    }
}
