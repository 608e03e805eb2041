#!/usr/bin/env bash
# Makes the screenshots in docs/screenshots/ from the real binary:
#   verdict-light.png, verdict-dark.png  a counter's terminal: VALID, REDEEMED,
#                                        then REFUSED (expired, the next day), in colour
#   verdict-zh-dark.png                  the same with LANG=zh_CN.UTF-8
#   notice-zh.png                        the A6 notice of `payqr notice --lang zh-CN`
#   report-zh.png                        the top of the HTML reconciliation report
#                                        of the bundled fixtures, --lang zh-CN
# The terminal is payqr's own ANSI output (CLICOLOR_FORCE=1) turned into HTML
# by ansi_to_html below, rendered by headless Chromium; the notice is the SVG
# payqr writes. Codes get random ids, so two runs differ in those digits only.
#
# Needs Debian's chromium, fonts-noto-cjk and optipng (installed with apt-get
# when missing; run as root or install them first).
# Usage: bash scripts/screenshots.sh [OUT_DIR]   (default docs/screenshots)
# PAYQR_BIN=path/to/payqr uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-docs/screenshots}")
mkdir -p "$out"

need=()
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Sans Mono CJK SC" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -q "DejaVu Sans Mono" || need+=(fonts-dejavu-core)
command -v optipng >/dev/null || need+=(optipng)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -n "${PAYQR_BIN:-}" ]; then
    bin=$(realpath "$PAYQR_BIN")
else
    cargo build --quiet
    bin=$(realpath target/debug/payqr)
fi
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# A fixed day at the counter (the bundled TEST key; times as in demo.sh).
ISSUED=2026-11-23T08:00:00+08:00
COUNTER=2026-11-23T09:30:00+08:00
NEXT_DAY=2026-11-24T09:00:00+08:00
export NO_COLOR= CLICOLOR_FORCE=1 PAYQR_TZ=+08:00
unset PAYQR_CONFIG PAYQR_LANG LC_ALL LC_MESSAGES
export LANG=C.UTF-8 XDG_CONFIG_HOME="$work"
cp "$repo/fixtures/test-issuer.key" "$repo/fixtures/test-issuer.pub" .
chmod 600 test-issuer.key
"$bin" trust add test-issuer.pub --trust trust.json >/dev/null
"$bin" issue --key test-issuer.key --ref 京A12345 --amount 200.00 --currency CNY \
    --payee 110000-FINES --expires-in 4h --description 闯红灯 --now "$ISSUED" \
    --ledger ledger.jsonl --png fine.png 2>/dev/null >/dev/null

# One counter session, as typed and as printed (stdout and stderr), in a
# fresh copy of the ledger so that each session starts unpaid.
session() (
    rm -rf session && mkdir session && cp trust.json ledger.jsonl fine.png session/
    cd session
    for c in \
        "verify --trust trust.json --ledger ledger.jsonl --at $COUNTER fine.png" \
        "redeem --trust trust.json --ledger ledger.jsonl --at $COUNTER --txn POS-0001 fine.png" \
        "verify --trust trust.json --ledger ledger.jsonl --at $NEXT_DAY fine.png"; do
        printf '\x1b[1;34m$\x1b[0m payqr %s\n' "$c"
        # shellcheck disable=SC2086 # the words above hold no spaces
        "$bin" $c 2>&1 || true
    done
)

# The SGR codes payqr (and the prompt above) emit, as HTML; any other
# escape stops the script rather than showing up as garbage.
ansi_to_html() {
    local esc=$'\x1b' html
    html=$(sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
        -e "s/${esc}\[1;32m/<b class=ok>/g" \
        -e "s/${esc}\[1;31m/<b class=bad>/g" \
        -e "s/${esc}\[1;34m/<b class=prompt>/g" \
        -e "s/${esc}\[0m/<\/b>/g")
    if [[ $html == *"$esc"* ]]; then
        echo "screenshots: an escape sequence ansi_to_html does not know" >&2
        return 1
    fi
    printf '%s\n' "$html"
}

# page THEME FILE: a terminal window around FILE (HTML from ansi_to_html).
page() {
    local bg fg ok bad prompt
    case $1 in
    light) bg='#ffffff' fg='#1f2328' ok='#1a7f37' bad='#cf222e' prompt='#0550ae' ;;
    dark) bg='#1e1e1e' fg='#d4d4d4' ok='#4ec94e' bad='#f14c4c' prompt='#6cb6ff' ;;
    esac
    cat <<HTML
<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html,body{margin:0;background:$bg}
pre{margin:0;padding:14px 18px;color:$fg;background:$bg;
font:15px/1.45 "DejaVu Sans Mono","Noto Sans Mono CJK SC",monospace;white-space:pre}
b{font-weight:700}.ok{color:$ok}.bad{color:$bad}.prompt{color:$prompt}
</style></head><body><pre>$(cat "$2")</pre></body></html>
HTML
}

shoot() { # shoot HTML PNG WIDTH HEIGHT
    chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
        --force-device-scale-factor=1 --window-size="$3,$4" \
        --screenshot="$2" "file://$work/$1" >/dev/null 2>&1
    [ -s "$2" ] || { echo "screenshots: chromium wrote no $2" >&2; exit 1; }
    optipng -quiet -o2 "$2"
}

# Height from the line count: 15px * 1.45 per line and the padding.
height() { echo $(( $(wc -l <"$1") * 22 + 34 )); }

session >en.ansi
LANG=zh_CN.UTF-8 session >zh.ansi
ansi_to_html <en.ansi >en.part
ansi_to_html <zh.ansi >zh.part
page light en.part >light.html
page dark en.part >dark.html
page dark zh.part >zh.html
shoot light.html "$out/verdict-light.png" 1100 "$(height en.ansi)"
shoot dark.html "$out/verdict-dark.png" 1100 "$(height en.ansi)"
shoot zh.html "$out/verdict-zh-dark.png" 1100 "$(height zh.ansi)"

# The Chinese notice, as `payqr notice` prints it again from the ledger:
# A6 (105 x 148 mm) at 4 px per mm.
id=$("$bin" verify --trust trust.json --json --at "$COUNTER" fine.png | sed -E 's/.*"code_id":"([0-9a-f]+)".*/\1/')
"$bin" --lang zh-CN notice "$id" --ledger ledger.jsonl --trust trust.json --out notice.svg
cat >notice.html <<HTML
<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html,body{margin:0;background:#fff}img{display:block;width:420px;height:592px}
</style></head><body><img src="notice.svg"></body></html>
HTML
shoot notice.html "$out/notice-zh.png" 420 592

# The accountant's HTML report in Chinese (the fixtures' fines and their
# WeChat Pay bill; exit 1: the fixtures hold discrepancies on purpose).
"$bin" issue --key test-issuer.key --from "$repo/fixtures/fines.csv" --out-dir codes \
    --ledger fixtures.jsonl --kind fine --currency CNY --payee BJ-FINES --now "$ISSUED" 2>/dev/null
"$bin" --lang zh-CN reconcile --ledger fixtures.jsonl --at 2026-11-24T09:00:00+08:00 \
    --settlement "$repo/fixtures/settlement/wechat-2026-11-23.csv" --html report.html >/dev/null || [ $? = 1 ]
shoot report.html "$out/report-zh.png" 1000 760
ls -l "$out"/*.png
