#!/usr/bin/env bash
# Reconcile 1,000,000 issued codes against 1,000,000 settlement rows with
# payqr and with DuckDB (the same classification in SQL over the same
# files), check that every status count agrees exactly, and report wall
# time and peak RSS (/usr/bin/time -v) of each: the median of RUNS runs,
# alternating the two. payqr's ledger load alone (`payqr ledger check`) and
# its settlement side alone (the same file against an empty ledger) are
# timed too, to show where payqr's time goes. DuckDB's process timing
# includes Python's start-up and `import duckdb` (~0.2-0.3 s); the query
# alone is timed inside Python too (benches/reconcile_duckdb.py) and
# reported beside it.
#
# Usage: bash benches/reconcile.sh [N] [RUNS] [DATA_DIR]
#   N rows/codes (default 1000000), RUNS (default 5),
#   DATA_DIR (default target/bench-reconcile; data is generated once per N).
#   PAYQR=path  time that payqr binary (default: build this tree's release)
# Every timing runs under `flock /tmp/payqr-bench.lock` so colleagues'
# benchmarks never overlap. Installs DuckDB from PyPI into target/bench-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
RUNS=${2:-5}
DATA=${3:-target/bench-reconcile}/n$N
AT=2026-11-23T12:00:00Z   # half the codes' 4-hour validity has run out by then
LOCK=/tmp/payqr-bench.lock

# PAYQR=path times that binary instead of this tree's release build.
if [ -n "${PAYQR:-}" ]; then
  BIN=$(realpath "$PAYQR")
else
  cargo build --release --quiet
  BIN=./target/release/payqr
fi
VENV=target/bench-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check duckdb
DUCKDB_VERSION=$("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)')

if [ ! -s "$DATA/settlement.csv" ]; then
  echo "generating $N codes and $N settlement rows in $DATA ..." >&2
  "$VENV/bin/python" benches/gen_reconcile.py "$DATA" "$N" 6
fi

PAYQR=("$BIN" reconcile --ledger "$DATA/ledger.jsonl" --settlement "$DATA/settlement.csv"
  --map code_id=out_trade_no,amount=total_fee,currency=fee_type,paid_at=time_end,txn_id=transaction_id
  --tz +08:00 --at "$AT" --json)
DUCK=("$VENV/bin/python" benches/reconcile_duckdb.py "$DATA/ledger.jsonl" "$DATA/settlement.csv" "${AT%Z}" 8)
LOAD=("$BIN" ledger check --ledger "$DATA/ledger.jsonl")
# The settlement side alone: the same file against an empty ledger.
: >"$DATA/empty.jsonl"
SIDE=("${PAYQR[@]}")
SIDE[3]="$DATA/empty.jsonl"

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# One timed run: "<wall s> <max RSS KB> <user+sys CPU s>"; stdout kept in
# $OUT/$1.out. CPU time is less disturbed than wall time by other work on
# a shared machine (DuckDB uses both cores, so its CPU can exceed its wall).
timed() {
  local name=$1; shift
  flock "$LOCK" /usr/bin/time -v "$@" >"$OUT/$name.out" 2>"$OUT/$name.time" || true
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
                 for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
              /User time \(seconds\)/ { cpu += $2 }
              /System time \(seconds\)/ { cpu += $2 }
              /Maximum resident set size/ { rss = $2 }
              END { printf "%.2f %d %.2f\n", wall, rss, cpu }' "$OUT/$name.time"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$OUT/payqr.runs"; : >"$OUT/duckdb.runs"; : >"$OUT/sql.runs"; : >"$OUT/load.runs"; : >"$OUT/side.runs"
for i in $(seq "$RUNS"); do
  timed payqr "${PAYQR[@]}" >>"$OUT/payqr.runs"
  DUCKDB_SQL_TIMES=$OUT/sql.tmp timed duckdb "${DUCK[@]}" >>"$OUT/duckdb.runs"
  cat "$OUT/sql.tmp" >>"$OUT/sql.runs"
  timed load "${LOAD[@]}" >>"$OUT/load.runs"
  timed side "${SIDE[@]}" >>"$OUT/side.runs"
done

# Exact agreement of every status count.
"$VENV/bin/python" - "$OUT/payqr.out" >"$OUT/payqr.counts" <<'PY'
import json, sys
totals = {}
for t in json.load(open(sys.argv[1]))["summary"]["totals"]:
    totals[t["status"]] = totals.get(t["status"], 0) + t["count"]
for s in sorted(totals):
    print(s, totals[s])
PY
echo "status counts (payqr | duckdb):"
paste -d' ' "$OUT/payqr.counts" "$OUT/duckdb.out" | awk '{ printf "  %-18s %9s | %-18s %9s\n", $1, $2, $3, $4 }'
if diff -q "$OUT/payqr.counts" "$OUT/duckdb.out" >/dev/null; then
  echo "counts: identical"
else
  echo "counts: DIFFER" >&2; diff "$OUT/payqr.counts" "$OUT/duckdb.out" >&2; exit 1
fi

report() {
  local name=$1
  local wall rss cpu
  wall=$(cut -d' ' -f1 "$OUT/$name.runs" | median)
  rss=$(cut -d' ' -f2 "$OUT/$name.runs" | median)
  cpu=$(cut -d' ' -f3 "$OUT/$name.runs" | median)
  printf "%-28s wall median %6.2f s (runs: %s)  CPU median %6.2f s  peak RSS median %5.0f MB\n" \
    "$2" "$wall" "$(cut -d' ' -f1 "$OUT/$name.runs" | paste -sd' ')" "$cpu" "$(echo "$rss / 1024" | bc -l)"
}
echo "N=$N, $RUNS runs each, $(nproc) cores, duckdb $DUCKDB_VERSION, load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
report payqr "payqr reconcile"
report duckdb "duckdb (python + SQL)"
sw=$(cut -d' ' -f1 "$OUT/sql.runs" | median); sc=$(cut -d' ' -f2 "$OUT/sql.runs" | median)
printf "%-28s wall median %6.2f s (runs: %s)  CPU median %6.2f s  (timer inside Python)\n" \
  "duckdb SQL alone" "$sw" "$(cut -d' ' -f1 "$OUT/sql.runs" | paste -sd' ')" "$sc"
report load "payqr ledger check (load)"
report side "payqr, empty ledger"
pw=$(cut -d' ' -f1 "$OUT/payqr.runs" | median); dw=$(cut -d' ' -f1 "$OUT/duckdb.runs" | median)
echo "payqr / duckdb wall ratio: $(echo "scale=2; $pw / $dw" | bc -l) (process against process)"
echo "payqr / duckdb SQL alone wall ratio: $(echo "scale=2; $pw / $sw" | bc -l) (payqr's start-up included, DuckDB's not)"
