
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'payqr' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'payqr'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'payqr' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create an issuer key pair: PREFIX.key (0600, encrypted) and PREFIX.pub')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Work on an existing secret key file (encrypt a clear one)')
            [CompletionResult]::new('anchor', 'anchor', [CompletionResultType]::ParameterValue, 'Trust-anchor keys: the offline key that signs trust bundles')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Manage the trust list: which issuers and keys are accepted')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check codes from images, a payload text, or stdin (one payload per line)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel codes: a signed record in the ledger; verify, redeem and reconcile refuse them')
            [CompletionResult]::new('redeem', 'redeem', [CompletionResultType]::ParameterValue, 'Verify codes and record their redemption in the ledger')
            [CompletionResult]::new('notice', 'notice', [CompletionResultType]::ParameterValue, 'Print a code''s notice (or QR image) again from the ledger')
            [CompletionResult]::new('ledger', 'ledger', [CompletionResultType]::ParameterValue, 'Inspect and repair the ledger of issued and redeemed codes')
            [CompletionResult]::new('emv', 'emv', [CompletionResultType]::ParameterValue, 'Read EMV merchant-presented QR payloads (any scheme, not only payqr''s)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Sign a release file (SHA256SUMS) or check its signature')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect: `--trust`, `--ledger`, `--tz`, `--lang` defaults')
            [CompletionResult]::new('generate-docs', 'generate-docs', [CompletionResultType]::ParameterValue, 'Regenerate man pages and shell completions from this definition')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Sign payment codes: one from flags, or a batch from a CSV file')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Reconcile settlement files (WeChat Pay, Alipay, camt.053/054, CSV) against the ledger')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;keygen' {
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer id printed into every code: a-z, 0-9, ''-'', ''.'' (e.g. bj-traffic)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name shown to verifiers')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Output path prefix: writes PREFIX.key and PREFIX.pub')
            [CompletionResult]::new('--pkcs11', '--pkcs11', [CompletionResultType]::ParameterName, 'Generate the key inside a PKCS#11 token, loading this module (e.g. /usr/lib/softhsm/libsofthsm2.so)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Label of the PKCS#11 token to generate the key in')
            [CompletionResult]::new('--key-label', '--key-label', [CompletionResultType]::ParameterName, 'Label of the key objects in the token (default: the file name of --out)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument')
            [CompletionResult]::new('--passphrase-fd', '--passphrase-fd', [CompletionResultType]::ParameterName, 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)')
            [CompletionResult]::new('--pin-file', '--pin-file', [CompletionResultType]::ParameterName, 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing key files')
            [CompletionResult]::new('--unencrypted', '--unencrypted', [CompletionResultType]::ParameterName, 'Write the secret key in clear, without a passphrase (test keys only: anyone who copies the file can sign codes)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;key' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a clear secret key file in place under a new passphrase')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;key;encrypt' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument')
            [CompletionResult]::new('--passphrase-fd', '--passphrase-fd', [CompletionResultType]::ParameterName, 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)')
            [CompletionResult]::new('--pin-file', '--pin-file', [CompletionResultType]::ParameterName, 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;key;help' {
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a clear secret key file in place under a new passphrase')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;key;help;encrypt' {
            break
        }
        'payqr;key;help;help' {
            break
        }
        'payqr;anchor' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub)')
            [CompletionResult]::new('endorse', 'endorse', [CompletionResultType]::ParameterValue, 'Endorse the next anchor (rotation): the current anchor signs its public key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;anchor;keygen' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Output path prefix: writes PREFIX.key and PREFIX.pub')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;anchor;endorse' {
            [CompletionResult]::new('--anchor', '--anchor', [CompletionResultType]::ParameterName, 'The current anchor''s secret key')
            [CompletionResult]::new('--next', '--next', [CompletionResultType]::ParameterName, 'The next anchor''s public key')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the endorsement (never overwritten)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;anchor;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub)')
            [CompletionResult]::new('endorse', 'endorse', [CompletionResultType]::ParameterValue, 'Endorse the next anchor (rotation): the current anchor signs its public key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;anchor;help;keygen' {
            break
        }
        'payqr;anchor;help;endorse' {
            break
        }
        'payqr;anchor;help;help' {
            break
        }
        'payqr;trust' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Trust an issuer''s public key (creates the trust list if needed)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List trusted keys')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a key''s validity window (key rotation): codes it signed up to TIME stay valid, codes issued after TIME are refused')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Sign the list (and cancelled codes) into a bundle with the anchor key')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Replace the trust list with a signed bundle''s, if it is newer and signed by the pinned anchor')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key: every code it signed is refused from now on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;trust;add' {
            [CompletionResult]::new('--not-before', '--not-before', [CompletionResultType]::ParameterName, 'Codes issued before this time are refused (default: no limit)')
            [CompletionResult]::new('--not-after', '--not-after', [CompletionResultType]::ParameterName, 'Codes issued after this time are refused (default: no limit)')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'trust')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Offset for times without one (default: this machine''s)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;trust;list' {
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'trust')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;trust;close' {
            [CompletionResult]::new('--not-after', '--not-after', [CompletionResultType]::ParameterName, 'Codes issued after this time are refused')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer id, when two issuers share a key id')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'trust')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Offset for times without one (default: this machine''s)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;trust;bundle' {
            [CompletionResult]::new('--anchor', '--anchor', [CompletionResultType]::ParameterName, 'The anchor''s secret key (payqr anchor keygen)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the bundle (replaced atomically)')
            [CompletionResult]::new('--valid-for', '--valid-for', [CompletionResultType]::ParameterName, 'How long receivers accept it')
            [CompletionResult]::new('--sequence', '--sequence', [CompletionResultType]::ParameterName, 'Sequence number (default: one more than the last bundle made)')
            [CompletionResult]::new('--cancellations', '--cancellations', [CompletionResultType]::ParameterName, 'Cancellations to include: JSON lines from `payqr cancel --json` (repeatable)')
            [CompletionResult]::new('--endorsement', '--endorsement', [CompletionResultType]::ParameterName, 'Anchor endorsements to carry (payqr anchor endorse), oldest first')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The bundle''s issue time (default: now)')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'The trust list to sign (its last bundle''s sequence is recorded in it)')
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'Include the cancellations recorded in this ledger (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;trust;update' {
            [CompletionResult]::new('--anchor', '--anchor', [CompletionResultType]::ParameterName, 'The anchor''s public key (required for the first update)')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'trust')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;trust;revoke' {
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer id, when two issuers share a key id')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'trust')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;trust;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Trust an issuer''s public key (creates the trust list if needed)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List trusted keys')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a key''s validity window (key rotation): codes it signed up to TIME stay valid, codes issued after TIME are refused')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Sign the list (and cancelled codes) into a bundle with the anchor key')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Replace the trust list with a signed bundle''s, if it is newer and signed by the pinned anchor')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key: every code it signed is refused from now on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;trust;help;add' {
            break
        }
        'payqr;trust;help;list' {
            break
        }
        'payqr;trust;help;close' {
            break
        }
        'payqr;trust;help;bundle' {
            break
        }
        'payqr;trust;help;update' {
            break
        }
        'payqr;trust;help;revoke' {
            break
        }
        'payqr;trust;help;help' {
            break
        }
        'payqr;verify' {
            [CompletionResult]::new('--text', '--text', [CompletionResultType]::ParameterName, 'A payload text, as a scanner gun types it')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Judge as of this time instead of now')
            [CompletionResult]::new('--skew', '--skew', [CompletionResultType]::ParameterName, 'Tolerated clock difference between issuer and verifier (at most 1h)')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, 'Age past which a trust list from a bundle is reported stale')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'Trust list of accepted issuers and keys')
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'Also report codes already redeemed in this ledger (read only; it must exist): a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Offset for displayed times and times without one (default: this machine''s)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per code')
            [CompletionResult]::new('--allow-stale', '--allow-stale', [CompletionResultType]::ParameterName, 'Judge even with an expired trust bundle (every verdict records it)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;cancel' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The issuer''s secret key (signs the cancellations)')
            [CompletionResult]::new('--all-before', '--all-before', [CompletionResultType]::ParameterName, 'Cancel every code of this key issued before this time')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (shown by verify and redeem; 1-200 bytes)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument')
            [CompletionResult]::new('--passphrase-fd', '--passphrase-fd', [CompletionResultType]::ParameterName, 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)')
            [CompletionResult]::new('--pin-file', '--pin-file', [CompletionResultType]::ParameterName, 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)')
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'The ledger the codes were issued in: a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Offset for --all-before without one (default: this machine''s)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print each signed cancellation as one JSON line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;redeem' {
            [CompletionResult]::new('--text', '--text', [CompletionResultType]::ParameterName, 'A payload text, as a scanner gun types it')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Judge as of this time instead of now')
            [CompletionResult]::new('--skew', '--skew', [CompletionResultType]::ParameterName, 'Tolerated clock difference between issuer and verifier (at most 1h)')
            [CompletionResult]::new('--stale-after', '--stale-after', [CompletionResultType]::ParameterName, 'Age past which a trust list from a bundle is reported stale')
            [CompletionResult]::new('--txn', '--txn', [CompletionResultType]::ParameterName, 'Your transaction reference (receipt number), stored with the redemption')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'Trust list of accepted issuers and keys')
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'The ledger that records redemptions: a file (JSON lines, or CSV if *.csv), or PostgreSQL: postgres://USER@HOST/DB?schema=NAME')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Offset for displayed times and times without one (default: this machine''s)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per code')
            [CompletionResult]::new('--allow-stale', '--allow-stale', [CompletionResultType]::ParameterName, 'Judge even with an expired trust bundle (every verdict records it)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;notice' {
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer id, when codes of several issuers share the code id or reference')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print: notice-svg (the A6 notice), svg or png (the QR image) [default: png for --out *.png, else notice-svg]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write here (atomically) instead of stdout')
            [CompletionResult]::new('--trust', '--trust', [CompletionResultType]::ParameterName, 'Trust list naming the issuer (the name printed on the notice; not needed for --format svg or png)')
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'The ledger the code was issued into (it must exist)')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Offset the due time is shown in, as given to issue (default: this machine''s)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--ref', '--ref', [CompletionResultType]::ParameterName, 'Read CODE_ID|REFERENCE as a reference even when it is 16 hex digits')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;ledger' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every record, its checksum and the hash chain; report counts or the first bad line')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Cut off an incomplete last line left by an interrupted write; record lost records')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create or update the schema of a PostgreSQL ledger (idempotent)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;ledger;check' {
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'A file ledger, or a PostgreSQL one (postgres://USER@HOST/DB?schema=NAME)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;ledger;repair' {
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'The file ledger (a PostgreSQL URL is refused: see `ledger check`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--record-loss', '--record-loss', [CompletionResultType]::ParameterName, 'Record the loss that the index shows as a `lost` record in the ledger, so that writing can resume')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;ledger;init' {
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'A postgres:// or postgresql:// connection string')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;ledger;export' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The new JSON-lines ledger (must not exist)')
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'A postgres:// or postgresql:// connection string')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;ledger;import' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The JSON-lines ledger to copy')
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'A postgres:// or postgresql:// connection string')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;ledger;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every record, its checksum and the hash chain; report counts or the first bad line')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Cut off an incomplete last line left by an interrupted write; record lost records')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create or update the schema of a PostgreSQL ledger (idempotent)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;ledger;help;check' {
            break
        }
        'payqr;ledger;help;repair' {
            break
        }
        'payqr;ledger;help;init' {
            break
        }
        'payqr;ledger;help;export' {
            break
        }
        'payqr;ledger;help;import' {
            break
        }
        'payqr;ledger;help;help' {
            break
        }
        'payqr;emv' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;emv;parse' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per payload')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;emv;help' {
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;emv;help;parse' {
            break
        }
        'payqr;emv;help;help' {
            break
        }
        'payqr;release' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check FILE.sig against FILE and a release public key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;release;sign' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The release signing key (made by payqr keygen; mode 0600)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the signature (default: FILE.sig)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument')
            [CompletionResult]::new('--passphrase-fd', '--passphrase-fd', [CompletionResultType]::ParameterName, 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)')
            [CompletionResult]::new('--pin-file', '--pin-file', [CompletionResultType]::ParameterName, 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;release;verify' {
            [CompletionResult]::new('--pub', '--pub', [CompletionResultType]::ParameterName, 'The release public key (.pub) published with payqr')
            [CompletionResult]::new('--sig', '--sig', [CompletionResultType]::ParameterName, 'The signature (default: FILE.sig)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;release;help' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check FILE.sig against FILE and a release public key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;release;help;sign' {
            break
        }
        'payqr;release;help;verify' {
            break
        }
        'payqr;release;help;help' {
            break
        }
        'payqr;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print each setting''s value and where it came from')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;config;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print each setting''s value and where it came from')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;config;help;show' {
            break
        }
        'payqr;config;help;help' {
            break
        }
        'payqr;generate-docs' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;issue' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The issuer''s secret key file (PREFIX.key)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument')
            [CompletionResult]::new('--passphrase-fd', '--passphrase-fd', [CompletionResultType]::ParameterName, 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)')
            [CompletionResult]::new('--pin-file', '--pin-file', [CompletionResultType]::ParameterName, 'Read a PKCS#11 token''s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)')
            [CompletionResult]::new('--amount', '--amount', [CompletionResultType]::ParameterName, 'Amount in major units, e.g. 200.00: digits, ''.'' and fraction digits, no '','' (exact; the currency sets the decimals)')
            [CompletionResult]::new('--currency', '--currency', [CompletionResultType]::ParameterName, 'ISO 4217 currency code, e.g. CNY')
            [CompletionResult]::new('--payee', '--payee', [CompletionResultType]::ParameterName, 'Account that receives the payment')
            [CompletionResult]::new('--ref', '--ref', [CompletionResultType]::ParameterName, 'Fine number, plate or bill account (UTF-8)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Short description, e.g. 闯红灯')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Validity from the issue time, e.g. 4h, 30d')
            [CompletionResult]::new('--expires-at', '--expires-at', [CompletionResultType]::ParameterName, 'Absolute expiry time')
            [CompletionResult]::new('--png', '--png', [CompletionResultType]::ParameterName, 'Write the QR code as PNG (single code)')
            [CompletionResult]::new('--svg', '--svg', [CompletionResultType]::ParameterName, 'Write the QR code as SVG (single code)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Batch: CSV of codes to issue')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Batch: directory for the images (named CODE_ID.png / .svg)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Batch: write a CSV manifest of every code issued')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Issue time (default: now); a fixed time makes a batch reproducible')
            [CompletionResult]::new('--emv-config', '--emv-config', [CompletionResultType]::ParameterName, 'EMV profile: the issuer''s EMV settings (merchant account, MCC, country, name, city), JSON; see docs/FORMAT.md')
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'Record issued codes in this ledger: a file (JSON lines, or CSV if *.csv), or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Offset for times without one and for display (default: this machine''s)')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'fine or bill (default fine, for single codes and batch rows without a kind)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Batch: formats, comma-separated: png, svg (QR images), notice-svg (printable A6 notice with the QR code and the fine''s details)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Payload profile: pq (a PQ1: text) or emv (an EMV MPM payload wallets can pay, carrying the signature; needs --emv-config)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Batch: encoding of the CSV, utf-8 (default) or gbk (gb18030), as Chinese Excel saves it')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--terminal', '--terminal', [CompletionResultType]::ParameterName, 'Draw the QR code in the terminal (single code)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Batch: check the file (and count rows the ledger already holds), write nothing')
            [CompletionResult]::new('--reissue', '--reissue', [CompletionResultType]::ParameterName, 'Batch: issue a new code for references the ledger already holds; the ledger records which code each one replaces, which is refused from then on. A reference whose code was already redeemed is not reissued (reported; exit 1)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;reconcile' {
            [CompletionResult]::new('--settlement', '--settlement', [CompletionResultType]::ParameterName, 'Settlement file from the payment provider or bank; repeat for several days (a transaction listed in two files counts once)')
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Generic files: column mapping KEY=COLUMN,... with keys code_id, amount, currency, paid_at, txn_id, fee, e.g. code_id=out_trade_no,amount=total (default: same names); add grouping=comma|dot|apostrophe when amounts group digits (1,234.50 / 1.234,50 / 1''234.50; docs/FORMAT.md section 11)')
            [CompletionResult]::new('--fee-column', '--fee-column', [CompletionResultType]::ParameterName, 'Generic files: the column with the provider''s fee, deducted from the amount column')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write the per-row report: CSV, or JSON lines when FILE ends in .json/.jsonl')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Write a one-page HTML report (totals, payments per hour, discrepancies)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Judge open/expired as of this time instead of now')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Statuses that make the exit status 1 (default: all discrepancies)')
            [CompletionResult]::new('--ledger', '--ledger', [CompletionResultType]::ParameterName, 'The ledger: a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Offset of settlement times written without one (default: +08:00 for WeChat/Alipay bills, UTC for generic and camt files, whatever this machine''s zone) and of times shown (default: this machine''s offset)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'auto, generic, wechat, alipay, camt052, camt053 or camt054')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Encoding of CSV settlement files: utf-8 or gbk (gb18030). Default: utf-8 for generic files; WeChat Pay and Alipay bills are read as UTF-8 when valid, else GBK')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Summary as JSON on stdout')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Mark matched codes redeemed in the ledger (safe to rerun)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'payqr;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create an issuer key pair: PREFIX.key (0600, encrypted) and PREFIX.pub')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Work on an existing secret key file (encrypt a clear one)')
            [CompletionResult]::new('anchor', 'anchor', [CompletionResultType]::ParameterValue, 'Trust-anchor keys: the offline key that signs trust bundles')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Manage the trust list: which issuers and keys are accepted')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check codes from images, a payload text, or stdin (one payload per line)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel codes: a signed record in the ledger; verify, redeem and reconcile refuse them')
            [CompletionResult]::new('redeem', 'redeem', [CompletionResultType]::ParameterValue, 'Verify codes and record their redemption in the ledger')
            [CompletionResult]::new('notice', 'notice', [CompletionResultType]::ParameterValue, 'Print a code''s notice (or QR image) again from the ledger')
            [CompletionResult]::new('ledger', 'ledger', [CompletionResultType]::ParameterValue, 'Inspect and repair the ledger of issued and redeemed codes')
            [CompletionResult]::new('emv', 'emv', [CompletionResultType]::ParameterValue, 'Read EMV merchant-presented QR payloads (any scheme, not only payqr''s)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Sign a release file (SHA256SUMS) or check its signature')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect: `--trust`, `--ledger`, `--tz`, `--lang` defaults')
            [CompletionResult]::new('generate-docs', 'generate-docs', [CompletionResultType]::ParameterValue, 'Regenerate man pages and shell completions from this definition')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Sign payment codes: one from flags, or a batch from a CSV file')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Reconcile settlement files (WeChat Pay, Alipay, camt.053/054, CSV) against the ledger')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'payqr;help;keygen' {
            break
        }
        'payqr;help;key' {
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a clear secret key file in place under a new passphrase')
            break
        }
        'payqr;help;key;encrypt' {
            break
        }
        'payqr;help;anchor' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub)')
            [CompletionResult]::new('endorse', 'endorse', [CompletionResultType]::ParameterValue, 'Endorse the next anchor (rotation): the current anchor signs its public key')
            break
        }
        'payqr;help;anchor;keygen' {
            break
        }
        'payqr;help;anchor;endorse' {
            break
        }
        'payqr;help;trust' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Trust an issuer''s public key (creates the trust list if needed)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List trusted keys')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a key''s validity window (key rotation): codes it signed up to TIME stay valid, codes issued after TIME are refused')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Sign the list (and cancelled codes) into a bundle with the anchor key')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Replace the trust list with a signed bundle''s, if it is newer and signed by the pinned anchor')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key: every code it signed is refused from now on')
            break
        }
        'payqr;help;trust;add' {
            break
        }
        'payqr;help;trust;list' {
            break
        }
        'payqr;help;trust;close' {
            break
        }
        'payqr;help;trust;bundle' {
            break
        }
        'payqr;help;trust;update' {
            break
        }
        'payqr;help;trust;revoke' {
            break
        }
        'payqr;help;verify' {
            break
        }
        'payqr;help;cancel' {
            break
        }
        'payqr;help;redeem' {
            break
        }
        'payqr;help;notice' {
            break
        }
        'payqr;help;ledger' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every record, its checksum and the hash chain; report counts or the first bad line')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Cut off an incomplete last line left by an interrupted write; record lost records')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create or update the schema of a PostgreSQL ledger (idempotent)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain')
            break
        }
        'payqr;help;ledger;check' {
            break
        }
        'payqr;help;ledger;repair' {
            break
        }
        'payqr;help;ledger;init' {
            break
        }
        'payqr;help;ledger;export' {
            break
        }
        'payqr;help;ledger;import' {
            break
        }
        'payqr;help;emv' {
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC')
            break
        }
        'payqr;help;emv;parse' {
            break
        }
        'payqr;help;release' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check FILE.sig against FILE and a release public key')
            break
        }
        'payqr;help;release;sign' {
            break
        }
        'payqr;help;release;verify' {
            break
        }
        'payqr;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print each setting''s value and where it came from')
            break
        }
        'payqr;help;config;show' {
            break
        }
        'payqr;help;generate-docs' {
            break
        }
        'payqr;help;issue' {
            break
        }
        'payqr;help;reconcile' {
            break
        }
        'payqr;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
