//! The HTML reconciliation report (`reconcile --html`). The per-row
//! report (CSV/JSON) and the totals on stdout stay English: they are
//! parsed.

catalog! {
    page_title(title) { en: "payqr reconciliation: {title}", zh: "payqr 对账：{title}" }
    heading(title) { en: "Reconciliation: {title}", zh: "对账：{title}" }
    summary(rows, files, codes, generated, at) {
        en: "{rows} settlement row(s) in {files} file(s), {codes} issued code(s); generated {generated}; unpaid codes judged as of {at}.",
        zh: "{files} 个结算文件共 {rows} 行，已开具 {codes} 个码；生成于 {generated}；未缴的码按 {at} 判定。"
    }
    totals_heading() { en: "Totals per status", zh: "按状态汇总" }
    th_status() { en: "status", zh: "状态" }
    th_count() { en: "count", zh: "笔数" }
    th_paid() { en: "paid", zh: "实收" }
    th_expected() { en: "expected", zh: "应收" }
    th_fees() { en: "fees", zh: "手续费" }
    th_currency() { en: "currency", zh: "币种" }
    th_where() { en: "where", zh: "位置" }
    th_code() { en: "code", zh: "识别码" }
    th_reference() { en: "reference", zh: "编号" }
    th_paid_at(tz) { en: "paid at ({tz})", zh: "付款时间（{tz}）" }
    th_note() { en: "note", zh: "说明" }
    th_transaction() { en: "transaction", zh: "交易号" }
    per_hour(tz) { en: "Payments per hour ({tz})", zh: "每小时付款笔数（{tz}）" }
    per_day(tz) { en: "Payments per day ({tz})", zh: "每日付款笔数（{tz}）" }
    per_hour_label() { en: "payments per hour", zh: "每小时付款笔数" }
    per_day_label() { en: "payments per day", zh: "每日付款笔数" }
    no_times_heading() { en: "Payments per hour", zh: "每小时付款笔数" }
    no_times() { en: "No payment times.", zh: "没有付款时间。" }
    discrepancies(n) { en: "Discrepancies ({n})", zh: "差异（{n}）" }
    also_listed(n) {
        en: "Also listed: {n} row(s) not matched that need no correction (open codes, refunds, repeated rows, codes redeemed elsewhere).",
        zh: "另列出 {n} 行未匹配但无需更正的记录（未到期的码、退款、重复行、在别处核销的码）。"
    }
    none() { en: "None: every payment matched.", zh: "无：所有付款均已匹配。" }
    ledger_place() { en: "ledger", zh: "台账" }
    more_rows(n) {
        en: "… and {n} more; the per-row report (--report) lists them all.",
        zh: "……另有 {n} 行；逐行报告（--report）列出全部。"
    }

    // Each status as the report names it: in English the value the per-row
    // report carries; in Chinese its name with that value beside it.
    rs_matched() { en: "matched", zh: "已匹配（matched）" }
    rs_amount_mismatch() { en: "amount_mismatch", zh: "金额不符（amount_mismatch）" }
    rs_currency_mismatch() { en: "currency_mismatch", zh: "币种不符（currency_mismatch）" }
    rs_duplicate() { en: "duplicate", zh: "重复付款（duplicate）" }
    rs_late() { en: "late", zh: "过期后付款（late）" }
    rs_already_redeemed() { en: "already_redeemed", zh: "此前已核销（already_redeemed）" }
    rs_unknown() { en: "unknown", zh: "未知的码（unknown）" }
    rs_refunded() { en: "refunded", zh: "已退款（refunded）" }
    rs_repeated() { en: "repeated", zh: "重复行（repeated）" }
    rs_unpaid_open() { en: "unpaid_open", zh: "未缴·未到期（unpaid_open）" }
    rs_unpaid_expired() { en: "unpaid_expired", zh: "未缴·已过期（unpaid_expired）" }
    rs_redeemed_elsewhere() { en: "redeemed_elsewhere", zh: "已在别处核销（redeemed_elsewhere）" }
    rs_replaced() { en: "replaced", zh: "已被重开的码替代（replaced）" }
    rs_ambiguous() { en: "ambiguous", zh: "无法确定是哪个码（ambiguous）" }
    rs_cancelled() { en: "cancelled", zh: "已作废（cancelled）" }
}
