# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_payqr_global_optspecs
    string join \n config= lang= h/help V/version
end

function __fish_payqr_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_payqr_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_payqr_using_subcommand
    set -l cmd (__fish_payqr_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c payqr -n "__fish_payqr_needs_command" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_needs_command" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_needs_command" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "keygen" -d 'Create an issuer key pair: PREFIX.key (0600, encrypted) and PREFIX.pub'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "key" -d 'Work on an existing secret key file (encrypt a clear one)'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "anchor" -d 'Trust-anchor keys: the offline key that signs trust bundles'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "trust" -d 'Manage the trust list: which issuers and keys are accepted'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "verify" -d 'Check codes from images, a payload text, or stdin (one payload per line)'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "cancel" -d 'Cancel codes: a signed record in the ledger; verify, redeem and reconcile refuse them'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "redeem" -d 'Verify codes and record their redemption in the ledger'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "notice" -d 'Print a code\'s notice (or QR image) again from the ledger'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "ledger" -d 'Inspect and repair the ledger of issued and redeemed codes'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "emv" -d 'Read EMV merchant-presented QR payloads (any scheme, not only payqr\'s)'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "release" -d 'Sign a release file (SHA256SUMS) or check its signature'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "config" -d 'Show the settings in effect: `--trust`, `--ledger`, `--tz`, `--lang` defaults'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "generate-docs" -d 'Regenerate man pages and shell completions from this definition'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "issue" -d 'Sign payment codes: one from flags, or a batch from a CSV file'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "reconcile" -d 'Reconcile settlement files (WeChat Pay, Alipay, camt.053/054, CSV) against the ledger'
complete -c payqr -n "__fish_payqr_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l issuer -d 'Issuer id printed into every code: a-z, 0-9, \'-\', \'.\' (e.g. bj-traffic)' -r
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l name -d 'Display name shown to verifiers' -r
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l out -d 'Output path prefix: writes PREFIX.key and PREFIX.pub' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l pkcs11 -d 'Generate the key inside a PKCS#11 token, loading this module (e.g. /usr/lib/softhsm/libsofthsm2.so)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l token -d 'Label of the PKCS#11 token to generate the key in' -r
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l key-label -d 'Label of the key objects in the token (default: the file name of --out)' -r
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l passphrase-file -d 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l passphrase-fd -d 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)' -r
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l pin-file -d 'Read a PKCS#11 token\'s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l force -d 'Replace existing key files'
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -l unencrypted -d 'Write the secret key in clear, without a passphrase (test keys only: anyone who copies the file can sign codes)'
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand key; and not __fish_seen_subcommand_from encrypt help" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand key; and not __fish_seen_subcommand_from encrypt help" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand key; and not __fish_seen_subcommand_from encrypt help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand key; and not __fish_seen_subcommand_from encrypt help" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand key; and not __fish_seen_subcommand_from encrypt help" -f -a "encrypt" -d 'Encrypt a clear secret key file in place under a new passphrase'
complete -c payqr -n "__fish_payqr_using_subcommand key; and not __fish_seen_subcommand_from encrypt help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand key; and __fish_seen_subcommand_from encrypt" -l passphrase-file -d 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand key; and __fish_seen_subcommand_from encrypt" -l passphrase-fd -d 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)' -r
complete -c payqr -n "__fish_payqr_using_subcommand key; and __fish_seen_subcommand_from encrypt" -l pin-file -d 'Read a PKCS#11 token\'s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand key; and __fish_seen_subcommand_from encrypt" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand key; and __fish_seen_subcommand_from encrypt" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand key; and __fish_seen_subcommand_from encrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand key; and __fish_seen_subcommand_from encrypt" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "encrypt" -d 'Encrypt a clear secret key file in place under a new passphrase'
complete -c payqr -n "__fish_payqr_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and not __fish_seen_subcommand_from keygen endorse help" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and not __fish_seen_subcommand_from keygen endorse help" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and not __fish_seen_subcommand_from keygen endorse help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and not __fish_seen_subcommand_from keygen endorse help" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and not __fish_seen_subcommand_from keygen endorse help" -f -a "keygen" -d 'Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub)'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and not __fish_seen_subcommand_from keygen endorse help" -f -a "endorse" -d 'Endorse the next anchor (rotation): the current anchor signs its public key'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and not __fish_seen_subcommand_from keygen endorse help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from keygen" -l out -d 'Output path prefix: writes PREFIX.key and PREFIX.pub' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from keygen" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from keygen" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from keygen" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from endorse" -l anchor -d 'The current anchor\'s secret key' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from endorse" -l next -d 'The next anchor\'s public key' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from endorse" -l out -d 'Where to write the endorsement (never overwritten)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from endorse" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from endorse" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from endorse" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from endorse" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from help" -f -a "keygen" -d 'Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub)'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from help" -f -a "endorse" -d 'Endorse the next anchor (rotation): the current anchor signs its public key'
complete -c payqr -n "__fish_payqr_using_subcommand anchor; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -f -a "add" -d 'Trust an issuer\'s public key (creates the trust list if needed)'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -f -a "list" -d 'List trusted keys'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -f -a "close" -d 'Close a key\'s validity window (key rotation): codes it signed up to TIME stay valid, codes issued after TIME are refused'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -f -a "bundle" -d 'Sign the list (and cancelled codes) into a bundle with the anchor key'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -f -a "update" -d 'Replace the trust list with a signed bundle\'s, if it is newer and signed by the pinned anchor'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -f -a "revoke" -d 'Revoke a key: every code it signed is refused from now on'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and not __fish_seen_subcommand_from add list close bundle update revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from add" -l not-before -d 'Codes issued before this time are refused (default: no limit)' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from add" -l not-after -d 'Codes issued after this time are refused (default: no limit)' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from add" -l trust -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from add" -l tz -d 'Offset for times without one (default: this machine\'s)' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from add" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from add" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from list" -l trust -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from list" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from list" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per key'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from close" -l not-after -d 'Codes issued after this time are refused' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from close" -l issuer -d 'Issuer id, when two issuers share a key id' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from close" -l trust -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from close" -l tz -d 'Offset for times without one (default: this machine\'s)' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from close" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from close" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from close" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from close" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l anchor -d 'The anchor\'s secret key (payqr anchor keygen)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l out -d 'Where to write the bundle (replaced atomically)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l valid-for -d 'How long receivers accept it' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l sequence -d 'Sequence number (default: one more than the last bundle made)' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l cancellations -d 'Cancellations to include: JSON lines from `payqr cancel --json` (repeatable)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l endorsement -d 'Anchor endorsements to carry (payqr anchor endorse), oldest first' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l now -d 'The bundle\'s issue time (default: now)' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l trust -d 'The trust list to sign (its last bundle\'s sequence is recorded in it)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l ledger -d 'Include the cancellations recorded in this ledger (repeatable)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from bundle" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from update" -l anchor -d 'The anchor\'s public key (required for the first update)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from update" -l trust -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from update" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from update" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from revoke" -l issuer -d 'Issuer id, when two issuers share a key id' -r
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from revoke" -l trust -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from revoke" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from revoke" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "add" -d 'Trust an issuer\'s public key (creates the trust list if needed)'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "list" -d 'List trusted keys'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "close" -d 'Close a key\'s validity window (key rotation): codes it signed up to TIME stay valid, codes issued after TIME are refused'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "bundle" -d 'Sign the list (and cancelled codes) into a bundle with the anchor key'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "update" -d 'Replace the trust list with a signed bundle\'s, if it is newer and signed by the pinned anchor'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a key: every code it signed is refused from now on'
complete -c payqr -n "__fish_payqr_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l text -d 'A payload text, as a scanner gun types it' -r
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l at -d 'Judge as of this time instead of now' -r
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l skew -d 'Tolerated clock difference between issuer and verifier (at most 1h)' -r
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l stale-after -d 'Age past which a trust list from a bundle is reported stale' -r
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l trust -d 'Trust list of accepted issuers and keys' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l ledger -d 'Also report codes already redeemed in this ledger (read only; it must exist): a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l tz -d 'Offset for displayed times and times without one (default: this machine\'s)' -r
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l json -d 'One JSON object per code'
complete -c payqr -n "__fish_payqr_using_subcommand verify" -l allow-stale -d 'Judge even with an expired trust bundle (every verdict records it)'
complete -c payqr -n "__fish_payqr_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand verify" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l key -d 'The issuer\'s secret key (signs the cancellations)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l all-before -d 'Cancel every code of this key issued before this time' -r
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l reason -d 'Why (shown by verify and redeem; 1-200 bytes)' -r
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l passphrase-file -d 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l passphrase-fd -d 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)' -r
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l pin-file -d 'Read a PKCS#11 token\'s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l ledger -d 'The ledger the codes were issued in: a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l tz -d 'Offset for --all-before without one (default: this machine\'s)' -r
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -l json -d 'Print each signed cancellation as one JSON line'
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand cancel" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l text -d 'A payload text, as a scanner gun types it' -r
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l at -d 'Judge as of this time instead of now' -r
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l skew -d 'Tolerated clock difference between issuer and verifier (at most 1h)' -r
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l stale-after -d 'Age past which a trust list from a bundle is reported stale' -r
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l txn -d 'Your transaction reference (receipt number), stored with the redemption' -r
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l trust -d 'Trust list of accepted issuers and keys' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l ledger -d 'The ledger that records redemptions: a file (JSON lines, or CSV if *.csv), or PostgreSQL: postgres://USER@HOST/DB?schema=NAME' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l tz -d 'Offset for displayed times and times without one (default: this machine\'s)' -r
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l json -d 'One JSON object per code'
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -l allow-stale -d 'Judge even with an expired trust bundle (every verdict records it)'
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand redeem" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand notice" -l issuer -d 'Issuer id, when codes of several issuers share the code id or reference' -r
complete -c payqr -n "__fish_payqr_using_subcommand notice" -l format -d 'What to print: notice-svg (the A6 notice), svg or png (the QR image) [default: png for --out *.png, else notice-svg]' -r -f -a "notice-svg\t''
svg\t''
png\t''"
complete -c payqr -n "__fish_payqr_using_subcommand notice" -l out -d 'Write here (atomically) instead of stdout' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand notice" -l trust -d 'Trust list naming the issuer (the name printed on the notice; not needed for --format svg or png)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand notice" -l ledger -d 'The ledger the code was issued into (it must exist)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand notice" -l tz -d 'Offset the due time is shown in, as given to issue (default: this machine\'s)' -r
complete -c payqr -n "__fish_payqr_using_subcommand notice" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand notice" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand notice" -l ref -d 'Read CODE_ID|REFERENCE as a reference even when it is 16 hex digits'
complete -c payqr -n "__fish_payqr_using_subcommand notice" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand notice" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -f -a "check" -d 'Check every record, its checksum and the hash chain; report counts or the first bad line'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -f -a "repair" -d 'Cut off an incomplete last line left by an interrupted write; record lost records'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -f -a "init" -d 'Create or update the schema of a PostgreSQL ledger (idempotent)'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -f -a "export" -d 'Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -f -a "import" -d 'Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and not __fish_seen_subcommand_from check repair init export import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from check" -l ledger -d 'A file ledger, or a PostgreSQL one (postgres://USER@HOST/DB?schema=NAME)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from check" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from check" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from check" -l json -d 'Print the result as JSON'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from repair" -l ledger -d 'The file ledger (a PostgreSQL URL is refused: see `ledger check`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from repair" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from repair" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from repair" -l record-loss -d 'Record the loss that the index shows as a `lost` record in the ledger, so that writing can resume'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from repair" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from repair" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from init" -l ledger -d 'A postgres:// or postgresql:// connection string' -r
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from init" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from init" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from export" -l to -d 'The new JSON-lines ledger (must not exist)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from export" -l ledger -d 'A postgres:// or postgresql:// connection string' -r
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from export" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from export" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from import" -l from -d 'The JSON-lines ledger to copy' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from import" -l ledger -d 'A postgres:// or postgresql:// connection string' -r
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from import" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from import" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check every record, its checksum and the hash chain; report counts or the first bad line'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from help" -f -a "repair" -d 'Cut off an incomplete last line left by an interrupted write; record lost records'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create or update the schema of a PostgreSQL ledger (idempotent)'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from help" -f -a "export" -d 'Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from help" -f -a "import" -d 'Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain'
complete -c payqr -n "__fish_payqr_using_subcommand ledger; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand emv; and not __fish_seen_subcommand_from parse help" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand emv; and not __fish_seen_subcommand_from parse help" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand emv; and not __fish_seen_subcommand_from parse help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand emv; and not __fish_seen_subcommand_from parse help" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand emv; and not __fish_seen_subcommand_from parse help" -f -a "parse" -d 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC'
complete -c payqr -n "__fish_payqr_using_subcommand emv; and not __fish_seen_subcommand_from parse help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand emv; and __fish_seen_subcommand_from parse" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand emv; and __fish_seen_subcommand_from parse" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand emv; and __fish_seen_subcommand_from parse" -l json -d 'One JSON object per payload'
complete -c payqr -n "__fish_payqr_using_subcommand emv; and __fish_seen_subcommand_from parse" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand emv; and __fish_seen_subcommand_from parse" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand emv; and __fish_seen_subcommand_from help" -f -a "parse" -d 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC'
complete -c payqr -n "__fish_payqr_using_subcommand emv; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand release; and not __fish_seen_subcommand_from sign verify help" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand release; and not __fish_seen_subcommand_from sign verify help" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand release; and not __fish_seen_subcommand_from sign verify help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand release; and not __fish_seen_subcommand_from sign verify help" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand release; and not __fish_seen_subcommand_from sign verify help" -f -a "sign" -d 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)'
complete -c payqr -n "__fish_payqr_using_subcommand release; and not __fish_seen_subcommand_from sign verify help" -f -a "verify" -d 'Check FILE.sig against FILE and a release public key'
complete -c payqr -n "__fish_payqr_using_subcommand release; and not __fish_seen_subcommand_from sign verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from sign" -l key -d 'The release signing key (made by payqr keygen; mode 0600)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from sign" -l out -d 'Where to write the signature (default: FILE.sig)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from sign" -l passphrase-file -d 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from sign" -l passphrase-fd -d 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)' -r
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from sign" -l pin-file -d 'Read a PKCS#11 token\'s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from sign" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from sign" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from sign" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from verify" -l pub -d 'The release public key (.pub) published with payqr' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from verify" -l sig -d 'The signature (default: FILE.sig)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from verify" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from verify" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from help" -f -a "sign" -d 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)'
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check FILE.sig against FILE and a release public key'
complete -c payqr -n "__fish_payqr_using_subcommand release; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand config; and not __fish_seen_subcommand_from show help" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand config; and not __fish_seen_subcommand_from show help" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand config; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand config; and not __fish_seen_subcommand_from show help" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Print each setting\'s value and where it came from'
complete -c payqr -n "__fish_payqr_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand config; and __fish_seen_subcommand_from show" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print each setting\'s value and where it came from'
complete -c payqr -n "__fish_payqr_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand generate-docs" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand generate-docs" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand generate-docs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand generate-docs" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l key -d 'The issuer\'s secret key file (PREFIX.key)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l passphrase-file -d 'Read the key passphrase from the first line of FILE instead of the terminal (also: $PAYQR_PASSPHRASE_FILE). Never give it as an argument' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l passphrase-fd -d 'Read the key passphrase from open file descriptor N (e.g. 3, with 3<FILE)' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l pin-file -d 'Read a PKCS#11 token\'s user PIN from the first line of FILE instead of the terminal (also: $PAYQR_PIN_FILE)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l amount -d 'Amount in major units, e.g. 200.00: digits, \'.\' and fraction digits, no \',\' (exact; the currency sets the decimals)' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l currency -d 'ISO 4217 currency code, e.g. CNY' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l payee -d 'Account that receives the payment' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l ref -d 'Fine number, plate or bill account (UTF-8)' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l description -d 'Short description, e.g. 闯红灯' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l expires-in -d 'Validity from the issue time, e.g. 4h, 30d' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l expires-at -d 'Absolute expiry time' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l png -d 'Write the QR code as PNG (single code)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l svg -d 'Write the QR code as SVG (single code)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l from -d 'Batch: CSV of codes to issue' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l out-dir -d 'Batch: directory for the images (named CODE_ID.png / .svg)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l manifest -d 'Batch: write a CSV manifest of every code issued' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l now -d 'Issue time (default: now); a fixed time makes a batch reproducible' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l emv-config -d 'EMV profile: the issuer\'s EMV settings (merchant account, MCC, country, name, city), JSON; see docs/FORMAT.md' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l ledger -d 'Record issued codes in this ledger: a file (JSON lines, or CSV if *.csv), or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l tz -d 'Offset for times without one and for display (default: this machine\'s)' -r
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l kind -d 'fine or bill (default fine, for single codes and batch rows without a kind)' -r -f -a "fine\t''
bill\t''"
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l format -d 'Batch: formats, comma-separated: png, svg (QR images), notice-svg (printable A6 notice with the QR code and the fine\'s details)' -r -f -a "png\t''
svg\t''
notice-svg\t''"
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l profile -d 'Payload profile: pq (a PQ1: text) or emv (an EMV MPM payload wallets can pay, carrying the signature; needs --emv-config)' -r -f -a "pq\t''
emv\t''"
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l encoding -d 'Batch: encoding of the CSV, utf-8 (default) or gbk (gb18030), as Chinese Excel saves it' -r -f -a "utf-8\t''
gbk\t''
gb18030\t''"
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l terminal -d 'Draw the QR code in the terminal (single code)'
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l dry-run -d 'Batch: check the file (and count rows the ledger already holds), write nothing'
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l reissue -d 'Batch: issue a new code for references the ledger already holds; the ledger records which code each one replaces, which is refused from then on. A reference whose code was already redeemed is not reissued (reported; exit 1)'
complete -c payqr -n "__fish_payqr_using_subcommand issue" -l json -d 'Print the result as JSON on stdout'
complete -c payqr -n "__fish_payqr_using_subcommand issue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand issue" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l settlement -d 'Settlement file from the payment provider or bank; repeat for several days (a transaction listed in two files counts once)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l map -d 'Generic files: column mapping KEY=COLUMN,... with keys code_id, amount, currency, paid_at, txn_id, fee, e.g. code_id=out_trade_no,amount=total (default: same names); add grouping=comma|dot|apostrophe when amounts group digits (1,234.50 / 1.234,50 / 1\'234.50; docs/FORMAT.md section 11)' -r
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l fee-column -d 'Generic files: the column with the provider\'s fee, deducted from the amount column' -r
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l report -d 'Write the per-row report: CSV, or JSON lines when FILE ends in .json/.jsonl' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l html -d 'Write a one-page HTML report (totals, payments per hour, discrepancies)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l at -d 'Judge open/expired as of this time instead of now' -r
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l fail-on -d 'Statuses that make the exit status 1 (default: all discrepancies)' -r
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l ledger -d 'The ledger: a file, or PostgreSQL (postgres://USER@HOST/DB?schema=NAME)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l tz -d 'Offset of settlement times written without one (default: +08:00 for WeChat/Alipay bills, UTC for generic and camt files, whatever this machine\'s zone) and of times shown (default: this machine\'s offset)' -r
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l format -d 'auto, generic, wechat, alipay, camt052, camt053 or camt054' -r -f -a "auto\t''
generic\t''
wechat\t''
alipay\t''
camt052\t''
camt053\t''
camt054\t''"
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l encoding -d 'Encoding of CSV settlement files: utf-8 or gbk (gb18030). Default: utf-8 for generic files; WeChat Pay and Alipay bills are read as UTF-8 when valid, else GBK' -r -f -a "utf-8\t''
gbk\t''
gb18030\t''"
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l config -d 'Config file giving defaults for --trust, --ledger, --tz and --lang (default: PAYQR_CONFIG, else payqr.toml in the user config folder; see `payqr config show`)' -r -F
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l lang -d 'Language of verdicts, messages, notices and the HTML report: en or zh-CN (default: PAYQR_LANG, lang in payqr.toml, else the locale: LC_ALL, LC_MESSAGES, LANG). JSON and CSV output stay English' -r -f -a "en\t'English (the default)'
zh-CN\t'Simplified Chinese'"
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l json -d 'Summary as JSON on stdout'
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -l apply -d 'Mark matched codes redeemed in the ledger (safe to rerun)'
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c payqr -n "__fish_payqr_using_subcommand reconcile" -s V -l version -d 'Print version'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "keygen" -d 'Create an issuer key pair: PREFIX.key (0600, encrypted) and PREFIX.pub'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "key" -d 'Work on an existing secret key file (encrypt a clear one)'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "anchor" -d 'Trust-anchor keys: the offline key that signs trust bundles'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "trust" -d 'Manage the trust list: which issuers and keys are accepted'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "verify" -d 'Check codes from images, a payload text, or stdin (one payload per line)'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "cancel" -d 'Cancel codes: a signed record in the ledger; verify, redeem and reconcile refuse them'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "redeem" -d 'Verify codes and record their redemption in the ledger'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "notice" -d 'Print a code\'s notice (or QR image) again from the ledger'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "ledger" -d 'Inspect and repair the ledger of issued and redeemed codes'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "emv" -d 'Read EMV merchant-presented QR payloads (any scheme, not only payqr\'s)'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "release" -d 'Sign a release file (SHA256SUMS) or check its signature'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "config" -d 'Show the settings in effect: `--trust`, `--ledger`, `--tz`, `--lang` defaults'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "generate-docs" -d 'Regenerate man pages and shell completions from this definition'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "issue" -d 'Sign payment codes: one from flags, or a batch from a CSV file'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "reconcile" -d 'Reconcile settlement files (WeChat Pay, Alipay, camt.053/054, CSV) against the ledger'
complete -c payqr -n "__fish_payqr_using_subcommand help; and not __fish_seen_subcommand_from keygen key anchor trust verify cancel redeem notice ledger emv release config generate-docs issue reconcile help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "encrypt" -d 'Encrypt a clear secret key file in place under a new passphrase'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from anchor" -f -a "keygen" -d 'Create an anchor key pair (PREFIX.key, mode 0600, and PREFIX.pub)'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from anchor" -f -a "endorse" -d 'Endorse the next anchor (rotation): the current anchor signs its public key'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "add" -d 'Trust an issuer\'s public key (creates the trust list if needed)'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "list" -d 'List trusted keys'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "close" -d 'Close a key\'s validity window (key rotation): codes it signed up to TIME stay valid, codes issued after TIME are refused'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "bundle" -d 'Sign the list (and cancelled codes) into a bundle with the anchor key'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "update" -d 'Replace the trust list with a signed bundle\'s, if it is newer and signed by the pinned anchor'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "revoke" -d 'Revoke a key: every code it signed is refused from now on'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from ledger" -f -a "check" -d 'Check every record, its checksum and the hash chain; report counts or the first bad line'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from ledger" -f -a "repair" -d 'Cut off an incomplete last line left by an interrupted write; record lost records'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from ledger" -f -a "init" -d 'Create or update the schema of a PostgreSQL ledger (idempotent)'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from ledger" -f -a "export" -d 'Copy a PostgreSQL ledger into a new JSON-lines file ledger: the same lines, the same chain'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from ledger" -f -a "import" -d 'Copy a JSON-lines file ledger into an empty PostgreSQL ledger: the same lines, the same chain'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from emv" -f -a "parse" -d 'Parse and check an EMV MPM payload: every object with its field name, nested templates, CRC'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from release" -f -a "sign" -d 'Write FILE.sig: FILE signed with a payqr key (scripts/release.sh)'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from release" -f -a "verify" -d 'Check FILE.sig against FILE and a release public key'
complete -c payqr -n "__fish_payqr_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print each setting\'s value and where it came from'
