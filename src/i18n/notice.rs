//! The printable notice's labels. The English notice keeps the Chinese
//! beside each label (it is printed for counters in China either way);
//! the Chinese one is Chinese only.

catalog! {
    title_fine() { en: "Traffic fine notice · 罚款通知书", zh: "交通违法罚款通知书" }
    title_bill() { en: "Payment notice · 缴费通知单", zh: "缴费通知单" }
    reference() { en: "Reference · 编号", zh: "编号" }
    amount_due() { en: "Amount due · 应缴金额", zh: "应缴金额" }
    pay_before() { en: "Pay before · 缴款期限", zh: "缴款期限" }
    code_id(id) { en: "Code {id}", zh: "识别码 {id}" }
}
