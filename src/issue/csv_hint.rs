//! What to tell a clerk whose CSV row has more or fewer cells than the
//! header: most often a decimal comma (`A1,200,00`) split the amount.

use csv::StringRecord;

/// The problem for a row of `rec.len()` cells under a header of
/// `expected`. When the row has one cell too many and the amount column
/// and the next look like "200" and "00", says it is a decimal comma and
/// how to write the amount.
pub(crate) fn field_count(rec: &StringRecord, expected: u64, amount_col: Option<usize>) -> String {
    let base = format!(
        "{} cells, the header has {expected} (a ',' inside a cell? quote the cell)",
        rec.len()
    );
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(i) = amount_col
        && rec.len() as u64 == expected + 1
        && let (Some(int), Some(frac)) = (rec.get(i), rec.get(i + 1))
    {
        let (int, frac) = (int.trim(), frac.trim());
        if digits(int) && digits(frac) && frac.len() <= 2 {
            return format!(
                "{} cells, the header has {expected}: amount \"{int},{frac}\" looks like a \
                 decimal comma; write {int}.{frac} ('.' is the decimal point)",
                rec.len()
            );
        }
    }
    base
}
