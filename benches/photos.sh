#!/usr/bin/env bash
# Reads every image under each DIR with payqr, zxing-cpp and ZBar, one
# image at a time, and prints per folder: images read correctly (and
# misread) by each, and median / 95th-percentile milliseconds per image.
#
#   benches/photos.sh DIR...
#   benches/photos.sh ../shared/corpus/qr-photos target/synth
#
# An image NAME.ext is expected to read as NAME.txt (byte for byte, as in
# zxing-cpp's black-box tests); see benches/photos.py for the one
# exception (structured-append parts). Generate synthetic phone photos of
# payqr codes first with:
#   cargo run --release --example synth_photos -- target/synth 40
# PHOTOS_REPEATS=N times each image N times (default 3); PHOTOS_PEERS=
# (empty) runs payqr alone. payqr runs twice: as shipped (two attempt
# lanes, two cores) and with one thread (RAYON_NUM_THREADS=1), as the peers
# run; PHOTOS_ONE_THREAD=0 skips the second.
# Peers are installed here (a venv under target/, and libzbar0 via apt), so
# anyone can rerun this. Timings take /tmp/payqr-bench.lock so benchmarks
# of colleagues on the same machine never overlap.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 DIR..." >&2; exit 2; }

venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check zxing-cpp pyzbar pillow numpy
if ! ldconfig -p | grep -q 'libzbar\.so'; then
    apt-get install -y -q libzbar0 >/dev/null || { apt-get update -q && apt-get install -y -q libzbar0; } >/dev/null
fi
# SCAN_BENCH=path times that scan_bench binary (e.g. one built from
# another commit) instead of this tree's.
if [ -n "${SCAN_BENCH:-}" ]; then
    scan_bench=$(realpath "$SCAN_BENCH")
else
    cargo build --release --quiet --example scan_bench
    scan_bench=target/release/examples/scan_bench
fi

list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$@" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \
    -o -iname '*.webp' -o -iname '*.gif' -o -iname '*.bmp' \) | sort > "$list"
echo "$(wc -l < "$list") images, $(date -u +%FT%TZ), $(nproc) cores" >&2
flock /tmp/payqr-bench.lock "$venv/bin/python" benches/photos.py \
    "$scan_bench" "$list"
