#!/usr/bin/env bash
# The PostgreSQL ledger against the file ledger and a bare SQL INSERT with
# the same unique constraint, in the same sitting, on a ledger of CODES
# issued codes (the same codes in both ledgers: the file imported):
#
#   - one redemption per process (RUNS runs, distinct codes): `payqr redeem`
#     on the file, `payqr redeem` on PostgreSQL, and one `psql -c INSERT`
#     into a table with PRIMARY KEY (issuer, code_id);
#   - a stream (`redeem -`) of STREAM codes in one process: file vs
#     PostgreSQL, and psql inserting the same number of rows, each in its
#     own transaction (what a scanner gun typing one line at a time costs)
#     and all in one transaction (what payqr's group commit does with
#     lines that arrive together).
#
#   benches/pg.sh [CODES] [SEED]     (defaults 100000 42; RUNS=51 STREAM=5000)
#
# PROFILE=debug measures the debug build instead of release (quicker to
# build; its figures are not the release ones).
#
# Starts its own PostgreSQL (initdb under target/bench-pg, Unix socket
# only, fsync on, as the postgres user when run as root) and stops it at
# the end. Needs PostgreSQL's server programs (apt-get install postgresql).
set -euo pipefail
cd "$(dirname "$0")/.."
CODES=${1:-100000}
SEED=${2:-42}
RUNS=${RUNS:-51}
STREAM=${STREAM:-5000}
PROFILE=${PROFILE:-release}
DIR=$PWD/target/bench-pg
P=$PWD/target/$PROFILE/payqr

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/initdb" ] || { echo "PostgreSQL not installed: apt-get install postgresql" >&2; exit 2; }
if [ -n "${SKIP_BUILD:-}" ]; then
    :
elif [ "$PROFILE" = release ]; then
    cargo build --release --quiet --bin payqr --example ledger_fixture
else
    cargo build --quiet --bin payqr --example ledger_fixture
fi
rm -rf "$DIR"
mkdir -p "$DIR"
"target/$PROFILE/examples/ledger_fixture" "$DIR" "$CODES" "$SEED" >/dev/null
"$P" trust add "$DIR/bench.pub" --trust "$DIR/trust.json" >/dev/null

# The server: its directory must belong to the user it runs as.
PGD=$(mktemp -d /tmp/pqbench.XXXXXX)
AS=()
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PGD"; AS=(runuser -u postgres --); fi
"${AS[@]}" "$BIN/initdb" -D "$PGD/data" -U payqr -A trust -E UTF8 --locale C >/dev/null
printf "listen_addresses = ''\nunix_socket_directories = '%s'\nfsync = on\nsynchronous_commit = on\n" "$PGD" >>"$PGD/data/postgresql.conf"
"${AS[@]}" "$BIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w start >/dev/null
trap '"${AS[@]}" "$BIN/pg_ctl" -D "$PGD/data" -m immediate -w stop >/dev/null 2>&1; rm -rf "$PGD"' EXIT
URL="postgresql:///postgres?host=$PGD&user=payqr&schema=payqr"
SQL() { "$BIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h "$PGD" -U payqr -d postgres "$@"; }

cd "$DIR"
now() { echo "$EPOCHREALTIME"; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b - a) * 1000 }'; }
stats() { sort -n | awk '{ a[NR] = $1 } END { printf "median %.2f ms, p90 %.2f ms, n %d", a[int((NR + 1) / 2)], a[int(NR * 0.9)], NR }'; }
payload() { sed -n "$1{p;q}" payloads.txt; }
ids() { grep -o '"code_id":"[0-9a-f]*"' ledger.jsonl | cut -d'"' -f4; }

