//! The library's typed errors and refusal facts in words, for the CLI to
//! render in the reader's language (`src/cmd/errtext.rs` matches on the
//! variants and fills these in). The English texts are the library's
//! Display word for word (tested there), so the two cannot drift apart.
//! Values inside (file names, CSV cells, a cancellation's reason as
//! signed) are data and stay as they are.

catalog! {
    // Why a payload is not a code (`malformed`): the PQ1 format.
    not_payqr(prefix) {
        en: "not a payqr code (text does not start with {prefix})",
        zh: "不是 payqr 码（文本不以 {prefix} 开头）"
    }
    bad_base45(why) { en: "bad base45 text: {why}", zh: "base45 文本有误：{why}" }
    b45_bad_char(ch, at) {
        en: "character {ch} at offset {at} is not in the base45 alphabet",
        zh: "偏移量 {at} 处的字符 {ch} 不在 base45 字符集中"
    }
    b45_bad_length(n) {
        en: "length {n} is not a valid base45 length (3n or 3n+2)",
        zh: "长度 {n} 不是有效的 base45 长度（应为 3n 或 3n+2）"
    }
    b45_overflow(at) {
        en: "group at offset {at} encodes a value too large for its bytes",
        zh: "偏移量 {at} 处的一组字符所表示的值超出其字节范围"
    }
    unknown_version(v) { en: "unsupported format version {v}", zh: "不支持的格式版本 {v}" }
    unknown_kind(b) { en: "unknown kind byte {b}", zh: "未知的类型字节 {b}" }
    unknown_currency(n) {
        en: "unknown ISO 4217 currency number {n}",
        zh: "未知的 ISO 4217 币种数字代码 {n}"
    }
    truncated(field) { en: "truncated in field {field}", zh: "在字段 {field} 处被截断" }
    trailing_bytes(n) {
        en: "{n} trailing bytes after the signature",
        zh: "签名之后多出 {n} 个字节"
    }
    non_canonical_int(field) {
        en: "field {field}: non-canonical or oversized integer",
        zh: "字段 {field}：整数编码不规范或超出范围"
    }
    invalid_field(field, reason) { en: "field {field}: {reason}", zh: "字段 {field} 无效：{reason}" }
    signing_failed(why) { en: "signing failed: {why}", zh: "签名失败：{why}" }

    // Why a payload is not a code: the EMV profile.
    emv_empty() { en: "empty payload", zh: "码内容为空" }
    emv_syntax(at, path, problem) {
        en: "at character {at}: {path}: {problem}",
        zh: "第 {at} 个字符处，{path}：{problem}"
    }
    emv_duplicate(path, first, second) {
        en: "{path} appears twice (at characters {first} and {second})",
        zh: "{path} 出现了两次（第 {first} 和第 {second} 个字符处）"
    }
    emv_structure(why) { en: "{why}", zh: "EMV 结构有误：{why}" }
    emv_crc(given, computed) {
        en: "CRC mismatch: the payload says {given}, its bytes give {computed}",
        zh: "CRC 校验不符：码中写的是 {given}，按内容算出的是 {computed}"
    }
    emv_field(path, name, problem) {
        en: "{path} {name}: {problem}",
        zh: "{path}（{name}）无效：{problem}"
    }
    emv_unsigned(gui) {
        en: "EMV code without a payqr signature (no template 80-99 with GUI {gui})",
        zh: "EMV 码不带 payqr 签名（模板 80–99 中没有 GUI 为 {gui} 的）"
    }
    emv_parts(why) { en: "payqr templates: {why}", zh: "payqr 模板有误：{why}" }
    emv_signed_code(why) { en: "signed code: {why}", zh: "签名的码有误：{why}" }
    emv_profile_field(field, problem) { en: "{field}: {problem}", zh: "{field} 无效：{problem}" }

    // Why an EMV code is `tampered`: its own fields differ from the signed ones.
    absent() { en: "absent", zh: "（缺失）" }
    tampered_currency(given, signed, numeric) {
        en: "EMV 53 Transaction Currency is {given}, the signed code says {signed} ({numeric})",
        zh: "EMV 53（交易币种）为 {given}，而签名的码为 {signed}（{numeric}）：码被改动过"
    }
    tampered_amount(given, signed) {
        en: "EMV 54 Transaction Amount is {given}, the signed code says {signed}",
        zh: "EMV 54（交易金额）为 {given}，而签名的码为 {signed}：码被改动过"
    }
    tampered_reference(slot, slot_name, reference, shown) {
        en: "EMV 62 must hold only 62-{slot} {slot_name} = the signed reference {reference}; 62-{slot} is {shown}",
        zh: "EMV 62 只应包含 62-{slot}（{slot_name}）= 签名中的编号 {reference}；而 62-{slot} 为 {shown}：码被改动过"
    }

    // Why a code is `cancelled`.
    cancelled_at(at, reason) {
        en: "cancelled by its issuer at {at}: {reason}",
        zh: "签发方已于 {at} 作废此码：{reason}"
    }
    cancelled_before(key, before, at, reason) {
        en: "every code of key {key} issued before {before} was cancelled at {at}: {reason}",
        zh: "密钥 {key} 在 {before} 之前签发的码已于 {at} 全部作废：{reason}"
    }
    cancelled_rule(key, before) {
        en: "every code of key {key} issued before {before} was cancelled (trust list)",
        zh: "密钥 {key} 在 {before} 之前签发的码已全部作废（信任列表）"
    }
    cancelled_bundle(seq) {
        en: "cancelled by its issuer (trust bundle {seq})",
        zh: "已被签发方作废（信任包 {seq}）"
    }
    cancelled_unreadable(seq, error) {
        en: "cannot read the cancelled codes of trust bundle {seq} ({error}): refused",
        zh: "无法读取信任包 {seq} 的作废码清单（{error}）：拒收"
    }
    // The ledger (ledger::LedgerError and the LineError of a bad line).
    ledger_at_line(path, line, reason) { en: "{path}:{line}: {reason}", zh: "{path}:{line}：{reason}" }
    ledger_torn(path, line) {
        en: "{path}:{line}: last line is incomplete (a write was interrupted)",
        zh: "{path}:{line}：最后一行不完整（写入被中断）"
    }
    ledger_lock_unsupported(path, source) {
        en: "{path}: cannot lock it: the file system does not support locking ({source})",
        zh: "{path}：无法加锁：该文件系统不支持文件锁（{source}）"
    }
    ledger_lost(path, reason) { en: "{path}: lost records: {reason}", zh: "{path}：记录已丢失：{reason}" }
    line_too_short() {
        en: "not a ledger record (too short for its prev and crc fields)",
        zh: "不是账本记录（太短，放不下 prev 和 crc 字段）"
    }
    line_not_framed() {
        en: "not a ledger record (no prev and crc fields at the end)",
        zh: "不是账本记录（末尾没有 prev 和 crc 字段）"
    }
    line_checksum() {
        en: "checksum mismatch: the line was altered or damaged",
        zh: "校验和不符：此行被改动或已损坏"
    }
    line_chain_broken() {
        en: "hash chain broken: prev does not match the line before (a line was removed, inserted or moved)",
        zh: "哈希链断裂：prev 与上一行不符（有行被删除、插入或移动）"
    }
    line_syntax(detail) { en: "not a ledger record: {detail}", zh: "不是账本记录：{detail}" }
    line_empty() { en: "not a ledger record: empty", zh: "不是账本记录：空行" }
    line_fields(found, expected) {
        en: "not a ledger record: {found} fields, expected {expected}",
        zh: "不是账本记录：有 {found} 个字段，应为 {expected} 个"
    }
    line_csv_header(want) { en: "header is not {want}", zh: "表头不是 {want}" }
}
