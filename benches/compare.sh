#!/usr/bin/env bash
# Before/after: the batch, photo, redeem and reconcile benches on two payqr
# release binaries in one sitting, rounds interleaved (odd rounds BEFORE
# first, even rounds AFTER first), medians and AFTER/BEFORE ratios.
# Made to show that a refactor is within noise of the commit it started
# from on a shared, noisy machine: only ratios from the same sitting mean
# anything.
#
#   BEFORE=/path/to/old/payqr AFTER=/path/to/new/payqr bash benches/compare.sh
#
# AFTER defaults to this tree's release build (built here). Knobs (defaults
# keep one run at about 10 minutes on 2 busy cores; raise them for more):
#   COMPARE_ROUNDS=5                rounds (each runs every bench on both)
#   COMPARE_BENCHES="batch photos redeem reconcile"
#   COMPARE_BATCH_ROWS=20000        fines per `issue` run (PNG and SVG, both
#                                   with manifest and ledger, all cores)
#   COMPARE_PHOTOS=8                synthetic phone photos per level (easy,
#                                   medium, hard; examples/synth_photos, seed 1)
#   COMPARE_PHOTO_DIRS=""           more image folders, e.g. ../shared/corpus/qr-photos
#   COMPARE_REDEEM_CODES=1000000    issued codes in the redeem ledger (examples/ledger_fixture,
#                                   seed 42, as benches/ledger.sh)
#   COMPARE_REDEEM_SINGLE=21        `redeem --text`, one process each, per round
#   COMPARE_REDEEM_BULK=50000       lines fed to one `redeem -` per round
#   COMPARE_RECONCILE_N=1000000     codes x settlement rows (benches/reconcile.sh's data)
#   COMPARE_WORK=target/bench-compare
#
# What each bench times, per binary and round:
#   batch      `issue` of the fines CSV to PNG, then SVG (sign, render, write,
#              manifest, ledger): codes/s from the wall time.
#   photos     `verify --trust T --json IMAGE`, one process per image: ms per
#              image (start-up included), median and p95 per folder.
#   redeem     on a fresh copy of the ledger: the first `redeem --text` (it
#              builds the index), then REDEEM_SINGLE more, one process each
#              (ms), then `redeem -` of REDEEM_BULK payload lines (per s).
#   reconcile  the 1M x 1M `reconcile ... --json` of benches/reconcile.sh.
# Outputs must agree: verify's statuses per image, the redeemed count and
# reconcile's status counts are compared between the two binaries.
# Every timed step holds /tmp/payqr-bench.lock so colleagues' benchmarks
# never overlap it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${BEFORE:-}" ] || { echo "usage: BEFORE=old-payqr [AFTER=new-payqr] $0" >&2; exit 2; }
if [ -z "${AFTER:-}" ]; then
  cargo build --release --quiet --bin payqr
  AFTER=target/release/payqr
fi
declare -A BIN=([before]=$(realpath "$BEFORE") [after]=$(realpath "$AFTER"))
ROUNDS=${COMPARE_ROUNDS:-5}
BENCHES=${COMPARE_BENCHES:-batch photos redeem reconcile}
BATCH_ROWS=${COMPARE_BATCH_ROWS:-20000}
PHOTOS=${COMPARE_PHOTOS:-8}
PHOTO_DIRS=${COMPARE_PHOTO_DIRS:-}
REDEEM_CODES=${COMPARE_REDEEM_CODES:-1000000}
REDEEM_SINGLE=${COMPARE_REDEEM_SINGLE:-21}
REDEEM_BULK=${COMPARE_REDEEM_BULK:-50000}
RECONCILE_N=${COMPARE_RECONCILE_N:-1000000}
WORK=${COMPARE_WORK:-target/bench-compare}
LOCK=/tmp/payqr-bench.lock
NOW=2026-11-23T08:00:00+08:00
has() { [[ " $BENCHES " == *" $1 "* ]]; }

mkdir -p "$WORK"
WORK=$(realpath "$WORK")
RUN=$WORK/run-$(date +%s)
mkdir -p "$RUN"
trap 'rm -rf "$RUN"' EXIT
# "bench metric which round value" lines, kept after the run (and after a
# failure) for benches/compare_summary.py.
RES=$WORK/last-results.txt
: >"$RES"
exec 9>"$LOCK"
lock() { flock 9; }
unlock() { flock -u 9; }
now() { echo "$EPOCHREALTIME"; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'; }
rec() { echo "$*" >>"$RES"; }

# ---- inputs, made once (outside the lock; the data is kept in target/) ----
if has batch; then
  CSV=$WORK/fines-$BATCH_ROWS.csv
  [ -s "$CSV" ] || python3 benches/gen_fines.py "$BATCH_ROWS" "$CSV"
  cp fixtures/test-issuer.key "$RUN/k.key"
  chmod 600 "$RUN/k.key"
fi
if has photos; then
  SYNTH=$WORK/synth-$PHOTOS
  if [ ! -d "$SYNTH/hard" ]; then
    cargo build --release --quiet --example synth_photos
    target/release/examples/synth_photos "$SYNTH" "$PHOTOS" 1 >/dev/null
  fi
  # shellcheck disable=SC2086
  find "$SYNTH" $PHOTO_DIRS -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \
    -o -iname '*.webp' -o -iname '*.gif' -o -iname '*.bmp' \) | sort >"$RUN/images.txt"
  for w in before after; do
    # Each binary writes its own trust list: the format may differ.
    "${BIN[$w]}" trust add fixtures/test-issuer.pub --trust "$RUN/trust-$w.json" >/dev/null
  done
