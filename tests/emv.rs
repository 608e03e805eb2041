//! EMV MPM: the parser against real schemes' published codes, `payqr emv
//! parse`, and the payqr EMV profile through issue → PNG → verify/redeem.

mod common;

use common::*;
use payqr::emv::tlv::{self, EmvError};

// --- Public codes of real schemes -----------------------------------------
// Each vector is copied verbatim from the source named above it; every CRC
// was checked independently (CRC-16/CCITT-FALSE over the UTF-8 bytes).

// PIX (Brazil): Banco Central do Brasil, "Manual de Padrões para Iniciação
// do Pix", §2.6.3 (static QR, random key, no amount). The same string is
// quoted as the BCB example in the docs of the Rust crate brazilian-utils
// (pix_payload::is_valid).
const PIX_STATIC: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
// Same manual, §2.7.2 (dynamic QR: a PSP URL in 26-25).
const PIX_DYNAMIC: &str = "00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4";
// Same manual, §2.8.5 (composite: static with amount 100.50 plus a
// recurrence URL in unreserved template 80).
const PIX_COMPOSITE: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865406100.505802BR5913Fulano de Tal6008BRASILIA62070503***80740014br.gov.bcb.pix2552pix.example.com/rec/2353c790eefb11eaadc10242ac12000263042875";
// Banco Central do Brasil, "Manual do BR Code" v2.0.1, §2.2 (card scheme
// primitive 04, PIX and another arrangement in 27 and 80; 270 characters).
const BR_CODE: &str = "00020104141234567890123426580014BR.GOV.BCB.PIX0136123e4567-e12b-12d1-a456-42665544000027300012BR.COM.OUTRO011001234567895204000053039865406123.455802BR5917NOME DO RECEBEDOR6008BRASILIA61087007490062190515RP12345678-201980390012BR.COM.OUTRO01190123.ABCD.3456.WXYZ6304AD38";
// PIX "static" example of the field-by-field listing in
// https://gist.github.com/matheusb-comp/1efa205b3c0ffd7af1e8ce63a10e02dc
// (reassembled from its annotated lines). Its CRC 170E checks, but it is
// NOT a valid payload: 62 declares 08 characters for the 7-character value
// "0503***", so the last objects cannot be read. Kept as a real-world
// broken code.
const PIX_GIST_BAD_LENGTH: &str = "00020126360014BR.GOV.BCB.PIX0114+5511943214321520400005303986540566.665802BR5907EMPRESA6008BRASILIA62080503***6304170E";

// PromptPay (Thailand): README of https://github.com/keenthekeen/php-promptpay-qr
// (static, phone 089-999-9999; then dynamic with amount 420).
const PROMPTPAY_STATIC: &str =
    "00020101021129370016A000000677010111011300668999999995802TH53037646304FE29";
const PROMPTPAY_AMOUNT: &str =
    "00020101021229370016A000000677010111011300668999999995802TH53037645406420.006304CF9E";

// QRIS (Indonesia): README of the npm package @terryds/qris-decoder,
// https://npmjs.com/package/@terryds/qris-decoder (a static merchant QRIS
// with a national merchant id in 51, tip indicator 55 and postal code 61).
const QRIS: &str = "00020101021126680016ID.CO.TELKOM.WWW011893600898026635207502150001952663520750303UMI51440014ID.CO.QRIS.WWW0215ID10211254059720303UMI5204549953033605502015802ID5906BIOLBE6011KAB. MALANG610565168622005091147938120703A03630404CB";

// Non-ASCII merchant name: the example payload of the EMVCo QR Code
// Specification for Payment Systems, Merchant-Presented Mode v1.1, with a
// Chinese name and city in 64 Merchant Information—Language Template; as
// reproduced in the README of https://github.com/DannielWhatever/emvqr .
const EMVCO_CHINESE: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";

