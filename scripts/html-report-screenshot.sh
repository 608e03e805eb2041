#!/usr/bin/env bash
# Renders the reconciliation HTML report of the bundled fixtures in a real
# headless browser (Debian `chromium`, installed if missing) and saves a
# screenshot to look at, then checks the browser's DOM: the page rendered,
# the chart has its bars, nothing was fetched from the network.
#
# Usage: bash scripts/html-report-screenshot.sh [OUT_DIR]   (default target/html-report)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/html-report}
rm -rf "$out" && mkdir -p "$out"
command -v chromium >/dev/null || apt-get install -y chromium >/dev/null
cargo build --release --quiet
payqr() { ./target/release/payqr "$@"; }
cp fixtures/test-issuer.key "$out/" && chmod 600 "$out/test-issuer.key"
payqr issue --key "$out/test-issuer.key" --from fixtures/fines.csv --out-dir "$out/codes" \
  --ledger "$out/ledger.jsonl" --kind fine --currency CNY --payee BJ-FINES \
  --now 2026-11-23T08:00:00+08:00 >/dev/null
# exit 1: the fixtures have discrepancies on purpose.
payqr reconcile --ledger "$out/ledger.jsonl" --tz +08:00 --at 2026-11-24T09:00:00+08:00 \
  --settlement fixtures/settlement/wechat-2026-11-23.csv \
  --settlement fixtures/settlement/camt053-2026-11-23.xml \
  --settlement fixtures/settlement/alipay-2026-11-23.csv \
  --html "$out/report.html" >/dev/null || [ $? = 1 ]
page="file://$(realpath "$out/report.html")"
browse() { chromium --headless --no-sandbox --disable-gpu --no-first-run "$@" 2>/dev/null; }
browse --window-size=1280,1300 --screenshot="$out/report.png" "$page" >/dev/null
browse --dump-dom "$page" >"$out/dom.html"
grep -q '<h2>Discrepancies' "$out/dom.html"
bars=$(grep -o '<rect' "$out/dom.html" | wc -l)
[ "$bars" -gt 0 ] || { echo "no chart bars in the rendered page" >&2; exit 1; }
echo "rendered: $out/report.png ($bars chart bars); DOM in $out/dom.html"