fi
if has redeem; then
  # benches/ledger.sh's fixture (seed 42), kept here between runs.
  LDIR=$WORK/ledger-$REDEEM_CODES
  if [ ! -s "$LDIR/payloads.txt" ]; then
    cargo build --release --quiet --example ledger_fixture
    echo "generating $REDEEM_CODES codes for the redeem bench ..." >&2
    target/release/examples/ledger_fixture "$LDIR.tmp" "$REDEEM_CODES" 42
    mv "$LDIR.tmp" "$LDIR"
  fi
  for w in before after; do
    "${BIN[$w]}" trust add "$LDIR/bench.pub" --trust "$RUN/rtrust-$w.json" >/dev/null
  done
  awk -v s="$((REDEEM_CODES / 2))" -v n="$REDEEM_BULK" 'NR > s && NR <= s + n' \
    "$LDIR/payloads.txt" >"$RUN/bulk.txt"
  for i in $(seq 1 "$REDEEM_SINGLE"); do sed -n "$((i * 997 + 1)){p;q}" "$LDIR/payloads.txt"; done \
    >"$RUN/single.txt"
fi
if has reconcile; then
  RDATA=$PWD/target/bench-reconcile/n$RECONCILE_N # benches/reconcile.sh's data
  if [ ! -s "$RDATA/settlement.csv" ]; then
    echo "generating $RECONCILE_N codes and settlement rows ..." >&2
    python3 benches/gen_reconcile.py "$RDATA" "$RECONCILE_N" 6
  fi
fi

# ---- one bench on one binary ----
# /usr/bin/time's "%e %U %S %M" -> "wall cpu rss_kb"
timed() { # OUT_PREFIX CMD...
  local p=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$p.time" "$@" >"$p.out" 2>"$p.err" || true
  # The last line: GNU time puts "Command exited with non-zero status N"
  # first when the command fails (reconcile exits 1 on discrepancies).
  tail -n 1 "$p.time" | awk '{ printf "%s %.2f %d\n", $1, $2 + $3, $4 }'
}

bench_batch() { # WHICH ROUND
  local w=$1 r=$2 fmt d wall cpu rss
  for fmt in png svg; do
    d=$RUN/batch-$w-$fmt-$r
    lock
    read -r wall cpu rss < <(timed "$d" "${BIN[$w]}" issue --key "$RUN/k.key" --from "$CSV" \
      --out-dir "$d" --format "$fmt" --manifest "$d/manifest.csv" --ledger "$d.ledger.jsonl" \
      --kind fine --currency CNY --payee 110000-FINES --now "$NOW")
    unlock
    [ "$(($(wc -l <"$d/manifest.csv") - 1))" = "$BATCH_ROWS" ] ||
      { echo "compare: $w issued $(($(wc -l <"$d/manifest.csv") - 1)) codes, not $BATCH_ROWS" >&2; cat "$d.err" >&2; exit 1; }
    rec batch "$fmt-codes/s" "$w" "$r" "$(awk -v n="$BATCH_ROWS" -v t="$wall" 'BEGIN { print n / t }')"
    rec batch "$fmt-cpu-s" "$w" "$r" "$cpu"
    rec batch "$fmt-rss-MB" "$w" "$r" "$((rss / 1024))"
    # Deleted at once to bound the disk used to one run. Creating many
    # files right after deleting many is slower on ext4 (benches/NOTES.md),
    # but the binaries alternate, so each pays it as often as the other.
    rm -rf "$d" "$d".*
  done
}

bench_photos() { # WHICH ROUND
  local w=$1 r=$2 img t0 t1 st
  lock
  while IFS= read -r img; do
    t0=$(now)
    "${BIN[$w]}" verify --trust "$RUN/trust-$w.json" --json "$img" >"$RUN/v.out" 2>/dev/null || true
    t1=$(now)
    rec photos "ms:$img" "$w" "$r" "$(ms "$t0" "$t1")"
    if [ "$r" = 1 ] || [ "$r" = 2 ]; then
      st=$(grep -o '"status":"[a-z_]*"' "$RUN/v.out" | cut -d'"' -f4 | sort | paste -sd+ -)
      echo "$img ${st:-none}" >>"$RUN/status-$w.txt"
    fi
  done <"$RUN/images.txt"
  unlock
}