fn sub(p: &tlv::Payload, id: u8, child: u8) -> &str {
    &p.get(id).unwrap().child(child).unwrap().value
}

#[test]
fn pix_codes_of_the_central_bank_manuals() {
    let p = tlv::parse(PIX_STATIC).unwrap();
    assert_eq!(p.get(26).unwrap().name, "Merchant Account Information");
    assert_eq!(sub(&p, 26, 0), "br.gov.bcb.pix");
    assert_eq!(sub(&p, 26, 1), "123e4567-e12b-12d1-a456-426655440000");
    assert_eq!(p.get(59).unwrap().value, "Fulano de Tal");
    assert_eq!(sub(&p, 62, 5), "***");
    assert_eq!(p.crc, 0x1D3D);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);

    let d = tlv::parse(PIX_DYNAMIC).unwrap();
    assert_eq!(d.get(1).unwrap().value, "12");
    assert_eq!(
        sub(&d, 26, 25),
        "pix.example.com/8b3da2f39a4140d1a91abd93113bd441"
    );

    let c = tlv::parse(PIX_COMPOSITE).unwrap();
    assert_eq!(c.get(54).unwrap().value, "100.50");
    let t80 = c.get(80).unwrap();
    assert_eq!(t80.name, "Unreserved Template");
    assert_eq!(t80.child(0).unwrap().name, "Globally Unique Identifier");
    assert_eq!(t80.child(25).unwrap().name, "Context specific data");

    let b = tlv::parse(BR_CODE).unwrap();
    assert_eq!(BR_CODE.len(), 270);
    assert_eq!(
        b.get(4).unwrap().name,
        "Merchant Account Information (Mastercard)"
    );
    assert_eq!(sub(&b, 27, 0), "BR.COM.OUTRO");
    assert_eq!(b.get(61).unwrap().value, "70074900");
    assert_eq!(sub(&b, 62, 5), "RP12345678-2019");
    assert_eq!(sub(&b, 80, 1), "0123.ABCD.3456.WXYZ");
}

#[test]
fn published_codes_with_errors_are_reported() {
    assert_eq!(
        tlv::parse(PIX_GIST_BAD_LENGTH).unwrap_err().to_string(),
        "at character 112: 30: truncated TLV: declares 41 characters but only 3 remain"
    );
    // A single changed character of a real code: the CRC catches it.
    let edited = PIX_STATIC.replace("Fulano", "Fulana");
    assert_eq!(
        tlv::parse(&edited).unwrap_err(),
        EmvError::Crc {
            given: "1D3D".into(),
            computed: payqr::emv::crc16(&edited.as_bytes()[..edited.len() - 4]),
        }
    );
}

#[test]
fn promptpay_codes_parse_with_warnings_for_what_promptpay_omits() {
    let p = tlv::parse(PROMPTPAY_STATIC).unwrap();
    assert_eq!(sub(&p, 29, 0), "A000000677010111");
    assert_eq!(sub(&p, 29, 1), "0066899999999");
    assert_eq!(p.get(53).unwrap().value, "764");
    // PromptPay leaves out 52, 59 and 60; wallets accept that.
    assert_eq!(p.warnings.len(), 3, "{:?}", p.warnings);
    assert!(p.warnings[0].starts_with("52 Merchant Category Code"));
    let a = tlv::parse(PROMPTPAY_AMOUNT).unwrap();
    assert_eq!(a.get(1).unwrap().value, "12");
    assert_eq!(a.get(54).unwrap().value, "420.00");
}

#[test]
fn qris_code_with_two_merchant_accounts() {
    let p = tlv::parse(QRIS).unwrap();
    assert_eq!(sub(&p, 26, 0), "ID.CO.TELKOM.WWW");
    assert_eq!(sub(&p, 51, 0), "ID.CO.QRIS.WWW");
    assert_eq!(sub(&p, 51, 2), "ID1021125405972");
    assert_eq!(p.get(55).unwrap().name, "Tip or Convenience Indicator");
    assert_eq!(p.get(60).unwrap().value, "KAB. MALANG");
    assert_eq!(sub(&p, 62, 5), "114793812");
    assert_eq!(p.get(62).unwrap().child(7).unwrap().name, "Terminal Label");
    assert!(p.warnings.is_empty());
}

