//! WeChat Pay and Alipay bills as providers really write them, and the
//! totals payqr reports checked against each bill's own summary rows.
//!
//! The bills are the fixtures in fixtures/settlement/ (written for payqr,
//! modelled on the published layouts cited in fixtures/settlement/README.md)
//! and variants derived from them here: the SUCCESS and REFUND bill types,
//! the older WeChat layout, a gzip download, a copy re-saved as GBK by a
//! spreadsheet. Each test failed on a2f0fc4.

mod common;
use common::*;

use std::io::Write;
use std::path::Path;

const NEXT_MORNING: &str = "2026-11-24T09:00:00+08:00";

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("settlement").join(name)).unwrap()
}

fn fixture_text(name: &str) -> String {
    String::from_utf8(fixture_bytes(name)).unwrap()
}

fn reconcile(d: &Path, file: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "reconcile",
        "--ledger",
        "ledger.jsonl",
        "--settlement",
        file,
        "--at",
        NEXT_MORNING,
        "--tz",
        "+08:00",
        "--json",
    ];
    args.extend_from_slice(extra);
    payqr(d, &args)
}

/// (net paid, net fees) in fen over every status: what the bill's own
/// summary must agree with.
fn net(r: &Run) -> (i64, i64) {
    let v = json(r);
    let totals = v["summary"]["totals"].as_array().unwrap();
    let sum = |k: &str| totals.iter().map(|t| t[k].as_i64().unwrap()).sum();
    (sum("paid_minor"), sum("fee_minor"))
}

/// Yuan text ("485.00", "-0.60", "2.31000") in fen, exactly.
fn fen(s: &str) -> i64 {
    let s = s.trim().trim_start_matches('`');
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let frac = format!("{frac:0<2}");
    assert!(frac[2..].bytes().all(|b| b == b'0'), "sub-fen amount {s}");
    let v = int.parse::<i64>().unwrap() * 100 + frac[..2].parse::<i64>().unwrap();
    if neg { -v } else { v }
}

/// The summary of a WeChat bill as name -> value.
fn wechat_summary(text: &str) -> std::collections::HashMap<String, String> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("总交易单数"))
        .unwrap();
    let names = lines[at].split(',');
    let values = lines[at + 1].split(',');
    names
        .map(|n| n.trim().to_string())
        .zip(values.map(|v| v.trim().trim_start_matches('`').to_string()))
        .collect()
}

/// Rewrites a WeChat bill keeping `columns` (by name) and the rows whose
/// 交易状态 is in `states`, with a new summary computed from the rows kept.
fn wechat_variant(
    all: &str,
    columns: &[&str],
    states: &[&str],
    summary: &[(&str, &str)],
) -> String {
    let all = all.trim_start_matches('\u{feff}');
    let mut lines = all.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let idx = |name: &str| header.iter().position(|h| *h == name);
    let rows: Vec<Vec<&str>> = lines
        .take_while(|l| !l.starts_with("总交易单数"))
        .map(|l| l.split(',').collect())
        .filter(|r: &Vec<&str>| {
            states.contains(&r[idx("交易状态").unwrap()].trim_start_matches('`'))
        })
        .collect();
    let mut out = format!("\u{feff}{}\r\n", columns.join(","));
    for r in &rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match idx(c) {
                Some(i) => r[i].to_string(),
                // Columns the ALL bill does not have (REFUND bill times).
                None => r[idx("交易时间").unwrap()].to_string(),
            })
            .collect();
        out += &format!("{}\r\n", cells.join(","));
    }
    let names: Vec<&str> = summary.iter().map(|(n, _)| *n).collect();
    out += &format!("{}\r\n", names.join(","));
    let values: Vec<String> = summary
        .iter()
        .map(|(n, col)| {
            if *n == "总交易单数" {
                return format!("`{}", rows.len());
            }
            let sum: i64 = rows.iter().map(|r| fen(r[idx(col).unwrap()])).sum();
            let sign = if sum < 0 { "-" } else { "" };
            format!("`{sign}{}.{:02}", sum.abs() / 100, sum.abs() % 100)
        })
        .collect();
    out += &format!("{}\r\n", values.join(","));
    out
}