bench_redeem() { # WHICH ROUND
  local w=$1 r=$2 L=$RUN/ledger-$w.jsonl t0 t1 text wall cpu rss n
  cp "$LDIR/ledger.jsonl" "$L" # fresh copy: no index, no checkpoint
  lock
  t0=$(now)
  "${BIN[$w]}" redeem --trust "$RUN/rtrust-$w.json" --ledger "$L" --text "$(sed -n 1p "$LDIR/payloads.txt")" >/dev/null
  t1=$(now)
  rec redeem "first-ms(index)" "$w" "$r" "$(ms "$t0" "$t1")"
  while IFS= read -r text; do
    t0=$(now)
    "${BIN[$w]}" redeem --trust "$RUN/rtrust-$w.json" --ledger "$L" --text "$text" >/dev/null
    t1=$(now)
    rec redeem "single-ms" "$w" "$r" "$(ms "$t0" "$t1")"
  done <"$RUN/single.txt"
  read -r wall cpu rss < <(timed "$RUN/bulk-$w" "${BIN[$w]}" redeem --trust "$RUN/rtrust-$w.json" \
    --ledger "$L" - <"$RUN/bulk.txt")
  unlock
  # "FILE: redeemed: ..." up to issue 17's counter verdicts, "REDEEMED: ..." since.
  n=$(grep -cE ': redeemed: |^REDEEMED:' "$RUN/bulk-$w.out" || true)
  [ "$n" = "$REDEEM_BULK" ] || { echo "compare: $w redeemed $n of $REDEEM_BULK" >&2; head -3 "$RUN/bulk-$w.err" >&2; exit 1; }
  rec redeem "bulk-per-s" "$w" "$r" "$(awk -v n="$REDEEM_BULK" -v t="$wall" 'BEGIN { print n / t }')"
  rec redeem "bulk-cpu-s" "$w" "$r" "$cpu"
  rec redeem "bulk-rss-MB" "$w" "$r" "$((rss / 1024))"
  rm -f "$L" "$L".*
}

bench_reconcile() { # WHICH ROUND
  local w=$1 r=$2 wall cpu rss p=$RUN/rec-$w
  lock
  read -r wall cpu rss < <(timed "$p" "${BIN[$w]}" reconcile --ledger "$RDATA/ledger.jsonl" \
    --settlement "$RDATA/settlement.csv" \
    --map code_id=out_trade_no,amount=total_fee,currency=fee_type,paid_at=time_end,txn_id=transaction_id \
    --tz +08:00 --at 2026-11-23T12:00:00Z --json)
  unlock
  python3 -c '
import json, sys
t = {}
for x in json.load(open(sys.argv[1]))["summary"]["totals"]:
    t[x["status"]] = t.get(x["status"], 0) + x["count"]
print(" ".join(f"{k}={t[k]}" for k in sorted(t)))' "$p.out" >"$RUN/counts-$w.txt"
  rec reconcile wall-s "$w" "$r" "$wall"
  rec reconcile cpu-s "$w" "$r" "$cpu"
  rec reconcile rss-MB "$w" "$r" "$((rss / 1024))"
}

echo "compare: BEFORE ${BIN[before]}"
echo "         AFTER  ${BIN[after]}"
echo "$ROUNDS rounds of: $BENCHES; $(nproc) cores; start $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
start=$EPOCHSECONDS
for r in $(seq "$ROUNDS"); do
  order="before after"
  [ $((r % 2)) = 0 ] && order="after before"
  for b in $BENCHES; do
    for w in $order; do "bench_$b" "$w" "$r"; done
  done
  echo "  round $r done at +$((EPOCHSECONDS - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
done

# ---- the two binaries must have said the same things ----
if has photos; then
  if cmp -s "$RUN/status-before.txt" "$RUN/status-after.txt"; then
    echo "photos: the same verify statuses for all $(wc -l <"$RUN/images.txt") images (rounds 1-2)"
  else
    echo "photos: verify statuses DIFFER:" >&2
    diff "$RUN/status-before.txt" "$RUN/status-after.txt" | head -20 >&2 || true
  fi
fi
if has reconcile; then
  if cmp -s "$RUN/counts-before.txt" "$RUN/counts-after.txt"; then
    echo "reconcile: identical status counts: $(cat "$RUN/counts-after.txt")"
  else
    echo "reconcile: status counts DIFFER: before $(cat "$RUN/counts-before.txt"), after $(cat "$RUN/counts-after.txt")" >&2
  fi
fi

python3 benches/compare_summary.py "$RES"
echo "end $(date -u +%FT%TZ), $((EPOCHSECONDS - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
