
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
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Create an issuer key pair: PREFIX.key (0600, encrypted) and PREFIX.pub'
            cand key 'Work on an existing secret key file (encrypt a clear one)'
            cand anchor 'Trust-anchor keys: the offline key that signs trust bundles'
            cand trust 'Manage the trust list: which issuers and keys are accepted'
            cand verify 'Check codes from images, a payload text, or stdin (one payload per line)'
            cand cancel 'Cancel codes: a signed record in the ledger; verify, redeem and reconcile refuse them'
            cand redeem 'Verify codes and record their redemption in the ledger'
            cand notice 'Print a code''s notice (or QR image) again from the ledger'
            cand ledger 'Inspect and repair the ledger of issued and redeemed codes'
            cand emv 'Read EMV merchant-presented QR payloads (any scheme, not only payqr''s)'
            cand release 'Sign a release file (SHA256SUMS) or check its signature'
            cand config 'Show the settings in effect: `--trust`, `--ledger`, `--tz`, `--lang` defaults'
            cand generate-docs 'Regenerate man pages and shell completions from this definition'
            cand issue 'Sign payment codes: one from flags, or a batch from a CSV file'
            cand reconcile 'Reconcile settlement files (WeChat Pay, Alipay, camt.053/054, CSV) against the ledger'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;keygen'= {
            cand --issuer 'Issuer id printed into every code: a-z, 0-9, ''-'', ''.'' (e.g. bj-traffic)'
            cand --name 'Display name shown to verifiers'
            cand --out 'Output path prefix: writes PREFIX.key and PREFIX.pub'
            cand --pkcs11 'Generate the key inside a PKCS#11 token, loading this module (e.g. /usr/lib/softhsm/libsofthsm2.so)'
            cand --token 'Label of the PKCS#11 token to generate the key in'
            cand --key-label 'Label of the key objects in the token (default: the file name of --out)'
            cand --passphrase-file 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument'
            cand --passphrase-fd 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)'
            cand --pin-file 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --force 'Replace existing key files'
            cand --unencrypted 'Write the secret key in clear, without a passphrase (test keys only: anyone who copies the file can sign codes)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;key'= {
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand encrypt 'Encrypt a clear secret key file in place under a new passphrase'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;key;encrypt'= {
            cand --passphrase-file 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument'
            cand --passphrase-fd 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)'
            cand --pin-file 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;key;help'= {
            cand encrypt 'Encrypt a clear secret key file in place under a new passphrase'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;key;help;encrypt'= {
        }
        &'payqr;key;help;help'= {
        }
        &'payqr;anchor'= {
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub)'
            cand endorse 'Endorse the next anchor (rotation): the current anchor signs its public key'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;anchor;keygen'= {
            cand --out 'Output path prefix: writes PREFIX.key and PREFIX.pub'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;anchor;endorse'= {
            cand --anchor 'The current anchor''s secret key'
            cand --next 'The next anchor''s public key'
            cand --out 'Where to write the endorsement (never overwritten)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;anchor;help'= {
            cand keygen 'Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub)'
            cand endorse 'Endorse the next anchor (rotation): the current anchor signs its public key'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;anchor;help;keygen'= {
        }
        &'payqr;anchor;help;endorse'= {
        }
        &'payqr;anchor;help;help'= {
        }
        &'payqr;trust'= {
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Trust an issuer''s public key (creates the trust list if needed)'
            cand list 'List trusted keys'
            cand close 'Close a key''s validity window (key rotation): codes it signed up to TIME stay valid, codes issued after TIME are refused'
            cand bundle 'Sign the list (and cancelled codes) into a bundle with the anchor key'
            cand update 'Replace the trust list with a signed bundle''s, if it is newer and signed by the pinned anchor'
            cand revoke 'Revoke a key: every code it signed is refused from now on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;trust;add'= {
            cand --not-before 'Codes issued before this time are refused (default: no limit)'
            cand --not-after 'Codes issued after this time are refused (default: no limit)'
            cand --trust 'trust'
            cand --tz 'Offset for times without one (default: this machine''s)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust;list'= {
            cand --trust 'trust'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --json 'One JSON object per key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust;close'= {
            cand --not-after 'Codes issued after this time are refused'
            cand --issuer 'Issuer id, when two issuers share a key id'
            cand --trust 'trust'
            cand --tz 'Offset for times without one (default: this machine''s)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust;bundle'= {
            cand --anchor 'The anchor''s secret key (payqr anchor keygen)'
            cand --out 'Where to write the bundle (replaced atomically)'
            cand --valid-for 'How long receivers accept it'
            cand --sequence 'Sequence number (default: one more than the last bundle made)'
            cand --cancellations 'Cancellations to include: JSON lines from `payqr cancel --json` (repeatable)'
            cand --endorsement 'Anchor endorsements to carry (payqr anchor endorse), oldest first'
            cand --now 'The bundle''s issue time (default: now)'
            cand --trust 'The trust list to sign (its last bundle''s sequence is recorded in it)'
            cand --ledger 'Include the cancellations recorded in this ledger (repeatable)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust;update'= {
            cand --anchor 'The anchor''s public key (required for the first update)'
            cand --trust 'trust'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust;revoke'= {
            cand --issuer 'Issuer id, when two issuers share a key id'
            cand --trust 'trust'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;trust;help'= {
            cand add 'Trust an issuer''s public key (creates the trust list if needed)'
            cand list 'List trusted keys'
            cand close 'Close a key''s validity window (key rotation): codes it signed up to TIME stay valid, codes issued after TIME are refused'
            cand bundle 'Sign the list (and cancelled codes) into a bundle with the anchor key'
            cand update 'Replace the trust list with a signed bundle''s, if it is newer and signed by the pinned anchor'
            cand revoke 'Revoke a key: every code it signed is refused from now on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;trust;help;add'= {
        }
        &'payqr;trust;help;list'= {
        }
        &'payqr;trust;help;close'= {
        }
        &'payqr;trust;help;bundle'= {
        }
        &'payqr;trust;help;update'= {
        }
        &'payqr;trust;help;revoke'= {
        }
        &'payqr;trust;help;help'= {
        }
        &'payqr;verify'= {
            cand --text 'A payload text, as a scanner gun types it'
            cand --at 'Judge as of this time instead of now'
            cand --skew 'Tolerated clock difference between issuer and verifier (at most 1h)'
            cand --stale-after 'Age past which a trust list from a bundle is reported stale'
            cand --trust 'Trust list of accepted issuers and keys'
            cand --ledger 'Also report codes already redeemed in this ledger (read only; it must exist): a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)'
            cand --tz 'Offset for displayed times and times without one (default: this machine''s)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --json 'One JSON object per code'
            cand --allow-stale 'Judge even with an expired trust bundle (every verdict records it)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;cancel'= {
            cand --key 'The issuer''s secret key (signs the cancellations)'
            cand --all-before 'Cancel every code of this key issued before this time'
            cand --reason 'Why (shown by verify and redeem; 1-200 bytes)'
            cand --passphrase-file 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument'
            cand --passphrase-fd 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)'
            cand --pin-file 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)'
            cand --ledger 'The ledger the codes were issued in: a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)'
            cand --tz 'Offset for --all-before without one (default: this machine''s)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --json 'Print each signed cancellation as one JSON line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;redeem'= {
            cand --text 'A payload text, as a scanner gun types it'
            cand --at 'Judge as of this time instead of now'
            cand --skew 'Tolerated clock difference between issuer and verifier (at most 1h)'
            cand --stale-after 'Age past which a trust list from a bundle is reported stale'
            cand --txn 'Your transaction reference (receipt number), stored with the redemption'
            cand --trust 'Trust list of accepted issuers and keys'
            cand --ledger 'The ledger that records redemptions: a file (JSON lines, or CSV if *.csv), or PostgreSQL: postgres://USER@HOST/DB?schema=NAME'
            cand --tz 'Offset for displayed times and times without one (default: this machine''s)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --json 'One JSON object per code'
            cand --allow-stale 'Judge even with an expired trust bundle (every verdict records it)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;notice'= {
            cand --issuer 'Issuer id, when codes of several issuers share the code id or reference'
            cand --format 'What to print: notice-svg (the A6 notice), svg or png (the QR image) [default: png for --out *.png, else notice-svg]'
            cand --out 'Write here (atomically) instead of stdout'
            cand --trust 'Trust list naming the issuer (the name printed on the notice; not needed for --format svg or png)'
            cand --ledger 'The ledger the code was issued into (it must exist)'
            cand --tz 'Offset the due time is shown in, as given to issue (default: this machine''s)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --ref 'Read CODE_ID|REFERENCE as a reference even when it is 16 hex digits'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger'= {
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
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
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --json 'Print the result as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger;repair'= {
            cand --ledger 'The file ledger (a PostgreSQL URL is refused: see `ledger check`)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --record-loss 'Record the loss that the index shows as a `lost` record in the ledger, so that writing can resume'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger;init'= {
            cand --ledger 'A postgres:// or postgresql:// connection string'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger;export'= {
            cand --to 'The new JSON-lines ledger (must not exist)'
            cand --ledger 'A postgres:// or postgresql:// connection string'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;ledger;import'= {
            cand --from 'The JSON-lines ledger to copy'
            cand --ledger 'A postgres:// or postgresql:// connection string'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
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
        &'payqr;emv'= {
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand parse 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;emv;parse'= {
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --json 'One JSON object per payload'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
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
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand sign 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)'
            cand verify 'Check FILE.sig against FILE and a release public key'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;release;sign'= {
            cand --key 'The release signing key (made by payqr keygen; mode 0600)'
            cand --out 'Where to write the signature (default: FILE.sig)'
            cand --passphrase-file 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument'
            cand --passphrase-fd 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)'
            cand --pin-file 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;release;verify'= {
            cand --pub 'The release public key (.pub) published with payqr'
            cand --sig 'The signature (default: FILE.sig)'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
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
        &'payqr;config'= {
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Print each setting''s value and where it came from'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;config;show'= {
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;config;help'= {
            cand show 'Print each setting''s value and where it came from'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;config;help;show'= {
        }
        &'payqr;config;help;help'= {
        }
        &'payqr;generate-docs'= {
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;issue'= {
            cand --key 'The issuer''s secret key file (PREFIX.key)'
            cand --passphrase-file 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument'
            cand --passphrase-fd 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)'
            cand --pin-file 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)'
            cand --amount 'Amount in major units, e.g. 200.00: digits, ''.'' and fraction digits, no '','' (exact; the currency sets the decimals)'
            cand --currency 'ISO 4217 currency code, e.g. CNY'
            cand --payee 'Account that receives the payment'
            cand --ref 'Fine number, plate or bill account (UTF-8)'
            cand --description 'Short description, e.g. 闯红灯'
            cand --expires-in 'Validity from the issue time, e.g. 4h, 30d'
            cand --expires-at 'Absolute expiry time'
            cand --png 'Write the QR code as PNG (single code)'
            cand --svg 'Write the QR code as SVG (single code)'
            cand --from 'Batch: CSV of codes to issue'
            cand --out-dir 'Batch: directory for the images (named CODE_ID.png / .svg)'
            cand --manifest 'Batch: write a CSV manifest of every code issued'
            cand --now 'Issue time (default: now); a fixed time makes a batch reproducible'
            cand --emv-config 'EMV profile: the issuer''s EMV settings (merchant account, MCC, country, name, city), JSON; see docs/FORMAT.md'
            cand --ledger 'Record issued codes in this ledger: a file (JSON lines, or CSV if *.csv), or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)'
            cand --tz 'Offset for times without one and for display (default: this machine''s)'
            cand --kind 'fine or bill (default fine, for single codes and batch rows without a kind)'
            cand --format 'Batch: formats, comma-separated: png, svg (QR images), notice-svg (printable A6 notice with the QR code and the fine''s details)'
            cand --profile 'Payload profile: pq (a PQ1: text) or emv (an EMV MPM payload wallets can pay, carrying the signature; needs --emv-config)'
            cand --encoding 'Batch: encoding of the CSV, utf-8 (default) or gbk (gb18030), as Chinese Excel saves it'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --terminal 'Draw the QR code in the terminal (single code)'
            cand --dry-run 'Batch: check the file (and count rows the ledger already holds), write nothing'
            cand --reissue 'Batch: issue a new code for references the ledger already holds; the ledger records which code each one replaces, which is refused from then on. A reference whose code was already redeemed is not reissued (reported; exit 1)'
            cand --json 'Print the result as JSON on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;reconcile'= {
            cand --settlement 'Settlement file from the payment provider or bank; repeat for several days (a transaction listed in two files counts once)'
            cand --map 'Generic files: column mapping KEY=COLUMN,... with keys code_id, amount, currency, paid_at, txn_id, fee, e.g. code_id=out_trade_no,amount=total (default: same names); add grouping=comma|dot|apostrophe when amounts group digits (1,234.50 / 1.234,50 / 1''234.50; docs/FORMAT.md section 11)'
            cand --fee-column 'Generic files: the column with the provider''s fee, deducted from the amount column'
            cand --report 'Write the per-row report: CSV, or JSON lines when FILE ends in .json/.jsonl'
            cand --html 'Write a one-page HTML report (totals, payments per hour, discrepancies)'
            cand --at 'Judge open/expired as of this time instead of now'
            cand --fail-on 'Statuses that make the exit status 1 (default: all discrepancies)'
            cand --ledger 'The ledger: a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)'
            cand --tz 'Offset of settlement times written without one (default: +08:00 for WeChat/Alipay bills, UTC for generic and camt files, whatever this machine''s zone) and of times shown (default: this machine''s offset)'
            cand --format 'auto, generic, wechat, alipay, camt052, camt053 or camt054'
            cand --encoding 'Encoding of CSV settlement files: utf-8 or gbk (gb18030). Default: utf-8 for generic files; WeChat Pay and Alipay bills are read as UTF-8 when valid, else GBK'
            cand --config 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)'
            cand --lang 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English'
            cand --json 'Summary as JSON on stdout'
            cand --apply 'Mark matched codes redeemed in the ledger (safe to rerun)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'payqr;help'= {
            cand keygen 'Create an issuer key pair: PREFIX.key (0600, encrypted) and PREFIX.pub'
            cand key 'Work on an existing secret key file (encrypt a clear one)'
            cand anchor 'Trust-anchor keys: the offline key that signs trust bundles'
            cand trust 'Manage the trust list: which issuers and keys are accepted'
            cand verify 'Check codes from images, a payload text, or stdin (one payload per line)'
            cand cancel 'Cancel codes: a signed record in the ledger; verify, redeem and reconcile refuse them'
            cand redeem 'Verify codes and record their redemption in the ledger'
            cand notice 'Print a code''s notice (or QR image) again from the ledger'
            cand ledger 'Inspect and repair the ledger of issued and redeemed codes'
            cand emv 'Read EMV merchant-presented QR payloads (any scheme, not only payqr''s)'
            cand release 'Sign a release file (SHA256SUMS) or check its signature'
            cand config 'Show the settings in effect: `--trust`, `--ledger`, `--tz`, `--lang` defaults'
            cand generate-docs 'Regenerate man pages and shell completions from this definition'
            cand issue 'Sign payment codes: one from flags, or a batch from a CSV file'
            cand reconcile 'Reconcile settlement files (WeChat Pay, Alipay, camt.053/054, CSV) against the ledger'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'payqr;help;keygen'= {
        }
        &'payqr;help;key'= {
            cand encrypt 'Encrypt a clear secret key file in place under a new passphrase'
        }
        &'payqr;help;key;encrypt'= {
        }
        &'payqr;help;anchor'= {
            cand keygen 'Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub)'
            cand endorse 'Endorse the next anchor (rotation): the current anchor signs its public key'
        }
        &'payqr;help;anchor;keygen'= {
        }
        &'payqr;help;anchor;endorse'= {
        }
        &'payqr;help;trust'= {
            cand add 'Trust an issuer''s public key (creates the trust list if needed)'
            cand list 'List trusted keys'
            cand close 'Close a key''s validity window (key rotation): codes it signed up to TIME stay valid, codes issued after TIME are refused'
            cand bundle 'Sign the list (and cancelled codes) into a bundle with the anchor key'
            cand update 'Replace the trust list with a signed bundle''s, if it is newer and signed by the pinned anchor'
            cand revoke 'Revoke a key: every code it signed is refused from now on'
        }
        &'payqr;help;trust;add'= {
        }
        &'payqr;help;trust;list'= {
        }
        &'payqr;help;trust;close'= {
        }
        &'payqr;help;trust;bundle'= {
        }
        &'payqr;help;trust;update'= {
        }
        &'payqr;help;trust;revoke'= {
        }
        &'payqr;help;verify'= {
        }
        &'payqr;help;cancel'= {
        }
        &'payqr;help;redeem'= {
        }
        &'payqr;help;notice'= {
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
        &'payqr;help;config'= {
            cand show 'Print each setting''s value and where it came from'
        }
        &'payqr;help;config;show'= {
        }
        &'payqr;help;generate-docs'= {
        }
        &'payqr;help;issue'= {
        }
        &'payqr;help;reconcile'= {
        }
        &'payqr;help;help'= {
        }
    ]
    $completions[$command]
}
