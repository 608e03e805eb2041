//! ISO 4217 currencies and exact decimal amounts in minor units.
//!
//! Money never touches a float: "200.00" CNY is parsed digit by digit into
//! 20000 minor units using the currency's exponent (CNY 2, JPY 0, KWD 3).

use std::fmt;

pub use super::amount::{AmountError, Grouping, format_minor, format_signed_minor, parse_minor};

/// An ISO 4217 currency: alphabetic code, numeric code, minor-unit exponent.
#[derive(Debug, Clone, Copy, Eq)]
pub struct Currency {
    pub code: &'static str,
    pub numeric: u16,
    pub exponent: u8,
}

/// Field by field as derived, numbers first: reconciliation compares a
/// currency for every settlement row, and comparing the codes' text called
/// into the C library each time.
impl PartialEq for Currency {
    fn eq(&self, other: &Currency) -> bool {
        self.numeric == other.numeric
            && self.exponent == other.exponent
            && (std::ptr::eq(self.code, other.code) || self.code == other.code)
    }
}

/// As derived: every field, in order (equal currencies hash the same).
impl std::hash::Hash for Currency {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.code.hash(h);
        self.numeric.hash(h);
        self.exponent.hash(h);
    }
}

// Active ISO 4217 currencies (list 1, 2024 edition), funds codes and
// precious metals excluded: those are not used to pay fines or bills.
const TABLE: &[(&str, u16, u8)] = &[
    ("AED", 784, 2),
    ("AFN", 971, 2),
    ("ALL", 8, 2),
    ("AMD", 51, 2),
    ("AOA", 973, 2),
    ("ARS", 32, 2),
    ("AUD", 36, 2),
    ("AWG", 533, 2),
    ("AZN", 944, 2),
    ("BAM", 977, 2),
    ("BBD", 52, 2),
    ("BDT", 50, 2),
    ("BGN", 975, 2),
    ("BHD", 48, 3),
    ("BIF", 108, 0),
    ("BMD", 60, 2),
    ("BND", 96, 2),
    ("BOB", 68, 2),
    ("BRL", 986, 2),
    ("BSD", 44, 2),
    ("BTN", 64, 2),
    ("BWP", 72, 2),
    ("BYN", 933, 2),
    ("BZD", 84, 2),
    ("CAD", 124, 2),
    ("CDF", 976, 2),
    ("CHF", 756, 2),
    ("CLP", 152, 0),
    ("CNY", 156, 2),
    ("COP", 170, 2),
    ("CRC", 188, 2),
    ("CUP", 192, 2),
    ("CVE", 132, 2),
    ("CZK", 203, 2),
    ("DJF", 262, 0),
    ("DKK", 208, 2),
    ("DOP", 214, 2),
    ("DZD", 12, 2),
    ("EGP", 818, 2),
    ("ERN", 232, 2),
    ("ETB", 230, 2),
    ("EUR", 978, 2),
    ("FJD", 242, 2),
    ("FKP", 238, 2),
    ("GBP", 826, 2),
    ("GEL", 981, 2),
    ("GHS", 936, 2),
    ("GIP", 292, 2),
    ("GMD", 270, 2),
    ("GNF", 324, 0),
    ("GTQ", 320, 2),
    ("GYD", 328, 2),
    ("HKD", 344, 2),
    ("HNL", 340, 2),
    ("HTG", 332, 2),
    ("HUF", 348, 2),
    ("IDR", 360, 2),
    ("ILS", 376, 2),
    ("INR", 356, 2),
    ("IQD", 368, 3),
    ("IRR", 364, 2),
    ("ISK", 352, 0),
    ("JMD", 388, 2),
    ("JOD", 400, 3),
    ("JPY", 392, 0),
    ("KES", 404, 2),
    ("KGS", 417, 2),
    ("KHR", 116, 2),
    ("KMF", 174, 0),
    ("KPW", 408, 2),
    ("KRW", 410, 0),
    ("KWD", 414, 3),
    ("KYD", 136, 2),
    ("KZT", 398, 2),
    ("LAK", 418, 2),
    ("LBP", 422, 2),
    ("LKR", 144, 2),
    ("LRD", 430, 2),
    ("LSL", 426, 2),
    ("LYD", 434, 3),
    ("MAD", 504, 2),
    ("MDL", 498, 2),
    ("MGA", 969, 2),
    ("MKD", 807, 2),
    ("MMK", 104, 2),
    ("MNT", 496, 2),
    ("MOP", 446, 2),
    ("MRU", 929, 2),
    ("MUR", 480, 2),
    ("MVR", 462, 2),
    ("MWK", 454, 2),
    ("MXN", 484, 2),
    ("MYR", 458, 2),
    ("MZN", 943, 2),
    ("NAD", 516, 2),
    ("NGN", 566, 2),
    ("NIO", 558, 2),
    ("NOK", 578, 2),
    ("NPR", 524, 2),
    ("NZD", 554, 2),
    ("OMR", 512, 3),
    ("PAB", 590, 2),
    ("PEN", 604, 2),
    ("PGK", 598, 2),
    ("PHP", 608, 2),
    ("PKR", 586, 2),
    ("PLN", 985, 2),
    ("PYG", 600, 0),
    ("QAR", 634, 2),
    ("RON", 946, 2),
    ("RSD", 941, 2),
    ("RUB", 643, 2),
    ("RWF", 646, 0),
    ("SAR", 682, 2),
    ("SBD", 90, 2),
    ("SCR", 690, 2),
    ("SDG", 938, 2),
    ("SEK", 752, 2),
    ("SGD", 702, 2),
    ("SHP", 654, 2),
    ("SLE", 925, 2),
    ("SOS", 706, 2),
    ("SRD", 968, 2),
    ("SSP", 728, 2),
    ("STN", 930, 2),
    ("SVC", 222, 2),
    ("SYP", 760, 2),
    ("SZL", 748, 2),
    ("THB", 764, 2),
    ("TJS", 972, 2),
    ("TMT", 934, 2),
    ("TND", 788, 3),
    ("TOP", 776, 2),
    ("TRY", 949, 2),
    ("TTD", 780, 2),
    ("TWD", 901, 2),
    ("TZS", 834, 2),
    ("UAH", 980, 2),
    ("UGX", 800, 0),
    ("USD", 840, 2),
    ("UYU", 858, 2),
    ("UZS", 860, 2),
    ("VES", 928, 2),
    ("VND", 704, 0),
    ("VUV", 548, 0),
    ("WST", 882, 2),
    ("XAF", 950, 0),
    ("XCD", 951, 2),
    ("XOF", 952, 0),
    ("XPF", 953, 0),
    ("YER", 886, 2),
    ("ZAR", 710, 2),
    ("ZMW", 967, 2),
    ("ZWG", 924, 2),
];

