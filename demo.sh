#!/usr/bin/env bash
# The whole payqr workflow on the bundled fixtures, end to end:
#   keygen -> trust -> batch issue (PNG + SVG) -> verify the images ->
#   redeem at a counter -> reconcile a settlement file -> ledger check.
# Output goes to demo-out/ (recreated each run). Usage: bash demo.sh
# PAYQR_BIN=path/to/payqr runs that binary instead of building one (CI runs
# the static musl build this way).
set -euo pipefail
cd "$(dirname "$0")"
if [ -n "${PAYQR_BIN:-}" ]; then
    bin=$(realpath "$PAYQR_BIN")
else
    cargo build --release --quiet
    bin=./target/release/payqr
fi
payqr() { "$bin" "$@"; }
# What differs from run to run is left out of what the demo prints, so two
# runs print the same (tests/ux_docs.rs checks): the batch summary's
# timing, and the wall-clock time a redemption was written (the ledger
# records it beside the --at time the counter judged as of).
steady() { sed -E -e 's/ in [0-9.]+ s \([0-9,]+ codes\/s, / (/' \
    -e 's/redeemed at [0-9-]+[T ][0-9:]+(Z| [+-][0-9:]+)/redeemed at <wall clock>/'; }
step() { printf '\n== %s\n' "$*"; }
out=${PAYQR_DEMO_OUT:-demo-out}
rm -rf "$out" && mkdir -p "$out/keys"

# Times are fixed so the run is reproducible and the settlement fixture's
# code ids match: fines are issued at 08:00 Beijing time on 2026-11-23.
ISSUED=2026-11-23T08:00:00+08:00
COUNTER=2026-11-23T09:30:00+08:00   # a merchant scans within the 4 hours
RECONCILE=2026-11-24T09:00:00+08:00 # the accountant runs the next morning
TZ_FLAG=+08:00

step "keygen: both issuers use bundled TEST keys (fixed ids, so two runs print the same); the utility's is sealed with a passphrase"
cp fixtures/test-issuer.key fixtures/test-issuer.pub "$out/keys/"
cp fixtures/test-utilities.key "$out/keys/utilities.key"
cp fixtures/test-utilities.pub "$out/keys/utilities.pub"
chmod 600 "$out/keys/test-issuer.key" "$out/keys/utilities.key"
# A script gives the passphrase in a file (a person is asked on the terminal).
printf 'demo passphrase, not for real keys\n' >"$out/keys/passphrase"
chmod 600 "$out/keys/passphrase"
export PAYQR_PASSPHRASE_FILE="$out/keys/passphrase"
# Same key id and codes, now encrypted (Argon2id + XChaCha20-Poly1305).
payqr key encrypt "$out/keys/utilities.key"
# A real issuer makes its own key (random, so not run here; encrypted by default):
#   payqr keygen --issuer bj-utilities --name "北京市政公用缴费中心" --out keys/utilities

step "trust: a verifier trusts both issuers"
payqr trust add "$out/keys/test-issuer.pub" --trust "$out/trust.json"
payqr trust add "$out/keys/utilities.pub" --trust "$out/trust.json"
payqr trust list --trust "$out/trust.json"

step "issue: a clerk batch-issues 22 fines and 8 bills (PNG + SVG + printable notice, manifest, ledger)"
payqr issue --key "$out/keys/test-issuer.key" --from fixtures/fines.csv --out-dir "$out/fines" \
  --format png,svg,notice-svg --manifest "$out/fines/manifest.csv" --ledger "$out/ledger.jsonl" \
  --kind fine --currency CNY --payee BJ-FINES --now "$ISSUED" --tz "$TZ_FLAG" 2>&1 | steady
payqr issue --key "$out/keys/utilities.key" --from fixtures/bills.csv --out-dir "$out/bills" \
  --manifest "$out/bills/manifest.csv" --ledger "$out/ledger.jsonl" --currency CNY \
  --now "$ISSUED" --tz "$TZ_FLAG" 2>&1 | steady

step "verify: a merchant checks three fine images offline"
first3=$(awk -F, 'NR==1 {for (i=1;i<=NF;i++) if ($i=="png") c=i; next} NR<=4 {print $c}' "$out/fines/manifest.csv")
# shellcheck disable=SC2086
payqr verify --trust "$out/trust.json" --ledger "$out/ledger.jsonl" --at "$COUNTER" --tz "$TZ_FLAG" $first3

step "redeem: the counter takes payment for two fines (the second attempt is refused)"
# The manifest maps each reference to its image (columns: code_id, reference, ..., png).
png_of() { awk -F, -v r="$1" 'NR==1 {for (i=1;i<=NF;i++) if ($i=="png") c=i} $2==r {print $c}' "$out/fines/manifest.csv"; }
fine4=$(png_of BJ2611230004); fine9=$(png_of BJ2611230009)
payqr redeem --trust "$out/trust.json" --ledger "$out/ledger.jsonl" --at "$COUNTER" --tz "$TZ_FLAG" \
  --txn POS-0001 "$fine4" "$fine9"
set +e
payqr redeem --trust "$out/trust.json" --ledger "$out/ledger.jsonl" --at "$COUNTER" --tz "$TZ_FLAG" \
  --txn POS-0002 "$fine4" > "$out/second.txt" 2>&1
rc=$?
set -e
steady < "$out/second.txt"
[ "$rc" = 1 ] || { echo "demo: a second redemption exited $rc, expected 1 (refused)" >&2; exit 3; }

step "reconcile: the accountant matches the day's settlement file (exit 1: discrepancies found)"
set +e
payqr reconcile --ledger "$out/ledger.jsonl" --settlement fixtures/settlement.csv \
  --map code_id=out_trade_no,amount=total_fee,currency=fee_type,paid_at=time_end,txn_id=transaction_id \
  --report "$out/reconcile.csv" --at "$RECONCILE" --tz "$TZ_FLAG" --apply
rc=$?
set -e
[ "$rc" = 1 ] || { echo "demo: reconcile exit $rc, expected 1" >&2; exit 3; }
cut -d, -f1 "$out/reconcile.csv" | tail -n +2 | sort | uniq -c

step "reconcile any other CSV: say which column holds what, and the time zone of its naive times"
# Times without an offset are read as UTC unless --tz (or PAYQR_TZ, or tz in
# payqr.toml) says otherwise: without it, 09:00 Beijing time reads as 17:00.
set +e
payqr reconcile --ledger "$out/ledger.jsonl" --settlement fixtures/settlement/generic-fees.csv \
  --map code_id=out_trade_no,amount=net,currency=currency,paid_at=paid_at,txn_id=transaction_id \
  --fee-column fee --at "$RECONCILE" --tz "$TZ_FLAG"
rc=$?
set -e
[ "$rc" = 1 ] || { echo "demo: reconcile exit $rc, expected 1" >&2; exit 3; }

step "notice: a clerk prints a lost notice again (the same bytes; no new code)"
# A fine still open (reconcile found it unpaid): a paid one would be
# printed as a copy, with a warning.
id1=$(awk -F, '$1 == "unpaid_open" {print $5; exit}' "$out/reconcile.csv")
lost="$out/fines/${id1:0:2}/$id1.notice.svg"
cp "$lost" "$out/original.notice.svg" && rm "$lost"
payqr notice "$id1" --ledger "$out/ledger.jsonl" --trust "$out/trust.json" --tz "$TZ_FLAG" --out "$lost"
cmp "$lost" "$out/original.notice.svg" && echo "reprinted $id1.notice.svg: identical"

step "ledger check"
payqr ledger check --ledger "$out/ledger.jsonl"
echo
echo "demo: all steps done; see $out/"
