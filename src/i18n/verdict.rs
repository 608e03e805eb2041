//! The verdict a cashier reads (`payqr verify` / `payqr redeem` text
//! output): the first line's word and why, the facts below it, each
//! status's name. JSON keeps the English status values.

catalog! {
    /// First word of a valid verdict.
    valid() { en: "VALID", zh: "有效" }
    /// First word of a redemption recorded by this call.
    redeemed() { en: "REDEEMED", zh: "已核销" }
    /// First word of every refusal.
    refused() { en: "REFUSED", zh: "拒收" }
    not_yet_paid() { en: "official, unexpired, not yet paid", zh: "官方签发，未过期，尚未缴纳" }
    not_checked() {
        en: "official, unexpired; payment status NOT checked (no --ledger)",
        zh: "官方签发，未过期；未核对缴纳状态（未给 --ledger）"
    }
    recorded() { en: "recorded in the ledger: take the payment", zh: "已记入台账，请收款" }
    /// The first line of a valid or redeemed verdict.
    headline_ok(word, what) { en: "{word}: {what}", zh: "{word}：{what}" }
    /// The first line of a refusal, with and without a reason.
    headline_refused(word, status, why) { en: "{word}: {status}: {why}", zh: "{word}：{status}：{why}" }
    headline_refused_bare(word, status) { en: "{word}: {status}", zh: "{word}：{status}" }
    /// The fact line of what the code asks for.
    asks(source, kind, amount, currency, desc, reference, payee) {
        en: "{source}: {kind} {amount} {currency}{desc}, ref {reference}, payee {payee}",
        zh: "{source}：{kind} {amount} {currency}{desc}，编号 {reference}，收款方 {payee}"
    }
    issued_by(issuer, code_id) { en: "issuer {issuer}, code {code_id}", zh: "签发方 {issuer}，识别码 {code_id}" }
    expires_in(left, at) { en: "expires in {left} ({at})", zh: "{left}后到期（{at}）" }
    kind_fine() { en: "fine", zh: "罚款" }
    kind_bill() { en: "bill", zh: "账单" }

    // Why a code was refused, from the verdict's own facts.
    why_expired(ago) { en: "expired {ago} ago", zh: "已过期 {ago}" }
    why_not_yet_valid(at) { en: "issued at {at}, in the future", zh: "签发时间 {at} 晚于现在" }
    why_redeemed(at) { en: "already redeemed at {at}", zh: "已于 {at} 核销，不可重复收款" }
    why_redeemed_txn(at, txn) {
        en: "already redeemed at {at}, txn {txn}",
        zh: "已于 {at} 核销（交易号 {txn}），不可重复收款"
    }
    why_unknown_issuer(issuer) { en: "issuer \"{issuer}\" is not in the trust list", zh: "签发方 \"{issuer}\" 不在信任列表中" }
    why_unknown_key(key, issuer) { en: "key {key} is not a trusted key of {issuer}", zh: "密钥 {key} 不是 {issuer} 的受信任密钥" }
    why_bad_signature(key, issuer) {
        en: "signature does not match key {key} of {issuer}",
        zh: "签名与 {issuer} 的密钥 {key} 不符：可能是伪造"
    }
    why_revoked(key, at) { en: "key {key} was revoked at {at}", zh: "密钥 {key} 已于 {at} 吊销" }
    why_key_not_valid(at, from, until) {
        en: "issued at {at} outside the key's validity ({from} .. {until})",
        zh: "签发时间 {at} 不在密钥有效期内（{from} 至 {until}）"
    }
    why_replaced(by, seq) {
        en: "replaced by code {by} (reissued; ledger seq {seq}): pay that code instead",
        zh: "已被重开的码 {by} 替代（台账第 {seq} 条）：请缴纳新码"
    }
    why_no_code() { en: "no QR code found in the image", zh: "图片中未找到二维码" }

    // Each status as the headline names it: in English the value JSON
    // carries; in Chinese its name with that value beside it.
    st_valid() { en: "valid", zh: "有效（valid）" }
    st_bad_signature() { en: "bad_signature", zh: "签名无效（bad_signature）" }
    st_malformed() { en: "malformed", zh: "格式错误（malformed）" }
    st_tampered() { en: "tampered", zh: "内容被篡改（tampered）" }
    st_unknown_issuer() { en: "unknown_issuer", zh: "签发方未知（unknown_issuer）" }
    st_revoked() { en: "revoked", zh: "密钥已吊销（revoked）" }
    st_key_not_valid() { en: "key_not_valid", zh: "密钥不在有效期（key_not_valid）" }
    st_expired() { en: "expired", zh: "已过期（expired）" }
    st_not_yet_valid() { en: "not_yet_valid", zh: "尚未生效（not_yet_valid）" }
    st_already_redeemed() { en: "already_redeemed", zh: "已核销过（already_redeemed）" }
    st_replaced() { en: "replaced", zh: "已被重开的码替代（replaced）" }
    st_cancelled() { en: "cancelled", zh: "已被签发方作废（cancelled）" }
    st_no_code() { en: "no_code", zh: "无二维码（no_code）" }

    // Durations (see i18n::duration).
    secs(s) { en: "{s}s", zh: "{s}秒" }
    mins_secs(m, s) { en: "{m}m {s}s", zh: "{m}分{s}秒" }
    hours_mins(h, m) { en: "{h}h {m}m", zh: "{h}小时{m}分" }
    days_hours(d, h) { en: "{d}d {h}h", zh: "{d}天{h}小时" }
}