impl Currency {
    /// Looks up an alphabetic code ("CNY"); case-insensitive.
    pub fn from_code(code: &str) -> Option<Currency> {
        // Every code is three ASCII letters and the table is sorted: a
        // binary search over the upper-cased bytes, with no allocation
        // (the ledger reads one currency per issued line).
        let code = code.trim().as_bytes();
        let upper: [u8; 3] = match code {
            [a, b, c] => [a, b, c].map(u8::to_ascii_uppercase),
            _ => return None,
        };
        TABLE
            .binary_search_by(|(c, _, _)| c.as_bytes().cmp(&upper[..]))
            .ok()
            .map(|i| TABLE[i])
            .map(|(code, numeric, exponent)| Currency {
                code,
                numeric,
                exponent,
            })
    }

    pub fn from_numeric(numeric: u16) -> Option<Currency> {
        TABLE
            .iter()
            .find(|(_, n, _)| *n == numeric)
            .map(|&(code, numeric, exponent)| Currency {
                code,
                numeric,
                exponent,
            })
    }

    /// Parses an amount in major units ("200.00", "1234.5") into minor
    /// units, in the one amount grammar ([`super::amount`]): no ',' at
    /// all, refused with the spelling to use; more fraction digits than
    /// the exponent allows is an error, never a rounding.
    pub fn parse_amount(&self, text: &str) -> Result<u64, AmountError> {
        parse_minor(text, self.exponent)
    }

    /// Formats minor units as a major-unit decimal ("200.00").
    pub fn format_amount(&self, minor: u64) -> String {
        format_minor(minor, self.exponent)
    }

    /// A signed amount ("-100.00" for money paid back).
    pub fn format_signed(&self, minor: i128) -> String {
        format_signed_minor(minor, self.exponent)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_lookups() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
        for &(code, numeric, _) in TABLE {
            assert_eq!(Currency::from_code(code).map(|c| c.numeric), Some(numeric));
            let lower = format!(" {} ", code.to_ascii_lowercase());
            assert_eq!(Currency::from_code(&lower).map(|c| c.code), Some(code));
        }
        for bad in ["", "CN", "CNYY", "XXX1", "ÇNY", "C\u{0}Y", "ZZZ"] {
            assert_eq!(Currency::from_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn exponents() {
        let cny = Currency::from_code("cny").unwrap();
        assert_eq!(cny.parse_amount("200.00"), Ok(20000));
        assert_eq!(cny.parse_amount("200"), Ok(20000));
        assert_eq!(cny.parse_amount("0.1"), Ok(10));
        assert!(matches!(
            cny.parse_amount("1,234.56"),
            Err(AmountError::Separator { fixed, .. }) if fixed == "1234.56"
        ));
        assert!(matches!(
            cny.parse_amount("200,00"),
            Err(AmountError::DecimalComma { fixed, .. }) if fixed == "200.00"
        ));
        assert_eq!(cny.format_amount(20000), "200.00");
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(jpy.parse_amount("1500"), Ok(1500));
        assert!(matches!(
            jpy.parse_amount("1500.5"),
            Err(AmountError::TooPrecise { .. })
        ));
        assert_eq!(jpy.parse_amount("1500.0"), Ok(1500));
        assert_eq!(jpy.format_amount(1500), "1500");
        let kwd = Currency::from_code("KWD").unwrap();
        assert_eq!(kwd.parse_amount("1.5"), Ok(1500));
        assert_eq!(kwd.format_amount(1), "0.001");
    }

    #[test]
    fn numeric_codes_are_unique() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert_ne!(a.0, b.0);
                assert_ne!(a.1, b.1, "{} and {}", a.0, b.0);
            }
        }
        assert_eq!(Currency::from_numeric(156).unwrap().code, "CNY");
    }
}
