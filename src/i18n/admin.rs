//! What the issuer's and the administrator's commands say: issue's dry
//! run, keygen's and anchor's notes and errors, the trust list's changes,
//! listing and freshness warnings, `ledger check`, cancel, release, emv
//! and reconcile's own errors. Lines that scripts read as `KEY VALUE`
//! (keygen's and anchor's `key_id`/`secret`/`public`) and the totals
//! reconcile prints stay English, like JSON.

catalog! {
    // issue --dry-run
    dry_run(path, rows, issue, skip) {
        en: "payqr: {path}: {rows} row(s) OK; would issue {issue}, skip {skip} already in the ledger; nothing written (--dry-run)",
        zh: "payqr: {path}：{rows} 行均无误；将开具 {issue} 个码，跳过台账中已有的 {skip} 个；未写入任何内容（--dry-run）"
    }

    // keygen, anchor
    created_folder(dir) {
        en: "payqr: note: created folder {dir} (owner only)",
        zh: "payqr: 注意：已创建文件夹 {dir}（仅所有者可访问）"
    }
    new_passphrase_prompt() { en: "New passphrase for the key: ", zh: "新密钥的口令：" }
    passphrase_failed(e) { en: "passphrase: {e}", zh: "无法读取口令：{e}" }
    pin_failed(e) { en: "PIN: {e}", zh: "无法读取 PIN：{e}" }
    no_label() {
        en: "--out has no file name to label the key with",
        zh: "--out 没有可用作密钥标签的文件名"
    }
    anchor_exists_hint() {
        en: "an anchor key is never replaced: choose another --out",
        zh: "信任锚密钥不会被替换：请换一个 --out"
    }
    next_is_same() { en: "--next is the same anchor as --anchor", zh: "--next 与 --anchor 是同一个信任锚" }
    already_exists(path) { en: "{path}: already exists", zh: "{path}：已存在" }
    endorses(anchor, next) {
        en: "anchor {anchor} endorses anchor {next}",
        zh: "信任锚 {anchor} 已为信任锚 {next} 背书"
    }

    // trust
    window_inverted(nb, na) {
        en: "--not-before {nb} is later than --not-after {na}: the key would accept no code",
        zh: "--not-before {nb} 晚于 --not-after {na}：该密钥将不接受任何码"
    }
    trusted(issuer, key, name) { en: "trusted {issuer} key {key} ({name})", zh: "已信任 {issuer} 的密钥 {key}（{name}）" }
    already_trusted(issuer, key, name) {
        en: "already trusted: {issuer} key {key} ({name})",
        zh: "已在信任列表中：{issuer} 的密钥 {key}（{name}）"
    }
    bundle_made(path, seq, keys, codes, rules, anchor, expires) {
        en: "bundle {path} sequence {seq}: {keys} keys, {codes} cancelled codes, {rules} all-before cancellations, signed by anchor {anchor}, expires {expires}",
        zh: "信任包 {path}，序号 {seq}：{keys} 个密钥，{codes} 个作废码，{rules} 条整批作废，由信任锚 {anchor} 签名，{expires} 到期"
    }
    anchor_rotated(old, new) {
        en: "anchor rotated: {old} -> {new} (now pinned)",
        zh: "信任锚已轮换：{old} -> {new}（现已固定）"
    }
    updated(trust, seq, prev, keys, codes, rules, anchor, expires) {
        en: "updated {trust} to bundle sequence {seq} (was {prev}): {keys} keys, {codes} cancelled codes, {rules} all-before cancellations; anchor {anchor}; expires {expires}",
        zh: "已将 {trust} 更新为信任包序号 {seq}（原为 {prev}）：{keys} 个密钥，{codes} 个作废码，{rules} 条整批作废；信任锚 {anchor}；{expires} 到期"
    }
    none() { en: "none", zh: "无" }
    list_bundle(seq, anchor, issued, age, expires, codes, rules) {
        en: "# bundle sequence {seq}, anchor {anchor}, issued {issued} (age {age}), expires {expires}, {codes} cancelled codes, {rules} all-before cancellations",
        zh: "# 信任包序号 {seq}，信任锚 {anchor}，签发于 {issued}（已过 {age}），{expires} 到期，{codes} 个作废码，{rules} 条整批作废"
    }
    expired_word() { en: "EXPIRED", zh: "已过期" }
    state_trusted() { en: "trusted", zh: "已信任" }
    state_revoked(at) { en: "REVOKED {at}", zh: "已吊销 {at}" }
    closed(issuer, key, at) {
        en: "closed {issuer} key {key}: codes issued after {at} are refused",
        zh: "已关闭 {issuer} 的密钥 {key}：{at} 之后签发的码将被拒收"
    }
    revoked(issuer, key) { en: "revoked {issuer} key {key}", zh: "已吊销 {issuer} 的密钥 {key}" }
    stale_future(seq, issued, now) {
        en: "trust bundle {seq} was issued at {issued}, after this machine's clock ({now}): check the clock",
        zh: "信任包 {seq} 的签发时间 {issued} 晚于本机时钟（{now}）：请检查时钟"
    }
    stale(seq, age, issued) {
        en: "trust list is stale: bundle {seq} issued {age} ago (at {issued}); run payqr trust update",
        zh: "信任列表已过时：信任包 {seq} 签发于 {age}前（{issued}）；请运行 payqr trust update"
    }
    bundle_expired(path, seq, at) {
        en: "{path}: trust bundle {seq} expired at {at}",
        zh: "{path}：信任包 {seq} 已于 {at} 过期"
    }
    judged_anyway(why) {
        en: "{why}; judged anyway (--allow-stale)",
        zh: "{why}；仍照常核验（--allow-stale）"
    }

    // ledger check
    check_ok(ledger, records, issued, redeemed, cancelled) {
        en: "{ledger}: {records} records, {issued} issued, {redeemed} redeemed{cancelled}; checksums and hash chain verified",
        zh: "{ledger}：共 {records} 条记录，已开具 {issued} 个，已核销 {redeemed} 个{cancelled}；校验和与哈希链均已核实"
    }
    n_cancellations(n) { en: ", {n} cancellations", zh: "，作废 {n} 条" }
    paid_twice(reference, issuer, codes) {
        en: "reference {reference} of {issuer} was paid twice through a reissue: {codes} all redeemed",
        zh: "{issuer} 的编号 {reference} 经重开被缴纳了两次：{codes} 均已核销"
    }
    code_at_seq(code, seq) { en: "code {code} (issued at seq {seq})", zh: "码 {code}（开具于第 {seq} 条）" }
    list_sep() { en: ", ", zh: "、" }
    loss(seq, at, records, bytes, covered, hash) {
        en: "seq {seq} records a loss ({at}): {records} record(s), {bytes} byte(s) of {covered} were lost (the last line then hashed {hash})",
        zh: "第 {seq} 条记录了一次丢失（{at}）：{covered} 字节中丢失了 {records} 条记录、{bytes} 字节（当时最后一行的哈希为 {hash}）"
    }
    torn_tail(ledger) {
        en: "payqr: {ledger}: last line is incomplete (an interrupted write); it is ignored",
        zh: "payqr: {ledger}：最后一行不完整（写入被中断）；已忽略"
    }
    torn_tail_hint(ledger) {
        en: "  hint: payqr ledger repair --ledger {ledger} cuts it off",
        zh: "  提示：payqr ledger repair --ledger {ledger} 可将其截去"
    }
    lost_hint(ledger) {
        en: "  hint: restore the lost records from a backup, or record the loss: payqr ledger repair --record-loss --ledger {ledger}",
        zh: "  提示：请从备份恢复丢失的记录，或记下这次丢失：payqr ledger repair --record-loss --ledger {ledger}"
    }

    // ledger repair
    repair_not_pg(ledger) {
        en: "{ledger}: ledger repair is for file ledgers: a PostgreSQL ledger is written in transactions (never a partial record) and its records are append-only",
        zh: "{ledger}：ledger repair 只用于文件台账：PostgreSQL 台账按事务写入（不会有残缺记录），其记录只追加不修改"
    }
    repair_not_pg_hint() {
        en: "`payqr ledger check --ledger URL` reads every record and proves the chain; if it reports lost records, restore the database from its backup (pg_dump / PITR)",
        zh: "`payqr ledger check --ledger URL` 会读取每条记录并验证哈希链；如报告有记录丢失，请从备份恢复数据库（pg_dump / PITR）"
    }
    repair_cut(ledger, n) {
        en: "{ledger}: cut {n} byte(s) of an incomplete last line",
        zh: "{ledger}：已截去不完整末行的 {n} 个字节"
    }
    loss_recorded(ledger, seq, records, bytes, source, covered, hash) {
        en: "{ledger}: recorded at seq {seq}: {records} record(s), {bytes} byte(s) lost ({source} covered {covered} byte(s) ending in a line hashed {hash})",
        zh: "{ledger}：已记入第 {seq} 条：丢失 {records} 条记录、{bytes} 字节（{source} 覆盖了 {covered} 字节，最后一行的哈希为 {hash}）"
    }
    no_loss(ledger) {
        en: "{ledger}: no evidence of lost records; nothing recorded",
        zh: "{ledger}：没有记录丢失的迹象；未记入任何内容"
    }
    missing(ledger, records, bytes, source) {
        en: "{ledger}: {records} record(s), {bytes} byte(s) are missing from what {source} covered",
        zh: "{ledger}：{source} 所覆盖的内容中缺少 {records} 条记录、{bytes} 字节"
    }
    missing_hint(ledger) {
        en: "  hint: restore them from a backup, or record the loss: payqr ledger repair --record-loss --ledger {ledger}",
        zh: "  提示：请从备份恢复，或记下这次丢失：payqr ledger repair --record-loss --ledger {ledger}"
    }
    whole(ledger) { en: "{ledger}: whole, nothing to repair", zh: "{ledger}：完整，无需修复" }

    // redeem into PostgreSQL
    reconnected(ledger, n) {
        en: "payqr: note: {ledger}: the connection was lost and made again ({n} time(s)); nothing was recorded twice",
        zh: "payqr: 注意：{ledger}：连接中断后已重新连接（{n} 次）；没有任何记录被重复写入"
    }
    recovered_commit(ledger) {
        en: "payqr: note: {ledger}: the connection was lost while committing; the redemptions had been committed by this same request, and are not recorded twice",
        zh: "payqr: 注意：{ledger}：提交时连接中断；这些核销已由本次请求提交，不会重复记录"
    }

    // cancel
    nothing_to_cancel() { en: "nothing to cancel", zh: "没有要作废的码" }
    nothing_to_cancel_hint() {
        en: "give code ids, or --all-before TIME for every code of the key",
        zh: "请给出识别码，或用 --all-before TIME 作废该密钥在此时间之前签发的所有码"
    }
    bad_code_id(id, e) { en: "code id {id}: {e}", zh: "识别码 {id} 无效：{e}" }
    not_a_cancellation(at, e) { en: "{at}: not a cancellation: {e}", zh: "{at}：不是作废记录：{e}" }
    cancelled(what, reason) { en: "cancelled {what}: {reason}", zh: "已作废 {what}：{reason}" }

    // release
    not_utf8_text(path) { en: "{path}: not UTF-8 text", zh: "{path}：不是 UTF-8 文本" }
    release_signed(path) { en: "signed {path}", zh: "已签名 {path}" }
    good_signature(path) { en: "good signature {path}", zh: "签名有效 {path}" }
    bad_signature(path, why) { en: "payqr: BAD signature {path}: {why}", zh: "payqr: 签名无效 {path}：{why}" }

    // emv
    is_directory() { en: "is a directory", zh: "是文件夹" }
    not_regular_file() { en: "is not a regular file", zh: "不是普通文件" }
    emv_warning(source, why) { en: "payqr: warning: {source}: {why}", zh: "payqr: 警告：{source}：{why}" }
    emv_error(source, why) { en: "payqr: error: {source}: {why}", zh: "payqr: 错误：{source}：{why}" }

    // reconcile
    bad_map(e) { en: "--map: {e}", zh: "--map 无效：{e}" }
    map_not_pair(text) { en: "column map: {text} is not KEY=COLUMN", zh: "列映射：{text} 不是 KEY=COLUMN 形式" }
    map_unknown_key(key, keys) {
        en: "column map: unknown key {key} (keys: {keys})",
        zh: "列映射：未知的键 {key}（可用的键：{keys}）"
    }
    map_repeated(key) { en: "column map: key {key} is given twice", zh: "列映射：键 {key} 出现了两次" }
    map_empty_column(key) { en: "column map: key {key} has an empty column name", zh: "列映射：键 {key} 的列名为空" }
    map_grouping(text, names) {
        en: "column map: grouping={text} is not one of {names}",
        zh: "列映射：grouping={text} 不是以下之一：{names}"
    }
    bad_encoding(e) { en: "--encoding: {e}", zh: "--encoding 无效：{e}" }
    fee_column_unused(path, format) {
        en: "--fee-column: {path} is a {format} file, which names its own fee column",
        zh: "--fee-column 无效：{path} 是 {format} 文件，它自带手续费列"
    }
    bad_settlement_rows(path, n) {
        en: "{path}: {n} bad settlement row(s); nothing was reconciled",
        zh: "{path}：结算文件有 {n} 行有误；未对账"
    }
    ledger_loss(ledger, seq, at, records, bytes, after) {
        en: "payqr: warning: {ledger}: the ledger records a loss (seq {seq}, {at}): {records} record(s), {bytes} byte(s) after byte {after} were lost; this report cannot account for them",
        zh: "payqr: 警告：{ledger}：台账记有一次丢失（第 {seq} 条，{at}）：第 {after} 字节之后的 {records} 条记录、{bytes} 字节已丢失；本报告无法核对这些记录"
    }
    redeemed_meanwhile(n) {
        en: "payqr: note: {n} code(s) were redeemed at a counter while this ran; not marked again",
        zh: "payqr: 注意：运行期间有 {n} 个码已在柜台核销；不再重复标记"
    }
}