#[test]
fn chinese_names_count_characters_and_crc_counts_bytes() {
    let p = tlv::parse(EMVCO_CHINESE).unwrap();
    let lang = p.get(64).unwrap();
    assert_eq!(lang.name, "Merchant Information—Language Template");
    assert_eq!(lang.child(0).unwrap().value, "ZH");
    let name = lang.child(1).unwrap();
    assert_eq!(name.name, "Merchant Name—Alternate Language");
    assert_eq!(name.value, "最佳运输"); // length 04: characters, 12 bytes
    assert_eq!(lang.child(2).unwrap().value, "北京");
    assert_eq!(sub(&p, 62, 9), "ME");
    assert_eq!(sub(&p, 91, 0), "A011223344998877");
    assert_eq!(p.crc, 0xA13A);
    // Counting bytes instead of characters would have read "最佳运输"
    // as 04 bytes and broken the structure; a parser that hashed characters
    // instead of bytes would have got another CRC. Both are checked above.
}

#[test]
fn every_truncation_of_a_real_code_is_an_error_not_a_panic() {
    for code in [PIX_STATIC, QRIS, EMVCO_CHINESE, BR_CODE] {
        for (i, _) in code.char_indices().skip(1) {
            assert!(tlv::parse(&code[..i]).is_err(), "prefix {i} of {code}");
        }
    }
}

// --- payqr emv parse ------------------------------------------------------

#[test]
fn emv_parse_prints_a_tree_json_and_errors() {
    let d = setup();
    let r = payqr(d.path(), &["emv", "parse", EMVCO_CHINESE]).expect(0);
    assert!(r.stdout.contains("64 Merchant Information—Language Template\n  00 Language Preference: ZH\n  01 Merchant Name—Alternate Language: 最佳运输\n"), "{}", r.stdout);
    let r = payqr(d.path(), &["emv", "parse", PROMPTPAY_STATIC, "--json"]).expect(0);
    let v = json(&r);
    assert_eq!(v["valid"], true);
    assert_eq!(v["objects"][2]["id"], "29");
    assert_eq!(v["objects"][2]["objects"][1]["value"], "0066899999999");
    assert_eq!(v["warnings"].as_array().unwrap().len(), 3);
    assert!(r.stderr.is_empty());
    let r = payqr(d.path(), &["emv", "parse", PROMPTPAY_STATIC]).expect(0);
    assert!(
        r.stderr
            .contains("warning: text: 59 Merchant Name is mandatory but absent")
    );

    let edited = PIX_STATIC.replace("BRASILIA", "BRASILIO");
    let r = payqr(d.path(), &["emv", "parse", &edited]).expect(1);
    assert!(
        r.stderr
            .contains("CRC mismatch: the payload says 1D3D, its bytes give")
    );
    let input = format!("{QRIS}\n{}\n", &PIX_STATIC[..50]);
    let r = payqr_stdin(d.path(), &["emv", "parse", "--json", "-"], &input).expect(1);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        (lines[0]["source"].as_str(), lines[0]["valid"].as_bool()),
        (Some("stdin:1"), Some(true))
    );
    assert_eq!(lines[1]["valid"], false);
    let r = payqr(d.path(), &["emv", "parse", "--json", &PIX_STATIC[..50]]).expect(1);
    assert!(
        json(&r)["error"]
            .as_str()
            .unwrap()
            .contains("truncated TLV")
    );
}

// --- the payqr EMV profile ------------------------------------------------

/// The EMV profile with the fixture configuration (copied to emv.json).
const EMV: &[&str] = &["--profile", "emv", "--emv-config", "emv.json"];

