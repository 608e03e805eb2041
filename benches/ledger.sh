#!/usr/bin/env bash
# Redeem latency and throughput on a seeded ledger of 1,000,000 issued codes,
# and the peers of ../shared/notes/measurements.md measured in the same sitting:
# SQLite (one sqlite3 process per redemption, WAL, synchronous=FULL) and a
# full grep scan of the ledger plus append + sync.
#
#   benches/ledger.sh [CODES] [SEED]        (defaults 1000000 42; RUNS=101)
#
# Builds release binaries, writes the fixture under target/bench-ledger/
# (kept between runs with the same CODES and SEED), installs sqlite3 if
# missing, then takes /tmp/payqr-bench.lock for all timings.
set -euo pipefail
cd "$(dirname "$0")/.."
CODES=${1:-1000000}
SEED=${2:-42}
RUNS=${RUNS:-101}
DIR=$PWD/target/bench-ledger
P=$PWD/target/release/payqr

if [ -z "${PAYQR_BENCH_LOCKED:-}" ]; then
    cargo build --release --quiet --bin payqr --example ledger_fixture
    command -v sqlite3 >/dev/null || apt-get install -y sqlite3 >/dev/null
    mkdir -p "$DIR"
    if [ "$(cat "$DIR/fixture.id" 2>/dev/null)" != "$CODES/$SEED" ]; then
        echo "generating $CODES codes (seed $SEED) ..." >&2
        rm -f "$DIR/fixture.id" "$DIR/trust.json" "$DIR/codes.db"*
        target/release/examples/ledger_fixture "$DIR" "$CODES" "$SEED"
        "$P" trust add "$DIR/bench.pub" --trust "$DIR/trust.json" >/dev/null
        # The SQLite peer: the same code ids, a primary key, WAL.
        grep -o '"code_id":"[0-9a-f]*"' "$DIR/ledger.jsonl" | cut -d'"' -f4 >"$DIR/ids.txt"
        sqlite3 "$DIR/codes.db" "PRAGMA journal_mode=WAL;" \
            "CREATE TABLE codes(id TEXT PRIMARY KEY, redeemed_at TEXT, txn TEXT) WITHOUT ROWID;" \
            ".import $DIR/ids.txt codes_in" \
            "INSERT INTO codes(id) SELECT * FROM codes_in; DROP TABLE codes_in;" >/dev/null
        echo "$CODES/$SEED" >"$DIR/fixture.id"
    fi
    PAYQR_BENCH_LOCKED=1 exec flock /tmp/payqr-bench.lock "$0" "$@"
fi

