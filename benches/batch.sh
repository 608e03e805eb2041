#!/usr/bin/env bash
# Batch issuance benchmark: payqr against qrencode (one process per code),
# segno (one Python process) and libqrencode in-process (our C program
# benches/peers/qrencode_batch.c, one thread), PNG and SVG, plus per-stage
# figures and optionally the 1,000,000-row run. Results: benches/NOTES.md.
#
# Usage: bash benches/batch.sh [WORK_DIR] [--million] [--no-stages] [--no-core] [--no-segno]
#   WORK_DIR  scratch space, default target/bench-batch (several GB)
#   ROWS=100000 PEER_ROWS=5000 CORE_ROWS=20000 REPEATS=3  (environment overrides)
#   PAYQR=path  the payqr binary to time (default: build this tree's release)
#   --no-core   skip the one-core comparison with libqrencode in-process
#   --no-segno  skip segno (a busy machine makes it take minutes)
#
# The one-core section pins every process to one CPU (taskset -c 1) and
# runs payqr with RAYON_NUM_THREADS=1; it times payqr issuing the first
# CORE_ROWS fines twice (as in production: sign, render, write, manifest,
# ledger; and bare: sign, render, write, no manifest, no ledger) and the C
# peer encoding the very payload texts payqr signed (encode, render, write:
# no signing, no temporary file + rename, no sync, no manifest, no ledger).
#
# Installs its peers: `qrencode`, libqrencode-dev, libpng-dev and gcc with
# apt-get, `segno` with pip into a venv under target/. Every timing runs
# under flock so colleagues' benchmarks never overlap. The machine is
# shared: compare ratios within one run, quote medians.
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/bench-batch
million=no
stages=yes
core=yes
segno=yes
for a in "$@"; do
  case $a in
    --million) million=yes ;;
    --no-stages) stages=no ;;
    --no-core) core=no ;;
    --no-segno) segno=no ;;
    *) work=$a ;;
  esac
done
ROWS=${ROWS:-100000}
PEER_ROWS=${PEER_ROWS:-5000}
CORE_ROWS=${CORE_ROWS:-20000}
REPEATS=${REPEATS:-3}
LOCK=/tmp/payqr-bench.lock
NOW=2026-11-23T08:00:00+08:00

command -v qrencode >/dev/null || apt-get install -y qrencode >/dev/null
venv=target/bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import segno' 2>/dev/null || "$venv/bin/pip" install -q segno
if [ -n "${PAYQR:-}" ]; then
  payqr=$(realpath "$PAYQR")
else
  cargo build --release -q
  payqr=$PWD/target/release/payqr
fi
peer=$PWD/target/bench-peers/qrencode_batch
if [ "$core" = yes ]; then
  { [ -f /usr/include/qrencode.h ] && [ -f /usr/include/png.h ] && command -v gcc >/dev/null; } ||
    apt-get install -y libqrencode-dev libpng-dev gcc >/dev/null
  mkdir -p "$(dirname "$peer")"
  gcc -O2 -Wall -Wextra -o "$peer" benches/peers/qrencode_batch.c -lqrencode -lpng
fi

mkdir -p "$work"
work=$(cd "$work" && pwd)
# Fresh output directories per run, deleted only at the end: ext4 is slow
# to create files right after deleting many (recently_deleted() scans),
# which would bill one tool for another's cleanup.
out="$work/run-$(date +%s)"
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT

gen_csv() { # ROWS FILE: seeded fines, Chinese plates and descriptions
  python3 benches/gen_fines.py "$1" "$2"
}

csv="$work/fines-$ROWS.csv"
[ -f "$csv" ] || gen_csv "$ROWS" "$csv"
cp fixtures/test-issuer.key "$out/k.key"
chmod 600 "$out/k.key"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_run NAME CODES CMD...: appends "seconds peak_rss_kb codes cpu_seconds"
# to $out/NAME.times (cpu = user + sys of the command and its children)
time_run() {
  local name=$1 codes=$2 secs rss user sys
  shift 2
  # The lock is taken outside the timing: waiting for a colleague's
  # benchmark to finish is not this command's time.
  flock "$LOCK" /usr/bin/time -f "%e %M %U %S" -o "$out/time.tmp" "$@" >"$out/stdout.tmp"
  read -r secs rss user sys <"$out/time.tmp"
  echo "$secs $rss $codes $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" >>"$out/$name.times"
  awk -v n="$name" -v s="$secs" -v r="$rss" -v c="$codes" -v u="$user" -v y="$sys" \
    'BEGIN {printf "  %-22s %7.2f s  %8.0f codes/s  %8.0f codes/CPU-s  peak RSS %6.1f MB\n",
      n, s, c / s, c / (u + y), r / 1024}'
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

