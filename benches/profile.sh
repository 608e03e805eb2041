#!/usr/bin/env bash
# Load-independent before/after figures for the ledger paths: instructions
# (valgrind callgrind) and peak heap (heaptrack) of two payqr binaries on
# the same inputs. On a shared, busy machine wall and CPU times swing by
# ±30 % between runs; instruction counts and heap peaks do not.
#
#   BEFORE=/path/to/old/payqr [AFTER=/path/to/new/payqr] bash benches/profile.sh [WORK]
#
# AFTER defaults to this tree's release build. Knobs:
#   PROFILE_CODES=200000     issued codes in the redeem ledger (examples/ledger_fixture, seed 42)
#   PROFILE_BULK=10000       payload lines fed to one `redeem -` (from the middle of the ledger)
#   PROFILE_ISSUE=20000      fines issued by each binary with --ledger (its own format: the
#                            newer one keeps each payload), then `ledger check`ed
#   PROFILE_RECONCILE=50000  codes x settlement rows (benches/gen_reconcile.py, seed 6)
#   PROFILE_BATCH=2000       fines issued by `issue --from` in the batch step (PNG, then SVG)
#   PROFILE_STEPS="redeem load reconcile"   (add "batch" for batch issuance)
#
# What is measured, per binary (each run on its own fresh copy of the data):
#   redeem     `redeem -` of PROFILE_BULK lines against an indexed ledger
#              (the index is built by one `redeem --text` first, not measured)
#   load       `ledger check` of the fixture ledger (the same file for both),
#              and of the ledger each binary wrote for the same fines
#   reconcile  `reconcile --json` as in benches/compare.sh
#   batch      `issue --from` of PROFILE_BATCH fines to PNG and to SVG, each
#              with a manifest and a fresh ledger (sign, render, write; the
#              syncfs at the end is one call, its wait is not counted)
# Instructions are callgrind's total Ir (every thread; valgrind runs them
# one at a time). Valgrind hides SHA-NI, so SHA-256 runs in software there:
# hashing weighs more in these counts than on the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${BEFORE:-}" ] || { echo "usage: BEFORE=old-payqr [AFTER=new-payqr] $0 [WORK]" >&2; exit 2; }
if [ -z "${AFTER:-}" ]; then
  cargo build --release --quiet --bin payqr
  AFTER=target/release/payqr
fi
declare -A BIN=([before]=$(realpath "$BEFORE") [after]=$(realpath "$AFTER"))
CODES=${PROFILE_CODES:-200000}
BULK=${PROFILE_BULK:-10000}
ISSUE=${PROFILE_ISSUE:-20000}
RECN=${PROFILE_RECONCILE:-50000}
BATCH=${PROFILE_BATCH:-2000}
STEPS=${PROFILE_STEPS:-redeem load reconcile}
WORK=${1:-target/bench-profile}
NOW=2026-11-23T08:00:00+08:00
has() { [[ " $STEPS " == *" $1 "* ]]; }
mkdir -p "$WORK"
WORK=$(realpath "$WORK")
RUN=$WORK/run
rm -rf "$RUN"
mkdir -p "$RUN"

# Total instructions of a callgrind run: "instructions peak_heap_MB"
# come from two runs of CMD (callgrind, then heaptrack), each in a fresh
# copy made by the PREP function.
ir() { # OUT CMD...
  local out=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$out.log" || true
  grep -m1 '^totals:' "$out" | awk '{ print $2 }'
}
peak() { # OUT CMD...
  local out=$1
  shift
  heaptrack -o "$out" "$@" >/dev/null 2>"$out.log" || true
  heaptrack_print -f "$out".zst 2>/dev/null | grep -m1 'peak heap memory consumption' |
    awk '{ print $NF }'
}
cpu() { # CMD... -> user+sys seconds (one plain run)
  /usr/bin/time -f "%U %S" -o "$RUN/t" "$@" >/dev/null 2>&1 || true
  tail -n 1 "$RUN/t" | awk '{ printf "%.2f", $1 + $2 }'
}
row() { printf '%-44s %16s %16s\n' "$@"; }
row "" "BEFORE" "AFTER"