cd "$DIR"
W=$DIR/work.jsonl
# The checkpoint goes with the copy it describes: a ledger reset behind
# payqr's back is otherwise (rightly) a loss.
fresh() { cp ledger.jsonl "$W"; rm -f "$W.idx" "$W.ckpt"; cp codes.db work.db; rm -f work.db-wal work.db-shm; }
now() { echo "$EPOCHREALTIME"; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b - a) * 1000 }'; }
stats() { sort -n | awk '{ a[NR] = $1 } END { printf "median %.2f ms, p90 %.2f ms, n %d", a[int((NR + 1) / 2)], a[int(NR * 0.9)], NR }'; }
payload() { sed -n "$1{p;q}" payloads.txt; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
echo "ledger: $CODES issued codes, $(du -m ledger.jsonl | cut -f1) MB JSON lines, seed $SEED"

echo "== load (ledger check: every line, checksum and chain), 3 runs"
for _ in 1 2 3; do /usr/bin/time -f "%e %M" "$P" ledger check --ledger ledger.jsonl 2>&1 >/dev/null | tail -1; done |
    sort -n | awk 'NR == 2 { printf "median %.2f s, peak RSS %.0f MiB\n", $1, $2 / 1024 }'

echo "== redeem one code per process ($RUNS runs, distinct codes)"
fresh
t0=$(now); "$P" redeem --trust trust.json --ledger "$W" --text "$(payload 1)" >/dev/null; t1=$(now)
echo "first redemption (builds $W.idx): $(ms "$t0" "$t1") ms"
for i in $(seq 2 "$RUNS"); do
    text=$(payload $((i * 997)))
    t0=$(now); "$P" redeem --trust trust.json --ledger "$W" --text "$text" >/dev/null; t1=$(now)
    ms "$t0" "$t1"
done | stats | sed 's/^/payqr redeem --text: /'; echo
for i in $(seq 2 "$RUNS"); do
    id=$(sed -n "$((i * 997 + 1)){p;q}" ids.txt)
    t0=$(now)
    out=$(sqlite3 -cmd "PRAGMA synchronous=FULL;" work.db \
        "UPDATE codes SET redeemed_at = datetime('now'), txn = 'B' WHERE id = '$id' AND redeemed_at IS NULL; SELECT changes();")
    t1=$(now)
    [ "$out" = 1 ] || { echo "sqlite peer did not redeem $id" >&2; exit 1; }
    ms "$t0" "$t1"
done | stats | sed 's/^/peer sqlite3 process (WAL, synchronous=FULL): /'; echo
for i in $(seq 2 "$RUNS"); do
    id=$(sed -n "$((i * 991 + 1)){p;q}" ids.txt)
    t0=$(now)
    # Into a variable: grep stops at the first match when stdout is /dev/null.
    hits=$(grep -cF "\"$id\"" "$W")
    [ "$hits" -ge 1 ]
    printf '{"event":"redeemed","code_id":"%s"}\n' "$id" >>"$W.peer"
    sync "$W.peer"
    t1=$(now)
    ms "$t0" "$t1"
done | stats | sed 's/^/peer grep -F full scan + append + sync: /'; echo
rm -f "$W.peer"

echo "== payqr verify --ledger, one code per process ($RUNS runs; the index the redemptions kept)"
for i in $(seq 2 "$RUNS"); do
    text=$(payload $((i * 997)))
    t0=$(now)
    status=$("$P" verify --trust trust.json --ledger "$W" --json --text "$text" | grep -o '"status":"[a-z_]*"' || true)
    t1=$(now)
    [ "$status" = '"status":"redeemed"' ] || { echo "verify said $status" >&2; exit 1; }
    ms "$t0" "$t1"
done | stats | sed 's/^/payqr verify --ledger --text (a redeemed code): /'; echo
(/usr/bin/time -f "%M" "$P" verify --trust trust.json --ledger "$W" --text "$(payload 5)" 2>&1 >/dev/null || true) | tail -1 |
    awk '{ printf "peak RSS of one verify: %.0f MiB\n", $1 / 1024 }'

echo "== payqr redeem - with 100,000 payload lines (group commit), 3 runs on fresh copies"
awk -v s="$((CODES / 2))" 'NR > s && NR <= s + 100000' payloads.txt >batch.txt
for _ in 1 2 3; do
    fresh
    "$P" redeem --trust trust.json --ledger "$W" --text "$(payload 1)" >/dev/null # index built
    t0=$(now)
    /usr/bin/time -f "%M %U %S" -o rss.txt "$P" redeem --trust trust.json --ledger "$W" - <batch.txt >out.txt
    t1=$(now)
    n=$(grep -c ': redeemed: ' out.txt)
    [ "$n" = 100000 ] || { echo "only $n redeemed" >&2; exit 1; }
    read -r rss user sys <rss.txt
    awk -v a="$t0" -v b="$t1" -v r="$rss" -v u="$user" -v s="$sys" \
        'BEGIN { printf "%.2f s wall, %.0f redemptions/s, cpu %.2f s, peak RSS %.0f MiB\n", b - a, 100000 / (b - a), u + s, r / 1024 }'
done | sort -n | tee runs.txt
sed -n 2p runs.txt | sed 's/^/median run: /'
"$P" ledger check --ledger "$W" >/dev/null && echo "ledger check after the batch: ok"
/usr/bin/time -f "%M" "$P" ledger check --ledger "$W" 2>&1 >/dev/null | tail -1 |
    awk -v c="$CODES" '{ printf "load of %d issued + 100,001 redeemed: peak RSS %.0f MiB\n", c, $1 / 1024 }'
rm -f "$W" "$W.idx" "$W.ckpt" "$W.lock" work.db* batch.txt out.txt rss.txt runs.txt
