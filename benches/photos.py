"""Runs payqr's scan_bench, zxing-cpp and ZBar over a list of images and
prints a table per folder. Called by benches/photos.sh (which installs the
peers); arguments: SCAN_BENCH_BINARY IMAGE_LIST_FILE."""

import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict

from PIL import Image
import zxingcpp
from pyzbar import pyzbar

# pyzbar 0.1.9 reads ZBar's "unknown orientation" (-1) as unsigned and
# raises on 4294967295; give it the signed value.
_orientation = pyzbar.ZBarOrientation
pyzbar.ZBarOrientation = lambda v: _orientation(v - (1 << 32) if v >= 1 << 31 else v)

# Per image; the median of the repeats is that image's time.
REPEATS = int(os.environ.get("PHOTOS_REPEATS", "3"))
# Peers to run beside payqr (comma-separated; empty for payqr alone).
PEERS = [p for p in os.environ.get("PHOTOS_PEERS", "zxing-cpp,zbar").split(",") if p]
# payqr is timed twice: as shipped (its two attempt lanes on two cores) and
# with one thread (RAYON_NUM_THREADS=1: the lanes run one after the
# other), which is what zxing-cpp and ZBar get. PHOTOS_ONE_THREAD=0 skips
# the second run.
ONE_THREAD = os.environ.get("PHOTOS_ONE_THREAD", "1") != "0"


def expected(path):
    """What the image must read as: (text, exact). An image of one part of
    a structured-append sequence (qrcode-7/01-02.png) has no NAME.txt; its
    folder's 01.txt holds the merged text, so one part is correct when it
    is a non-empty piece of that."""
    stem = os.path.splitext(path)[0]
    if os.path.exists(stem + ".txt"):
        with open(stem + ".txt", "rb") as f:
            return f.read().decode("utf-8", "replace"), True
    seq = os.path.join(os.path.dirname(path), os.path.basename(stem).split("-")[0] + ".txt")
    if os.path.exists(seq):
        with open(seq, "rb") as f:
            return f.read().decode("utf-8", "replace"), False
    return None, True


def judge(texts, want):
    """'ok' if some text is the expected one, 'wrong' if texts were read but
    none is, 'miss' if nothing was read."""
    text, exact = want
    if not texts:
        return "miss"
    if text is None:
        return "wrong"
    if any((t == text) if exact else (t and t in text) for t in texts):
        return "ok"
    return "wrong"


def run_payqr(binary, paths, threads=None):
    times = defaultdict(list)
    found = {}
    env = dict(os.environ)
    if threads:
        env["RAYON_NUM_THREADS"] = str(threads)
    for _ in range(REPEATS):
        out = subprocess.run(
            [binary, *paths], capture_output=True, check=True, text=True, env=env
        ).stdout
        for line in out.splitlines():
            path, ms, texts = line.split("\t", 2)
            times[path].append(float(ms))
            texts = json.loads(texts)
            found[path] = texts if isinstance(texts, list) else []
    return {p: (found[p], statistics.median(times[p])) for p in paths}


def run_peer(read, paths):
    res = {}
    for p in paths:
        ts = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            try:
                with Image.open(p) as img:
                    img.load()
                    texts = read(img)
            except Exception as e:  # a peer failing on one image is a miss
                print(f"{p}: {e}", file=sys.stderr)
                texts = []
            ts.append((time.perf_counter() - t0) * 1000)
        res[p] = (texts, statistics.median(ts))
    return res


def zxing_read(img):
    return [r.text for r in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)]


def zbar_read(img):
    return [
        s.data.decode("utf-8", "replace")
        for s in pyzbar.decode(img.convert("L"), symbols=[pyzbar.ZBarSymbol.QRCODE])
    ]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main():
    binary, listing = sys.argv[1], sys.argv[2]
    with open(listing) as f:
        paths = [l.strip() for l in f if l.strip()]
    readers = {"zxing-cpp": zxing_read, "zbar": zbar_read}
    runs = {"payqr": run_payqr(binary, paths)}
    if ONE_THREAD:
        runs["payqr 1 thread"] = run_payqr(binary, paths, threads=1)
    for peer in PEERS:
        runs[peer] = run_peer(readers[peer], paths)
    groups = defaultdict(list)
    for p in paths:
        groups[os.path.basename(os.path.dirname(p))].append(p)
    groups["ALL"] = paths
    names = list(runs)
    print(f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}, "
          f"{REPEATS} repeats, median of the repeats per image", file=sys.stderr)
    print("| folder | images | " + " | ".join(f"{n} ok (wrong)" for n in names) + " | "
          + " | ".join(f"{n} ms median / p95" for n in names) + " |")
    print("|---" * (2 + 2 * len(names)) + "|")
    for g in sorted(groups, key=lambda g: (g == "ALL", g)):
        ps = groups[g]
        cells = [g, str(len(ps))]
        for n in names:
            verdicts = [judge(runs[n][p][0], expected(p)) for p in ps]
            cells.append(f"{verdicts.count('ok')} ({verdicts.count('wrong')})")
        for n in names:
            ts = [runs[n][p][1] for p in ps]
            cells.append(f"{statistics.median(ts):.2f} / {pct(ts, 0.95):.2f}")
        print("| " + " | ".join(cells) + " |")
    # Images where payqr is behind a peer, for whoever improves it next.
    for p in paths:
        mine = judge(runs["payqr"][p][0], expected(p))
        others = [n for n in PEERS if judge(runs[n][p][0], expected(p)) == "ok"]
        if mine != "ok" and others:
            print(f"payqr {mine}, read by {', '.join(others)}: {p}", file=sys.stderr)


if __name__ == "__main__":
    main()
