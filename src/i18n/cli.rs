//! The command line's framing (error, hint, warning lines) and its common
//! errors and hints: those of verify, redeem, issue and notice. A library
//! error's own text (`{e}`, `{why}`, `{problem}`) stays English: it is
//! data, quoted inside the translated framing.

catalog! {
    error_line(msg) { en: "payqr: error: {msg}", zh: "payqr: 错误：{msg}" }
    hint_line(hint) { en: "payqr: hint: {hint}", zh: "payqr: 提示：{hint}" }
    warning_line(msg) { en: "payqr: warning: {msg}", zh: "payqr: 警告：{msg}" }

    // verify and redeem: where the codes come from, the trust list.
    nothing_to_check() { en: "nothing to check", zh: "没有要核验的码" }
    nothing_to_check_hint() {
        en: "give image files, --text PAYLOAD, or - to read payloads from stdin",
        zh: "请给出图片文件、--text 码文本，或用 - 从标准输入逐行读取"
    }
    images_and_text() { en: "give either images or --text, not both", zh: "图片和 --text 只能二选一" }
    bad_at(e) { en: "{e}", zh: "--at 时间无效：{e}" }
    trust_unreadable(e) { en: "{e}", zh: "无法读取信任列表：{e}" }
    trust_unreadable_hint() {
        en: "create one with: payqr trust add ISSUER.pub --trust FILE",
        zh: "可用此命令创建：payqr trust add ISSUER.pub --trust FILE"
    }
    bad_stale_after(e) { en: "--stale-after: {e}", zh: "--stale-after 无效：{e}" }
    bundle_expired(why) { en: "{why}; nothing was judged", zh: "{why}；未核验任何码" }
    bundle_expired_hint() {
        en: "run payqr trust update with a fresh bundle, or give --allow-stale to judge with it anyway",
        zh: "请用新的信任包运行 payqr trust update，或加 --allow-stale 仍按此信任包核验"
    }
    no_code_read() { en: "no code was read from stdin", zh: "未从标准输入读到任何码" }
    no_code_read_hint() {
        en: "pipe payload texts, one per line, or give image files or --text",
        zh: "请通过管道逐行输入码文本，或给出图片文件或 --text"
    }
    unreadable_inputs(n) { en: "{n} input(s) could not be read", zh: "{n} 个输入无法读取" }
    no_ledger_to_verify(path) {
        en: "{path}: no such ledger; nothing was verified",
        zh: "{path}：台账不存在；未核验任何码"
    }
    no_ledger_to_verify_hint() {
        en: "give the ledger that issue and redeem write, or leave out --ledger",
        zh: "请给出 issue 和 redeem 写入的台账，或不加 --ledger"
    }
    bad_txn(problem) { en: "--txn: {problem}", zh: "--txn 无效：{problem}" }
    judging_as_of(at) {
        en: "payqr: note: judging as of {at} (--at); the ledger records it beside the time of redemption",
        zh: "payqr: 注意：按 {at} 判定（--at）；台账在核销时间旁一并记录此时间"
    }

    // issue
    need_flag(flag) { en: "{flag} is required for a single code", zh: "开具单个码需要 {flag}" }
    need_flag_hint() {
        en: "batch issuance takes --from FILE.csv --out-dir DIR",
        zh: "批量开具请用 --from FILE.csv --out-dir DIR"
    }
    need_emv_config() { en: "--profile emv needs --emv-config FILE", zh: "--profile emv 需要 --emv-config FILE" }
    need_emv_config_hint() {
        en: "docs/FORMAT.md section 5 describes the file",
        zh: "该文件的格式见 docs/FORMAT.md 第 5 节"
    }
    emv_config_unused() { en: "--emv-config needs --profile emv", zh: "--emv-config 需要 --profile emv" }
    bad_flag(flag, problem) { en: "{flag}: {problem}", zh: "{flag} 无效：{problem}" }
    already_issued_hint() {
        en: "each fine or bill reference gets one code; check the ledger before reissuing",
        zh: "每个罚款或账单编号只开一个码；重开前请先查台账"
    }
    issue_stopped_hint() {
        en: "codes issued before this point are in the ledger and manifest; rerun the same command to continue",
        zh: "此前开具的码已记入台账和清单；重新运行同一命令即可继续"
    }
    interrupted(done, total) {
        en: "interrupted after {done} of {total} row(s); rerun the same command to continue",
        zh: "已中断：{total} 行中完成了 {done} 行；重新运行同一命令即可继续"
    }

    // notice
    notice_no_ledger(path) { en: "{path}: no such ledger", zh: "{path}：台账不存在" }
    notice_not_issued(path, id) { en: "{path}: no code {id} was issued in it", zh: "{path}：其中没有开具过识别码为 {id} 的码" }
    notice_several_issuers(id, issuers) {
        en: "{id} names codes of several issuers ({issuers}): give --issuer",
        zh: "{id} 对应多个签发方的码（{issuers}）：请加 --issuer"
    }
    notice_payload_not_kept(path, seq) {
        en: "{path}: seq {seq}: the ledger does not keep this code's payload (issued before payqr kept payloads, or a CSV ledger)",
        zh: "{path}：第 {seq} 条：台账未保存此码的内容（开具时 payqr 尚不保存内容，或为 CSV 台账）"
    }
    notice_payload_not_kept_hint() {
        en: "issue a new code for the same reference: payqr issue --reissue",
        zh: "为同一编号开具新码：payqr issue --reissue"
    }
    notice_payload_mismatch(path, seq) {
        en: "{path}: seq {seq}: the kept payload does not match the record's payload_sha256",
        zh: "{path}：第 {seq} 条：保存的码内容与记录的 payload_sha256 不符"
    }
    notice_issuer_untrusted(issuer, trust) {
        en: "issuer {issuer} is not in the trust list {trust}",
        zh: "签发方 {issuer} 不在信任列表 {trust} 中"
    }
    notice_no_trust() {
        en: "the notice prints the issuer's name: give --trust (or --format svg|png for the QR image alone)",
        zh: "通知书上要印签发方名称：请加 --trust（或用 --format svg|png 只打印二维码图片）"
    }
    notice_format_vs_extension(format, ext) {
        en: "--format {format} does not write a .{ext} file: give --format or name --out after it",
        zh: "--format {format} 写出的不是 .{ext} 文件：请改 --format 或按格式命名 --out"
    }
    notice_replaced(id, by) {
        en: "code {id} was replaced by code {by} (issue --reissue): its notice would be refused at the counter",
        zh: "识别码 {id} 已被识别码 {by} 取代（issue --reissue）：其通知书在收款处会被拒收"
    }
    notice_replaced_hint(by) {
        en: "print the code that replaced it: payqr notice {by}",
        zh: "请打印取代它的码：payqr notice {by}"
    }
    notice_cancelled(id, reason) {
        en: "code {id} was cancelled ({reason}): its notice would be refused at the counter",
        zh: "识别码 {id} 已作废（{reason}）：其通知书在收款处会被拒收"
    }
    notice_redeemed(id, at) {
        en: "payqr: warning: code {id} was already paid ({at}): this notice is a copy, nothing is left to pay",
        zh: "payqr：警告：识别码 {id} 已于 {at} 付款：此通知书仅为副本，无需再付"
    }
    png_to_terminal() { en: "a PNG is not for the terminal", zh: "PNG 图片不能输出到终端" }
    png_to_terminal_hint() { en: "give --out FILE", zh: "请加 --out FILE" }

    // keys
    is_public_key(path) {
        en: "{path}: is a public key (PREFIX.pub): --key takes the secret key file, PREFIX.key",
        zh: "{path}：这是公钥（PREFIX.pub）；--key 需要私钥文件 PREFIX.key"
    }
    is_public_key_hint() {
        en: "the .pub goes to verifiers (payqr trust add); sign with the .key beside it",
        zh: ".pub 交给核验方（payqr trust add）；请用旁边的 .key 签名"
    }
    is_public_key_hint_at(path) {
        en: "the .pub goes to verifiers (payqr trust add); sign with the .key beside it: {path}",
        zh: ".pub 交给核验方（payqr trust add）；请用旁边的 .key 签名：{path}"
    }
    key_exists_hint() {
        en: "a key is never overwritten by accident: choose another --out or add --force",
        zh: "密钥不会被意外覆盖：请换一个 --out，或加 --force"
    }
    issuer_id_hint() {
        en: "issuer ids look like bj-traffic or sh-water.bills",
        zh: "签发方 ID 形如 bj-traffic 或 sh-water.bills"
    }
    token_hint() {
        en: "check the module path, the token label and the PIN",
        zh: "请检查模块路径、令牌标签和 PIN"
    }

    // Unlocking a key (issue, release sign, ...).
    passphrase_prompt(path) { en: "Passphrase for {path}: ", zh: "{path} 的口令：" }
    key_in_clear(path) {
        en: "payqr: warning: {path} is not encrypted: anyone who copies it can sign codes; run: payqr key encrypt {path}",
        zh: "payqr: 警告：{path} 未加密：任何复制它的人都能签发码；请运行：payqr key encrypt {path}"
    }
    wrong_passphrase_hint() {
        en: "check the passphrase (and --passphrase-file); an altered key file cannot be repaired: restore it from your backup",
        zh: "请检查口令（及 --passphrase-file）；被改动的密钥文件无法修复：请从备份恢复"
    }
    token_key_hint() {
        en: "check the token is present, the PIN, and the module path in the key file",
        zh: "请检查令牌是否插入、PIN，以及密钥文件中的模块路径"
    }

    // What issue did (stderr; --json has the same facts for scripts).
    issued_one(kind, amount, currency, reference, code_id, version, expires) {
        en: "payqr: issued {kind} {amount} {currency} {reference}, code {code_id}, QR version {version}, expires {expires}",
        zh: "payqr: 已开具{kind} {amount} {currency} {reference}，识别码 {code_id}，二维码版本 {version}，{expires} 到期"
    }
    issued_batch(issued, reissued, skipped, files, dir, secs, rate, versions) {
        en: "issued {issued} code(s){reissued}, skipped {skipped} already in the ledger, wrote {files} file(s) to {dir} in {secs} s ({rate} codes/s, QR versions {versions})",
        zh: "已开具 {issued} 个码{reissued}，跳过台账中已有的 {skipped} 个，向 {dir} 写入 {files} 个文件，用时 {secs} 秒（每秒 {rate} 个码，二维码版本 {versions}）"
    }
    batch_reissued(n) { en: " ({n} reissued)", zh: "（其中重开 {n} 个）" }
    batch_not_reissued(n) { en: ", {n} not reissued (already paid)", zh: "，{n} 个未重开（已缴纳）" }
    not_reissued_row(place, id) {
        en: "payqr: {place}: not reissued: code {id} was already redeemed (paid)",
        zh: "payqr: {place}：未重开：码 {id} 已核销（已缴纳）"
    }
    not_reissued_more(n) { en: "payqr: ... and {n} more not reissued", zh: "payqr: ……另有 {n} 行未重开" }
}