fn issue_emv(dir: &std::path::Path, reference: &str, extra: &[&str]) -> String {
    std::fs::copy(fixtures().join("emv-config.json"), dir.join("emv.json")).unwrap();
    issue_one(dir, reference, &[EMV, extra].concat())
}

fn verify_text(dir: &std::path::Path, text: &str) -> serde_json::Value {
    let r = payqr(dir, &judge_args("verify", &["--json", "--text", text]));
    json(&r)
}

/// Replaces `from` by `to` once and recomputes the CRC, as a forger would.
fn forge(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from} not in {text}");
    payqr::emv::seal(&text[..text.len() - 8].replacen(from, to, 1))
}

#[test]
fn emv_profile_round_trip_png_verify_redeem() {
    let d = setup();
    let text = issue_emv(
        d.path(),
        "BJ2611230001",
        &["--description", "京A12345 闯红灯", "--png", "fine.png"],
    );
    // A wallet reads a normal EMV code.
    let p = tlv::parse(&text).unwrap();
    assert_eq!(p.get(54).unwrap().value, "200.00");
    assert_eq!(p.get(53).unwrap().value, "156");
    assert_eq!(sub(&p, 62, 5), "BJ2611230001");
    assert_eq!(sub(&p, 26, 1), "110000-FINES");
    let r = payqr(d.path(), &judge_args("verify", &["--json", "fine.png"])).expect(0);
    let v = json(&r);
    assert_eq!(v["status"], "valid");
    assert_eq!(v["reference"], "BJ2611230001");
    assert_eq!(v["description"], "京A12345 闯红灯");
    payqr(
        d.path(),
        &judge_args("redeem", &["--ledger", "l.jsonl", "fine.png"]),
    )
    .expect(0);
    let parsed = payqr(d.path(), &["emv", "parse", "--json", "fine.png"]).expect(0);
    let v = json(&parsed);
    assert_eq!(v["source"], "fine.png");
    assert_eq!(v["objects"][4]["id"], "54");
    assert_eq!(v["objects"][4]["value"], "200.00");
    let again = payqr(
        d.path(),
        &judge_args("redeem", &["--ledger", "l.jsonl", "fine.png"]),
    )
    .expect(1);
    assert!(
        again.stdout.contains("REFUSED: already_redeemed"),
        "{}",
        again.stdout
    );
}

#[test]
fn emv_profile_edits_are_tampered_bad_signature_or_malformed() {
    let d = setup();
    let text = issue_emv(d.path(), "BJ2611230001", &[]);
    assert_eq!(verify_text(d.path(), &text)["status"], "valid");

    let v = verify_text(d.path(), &forge(&text, "5406200.00", "5406900.00"));
    assert_eq!(v["status"], "tampered");
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("54 Transaction Amount is 900.00")
    );
    assert_eq!(v["amount"], "200.00", "the signed amount is reported");
    let v = verify_text(
        d.path(),
        &forge(&text, "0512BJ2611230001", "0512BJ2611230002"),
    );
    assert_eq!(v["status"], "tampered");
    let v = verify_text(d.path(), &forge(&text, "5303156", "5303840"));
    assert_eq!(v["status"], "tampered");
    // A thief's account in the merchant account template: the signature
    // covers it.
    let v = verify_text(d.path(), &forge(&text, "110000-FINES", "666666-THIEF"));
    assert_eq!(v["status"], "bad_signature");
    let v = verify_text(
        d.path(),
        &forge(&text, "BJ TRAFFIC POLICE", "BJ TRAFFIC POLICF"),
    );
    assert_eq!(v["status"], "bad_signature");
    // An edit without recomputing the CRC.
    let v = verify_text(d.path(), &text.replacen("5406200.00", "5406900.00", 1));
    assert_eq!(v["status"], "malformed");
    assert!(v["reason"].as_str().unwrap().starts_with("CRC mismatch"));
    // An ordinary EMV code carries no signature.
    let v = verify_text(d.path(), PIX_STATIC);
    assert_eq!(v["status"], "malformed");
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("without a payqr signature")
    );
    // Human output names the status too.
    let r = payqr(
        d.path(),
        &judge_args(
            "verify",
            &["--text", &forge(&text, "5406200.00", "5406900.00")],
        ),
    )
    .expect(1);
    assert!(
        r.stdout.starts_with("REFUSED: tampered: EMV 54"),
        "{}",
        r.stdout
    );
}

