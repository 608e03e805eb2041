//! `--help` in Chinese: the about of each command and the help of each
//! argument, keyed by the command's path (`verify`, `trust add`; the root
//! is `payqr`) and, for an argument, `path:id` (`verify:trust`). English
//! is clap's own text (the doc comments in src/cmd/). The CLI's test
//! (src/cmd/help_zh.rs) fails when a help text of any visible command
//! has no entry here, or when an entry names nothing.

/// The root's closing text (exit statuses), as `EXIT_CODES` in English.
pub const EXIT_CODES_ZH: &str = "\
退出状态：
  0  成功：每个码均有效或已核销，对账无差异
  1  否定结果：有码无效、核销被拒，或对账发现差异
  2  用法或输入错误（参数有误、文件无法读取、CSV 行有误）
  130  被中断（Ctrl-C）；批量开具保留已完成的部分";

/// Key → Chinese text.
pub const HELP: &[(&str, &str)] = &[
    ("payqr", "签发、核验和对账带签名的缴费二维码"),
    (
        "payqr:config",
        "提供 --trust、--ledger、--tz 和 --lang 默认值的配置文件（默认：PAYQR_CONFIG，否则为用户配置文件夹中的 payqr.toml；见 `payqr config show`）",
    ),
    (
        "payqr:lang",
        "核验结果、提示信息、通知书和 HTML 报告的语言：en 或 zh-CN（默认：PAYQR_LANG、payqr.toml 中的 lang，否则按系统区域设置：LC_ALL、LC_MESSAGES、LANG）。JSON 和 CSV 输出始终为英文",
    ),
    (
        "keygen",
        "生成签发方密钥对：PREFIX.key（权限 0600，已加密）和 PREFIX.pub",
    ),
    (
        "keygen:issuer",
        "写入每个码的签发方 ID：a-z、0-9、'-'、'.'（例如 bj-traffic）",
    ),
    ("keygen:name", "向核验方显示的名称"),
    ("keygen:out", "输出路径前缀：写入 PREFIX.key 和 PREFIX.pub"),
    ("keygen:force", "覆盖已有的密钥文件"),
    (
        "keygen:unencrypted",
        "不设口令，以明文写入私钥（仅限测试密钥：任何复制该文件的人都能签发码）",
    ),
    (
        "keygen:pkcs11",
        "在 PKCS#11 令牌内生成密钥，加载此模块（例如 /usr/lib/softhsm/libsofthsm2.so）",
    ),
    ("keygen:token", "生成密钥所用 PKCS#11 令牌的标签"),
    (
        "keygen:key_label",
        "令牌中密钥对象的标签（默认：--out 的文件名）",
    ),
    (
        "keygen:passphrase_file",
        "从 FILE 的第一行读取密钥口令，而不是从终端输入（也可用 $PAYQR_PASSPHRASE_FILE）。切勿把口令写在命令行参数里",
    ),
    (
        "keygen:passphrase_fd",
        "从已打开的文件描述符 N 读取密钥口令（例如 3，配合 3<FILE）",
    ),
    (
        "keygen:pin_file",
        "从 FILE 的第一行读取 PKCS#11 令牌的用户 PIN，而不是从终端输入（也可用 $PAYQR_PIN_FILE）",
    ),
    ("trust", "管理信任列表：接受哪些签发方和密钥"),
    ("trust add", "信任某签发方的公钥（如无信任列表则新建）"),
    ("trust add:pubfile", "签发方的 PREFIX.pub 文件"),
    (
        "trust add:not_before",
        "拒收在此时间之前签发的码（默认：不限）",
    ),
    (
        "trust add:not_after",
        "拒收在此时间之后签发的码（默认：不限）",
    ),
    (
        "trust add:tz",
        "未带时差的时间按此时差理解（默认：本机时差）",
    ),
    ("trust list", "列出受信任的密钥"),
    ("trust list:json", "每个密钥输出一个 JSON 对象"),
    (
        "trust close",
        "关闭密钥的有效期（密钥轮换）：截至 TIME 签发的码仍然有效，TIME 之后签发的码将被拒收",
    ),
    (
        "trust close:keyid",
        "密钥 ID（8 位十六进制数，见 trust list）",
    ),
    ("trust close:not_after", "拒收在此时间之后签发的码"),
    (
        "trust close:issuer",
        "签发方 ID（两个签发方的密钥 ID 相同时需要）",
    ),
    (
        "trust close:tz",
        "未带时差的时间按此时差理解（默认：本机时差）",
    ),
    (
        "trust bundle",
        "用信任锚密钥把信任列表（及作废码）签成信任包",
    ),
    (
        "trust bundle:anchor",
        "信任锚的私钥（由 payqr anchor keygen 生成）",
    ),
    (
        "trust bundle:trust",
        "要签名的信任列表（其中会记下上一个信任包的序号）",
    ),
    ("trust bundle:out", "信任包的写入位置（原子替换）"),
    ("trust bundle:valid_for", "接收方接受此信任包的时长"),
    (
        "trust bundle:sequence",
        "序号（默认：比上一个信任包的序号大 1）",
    ),
    (
        "trust bundle:cancellations",
        "要包含的作废记录：`payqr cancel --json` 输出的 JSON 行（可重复）",
    ),
    ("trust bundle:ledger", "包含此台账中记录的作废（可重复）"),
    (
        "trust bundle:endorsement",
        "要附带的信任锚背书（由 payqr anchor endorse 生成），按从旧到新排列",
    ),
    ("trust bundle:now", "信任包的签发时间（默认：现在）"),
    (
        "trust update",
        "若信任包较新且由已固定的信任锚签名，则用它替换信任列表",
    ),
    ("trust update:bundle", "信任包文件"),
    ("trust update:anchor", "信任锚的公钥（首次更新时必需）"),
    ("trust revoke", "吊销密钥：此后由它签发的所有码都将被拒收"),
    (
        "trust revoke:keyid",
        "密钥 ID（8 位十六进制数，见 trust list）",
    ),
    (
        "trust revoke:issuer",
        "签发方 ID（两个签发方的密钥 ID 相同时需要）",
    ),
    (
        "issue",
        "签发缴费码：按参数开具单个码，或按 CSV 文件批量开具",
    ),
    ("issue:key", "签发方的私钥文件（PREFIX.key）"),
    (
        "issue:passphrase_file",
        "从 FILE 的第一行读取密钥口令，而不是从终端输入（也可用 $PAYQR_PASSPHRASE_FILE）。切勿把口令写在命令行参数里",
    ),
    (
        "issue:passphrase_fd",
        "从已打开的文件描述符 N 读取密钥口令（例如 3，配合 3<FILE）",
    ),
    (
        "issue:pin_file",
        "从 FILE 的第一行读取 PKCS#11 令牌的用户 PIN，而不是从终端输入（也可用 $PAYQR_PIN_FILE）",
    ),
    (
        "issue:kind",
        "fine（罚款）或 bill（账单）（默认 fine，用于单个码和未写类型的批量行）",
    ),
    (
        "issue:amount",
        "以主币单位表示的金额，例如 200.00：数字、'.' 和小数位，不能有 ','（精确值；小数位数由币种决定）",
    ),
    ("issue:currency", "ISO 4217 币种代码，例如 CNY"),
    ("issue:payee", "收款账户"),
    ("issue:reference", "罚款编号、车牌号或账单户号（UTF-8）"),
    ("issue:description", "简短说明，例如 闯红灯"),
    ("issue:expires_in", "自开具时间起的有效期，例如 4h、30d"),
    ("issue:expires_at", "绝对到期时间"),
    ("issue:png", "将二维码写为 PNG（单个码）"),
    ("issue:svg", "将二维码写为 SVG（单个码）"),
    ("issue:terminal", "在终端中画出二维码（单个码）"),
    ("issue:from", "批量：要开具的码的 CSV 文件"),
    (
        "issue:encoding",
        "批量：CSV 的编码，utf-8（默认）或 gbk（gb18030，中文版 Excel 的保存格式）",
    ),
    (
        "issue:out_dir",
        "批量：图片的输出目录（文件名为 识别码.png / .svg）",
    ),
    (
        "issue:format",
        "批量：输出格式，以逗号分隔：png、svg（二维码图片）、notice-svg（可打印的 A6 通知书，含二维码和罚款详情）",
    ),
    (
        "issue:manifest",
        "批量：写出一份列有所开具每个码的 CSV 清单",
    ),
    (
        "issue:dry_run",
        "批量：只检查文件（并统计台账中已有的行），不写入任何内容",
    ),
    (
        "issue:reissue",
        "批量：为台账中已有的编号开具新码；台账记下每个新码替代了哪个旧码，旧码此后被拒收。码已核销的编号不会重开（会报告；退出状态 1）",
    ),
    (
        "issue:ledger",
        "将开具的码记入此台账：文件（JSON 行；*.csv 则为 CSV）或 PostgreSQL（postgres://USER@HOST/DB?schema=NAME）",
    ),
    (
        "issue:now",
        "开具时间（默认：现在）；固定时间可使批量结果可重现",
    ),
    (
        "issue:tz",
        "未带时差的时间及显示所用的时差（默认：本机时差）",
    ),
    ("issue:json", "在标准输出上以 JSON 输出结果"),
    (
        "issue:profile",
        "码内容格式：pq（PQ1: 文本）或 emv（钱包可支付的 EMV MPM 码，携带签名；需要 --emv-config）",
    ),
    (
        "issue:emv_config",
        "EMV 格式：签发方的 EMV 设置（商户账户、MCC、国家、名称、城市），JSON 格式；见 docs/FORMAT.md",
    ),
    ("verify", "核验码：来自图片、码文本或标准输入（每行一个码）"),
    (
        "verify:images",
        "图片（PNG、JPEG、WebP 等）；`-` 表示从标准输入逐行读取码文本",
    ),
    ("verify:text", "码文本，即扫码枪输入的内容"),
    ("verify:trust", "列有可接受签发方和密钥的信任列表"),
    ("verify:at", "按此时间而非现在判定"),
    (
        "verify:skew",
        "签发方与核验方之间可容忍的时钟误差（最多 1h）",
    ),
    (
        "verify:tz",
        "显示时间及未带时差的时间所用的时差（默认：本机时差）",
    ),
    ("verify:json", "每个码输出一个 JSON 对象"),
    (
        "verify:stale_after",
        "来自信任包的信任列表超过此时长即报告为过时",
    ),
    (
        "verify:allow_stale",
        "信任包已过期也照常核验（每条结果都会注明）",
    ),
    (
        "verify:ledger",
        "同时报告在此台账中已核销的码（只读；台账必须已存在）：文件或 PostgreSQL（postgres://USER@HOST/DB?schema=NAME）",
    ),
    ("redeem", "核验码，并在台账中记下核销"),
    (
        "redeem:images",
        "图片（PNG、JPEG、WebP 等）；`-` 表示从标准输入逐行读取码文本",
    ),
    ("redeem:text", "码文本，即扫码枪输入的内容"),
    ("redeem:trust", "列有可接受签发方和密钥的信任列表"),
    ("redeem:at", "按此时间而非现在判定"),
    (
        "redeem:skew",
        "签发方与核验方之间可容忍的时钟误差（最多 1h）",
    ),
    (
        "redeem:tz",
        "显示时间及未带时差的时间所用的时差（默认：本机时差）",
    ),
    ("redeem:json", "每个码输出一个 JSON 对象"),
    (
        "redeem:stale_after",
        "来自信任包的信任列表超过此时长即报告为过时",
    ),
    (
        "redeem:allow_stale",
        "信任包已过期也照常核验（每条结果都会注明）",
    ),
    (
        "redeem:ledger",
        "记录核销的台账：文件（JSON 行；*.csv 则为 CSV）或 PostgreSQL：postgres://USER@HOST/DB?schema=NAME",
    ),
    ("redeem:txn", "您的交易号（收据号），与核销一并保存"),
    ("notice", "从台账重新打印某个码的通知书（或二维码图片）"),
    (
        "notice:code_id",
        "识别码（16 位十六进制数，与通知书和清单上的一致），或开具时的编号",
    ),
    (
        "notice:by_reference",
        "即使 CODE_ID|REFERENCE 是 16 位十六进制数，也按编号查找",
    ),
    ("notice:ledger", "开具该码时所用的台账（必须已存在）"),
    (
        "notice:trust",
        "列有签发方的信任列表（通知书上印的名称取自这里；--format svg 或 png 时不需要）",
    ),
    (
        "notice:issuer",
        "签发方 ID（多个签发方的码识别码或编号相同时需要）",
    ),
    (
        "notice:format",
        "打印内容：notice-svg（A6 通知书）、svg 或 png（二维码图片）[默认：--out *.png 时为 png，否则为 notice-svg]",
    ),
    (
        "notice:tz",
        "到期时间所用的时差，与开具时给出的一致（默认：本机时差）",
    ),
    ("notice:out", "写入此文件（原子写入），而不是标准输出"),
    ("ledger", "检查和修复记录开具与核销的台账"),
    (
        "ledger check",
        "检查每条记录、其校验和及哈希链；报告统计数或第一条有误的行",
    ),
    (
        "ledger check:ledger",
        "文件台账或 PostgreSQL 台账（postgres://USER@HOST/DB?schema=NAME）",
    ),
    ("ledger check:json", "以 JSON 输出结果"),
    (
        "ledger repair",
        "截去写入中断留下的不完整末行；记下丢失的记录",
    ),
    (
        "ledger repair:ledger",
        "文件台账（不接受 PostgreSQL URL：见 `ledger check`）",
    ),
    (
        "ledger repair:record_loss",
        "把索引显示的丢失作为一条 `lost` 记录写入台账，以便恢复写入",
    ),
    (
        "ledger init",
        "创建或更新 PostgreSQL 台账的表结构（可重复执行）",
    ),
    (
        "ledger init:ledger",
        "postgres:// 或 postgresql:// 连接字符串",
    ),
    (
        "ledger export",
        "把 PostgreSQL 台账复制为新的 JSON 行文件台账：行相同，哈希链相同",
    ),
    (
        "ledger export:ledger",
        "postgres:// 或 postgresql:// 连接字符串",
    ),
    ("ledger export:to", "新的 JSON 行台账（不得已存在）"),
    (
        "ledger import",
        "把 JSON 行文件台账复制到空的 PostgreSQL 台账：行相同，哈希链相同",
    ),
    (
        "ledger import:ledger",
        "postgres:// 或 postgresql:// 连接字符串",
    ),
    ("ledger import:from", "要复制的 JSON 行台账"),
    (
        "reconcile",
        "用台账核对结算文件（微信支付、支付宝、camt.053/054、CSV）",
    ),
    (
        "reconcile:ledger",
        "台账：文件或 PostgreSQL（postgres://USER@HOST/DB?schema=NAME）",
    ),
    (
        "reconcile:settlement",
        "支付机构或银行的结算文件；多日可重复给出（同一笔交易出现在两个文件中只计一次）",
    ),
    (
        "reconcile:format",
        "auto、generic、wechat、alipay、camt052、camt053 或 camt054",
    ),
    (
        "reconcile:map",
        "通用文件：列映射 KEY=COLUMN,...，键为 code_id、amount、currency、paid_at、txn_id、fee，例如 code_id=out_trade_no,amount=total（默认：同名列）；金额带数字分组时加 grouping=comma|dot|apostrophe（1,234.50 / 1.234,50 / 1'234.50；见 docs/FORMAT.md 第 11 节）",
    ),
    (
        "reconcile:fee_column",
        "通用文件：支付机构手续费所在的列，从金额列中扣除",
    ),
    (
        "reconcile:encoding",
        "CSV 结算文件的编码：utf-8 或 gbk（gb18030）。默认：通用文件为 utf-8；微信支付和支付宝账单在 UTF-8 有效时按 UTF-8 读取，否则按 GBK",
    ),
    (
        "reconcile:report",
        "写出逐行报告：CSV；FILE 以 .json/.jsonl 结尾时为 JSON 行",
    ),
    (
        "reconcile:html",
        "写出单页 HTML 报告（汇总、每小时付款笔数、差异）",
    ),
    ("reconcile:json", "在标准输出上以 JSON 输出汇总"),
    ("reconcile:at", "按此时间而非现在判定未到期/已过期"),
    (
        "reconcile:tz",
        "未带时差的结算时间所用的时差（默认：微信/支付宝账单为 +08:00，通用文件和 camt 文件为 UTC，与本机时区无关），以及显示时间所用的时差（默认：本机时差）",
    ),
    (
        "reconcile:apply",
        "在台账中把已匹配的码标为已核销（可安全地重复运行）",
    ),
    (
        "reconcile:fail_on",
        "使退出状态为 1 的状态（默认：所有差异）",
    ),
    (
        "config",
        "显示生效的设置：`--trust`、`--ledger`、`--tz`、`--lang` 的默认值",
    ),
    ("config show", "打印每项设置的值及其来源"),
    ("key", "处理已有的私钥文件（为明文私钥加密）"),
    ("key encrypt", "用新口令就地加密明文私钥文件"),
    ("key encrypt:key", "明文私钥文件（PREFIX.key）"),
    (
        "key encrypt:passphrase_file",
        "从 FILE 的第一行读取密钥口令，而不是从终端输入（也可用 $PAYQR_PASSPHRASE_FILE）。切勿把口令写在命令行参数里",
    ),
    (
        "key encrypt:passphrase_fd",
        "从已打开的文件描述符 N 读取密钥口令（例如 3，配合 3<FILE）",
    ),
    (
        "key encrypt:pin_file",
        "从 FILE 的第一行读取 PKCS#11 令牌的用户 PIN，而不是从终端输入（也可用 $PAYQR_PIN_FILE）",
    ),
    ("anchor", "信任锚密钥：为信任包签名的离线密钥"),
    (
        "anchor keygen",
        "生成信任锚密钥对（PREFIX.key，权限 0600；以及 PREFIX.pub）",
    ),
    (
        "anchor keygen:out",
        "输出路径前缀：写入 PREFIX.key 和 PREFIX.pub",
    ),
    (
        "anchor endorse",
        "为下一个信任锚背书（轮换）：由当前信任锚为其公钥签名",
    ),
    ("anchor endorse:anchor", "当前信任锚的私钥"),
    ("anchor endorse:next", "下一个信任锚的公钥"),
    ("anchor endorse:out", "背书的写入位置（从不覆盖）"),
    (
        "cancel",
        "作废码：在台账中写入一条签名记录；verify、redeem 和 reconcile 都将拒收这些码",
    ),
    ("cancel:key", "签发方的私钥（为作废记录签名）"),
    ("cancel:codes", "要作废的识别码（16 位十六进制数）"),
    ("cancel:all_before", "作废此密钥在此时间之前签发的所有码"),
    (
        "cancel:reason",
        "原因（verify 和 redeem 会显示；1–200 字节）",
    ),
    (
        "cancel:ledger",
        "开具这些码时所用的台账：文件或 PostgreSQL（postgres://USER@HOST/DB?schema=NAME）",
    ),
    (
        "cancel:tz",
        "未带时差的 --all-before 时间所用的时差（默认：本机时差）",
    ),
    ("cancel:json", "每条签名的作废记录输出为一行 JSON"),
    (
        "cancel:passphrase_file",
        "从 FILE 的第一行读取密钥口令，而不是从终端输入（也可用 $PAYQR_PASSPHRASE_FILE）。切勿把口令写在命令行参数里",
    ),
    (
        "cancel:passphrase_fd",
        "从已打开的文件描述符 N 读取密钥口令（例如 3，配合 3<FILE）",
    ),
    (
        "cancel:pin_file",
        "从 FILE 的第一行读取 PKCS#11 令牌的用户 PIN，而不是从终端输入（也可用 $PAYQR_PIN_FILE）",
    ),
    (
        "emv",
        "读取 EMV 商户主扫二维码内容（任何方案，不限于 payqr）",
    ),
    (
        "emv parse",
        "解析并检查 EMV MPM 码内容：列出每个对象及其字段名、嵌套模板和 CRC",
    ),
    (
        "emv parse:input",
        "码文本、含 EMV 二维码的图片，或用 - 从标准输入逐行读取",
    ),
    ("emv parse:json", "每个码输出一个 JSON 对象"),
    ("release", "为发布文件（SHA256SUMS）签名或检查其签名"),
    (
        "release sign",
        "写出 FILE.sig：用 payqr 密钥为 FILE 签名（见 scripts/release.sh）",
    ),
    (
        "release sign:key",
        "发布签名密钥（由 payqr keygen 生成；权限 0600）",
    ),
    ("release sign:file", "要签名的文件"),
    ("release sign:out", "签名的写入位置（默认：FILE.sig）"),
    (
        "release sign:passphrase_file",
        "从 FILE 的第一行读取密钥口令，而不是从终端输入（也可用 $PAYQR_PASSPHRASE_FILE）。切勿把口令写在命令行参数里",
    ),
    (
        "release sign:passphrase_fd",
        "从已打开的文件描述符 N 读取密钥口令（例如 3，配合 3<FILE）",
    ),
    (
        "release sign:pin_file",
        "从 FILE 的第一行读取 PKCS#11 令牌的用户 PIN，而不是从终端输入（也可用 $PAYQR_PIN_FILE）",
    ),
    ("release verify", "用发布公钥核对 FILE.sig 与 FILE"),
    ("release verify:public", "随 payqr 发布的发布公钥（.pub）"),
    ("release verify:file", "已签名的文件"),
    ("release verify:sig", "签名文件（默认：FILE.sig）"),
];
