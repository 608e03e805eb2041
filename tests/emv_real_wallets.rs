//! EMV MPM codes of real wallets that a2f0fc4 refused although their CRC is
//! right: payment-system templates whose contents are not TLV, a 62-98 with
//! no GUI, an empty 6200. EMVCo leaves those templates' contents to the
//! payment system, so they are kept raw with a warning; a wrong CRC is still
//! an error. And `emv parse FILE` on a missing file says so.
//!
//! Payloads are public data copied verbatim (CRCs checked independently,
//! CRC-16/CCITT-FALSE):
//! - STARBUCKS, NO_GUI_98, NOT_TLV_60: test suite of
//!   https://github.com/astrapay/spring-qris (MIT licence),
//!   src/test/java/com/astrapay/qris/SpringQrisApplicationTests.java
//! - EMPTY_62: https://github.com/binhnguyenduc/vietqr-ts (MIT licence),
//!   tests/fixtures/vietqr-samples.ts

mod common;

use common::*;
use payqr::emv::tlv;

/// QRIS, GoPay: Starbucks, Jakarta Pusat. 62-50 holds "0120210413…", which
/// is not a sequence of data objects.
const STARBUCKS: &str = "00020101021226610014COM.GO-JEK.WWW01189360091432343267810210G2343267810303UBE51440014ID.CO.QRIS.WWW0215ID20190143816000303UBE5204581253033605802ID5910Starbucks 6013JAKARTA PUSAT610510210540839000.006239502801202104130502044NMWVA6P4CID0703A0363049A04";
/// QRIS, AstraPay: 62-98 without 00 Globally Unique Identifier.
const NO_GUI_98: &str = "00020101021226640018ID.CO.ASTRAPAY.WWW011893600822321000045502092100004550303UBE51440014ID.CO.QRIS.WWW0215ID20210719803990303UBE520475385303360540745480515802ID5916AUTO2000 Bintaro6009Tangerang610515118626001152110050107770150715ASTRAPAY210502198180209210000455030116304E3CF";
/// QRIS, SpinPay: 62-60 holds a hex digest, not data objects.
const NOT_TLV_60: &str = "00020101021226630014ID.SPINPAY.WWW011893600816319100102402121314310103170303URE51430014ID.CO.QRIS.WWW0214ID1314310103170303URE520472985303360540411355802ID5908MNC LIFE6007JAKARTA61052020362390707TID00656024607cc759c07a8847bf7b4def63040741";
/// VietQR with an empty Additional Data Field Template (`6200`).
const EMPTY_62: &str = "00020101021138570010A00000072701390006970422011301234567890200208QRIBFTTA5303704540440005802VN62006304A6AF";

#[test]
fn real_qris_codes_with_opaque_templates_are_read_with_warnings() {
    let p = tlv::parse(STARBUCKS).expect("Starbucks Jakarta QRIS");
    assert_eq!(p.get(59).unwrap().value, "Starbucks ");
    assert_eq!(p.get(54).unwrap().value, "39000.00");
    let adf = p.get(62).unwrap();
    let raw = adf.child(50).expect("62-50 kept");
    assert_eq!(raw.value, "01202104130502044NMWVA6P4CID");
    assert!(raw.children.is_empty());
    // The rest of 62 is still read field by field.
    assert_eq!(adf.child(7).unwrap().value, "A03");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.starts_with("62-50 ") && w.contains("kept as written")),
        "{:?}",
        p.warnings
    );

    let p = tlv::parse(NO_GUI_98).expect("62-98 without GUI");
    let t = p.get(62).unwrap().child(98).unwrap();
    assert_eq!(t.child(2).unwrap().value, "210000455");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("62-98") && w.contains("Globally Unique"))
    );

    let p = tlv::parse(NOT_TLV_60).expect("62-60 not TLV");
    assert_eq!(
        p.get(62).unwrap().child(60).unwrap().value,
        "607cc759c07a8847bf7b4def"
    );

    let p = tlv::parse(EMPTY_62).expect("empty 6200");
    assert_eq!(p.get(62).unwrap().value, "");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("62 ") && w.contains("empty"))
    );
}

#[test]
fn a_wrong_crc_is_still_an_error() {
    for code in [STARBUCKS, NO_GUI_98, NOT_TLV_60, EMPTY_62] {
        // One character of the merchant's data changed, CRC kept.
        let edited = code
            .replacen("5802ID", "5802IE", 1)
            .replacen("5802VN", "5802VM", 1);
        assert_ne!(edited, code);
        let e = tlv::parse(&edited).unwrap_err().to_string();
        assert!(e.starts_with("CRC mismatch"), "{e}");
    }
    // Outside the open templates, strictness is unchanged: 62 itself must
    // be data objects.
    let broken = payqr::emv::seal("0002015204411153031565802CN62040123");
    let e = tlv::parse(&broken).unwrap_err().to_string();
    assert!(e.contains("62"), "{e}");
}

#[test]
fn emv_parse_shows_raw_templates_and_their_warnings() {
    let d = tempfile::tempdir().unwrap();
    let r = payqr(d.path(), &["emv", "parse", STARBUCKS]).expect(0);
    assert!(
        r.stdout
            .contains("50 Payment System specific template (raw): 01202104130502044NMWVA6P4CID"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("62-50"),
        "{}",
        r.stderr
    );
    let r = payqr(d.path(), &["emv", "parse", "--json", STARBUCKS]).expect(0);
    let v = json(&r);
    assert_eq!(v["valid"], true);
    let adf = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "62")
        .unwrap();
    let t = adf["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "50")
        .unwrap();
    assert_eq!(
        (t["raw"].as_bool(), t["objects"].as_array().map(Vec::len)),
        (Some(true), Some(0))
    );
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("62-50"))
    );
}

#[test]
fn a_missing_image_is_reported_as_a_missing_file() {
    let d = tempfile::tempdir().unwrap();
    for name in ["e.png", "sticker.JPG", "codes/none"] {
        let r = payqr(d.path(), &["emv", "parse", name]).expect(2);
        // The system's own words: Windows says "cannot find the file" (or
        // "path", for a missing folder) in the user's language, with its code.
        #[cfg(not(windows))]
        let missing = r
            .stderr
            .contains(&format!("{name}: No such file or directory"));
        #[cfg(windows)]
        let missing = r.stderr.contains(&format!("{name}: "))
            && (r.stderr.contains("(os error 2)") || r.stderr.contains("(os error 3)"));
        assert!(missing, "{name}: {}", r.stderr);
        assert!(!r.stderr.contains("two digits"), "{}", r.stderr);
    }
    // A payload is still a payload.
    payqr(d.path(), &["emv", "parse", EMPTY_62]).expect(0);
}