echo "build: $PROFILE; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ); $("$BIN/postgres" --version)"
"$P" ledger init --ledger "$URL" >/dev/null
t0=$(now); "$P" ledger import --ledger "$URL" --from ledger.jsonl >/dev/null; t1=$(now)
echo "ledger: $CODES issued codes; import into PostgreSQL $(ms "$t0" "$t1") ms"
SQL -c "CREATE TABLE bare (issuer text NOT NULL, code_id text NOT NULL, redeemed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (issuer, code_id))"
ids >ids.txt
# Warm both (index built, connection paths cached).
"$P" redeem --trust trust.json --ledger ledger.jsonl --text "$(payload 1)" >/dev/null
"$P" redeem --trust trust.json --ledger "$URL" --text "$(payload 1)" >/dev/null

echo "== read every record (ledger check: checksum, chain, fields; PostgreSQL through a cursor), 3 runs"
for L in ledger.jsonl "$URL"; do
    for _ in 1 2 3; do /usr/bin/time -f "%e %M" "$P" ledger check --ledger "$L" 2>&1 >/dev/null | tail -1; done |
        sort -n | awk -v k="$([ "$L" = ledger.jsonl ] && echo file || echo postgres)" \
            'NR == 2 { printf "%s: median %.2f s, peak RSS %.0f MiB\n", k, $1, $2 / 1024 }'
done

echo "== one redemption per process ($RUNS runs, distinct codes)"
for kind in file postgres sql; do
    for i in $(seq 2 $((RUNS + 1))); do
        code=$i
        [ "$kind" = postgres ] && code=$((i + RUNS))
        case $kind in
        file) t0=$(now); "$P" redeem --trust trust.json --ledger ledger.jsonl --text "$(payload "$code")" >/dev/null; t1=$(now) ;;
        postgres) t0=$(now); "$P" redeem --trust trust.json --ledger "$URL" --text "$(payload "$code")" >/dev/null; t1=$(now) ;;
        sql)
            id=$(sed -n "${i}p" ids.txt)
            t0=$(now); SQL -c "INSERT INTO bare (issuer, code_id) VALUES ('bench-city', '$id')"; t1=$(now) ;;
        esac
        ms "$t0" "$t1"
    done | stats | sed "s/^/$kind: /"
    echo
done

echo "== a stream of $STREAM redemptions in one process (3 runs, fresh codes each)"
start=$((2 * RUNS + 10))
for kind in file postgres sql-each sql-one; do
    for run in 1 2 3; do
        from=$((start + (run - 1) * STREAM))
        to=$((from + STREAM - 1))
        case $kind in
        file | postgres)
            [ $kind = file ] && L=ledger.jsonl || L=$URL
            # Each backend its own codes: the other's are not redeemed in it.
            [ $kind = postgres ] && { from=$((from + 3 * STREAM)); to=$((to + 3 * STREAM)); }
            sed -n "${from},${to}p" payloads.txt >in.txt
            t0=$(now); "$P" redeem --trust trust.json --ledger "$L" - <in.txt >/dev/null; t1=$(now) ;;
        sql-each)
            sed -n "${from},${to}p" ids.txt | awk '{ printf "INSERT INTO bare (issuer, code_id) VALUES (%cbench-city%c, %c%s-e%c);\n", 39, 39, 39, $1, 39 }' >in.sql
            t0=$(now); SQL -f in.sql; t1=$(now) ;;
        sql-one)
            { echo "BEGIN;"; sed -n "${from},${to}p" ids.txt | awk '{ printf "INSERT INTO bare (issuer, code_id) VALUES (%cbench-city%c, %c%s-o%c);\n", 39, 39, 39, $1, 39 }'; echo "COMMIT;"; } >in.sql
            t0=$(now); SQL -f in.sql; t1=$(now) ;;
        esac
        ms "$t0" "$t1"
    done | sort -n | awk -v k="$kind" -v n="$STREAM" 'NR == 2 { printf "%s: median %.0f ms, %.0f redemptions/s\n", k, $1, n / ($1 / 1000) }'
done
echo "check: $("$P" ledger check --ledger "$URL" | sed 's/^[^:]*: //')"