# One core: every process pinned to CPU 1, payqr's rayon pool one thread
# (its committer thread shares the same CPU). payqr-core: as in
# production (manifest + ledger); payqr-bare: no manifest, no ledger.
core_csv="$work/fines-core-$CORE_ROWS.csv"
[ -f "$core_csv" ] || head -n "$((CORE_ROWS + 1))" "$csv" >"$core_csv"
payqr_core_run() { # I FMT core|bare
  local d="$out/payqr-$3-$2-$1" extra=()
  [ "$3" = core ] && extra=(--manifest "$d/manifest.csv" --ledger "$d.ledger.jsonl")
  time_run "payqr-$3-$2" "$CORE_ROWS" env RAYON_NUM_THREADS=1 taskset -c 1 \
    "$payqr" issue --key "$out/k.key" --from "$core_csv" --out-dir "$d" --format "$2" \
    "${extra[@]}" --kind fine --currency CNY --payee 110000-FINES --now "$NOW"
}
libqrencode_run() { # I FMT
  time_run "libqrencode-$2" "$CORE_ROWS" taskset -c 1 "$peer" "$out/indexed-core.txt" \
    "$out/libqrencode-$2-$1" "$2"
  # "N codes, B bytes, QR versions ..." from the peer, once per format.
  if [ "$1" = 1 ]; then sed "s/^/    libqrencode $2: /" "$out/stdout.tmp"; fi
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
    indexed() { # MANIFEST N
      python3 - "$1" "$2" <<'PY'
import csv, sys
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8"))
for i, r in zip(range(int(sys.argv[2])), rows):
    print(f"{i}\t{r['payload']}")
PY
    }
    indexed "$out/payqr-png-1/manifest.csv" "$PEER_ROWS" >"$out/indexed.txt"
    indexed "$out/payqr-png-1/manifest.csv" "$CORE_ROWS" >"$out/indexed-core.txt"
  fi
  for fmt in png svg; do qrencode_run "$i" "$fmt"; done
  if [ "$segno" = yes ]; then
    for fmt in png svg; do segno_run "$i" "$fmt"; done
  fi
  if [ "$core" = yes ]; then
    for fmt in png svg; do
      payqr_core_run "$i" "$fmt" core
      payqr_core_run "$i" "$fmt" bare
      libqrencode_run "$i" "$fmt"
    done
  fi
done
# Same input, key and --now: byte-identical files and manifest.
if [ "$REPEATS" -ge 2 ]; then
  cmp "$out/payqr-png-1/manifest.csv" <(sed "s#payqr-png-2#payqr-png-1#g" "$out/payqr-png-2/manifest.csv")
  diff -r -q -x manifest.csv "$out/payqr-png-1" "$out/payqr-png-2"
  echo "  determinism: runs 1 and 2 wrote identical files and manifests"
fi

# The one-core payqr runs signed the very payloads the C peer encoded.
if [ "$core" = yes ]; then
  cmp <(cut -f2 "$out/indexed-core.txt") \
    <(python3 -c 'import csv, sys; [print(r["payload"]) for r in csv.DictReader(open(sys.argv[1]))]' \
      "$out/payqr-core-png-1/manifest.csv")
  echo "  one core: payqr signed the same $CORE_ROWS payload texts the C peer encoded"
  for f in "$out"/libqrencode-*-1; do
    n=$(find "$f" -type f | wc -l)
    [ "$n" = "$CORE_ROWS" ] || { echo "bench: $f holds $n files, expected $CORE_ROWS" >&2; exit 1; }
  done
fi

# Every peer really wrote its files.
for f in "$out"/qrencode-*-1 "$out"/segno-*-1; do
  [ -d "$f" ] || continue
  n=$(find "$f" -type f | wc -l)
  [ "$n" = "$PEER_ROWS" ] || { echo "bench: $f holds $n files, expected $PEER_ROWS" >&2; exit 1; }
done

echo "== summary (medians of $REPEATS; codes/s and ratio payqr/peer)"
rate() { awk '{print $3 / $1}' "$out/$1.times" | median; }
for fmt in png svg; do
  p=$(rate "payqr-$fmt")
  q=$(rate "qrencode-$fmt")
  s=0
  if [ "$segno" = yes ]; then s=$(rate "segno-$fmt"); fi
  rss=$(awk '{print $2 / 1024}' "$out/payqr-$fmt.times" | median)
  awk -v f="$fmt" -v p="$p" -v r="$rss" -v q="$q" -v s="$s" 'BEGIN {
    printf "  %s: payqr %.0f codes/s (peak RSS %.0f MB), qrencode %.0f; payqr/qrencode %.1fx", f, p, r, q, p / q
    if (s > 0) printf "; segno %.0f, payqr/segno %.1fx", s, p / s
    printf "\n" }'
done

if [ "$core" = yes ]; then
  echo "== one core (taskset -c 1, RAYON_NUM_THREADS=1), first $CORE_ROWS payloads; medians of $REPEATS"
  echo "   core = sign+render+write+manifest+ledger, bare = sign+render+write, libqrencode = render+write"
  cpu() { awk '{print $3 / $4}' "$out/$1.times" | median; }
  for fmt in png svg; do
    c=$(rate "payqr-core-$fmt"); b=$(rate "payqr-bare-$fmt"); l=$(rate "libqrencode-$fmt")
    cc=$(cpu "payqr-core-$fmt"); cb=$(cpu "payqr-bare-$fmt"); cl=$(cpu "libqrencode-$fmt")
    awk -v f="$fmt" -v c="$c" -v b="$b" -v l="$l" -v cc="$cc" -v cb="$cb" -v cl="$cl" 'BEGIN {
      printf "  %s codes/s on one core: payqr %.0f, payqr bare %.0f, libqrencode %.0f; payqr/libqrencode %.2fx, bare %.2fx\n",
        f, c, b, l, c / l, b / l
      printf "  %s codes per CPU-second: payqr %.0f, payqr bare %.0f, libqrencode %.0f; ratios %.2fx, %.2fx\n",
        f, cc, cb, cl, cc / cl, cb / cl }'
  done
  # Per-round ratios: each round ran the three one after the other.
  for fmt in png svg; do
    paste -d' ' "$out/payqr-core-$fmt.times" "$out/payqr-bare-$fmt.times" "$out/libqrencode-$fmt.times" |
      awk -v f="$fmt" '{ printf "  %s round %d: payqr/libqrencode %.2fx, bare %.2fx\n", f, NR, $9 / $1, $9 / $5 }'
  done
fi
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"

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
