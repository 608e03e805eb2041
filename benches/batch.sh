#!/usr/bin/env bash
# Batch issuance benchmark: payqr against qrencode (one process per code)
# and segno (one Python process), PNG and SVG, plus per-stage figures and
# optionally the 1,000,000-row run. Results: benches/NOTES.md.
#
# Usage: bash benches/batch.sh [WORK_DIR] [--million] [--no-stages]
#   WORK_DIR  scratch space, default target/bench-batch (several GB)
#   ROWS=100000 PEER_ROWS=5000 REPEATS=3  (environment overrides)
#
# Installs its peers: `qrencode` with apt-get, `segno` with pip into a
# venv under target/. Every timing runs under flock so colleagues'
# benchmarks never overlap. The machine is shared: compare ratios within
# one run, quote medians.
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/bench-batch
million=no
stages=yes
for a in "$@"; do
  case $a in
    --million) million=yes ;;
    --no-stages) stages=no ;;
    *) work=$a ;;
  esac
done
ROWS=${ROWS:-100000}
PEER_ROWS=${PEER_ROWS:-5000}
REPEATS=${REPEATS:-3}
LOCK=/tmp/payqr-bench.lock
NOW=2026-11-23T08:00:00+08:00

command -v qrencode >/dev/null || apt-get install -y qrencode >/dev/null
venv=target/bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import segno' 2>/dev/null || "$venv/bin/pip" install -q segno
cargo build --release -q
payqr=$PWD/target/release/payqr

mkdir -p "$work"
work=$(cd "$work" && pwd)
# Fresh output directories per run, deleted only at the end: ext4 is slow
# to create files right after deleting many (recently_deleted() scans),
# which would bill one tool for another's cleanup.
out="$work/run-$(date +%s)"
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT

gen_csv() { # ROWS FILE: seeded fines, Chinese plates and descriptions
  python3 - "$1" "$2" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
r = random.Random(42)
prov = "京沪粤苏浙鲁川"
desc = ["闯红灯", "违停", "超速 20%", "未系安全带", "逆行"]
with open(path, "w") as f:
    f.write("reference,amount,expires_in,description\n")
    for i in range(n):
        plate = r.choice(prov) + chr(65 + r.randrange(26)) + "".join(
            r.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(5))
        f.write(f"BJ26{i:08d},{r.choice([50, 100, 150, 200, 500])}.00,30d,{plate} {r.choice(desc)}\n")
PY
}

csv="$work/fines-$ROWS.csv"
[ -f "$csv" ] || gen_csv "$ROWS" "$csv"
cp fixtures/test-issuer.key "$out/k.key"
chmod 600 "$out/k.key"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_run NAME CODES CMD...: appends "seconds peak_rss_kb codes" to $out/NAME.times
time_run() {
  local name=$1 codes=$2 secs rss
  shift 2
  # The lock is taken outside the timing: waiting for a colleague's
  # benchmark to finish is not this command's time.
  flock "$LOCK" /usr/bin/time -f "%e %M" -o "$out/time.tmp" "$@" >/dev/null
  read -r secs rss <"$out/time.tmp"
  echo "$secs $rss $codes" >>"$out/$name.times"
  awk -v n="$name" -v s="$secs" -v r="$rss" -v c="$codes" \
    'BEGIN {printf "  %-16s %7.2f s  %8.0f codes/s  peak RSS %6.1f MB\n", n, s, c / s, r / 1024}'
}

# payqr_run I FMT / qrencode_run I FMT / segno_run I FMT: one timed run.
payqr_run() {
  local d="$out/payqr-$2-$1"
  time_run "payqr-$2" "$ROWS" "$payqr" issue --key "$out/k.key" --from "$csv" --out-dir "$d" \
    --format "$2" --manifest "$d/manifest.csv" --ledger "$d.ledger.jsonl" \
    --kind fine --currency CNY --payee 110000-FINES --now "$NOW"
}
qrencode_run() {
  local d="$out/qrencode-$2-$1" t=PNG
  mkdir -p "$d"
  [ "$2" = svg ] && t=SVG
  # shellcheck disable=SC2016
  time_run "qrencode-$2" "$PEER_ROWS" sh -c '
    cd "$1" && xargs -d "\n" -P 2 -n 1 sh -c "
      i=\${0%%	*}; exec qrencode -l M -s 4 -m 4 -t $3 -o \$i.$4 \"\${0#*	}\"" <"$2"' \
    _ "$d" "$out/indexed.txt" "$t" "$2"
}
segno_run() {
  local d="$out/segno-$2-$1"
  mkdir -p "$d"
  time_run "segno-$2" "$PEER_ROWS" "$venv/bin/python" -c '
import segno, sys
d, fmt = sys.argv[1], sys.argv[3]
for line in open(sys.argv[2]):
    i, text = line.rstrip("\n").split("\t", 1)
    segno.make(text, error="m", micro=False, boost_error=False).save(
        f"{d}/{i}.{fmt}", scale=4, border=4)
' "$d" "$out/indexed.txt" "$2"
}

