//! What is wrong with an input (a batch row, a flag's value, an amount or
//! a time) and how a batch run stopped, for the CLI to render by matching
//! on the library's typed errors (`src/cmd/errtext.rs`, `src/cmd/issue/
//! error.rs`). English is the library's Display word for word (tested).
//! Values (cells, column names, file names, the system's words) are data.

catalog! {
    // Amounts (code::amount::AmountError).
    amount_empty() { en: "amount is empty", zh: "金额为空" }
    amount_syntax(text) {
        en: "{text} is not a decimal amount (digits with an optional '.' fraction)",
        zh: "{text} 不是十进制金额（应为数字，可带 '.' 和小数部分）"
    }
    amount_too_precise(text, digits, exponent) {
        en: "{text} has {digits} fraction digits but the currency has {exponent}",
        zh: "{text} 有 {digits} 位小数，而该币种只有 {exponent} 位"
    }
    amount_overflow(text) { en: "{text} is too large", zh: "{text} 数额过大" }
    amount_decimal_comma(text, fixed) {
        en: "{text}: ',' is not a decimal point (decimal comma?): write {fixed}",
        zh: "{text}：',' 不是小数点（是否用了小数逗号？）：请写作 {fixed}"
    }
    amount_separator(text, fixed) {
        en: "{text}: amounts take no thousands separators (',' is ambiguous: 1,000 or 1.000?): write {fixed}",
        zh: "{text}：金额不能带千位分隔符（',' 有歧义：是 1,000 还是 1.000？）：请写作 {fixed}"
    }
    amount_grouping(text, grouping, example) {
        en: "{text} is not an amount grouped as declared ({grouping}: like {example})",
        zh: "{text} 不符合声明的数字分组方式（{grouping}：形如 {example}）"
    }
    amount_zero() { en: "amount must be greater than zero", zh: "金额必须大于零" }
    amount_negative(text) { en: "negative amounts are not allowed: {text}", zh: "不允许负数金额：{text}" }

    // Times (code::time::TimeError).
    time_duration(text) {
        en: "{text} is not a duration (examples: 90s, 15m, 4h, 7d, 1h30m)",
        zh: "{text} 不是时长（例如：90s、15m、4h、7d、1h30m）"
    }
    time_time(text) {
        en: "{text} is not a time (examples: 2026-11-23T16:00:00+08:00, \"2026-11-23 16:00\", @1795000000, now)",
        zh: "{text} 不是时间（例如：2026-11-23T16:00:00+08:00、\"2026-11-23 16:00\"、@1795000000、now）"
    }
    time_offset(text) {
        en: "{text} is not a UTC offset (examples: +08:00, -05:00, Z)",
        zh: "{text} 不是 UTC 时差（例如：+08:00、-05:00、Z）"
    }
    time_before_epoch(time) { en: "time {time} is before 1970", zh: "时间 {time} 早于 1970 年" }

    // A cell, row or header of a batch file (issue::problem::Problem).
    kind(text) { en: "{text} is not a kind (expected fine or bill)", zh: "{text} 不是有效类型（应为 fine 或 bill）" }
    empty() { en: "empty", zh: "为空" }
    no_default(flag) { en: "empty and no {flag} given", zh: "为空，且未给出 {flag}" }
    currency(text) { en: "{text} is not an ISO 4217 currency", zh: "{text} 不是 ISO 4217 币种代码" }
    zero() { en: "must be greater than zero", zh: "必须大于零" }
    text(reason) { en: "{reason}", zh: "文本不可用：{reason}" }
    both_expiries() {
        en: "give expires_at or expires_in, not both",
        zh: "expires_at 和 expires_in 只能给出其一"
    }
    not_after_issue(at) { en: "{at} is not after the issue time", zh: "{at} 不晚于开具时间" }
    too_late() { en: "more than ten years after the issue time", zh: "距开具时间超过十年" }
    repeats(reference, first) { en: "{reference} repeats line {first}", zh: "{reference} 与第 {first} 行重复" }
    unknown_column(column, known) {
        en: "unknown column {column} (known: {known})",
        zh: "未知的列 {column}（可用的列：{known}）"
    }
    missing_column(column) { en: "missing required column {column}", zh: "缺少必需的列 {column}" }
    field_count(cells, expected) {
        en: "{cells} cells, the header has {expected} (a ',' inside a cell? quote the cell)",
        zh: "本行有 {cells} 个单元格，表头有 {expected} 个（单元格里有 ','？请给该单元格加引号）"
    }
    field_count_comma(cells, expected, int, frac) {
        en: "{cells} cells, the header has {expected}: amount \"{int},{frac}\" looks like a decimal comma; write {int}.{frac} ('.' is the decimal point)",
        zh: "本行有 {cells} 个单元格，表头有 {expected} 个：金额 \"{int},{frac}\" 像是用了小数逗号；请写作 {int}.{frac}（'.' 才是小数点）"
    }
    unterminated_quote() { en: "unterminated quoted field", zh: "引号未闭合" }
    not_utf8() {
        en: "not valid UTF-8 (save the file as UTF-8, or pass --encoding gbk if it is GBK)",
        zh: "不是有效的 UTF-8（请将文件另存为 UTF-8；如果是 GBK 编码，请加 --encoding gbk）"
    }
    io(why) { en: "{why}", zh: "无法读取：{why}" }
    csv(why) { en: "{why}", zh: "CSV 格式有误：{why}" }

    // Where: FILE:LINE: field: problem. A column keeps its CSV name.
    row_error(path, line, field, problem) {
        en: "{path}:{line}: {field}: {problem}",
        zh: "{path}:{line}：{field}：{problem}"
    }
    field_header() { en: "header", zh: "表头" }
    field_row() { en: "row", zh: "行" }
    field_file() { en: "file", zh: "文件" }

    // How a batch run stopped (issue::run::RunError, IssueError).
    bad_rows(path, n, stopped) {
        en: "{path}: {n} bad row(s){stopped}; nothing was issued",
        zh: "{path}：{n} 行有误{stopped}；未开具任何码"
    }
    stopped_counting() { en: " (stopped counting)", zh: "（已停止计数）" }
    not_emv(path, n) {
        en: "{path}: {n} row(s) do not fit the EMV profile; nothing was issued",
        zh: "{path}：{n} 行无法按 EMV 格式开具；未开具任何码"
    }
    emv_row(path, line, why) { en: "{path}:{line}: {why}", zh: "{path}:{line}：{why}" }
    file_error(path, why) { en: "{path}: {why}", zh: "文件 {path}：{why}" }
    changed(row) {
        en: "{row} (the file changed after it was checked)",
        zh: "{row}（检查之后文件被改动过）"
    }
    already_issued(reference, code) {
        en: "reference {reference} was already issued as code {code}",
        zh: "编号 {reference} 已开具过，识别码为 {code}"
    }
}
