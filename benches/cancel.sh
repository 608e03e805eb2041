#!/usr/bin/env bash
# Time of `payqr verify` of one code with a trust list holding N cancelled
# codes (from a signed bundle) against the same list without any.
# Usage: benches/cancel.sh [N=1000000] [RUNS=50]
set -euo pipefail
N=${1:-1000000}
RUNS=${2:-50}
cd "$(dirname "$0")/.."
cargo build --release -q --bin payqr --example cancel_bundle
P=$PWD/target/release/payqr
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
cp "$OLDPWD/fixtures/test-issuer.key" "$OLDPWD/fixtures/test-issuer.pub" .
chmod 600 test-issuer.key
$P anchor keygen --out anchor >/dev/null
$P trust add test-issuer.pub --trust master.json >/dev/null
"$OLDPWD/target/release/examples/cancel_bundle" 0 master.json anchor.key empty.pqt
"$OLDPWD/target/release/examples/cancel_bundle" "$N" master.json anchor.key full.pqt
$P trust update empty.pqt --anchor anchor.pub --trust empty.json >/dev/null
$P trust update full.pqt --anchor anchor.pub --trust full.json >/dev/null
CODE=$($P issue --key test-issuer.key --amount 200.00 --currency CNY --payee X --ref R1 --expires-in 4h)
ls -l full.json.*.cancelled
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for list in empty full; do
  for i in $(seq "$RUNS"); do
    s=$(date +%s%N)
    $P verify --trust $list.json --text "$CODE" >/dev/null
    e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | median | awk -v l=$list '{printf "%s: verify median %.2f ms\n", l, $1/1000}'
done
echo "trust update of the $N-code bundle:"
/usr/bin/time -f "%e s, %M KB peak" $P trust update full.pqt --anchor anchor.pub --trust again.json >/dev/null
$P verify --trust full.json --text "$CODE" --json | head -c 200; echo