# The repeats interleave the tools (payqr, qrencode, segno, then again),
# so a colleague's build that slows one stretch of the run slows every
# tool a little rather than one tool a lot: the ratios stay fair.
echo "== $ROWS fines with payqr (signed codes + files + manifest + ledger); $PEER_ROWS codes with"
echo "   qrencode (one process per code, xargs -P 2 keeps both cores busy) and segno (one Python"
echo "   process); $REPEATS rounds"
for i in $(seq "$REPEATS"); do
  for fmt in png svg; do payqr_run "$i" "$fmt"; done
  if [ "$i" = 1 ]; then
    # The peers encode the very payloads payqr issued (no signing, no
    # ledger), as "INDEX<TAB>PAYLOAD" lines (payloads contain spaces).
    python3 - "$out/payqr-png-1/manifest.csv" "$PEER_ROWS" >"$out/indexed.txt" <<'PY'
import csv, sys
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8"))
for i, r in zip(range(int(sys.argv[2])), rows):
    print(f"{i}\t{r['payload']}")
PY
  fi
  for fmt in png svg; do qrencode_run "$i" "$fmt"; done
  for fmt in png svg; do segno_run "$i" "$fmt"; done
done
# Same input, key and --now: byte-identical files and manifest.
if [ "$REPEATS" -ge 2 ]; then
  cmp "$out/payqr-png-1/manifest.csv" <(sed "s#payqr-png-2#payqr-png-1#g" "$out/payqr-png-2/manifest.csv")
  diff -r -q -x manifest.csv "$out/payqr-png-1" "$out/payqr-png-2"
  echo "  determinism: runs 1 and 2 wrote identical files and manifests"
fi

# Every peer really wrote its files.
for f in "$out"/qrencode-*-1 "$out"/segno-*-1; do
  n=$(find "$f" -type f | wc -l)
  [ "$n" = "$PEER_ROWS" ] || { echo "bench: $f holds $n files, expected $PEER_ROWS" >&2; exit 1; }
done

echo "== summary (medians of $REPEATS; codes/s and ratio payqr/peer)"
rate() { awk '{print $3 / $1}' "$out/$1.times" | median; }
for fmt in png svg; do
  p=$(rate "payqr-$fmt")
  q=$(rate "qrencode-$fmt")
  s=$(rate "segno-$fmt")
  rss=$(awk '{print $2 / 1024}' "$out/payqr-$fmt.times" | median)
  awk -v f="$fmt" -v p="$p" -v r="$rss" -v q="$q" -v s="$s" 'BEGIN {
    printf "  %s: payqr %.0f codes/s (peak RSS %.0f MB), qrencode %.0f, segno %.0f; payqr/qrencode %.1fx, payqr/segno %.1fx\n",
      f, p, r, q, s, p / q, p / s }'
done

if [ "$stages" = yes ]; then
  echo "== stages (one thread, first 10,000 rows)"
  flock "$LOCK" cargo bench -q --bench stages -- "$csv" "$out/k.key" "$out/stages" 10000
fi

if [ "$million" = yes ]; then
  echo "== 1,000,000 fines, PNG, manifest, ledger"
  big="$work/fines-1000000.csv"
  [ -f "$big" ] || gen_csv 1000000 "$big"
  d="$out/million"
  time_run "payqr-1m" 1000000 "$payqr" issue --key "$out/k.key" --from "$big" --out-dir "$d" \
    --format png --manifest "$d/manifest.csv" --ledger "$d.ledger.jsonl" \
    --kind fine --currency CNY --payee 110000-FINES --now "$NOW"
  echo "  shards: $(find "$d" -mindepth 1 -maxdepth 1 -type d | wc -l), largest holds $(
    for s in "$d"/*/; do find "$s" -type f | wc -l; done | sort -n | tail -1) files"
  echo "== rerun of the finished 1,000,000 batch (every row skipped)"
  time_run "payqr-1m-rerun" 1000000 "$payqr" issue --key "$out/k.key" --from "$big" --out-dir "$d" \
    --format png --ledger "$d.ledger.jsonl" \
    --kind fine --currency CNY --payee 110000-FINES --now "$NOW"
fi