if has redeem || has load; then
  FIX=$WORK/fixture-$CODES
  if [ ! -s "$FIX/payloads.txt" ]; then
    cargo build --release --quiet --example ledger_fixture
    target/release/examples/ledger_fixture "$FIX.tmp" "$CODES" 42 2>/dev/null
    mv "$FIX.tmp" "$FIX"
  fi
fi

if has redeem; then
  awk -v s="$((CODES / 2))" -v n="$BULK" 'NR > s && NR <= s + n' "$FIX/payloads.txt" >"$RUN/bulk.txt"
  declare -A R_IR R_HEAP R_CPU
  for w in before after; do
    fresh() {
      rm -f "$RUN/l-$w".*
      cp "$FIX/ledger.jsonl" "$RUN/l-$w.jsonl"
      "${BIN[$w]}" trust add "$FIX/bench.pub" --trust "$RUN/t-$w.json" >/dev/null 2>&1 || true
      "${BIN[$w]}" redeem --trust "$RUN/t-$w.json" --ledger "$RUN/l-$w.jsonl" \
        --text "$(sed -n 1p "$FIX/payloads.txt")" >/dev/null
    }
    cmd=("${BIN[$w]}" redeem --trust "$RUN/t-$w.json" --ledger "$RUN/l-$w.jsonl" -)
    fresh
    R_IR[$w]=$(ir "$RUN/cg-redeem-$w" "${cmd[@]}" <"$RUN/bulk.txt")
    n=$(grep -c 'event":"redeemed' "$RUN/l-$w.jsonl")
    [ "$n" = "$((BULK + 1))" ] || { echo "profile: $w redeemed $((n - 1)) of $BULK" >&2; exit 1; }
    fresh
    R_HEAP[$w]=$(peak "$RUN/hp-redeem-$w" "${cmd[@]}" <"$RUN/bulk.txt")
    fresh
    R_CPU[$w]=$(cpu "${cmd[@]}" <"$RUN/bulk.txt")
    rm -f "$RUN/l-$w".*
  done
  row "redeem - ($BULK of $CODES codes): instructions" "${R_IR[before]}" "${R_IR[after]}"
  row "redeem -: peak heap" "${R_HEAP[before]}" "${R_HEAP[after]}"
  row "redeem -: CPU s (one run, load-dependent)" "${R_CPU[before]}" "${R_CPU[after]}"
fi

if has load; then
  declare -A L_IR L_HEAP O_IR O_HEAP
  CSV=$WORK/fines-$ISSUE.csv
  [ -s "$CSV" ] || python3 benches/gen_fines.py "$ISSUE" "$CSV"
  cp fixtures/test-issuer.key "$RUN/k.key"
  chmod 600 "$RUN/k.key"
  for w in before after; do
    L_IR[$w]=$(ir "$RUN/cg-load-$w" "${BIN[$w]}" ledger check --ledger "$FIX/ledger.jsonl")
    L_HEAP[$w]=$(peak "$RUN/hp-load-$w" "${BIN[$w]}" ledger check --ledger "$FIX/ledger.jsonl")
    # The same fines issued by each binary, into a ledger of its own format.
    "${BIN[$w]}" issue --key "$RUN/k.key" --from "$CSV" --out-dir "$RUN/codes-$w" --format svg \
      --ledger "$RUN/own-$w.jsonl" --kind fine --currency CNY --payee 110000-FINES --now "$NOW" \
      >/dev/null 2>&1
    rm -rf "$RUN/codes-$w"
    O_IR[$w]=$(ir "$RUN/cg-own-$w" "${BIN[$w]}" ledger check --ledger "$RUN/own-$w.jsonl")
    O_HEAP[$w]=$(peak "$RUN/hp-own-$w" "${BIN[$w]}" ledger check --ledger "$RUN/own-$w.jsonl")
  done
  row "ledger check, $CODES-code fixture: instructions" "${L_IR[before]}" "${L_IR[after]}"
  row "ledger check, fixture: peak heap" "${L_HEAP[before]}" "${L_HEAP[after]}"
  row "ledger check, own $ISSUE fines: instructions" "${O_IR[before]}" "${O_IR[after]}"
  row "ledger check, own fines: peak heap" "${O_HEAP[before]}" "${O_HEAP[after]}"
  row "own ledger bytes" "$(stat -c %s "$RUN/own-before.jsonl")" "$(stat -c %s "$RUN/own-after.jsonl")"