#[test]
fn typical_fines_fit_qr_version_12_at_ec_m() {
    // Every fine of fixtures/fines.csv, payee as in README, with the
    // fixture configuration: the profile's size target.
    let d = setup();
    std::fs::copy(
        fixtures().join("emv-config.json"),
        d.path().join("emv.json"),
    )
    .unwrap();
    std::fs::copy(fixtures().join("fines.csv"), d.path().join("fines.csv")).unwrap();
    let r = payqr(
        d.path(),
        &fines_batch("fines.csv", "out", &[EMV, &["--json"]].concat()),
    )
    .expect(0);
    let v = json(&r);
    assert_eq!(v["issued"], 22);
    let versions = v["qr_versions"].as_object().unwrap();
    for (version, _) in versions {
        assert!(version.parse::<u8>().unwrap() <= 12, "{versions:?}");
    }
}

#[test]
fn emv_flags_are_checked() {
    let d = setup();
    let r = payqr(
        d.path(),
        &["issue", "--key", "test-issuer.key", "--profile", "emv"],
    )
    .expect(2);
    assert!(r.stderr.contains("--profile emv needs --emv-config FILE"));
    std::fs::write(
        d.path().join("bad.json"),
        r#"{"payqr": "payqr emv config v1"}"#,
    )
    .unwrap();
    let r = payqr(
        d.path(),
        &quick_issue(
            "test-issuer.key",
            &["--profile", "emv", "--emv-config", "bad.json"],
        ),
    )
    .expect(2);
    assert!(r.stderr.contains("bad.json: missing field"), "{}", r.stderr);
    let r = issue_emv_err(d.path(), "京A12345");
    assert!(
        r.contains("reference: EMV 62-05 Reference Label: character '京'"),
        "{r}"
    );
}

#[test]
fn a_batch_with_a_reference_emv_cannot_carry_writes_nothing() {
    let d = setup();
    std::fs::copy(
        fixtures().join("emv-config.json"),
        d.path().join("emv.json"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("f.csv"),
        "reference,amount\nBJ1,200.00\n京A12345,100.00\nBJ3,50.00\n",
    )
    .unwrap();
    let r = payqr(
        d.path(),
        &fines_batch(
            "f.csv",
            "out",
            &[EMV, &["--expires-in", "4h", "--ledger", "l.jsonl"]].concat(),
        ),
    )
    .expect(2);
    assert!(
        r.stderr
            .contains("f.csv: 1 row(s) do not fit the EMV profile"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("f.csv:3: reference: EMV 62-05"),
        "{}",
        r.stderr
    );
    assert!(!d.path().join("out").exists());
    assert!(!d.path().join("l.jsonl").exists());
}

fn issue_emv_err(dir: &std::path::Path, reference: &str) -> String {
    std::fs::copy(fixtures().join("emv-config.json"), dir.join("emv.json")).unwrap();
    payqr(
        dir,
        &[
            "issue",
            "--key",
            "test-issuer.key",
            "--profile",
            "emv",
            "--emv-config",
            "emv.json",
            "--amount",
            "1",
            "--currency",
            "CNY",
            "--payee",
            "P",
            "--ref",
            reference,
            "--expires-in",
            "1h",
        ],
    )
    .expect(2)
    .stderr
}
