
use builtin;
use str;

set edit:completion:arg-completer[payqr] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'payqr'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'payqr'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Create an issuer''s signing key (PREFIX.key, mode 0600) and public key (PREFIX.pub)'
            cand trust 'Manage the trust list: which issuers and keys are accepted'
            cand issue 'Sign payment codes: one from flags, or a batch from a CSV file'
            cand verify 'Check codes from images, a payload text, or stdin (one payload per line)'
            cand redeem 'Verify codes and record their redemption in the ledger'
            cand ledger 'Inspect and repair the ledger of issued and redeemed codes'
            cand reconcile 'Reconcile settlement files (WeChat Pay, Alipay, camt.053/054, CSV) against the ledger'
            cand emv 'Read EMV merchant-presented QR payloads (any scheme, not only payqr''s)'
            cand release 'Sign a release file (SHA256SUMS) or check its signature'
            cand generate-docs 'Regenerate man pages and shell completions from this definition'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;keygen'= {
            cand --issuer 'Issuer id printed into every code: a-z, 0-9, ''-'', ''.'' (e.g. bj-traffic)'
            cand --name 'Display name shown to verifiers'
            cand --out 'Output path prefix: writes PREFIX.key and PREFIX.pub'
            cand --force 'Replace existing key files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Trust an issuer''s public key (creates the trust list if needed)'
            cand list 'List trusted keys'
            cand revoke 'Revoke a key: every code it signed is refused from now on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;trust;add'= {
            cand --trust 'trust'
            cand --not-before 'Codes issued before this time are refused (default: no limit)'
            cand --not-after 'Codes issued after this time are refused (default: no limit)'
            cand --tz 'Offset for times without one (default: this machine''s)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust;list'= {
            cand --trust 'trust'
            cand --json 'One JSON object per key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust;revoke'= {
            cand --trust 'trust'
            cand --issuer 'Issuer id, when two issuers share a key id'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust;help'= {
            cand add 'Trust an issuer''s public key (creates the trust list if needed)'
            cand list 'List trusted keys'
            cand revoke 'Revoke a key: every code it signed is refused from now on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;trust;help;add'= {
        }
        &'payqr;trust;help;list'= {
        }
        &'payqr;trust;help;revoke'= {
        }
        &'payqr;trust;help;help'= {
        }
        &'payqr;issue'= {
            cand --key 'The issuer''s secret key file (PREFIX.key)'
            cand --kind 'fine or bill'
            cand --amount 'Amount in major units, e.g. 200.00 (exact; the currency sets the decimals)'
            cand --currency 'ISO 4217 currency code, e.g. CNY'
            cand --payee 'Account that receives the payment'
            cand --ref 'Fine number, plate or bill account (UTF-8)'
            cand --description 'Short description, e.g. 闯红灯'
            cand --expires-in 'Validity from the issue time, e.g. 4h, 30d'
            cand --expires-at 'Absolute expiry time'
            cand --png 'Write the QR code as PNG (single code)'
            cand --svg 'Write the QR code as SVG (single code)'
            cand --from 'Batch: CSV of codes to issue'
            cand --encoding 'Batch: encoding of the CSV, utf-8 (default) or gbk (gb18030), as Chinese Excel saves it'
            cand --out-dir 'Batch: directory for the images (named CODE_ID.png / .svg)'
            cand --format 'Batch: formats, comma-separated: png, svg (QR images), notice-svg (printable A6 notice with the QR code and the fine''s details)'
            cand --manifest 'Batch: write a CSV manifest of every code issued'
            cand --ledger 'Record issued codes in this ledger: a file (JSON lines, or CSV if *.csv), or PostgreSQL (postgres://USER@HOST/DB?schema=NAME; single codes)'
            cand --now 'Issue time (default: now); a fixed time makes a batch reproducible'
            cand --tz 'Offset for times without one and for display (default: this machine''s)'
            cand --profile 'Payload profile: pq (a PQ1: text) or emv (an EMV MPM payload wallets can pay, carrying the signature; needs --emv-config)'
            cand --emv-config 'EMV profile: the issuer''s EMV settings (merchant account, MCC, country, name, city), JSON; see docs/FORMAT.md'
            cand --terminal 'Draw the QR code in the terminal (single code)'
            cand --dry-run 'Batch: check the file (and count rows the ledger already holds), write nothing'
            cand --reissue 'Batch: issue a new code for references the ledger already holds; the ledger records which code each one replaces, which is refused from then on. A reference whose code was already redeemed is not reissued (reported; exit 1)'
            cand --json 'Print the result as JSON on stdout'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;verify'= {
            cand --text 'A payload text, as a scanner gun types it'
            cand --trust 'Trust list of accepted issuers and keys'
            cand --at 'Judge as of this time instead of now'
            cand --skew 'Tolerated clock difference between issuer and verifier (at most 1h)'
            cand --tz 'Offset for displayed times and times without one (default: this machine''s)'
            cand --ledger 'Also report codes already redeemed in this ledger (read only; it must exist)'
            cand --json 'One JSON object per code'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;redeem'= {
            cand --text 'A payload text, as a scanner gun types it'
            cand --trust 'Trust list of accepted issuers and keys'
            cand --at 'Judge as of this time instead of now'
            cand --skew 'Tolerated clock difference between issuer and verifier (at most 1h)'
            cand --tz 'Offset for displayed times and times without one (default: this machine''s)'
            cand --ledger 'The ledger that records redemptions: a file (JSON lines, or CSV if *.csv), or PostgreSQL: postgres://USER@HOST/DB?schema=NAME'
            cand --txn 'Your transaction reference (receipt number), stored with the redemption'
            cand --json 'One JSON object per code'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Check every record, its checksum and the hash chain; report counts or the first bad line'
            cand repair 'Cut off an incomplete last line left by an interrupted write; record lost records'
            cand init 'Create or update the schema of a PostgreSQL ledger (idempotent)'
            cand export 'Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain'
            cand import 'Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;ledger;check'= {
            cand --ledger 'A file ledger, or a PostgreSQL one (postgres://USER@HOST/DB?schema=NAME)'
            cand --json 'Print the result as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger;repair'= {
            cand --ledger 'ledger'
            cand --record-loss 'Record the loss that the index shows as a `lost` record in the ledger, so that writing can resume'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger;init'= {
            cand --ledger 'A postgres:// or postgresql:// connection string'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger;export'= {
            cand --ledger 'A postgres:// or postgresql:// connection string'
            cand --to 'The new JSON-lines ledger (must not exist)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger;import'= {
            cand --ledger 'A postgres:// or postgresql:// connection string'
            cand --from 'The JSON-lines ledger to copy'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger;help'= {
            cand check 'Check every record, its checksum and the hash chain; report counts or the first bad line'
            cand repair 'Cut off an incomplete last line left by an interrupted write; record lost records'
            cand init 'Create or update the schema of a PostgreSQL ledger (idempotent)'
            cand export 'Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain'
            cand import 'Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;ledger;help;check'= {
        }
        &'payqr;ledger;help;repair'= {
        }
        &'payqr;ledger;help;init'= {
        }
        &'payqr;ledger;help;export'= {
        }
        &'payqr;ledger;help;import'= {
        }
        &'payqr;ledger;help;help'= {
        }
        &'payqr;reconcile'= {
            cand --ledger 'The ledger: a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)'
            cand --settlement 'Settlement file from the payment provider or bank; repeat for several days (a transaction listed in two files counts once)'
            cand --format 'auto, generic, wechat, alipay, camt052, camt053 or camt054'
            cand --map 'Generic files: column mapping, e.g. code_id=out_trade_no,amount=total (default: same names)'
            cand --fee-column 'Generic files: the column with the provider''s fee, deducted from the amount column'
            cand --encoding 'Encoding of CSV settlement files: utf-8 or gbk (gb18030). Default: utf-8 for generic files; WeChat Pay and Alipay bills are read as UTF-8 when valid, else GBK'
            cand --report 'Write the per-row report: CSV, or JSON lines when FILE ends in .json/.jsonl'
            cand --html 'Write a one-page HTML report (totals, payments per hour, discrepancies)'
            cand --at 'Judge open/expired as of this time instead of now'
            cand --tz 'Offset for times without one, and for times shown (default: +08:00 for WeChat/Alipay files, else UTC for files and this machine''s for display)'
            cand --fail-on 'Statuses that make the exit status 1 (default: all discrepancies)'
            cand --json 'Summary as JSON on stdout'
            cand --apply 'Mark matched codes redeemed in the ledger (safe to rerun)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;emv'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand parse 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;emv;parse'= {
            cand --json 'One JSON object per payload'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;emv;help'= {
            cand parse 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;emv;help;parse'= {
        }
        &'payqr;emv;help;help'= {
        }
        &'payqr;release'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand sign 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)'
            cand verify 'Check FILE.sig against FILE and a release public key'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;release;sign'= {
            cand --key 'The release signing key (made by payqr keygen; mode 0600)'
            cand --out 'Where to write the signature (default: FILE.sig)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;release;verify'= {
            cand --pub 'The release public key (.pub) published with payqr'
            cand --sig 'The signature (default: FILE.sig)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;release;help'= {
            cand sign 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)'
            cand verify 'Check FILE.sig against FILE and a release public key'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;release;help;sign'= {
        }
        &'payqr;release;help;verify'= {
        }
        &'payqr;release;help;help'= {
        }
        &'payqr;generate-docs'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;help'= {
            cand keygen 'Create an issuer''s signing key (PREFIX.key, mode 0600) and public key (PREFIX.pub)'
            cand trust 'Manage the trust list: which issuers and keys are accepted'
            cand issue 'Sign payment codes: one from flags, or a batch from a CSV file'
            cand verify 'Check codes from images, a payload text, or stdin (one payload per line)'
            cand redeem 'Verify codes and record their redemption in the ledger'
            cand ledger 'Inspect and repair the ledger of issued and redeemed codes'
            cand reconcile 'Reconcile settlement files (WeChat Pay, Alipay, camt.053/054, CSV) against the ledger'
            cand emv 'Read EMV merchant-presented QR payloads (any scheme, not only payqr''s)'
            cand release 'Sign a release file (SHA256SUMS) or check its signature'
            cand generate-docs 'Regenerate man pages and shell completions from this definition'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;help;keygen'= {
        }
        &'payqr;help;trust'= {
            cand add 'Trust an issuer''s public key (creates the trust list if needed)'
            cand list 'List trusted keys'
            cand revoke 'Revoke a key: every code it signed is refused from now on'
        }
        &'payqr;help;trust;add'= {
        }
        &'payqr;help;trust;list'= {
        }
        &'payqr;help;trust;revoke'= {
        }
        &'payqr;help;issue'= {
        }
        &'payqr;help;verify'= {
        }
        &'payqr;help;redeem'= {
        }
        &'payqr;help;ledger'= {
            cand check 'Check every record, its checksum and the hash chain; report counts or the first bad line'
            cand repair 'Cut off an incomplete last line left by an interrupted write; record lost records'
            cand init 'Create or update the schema of a PostgreSQL ledger (idempotent)'
            cand export 'Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain'
            cand import 'Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain'
        }
        &'payqr;help;ledger;check'= {
        }
        &'payqr;help;ledger;repair'= {
        }
        &'payqr;help;ledger;init'= {
        }
        &'payqr;help;ledger;export'= {
        }
        &'payqr;help;ledger;import'= {
        }
        &'payqr;help;reconcile'= {
        }
        &'payqr;help;emv'= {
            cand parse 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC'
        }
        &'payqr;help;emv;parse'= {
        }
        &'payqr;help;release'= {
            cand sign 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)'
            cand verify 'Check FILE.sig against FILE and a release public key'
        }
        &'payqr;help;release;sign'= {
        }
        &'payqr;help;release;verify'= {
        }
        &'payqr;help;generate-docs'= {
        }
        &'payqr;help;help'= {
        }
    ]
    $completions[$command]
}