fi

if has reconcile; then
  RD=$WORK/reconcile-$RECN
  [ -s "$RD/settlement.csv" ] || python3 benches/gen_reconcile.py "$RD" "$RECN" 6 >/dev/null
  declare -A C_IR C_HEAP
  for w in before after; do
    cmd=("${BIN[$w]}" reconcile --ledger "$RD/ledger.jsonl" --settlement "$RD/settlement.csv"
      --map code_id=out_trade_no,amount=total_fee,currency=fee_type,paid_at=time_end,txn_id=transaction_id
      --tz +08:00 --at 2026-11-23T12:00:00Z --json)
    C_IR[$w]=$(ir "$RUN/cg-rec-$w" "${cmd[@]}")
    C_HEAP[$w]=$(peak "$RUN/hp-rec-$w" "${cmd[@]}")
  done
  row "reconcile ${RECN}x$RECN: instructions" "${C_IR[before]}" "${C_IR[after]}"
  row "reconcile: peak heap" "${C_HEAP[before]}" "${C_HEAP[after]}"
fi
if has batch; then
  BCSV=$WORK/fines-$BATCH.csv
  [ -s "$BCSV" ] || python3 benches/gen_fines.py "$BATCH" "$BCSV"
  cp fixtures/test-issuer.key "$RUN/k.key"
  chmod 600 "$RUN/k.key"
  declare -A B_IR B_HEAP
  for fmt in png svg; do
    for w in before after; do
      bcmd() { # OUT-SUFFIX: a fresh output folder and ledger each run
        rm -rf "$RUN/b-$w-$1" && mkdir -p "$RUN/b-$w-$1"
        echo "${BIN[$w]}" issue --key "$RUN/k.key" --from "$BCSV" --out-dir "$RUN/b-$w-$1/out" \
          --format "$fmt" --manifest "$RUN/b-$w-$1/manifest.csv" --ledger "$RUN/b-$w-$1/ledger.jsonl" \
          --kind fine --currency CNY --payee 110000-FINES --now "$NOW"
      }
      # shellcheck disable=SC2046
      B_IR[$fmt-$w]=$(ir "$RUN/cg-batch-$fmt-$w" $(bcmd ir))
      n=$(find "$RUN/b-$w-ir/out" -name "*.$fmt" | wc -l)
      [ "$n" = "$BATCH" ] || { echo "profile: $w wrote $n of $BATCH $fmt codes" >&2; exit 1; }
      # shellcheck disable=SC2046
      B_HEAP[$fmt-$w]=$(peak "$RUN/hp-batch-$fmt-$w" $(bcmd heap))
      rm -rf "$RUN/b-$w-ir" "$RUN/b-$w-heap"
    done
    row "issue --from $BATCH fines, $fmt: instructions" "${B_IR[$fmt-before]}" "${B_IR[$fmt-after]}"
    row "issue $fmt: peak heap" "${B_HEAP[$fmt-before]}" "${B_HEAP[$fmt-after]}"
  done
fi
echo "callgrind and heaptrack files: $RUN (callgrind_annotate FILE; heaptrack_print FILE.zst)"