#[test]
fn alipay_bills_with_the_real_refund_footer_are_read_and_agree_with_it() {
    let d = setup();
    issue_fixture_fines(d.path());
    let f = fixtures().join("settlement/alipay-2026-11-23.csv");
    let r = reconcile(d.path(), f.to_str().unwrap(), &[]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    // The bill's own footer: 交易合计 3 笔 450.00, 退款合计 1 笔 -100.00
    // (商家实收退款共), net 350.00; service fees -1.20 -0.90 -0.60 on trades,
    // +0.60 given back by the refund: 2.10 charged.
    let raw = fixture_bytes("alipay-2026-11-23.csv");
    let (gbk, _, _) = encoding_rs::GB18030.decode(&raw);
    let footer_sum = |prefix: &str, label: &str| -> i64 {
        let l = gbk.lines().find(|l| l.starts_with(prefix)).unwrap();
        fen(l.split(label).nth(1).unwrap().split('元').next().unwrap())
    };
    let trades = footer_sum("#交易合计", "商家实收共");
    let refunds = footer_sum("#退款合计", "商家实收退款共");
    assert_eq!((trades, refunds), (45000, -10000));
    assert_eq!(net(&r), (trades + refunds, 210));

    // Another export of the same bill: re-saved as UTF-8, cells not padded
    // with tabs, the refund id column named 退款批次号.
    let other = gbk
        .replace("\t,", ",")
        .replace("退款批次号/请求号", "退款批次号");
    std::fs::write(d.path().join("alipay-utf8.csv"), other).unwrap();
    let r = reconcile(d.path(), "alipay-utf8.csv", &[]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert_eq!(net(&r), (trades + refunds, 210));
}

#[test]
fn wechat_refunds_are_money_out_and_totals_agree_with_the_bill_summary() {
    let d = setup();
    issue_fixture_fines(d.path());
    let name = "wechat-2026-11-23.csv";
    let f = fixtures().join("settlement").join(name);
    let r = reconcile(d.path(), f.to_str().unwrap(), &["--report", "report.jsonl"]).expect(1);
    let s = wechat_summary(&fixture_text(name));
    let want_paid = fen(&s["订单总金额"]) - fen(&s["申请退款总金额"]);
    assert_eq!(net(&r), (want_paid, fen(&s["手续费总金额"])));
    assert_eq!(net(&r), (38500, 231));
    // The refunded status nets the payment and its refund to zero.
    let v = json(&r);
    let refunded = v["summary"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == "refunded")
        .unwrap()
        .clone();
    assert_eq!(
        (refunded["count"].as_u64(), refunded["paid_minor"].as_i64()),
        (Some(2), Some(0))
    );
    // The refund row itself is negative, fee given back included.
    let report = std::fs::read_to_string(d.path().join("report.jsonl")).unwrap();
    let refund: serde_json::Value = report
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["refund"] == true)
        .unwrap();
    assert_eq!(
        (refund["paid_minor"].as_i64(), refund["fee_minor"].as_i64()),
        (Some(-10000), Some(-60))
    );
    // The text summary shows the sign too.
    let r = payqr(
        d.path(),
        &[
            "reconcile",
            "--ledger",
            "ledger.jsonl",
            "--settlement",
            f.to_str().unwrap(),
            "--at",
            NEXT_MORNING,
            "--tz",
            "+08:00",
        ],
    );
    assert!(
        r.stdout.contains("-0.60") || r.stdout.contains("0.00"),
        "{}",
        r.stdout
    );
}

const SUCCESS_COLUMNS: &[&str] = &[
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "费率备注",
];
const REFUND_COLUMNS: &[&str] = &[
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "退款申请时间",
    "退款成功时间",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注",
];

#[test]
fn wechat_success_refund_and_older_bill_types_are_read() {
    let d = setup();
    issue_fixture_fines(d.path());
    let all = fixture_text("wechat-2026-11-23.csv");
    let success = wechat_variant(
        &all,
        SUCCESS_COLUMNS,
        &["SUCCESS"],
        &[
            ("总交易单数", ""),
            ("应结订单总金额", "应结订单金额"),
            ("手续费总金额", "手续费"),
            ("订单总金额", "订单金额"),
        ],
    );
    std::fs::write(d.path().join("success.csv"), &success).unwrap();
    let r = reconcile(d.path(), "success.csv", &[]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let s = wechat_summary(&success);
    assert_eq!(net(&r), (fen(&s["订单总金额"]), fen(&s["手续费总金额"])));
    assert_eq!(net(&r), (48500, 291));

    let refund = wechat_variant(
        &all,
        REFUND_COLUMNS,
        &["REFUND"],
        &[
            ("总交易单数", ""),
            ("应结订单总金额", "应结订单金额"),
            ("退款总金额", "退款金额"),
            ("充值券退款总金额", "充值券退款金额"),
            ("手续费总金额", "手续费"),
            ("订单总金额", "订单金额"),
            ("申请退款总金额", "申请退款金额"),
        ],
    );
    std::fs::write(d.path().join("refund.csv"), &refund).unwrap();
    let r = reconcile(d.path(), "refund.csv", &[]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let s = wechat_summary(&refund);
    assert_eq!(
        net(&r),
        (-fen(&s["申请退款总金额"]), fen(&s["手续费总金额"]))
    );
    assert_eq!(net(&r), (-10000, -60));

    // The older layout: 总金额 instead of 应结订单金额/订单金额, its own
    // summary names.
    let old = all
        .replace("应结订单金额", "总金额")
        .replace("代金券金额", "代金券或立减优惠金额")
        .replace(",订单金额,申请退款金额,费率备注", ",订单金额X,申请退款金额X,费率备注")
        .replace(
            "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
            "总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额,X,Y",
        );
    std::fs::write(d.path().join("old.csv"), &old).unwrap();
    let r = reconcile(d.path(), "old.csv", &[]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let s = wechat_summary(&old);
    assert_eq!(
        net(&r),
        (
            fen(&s["总交易额"]) - fen(&s["总退款金额"]),
            fen(&s["手续费总金额"])
        )
    );
}

#[test]
fn downloads_as_served_or_as_resaved_are_read_or_refused_clearly() {
    let d = setup();
    issue_fixture_fines(d.path());
    let bill = fixture_bytes("wechat-2026-11-23.csv");
    let want = {
        let f = fixtures().join("settlement/wechat-2026-11-23.csv");
        net(&reconcile(d.path(), f.to_str().unwrap(), &[]))
    };
    // gzip, as downloadbill returns it with tar_type=GZIP.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bill).unwrap();
    std::fs::write(d.path().join("bill.csv.gz"), gz.finish().unwrap()).unwrap();
    let r = reconcile(d.path(), "bill.csv.gz", &[]).expect(1);
    assert_eq!(net(&r), want);
    // Re-saved by a Chinese spreadsheet: GBK, no BOM.
    let text = String::from_utf8(bill.clone()).unwrap();
    let (gbk, _, _) = encoding_rs::GB18030.encode(text.trim_start_matches('\u{feff}'));
    std::fs::write(d.path().join("bill-gbk.csv"), &gbk).unwrap();
    let r = reconcile(d.path(), "bill-gbk.csv", &[]).expect(1);
    assert_eq!(net(&r), want);
    // A spreadsheet that turned order numbers into floating point.
    let mangled = text.replacen("`4200002311202611230001", "`4.20000E+27", 1);
    std::fs::write(d.path().join("mangled.csv"), mangled).unwrap();
    let err = reconcile(d.path(), "mangled.csv", &[]).expect(2).stderr;
    assert!(
        err.contains("4.20000E+27") && err.contains("spreadsheet"),
        "{err}"
    );
    // A zip archive (Alipay serves bills so): refused, saying what to do.
    std::fs::write(d.path().join("bill.zip"), b"PK\x03\x04rest").unwrap();
    let err = reconcile(d.path(), "bill.zip", &[]).expect(2).stderr;
    assert!(
        err.contains("zip archive") && err.contains("unzip"),
        "{err}"
    );
    // The 业务明细(汇总) file of an Alipay download lists no transactions.
    let summary = "#支付宝业务明细查询(汇总)\n#账号：[20880211096256330156]\n门店编号,门店名称,交易订单总笔数\n";
    std::fs::write(d.path().join("summary.csv"), summary).unwrap();
    let err = reconcile(d.path(), "summary.csv", &["--format", "alipay"])
        .expect(2)
        .stderr;
    assert!(err.contains("业务明细 file"), "{err}");
}

#[test]
fn a_fee_with_the_sign_of_the_other_direction_is_an_error() {
    let d = setup();
    issue_fixture_fines(d.path());
    // A refund row whose fee is positive would charge a fee on money paid back.
    let text = fixture_text("wechat-2026-11-23.csv").replacen("`-0.60", "`0.60", 1);
    let text = text.replace("`2.31,", "`3.51,");
    std::fs::write(d.path().join("bill.csv"), text).unwrap();
    let err = reconcile(d.path(), "bill.csv", &[]).expect(2).stderr;
    assert!(
        err.contains("手续费") && err.contains("REFUND row"),
        "{err}"
    );
}

#[test]
fn generic_settlement_and_batch_csvs_can_be_gbk() {
    let d = setup();
    issue_fixture_fines(d.path());
    // Batch issuance from a GBK file (Chinese Excel): fines.csv has 京A….
    let fines = std::fs::read_to_string(fixtures().join("fines.csv")).unwrap();
    let fines = fines.replace("BJ26", "GB26");
    let (gbk, _, _) = encoding_rs::GB18030.encode(&fines);
    std::fs::write(d.path().join("fines-gbk.csv"), &gbk).unwrap();
    let issue = |extra: &[&str]| {
        let extra = [&["--ledger", "ledger2.jsonl"], extra].concat();
        payqr(d.path(), &fines_batch("fines-gbk.csv", "out2", &extra))
    };
    let err = issue(&[]).expect(2).stderr;
    assert!(err.contains("--encoding gbk"), "{err}");
    issue(&["--encoding", "gbk", "--format", "notice-svg"]).expect(0);
    let ledger = std::fs::read_to_string(d.path().join("ledger2.jsonl")).unwrap();
    assert!(ledger.contains("GB2611230001"), "{ledger}");
    // The description, decoded from GBK, is printed on the notice.
    // Notices are sharded in subdirectories by the first digits of the id.
    let notices: String = std::fs::read_dir(d.path().join("out2"))
        .unwrap()
        .flat_map(|shard| std::fs::read_dir(shard.unwrap().path()).unwrap())
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .collect();
    assert!(
        notices.contains("闯红灯"),
        "no decoded description in the notices"
    );

    // A generic settlement CSV in GBK: a transaction id in Chinese.
    let csv = "transaction_id,out_trade_no,amount,currency,paid_at\n\
               微信-1,ORDER-X,200.00,CNY,2026-11-23 09:00:00\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(csv);
    std::fs::write(d.path().join("bank.csv"), &gbk).unwrap();
    let map = ["--map", "code_id=out_trade_no,txn_id=transaction_id"];
    let err = reconcile(d.path(), "bank.csv", &map).expect(2).stderr;
    assert!(err.contains("--encoding gbk"), "{err}");
    let mut args = map.to_vec();
    args.extend_from_slice(&["--encoding", "gbk", "--report", "bank.jsonl"]);
    reconcile(d.path(), "bank.csv", &args).expect(1);
    let report = std::fs::read_to_string(d.path().join("bank.jsonl")).unwrap();
    assert!(report.contains("\"txn_id\":\"微信-1\""), "{report}");
    let err = reconcile(d.path(), "bank.csv", &["--encoding", "latin9"])
        .expect(2)
        .stderr;
    assert!(
        err.contains("--encoding") && err.contains("gb18030"),
        "{err}"
    );
}

/// Net money per file and per day agrees with each bill's own summary
/// (issue 14: "net totals per status, per file and per day must agree with
/// the provider's own summary"); a file's rows are not lost among the
/// statuses of several files.
#[test]
fn net_per_file_and_per_day_agree_with_each_bill() {
    let d = setup();
    issue_fixture_fines(d.path());
    let names = ["wechat-2026-11-23.csv", "wechat-2026-11-24.csv"];
    let paths: Vec<String> = names
        .iter()
        .map(|n| fixtures().join("settlement").join(n).display().to_string())
        .collect();
    let r = reconcile(
        d.path(),
        &paths[0],
        &["--settlement", &paths[1], "--report", "r.jsonl"],
    );
    let v = json(&r);
    let by_file = v["by_file"].as_array().expect("by_file");
    assert_eq!(by_file.len(), 2, "{v}");
    let mut day_paid = std::collections::BTreeMap::new();
    for (name, line) in names.iter().zip(by_file) {
        let s = wechat_summary(&fixture_text(name));
        assert_eq!(line["key"], *name);
        assert_eq!(
            line["paid_minor"].as_i64(),
            Some(fen(&s["订单总金额"]) - fen(&s["申请退款总金额"])),
            "{name}: {line}"
        );
        assert_eq!(
            fen(line["fee"].as_str().unwrap()),
            fen(&s["手续费总金额"]),
            "{name}: {line}"
        );
        let rows: u64 = s["总交易单数"].parse().unwrap();
        assert_eq!(
            line["payments"].as_u64().unwrap() + line["refunds"].as_u64().unwrap(),
            rows,
            "{name}: {line}"
        );
    }
    // Per day (in +08:00): a transaction listed in both files (status
    // `repeated`) counts once, so the days' nets are the files' nets less
    // the repeated rows, and each day is the sum of that day's distinct
    // transactions in the bills.
    for line in v["by_day"].as_array().unwrap() {
        *day_paid
            .entry(line["key"].as_str().unwrap().to_string())
            .or_insert(0) += line["paid_minor"].as_i64().unwrap();
    }
    let total_files: i64 = by_file
        .iter()
        .map(|l| l["paid_minor"].as_i64().unwrap())
        .sum();
    let repeated: i64 = v["summary"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "repeated")
        .map(|t| t["paid_minor"].as_i64().unwrap())
        .sum();
    assert!(repeated > 0, "the fixtures share a transaction: {v}");
    assert_eq!(
        day_paid.values().sum::<i64>(),
        total_files - repeated,
        "{v}"
    );
    let mut want = std::collections::BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for name in names {
        for l in fixture_text(name).lines().filter(|l| l.starts_with("`20")) {
            let cells: Vec<&str> = l.split(',').map(|c| c.trim_start_matches('`')).collect();
            // 微信订单号 [5] and 微信退款单号 [14] name the transaction.
            if !seen.insert((cells[5].to_string(), cells[14].to_string())) {
                continue;
            }
            // 交易时间 [0], 应结订单金额 [12], 退款金额 [16].
            let day = cells[0][..10].to_string();
            *want.entry(day).or_insert(0) += fen(cells[12]) - fen(cells[16]);
        }
    }
    assert_eq!(day_paid, want, "{v}");
}
