"""Summary of a benches/compare.sh run: medians over rounds per binary and
AFTER/BEFORE ratios, per-round ratio ranges, photos per folder (median and
p95 of the per-image medians over rounds).

Usage: compare_summary.py RESULTS   ("bench metric which round value" lines;
compare.sh keeps the last run's as COMPARE_WORK/last-results.txt)"""
import statistics, sys
from collections import defaultdict

vals = defaultdict(lambda: defaultdict(dict))  # (bench, metric) -> which -> round -> value
for line in open(sys.argv[1]):
    bench, metric, which, rnd, v = line.split()
    vals[(bench, metric)][which].setdefault(int(rnd), []).append(float(v))

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]

def row(name, b, a, unit, per_round=None):
    mb, ma = statistics.median(b), statistics.median(a)
    extra = ""
    if per_round:
        extra = f"  per-round ratios {min(per_round):.2f}-{max(per_round):.2f}"
    print(f"  {name:<34} {mb:>10.2f} {ma:>10.2f}  {ma / mb:6.3f}  {unit}{extra}")

print(f"  {'':<34} {'BEFORE':>10} {'AFTER':>10}  AFTER/BEFORE (medians over rounds)")
photo_level = defaultdict(lambda: defaultdict(list))  # level -> which -> per-image medians
photo_round = defaultdict(lambda: defaultdict(float))  # which -> round -> summed ms
for (bench, metric), by in sorted(vals.items()):
    if bench == "photos":
        path = metric[3:]
        level = path.rstrip("/").split("/")[-2]
        for w, rounds in by.items():
            photo_level[level][w].append(statistics.median(v[0] for v in rounds.values()))
            for r, v in rounds.items():
                photo_round[w][r] += v[0]
        continue
    b, a = by["before"], by["after"]
    # One value per round (single redemptions: the round's median), ratios per round.
    bm = {r: statistics.median(v) for r, v in b.items()}
    am = {r: statistics.median(v) for r, v in a.items()}
    ratios = [am[r] / bm[r] for r in bm if r in am and bm[r]]
    unit = "higher is better" if "/s" in metric or "per-s" in metric else "lower is better"
    if metric == "single-ms":
        allb = [x for v in b.values() for x in v]
        alla = [x for v in a.values() for x in v]
        row(f"{bench} {metric} (all runs)", allb, alla, unit)
        row(f"{bench} single-ms p90", [pct(allb, 0.9)], [pct(alla, 0.9)], unit)
    else:
        row(f"{bench} {metric}", list(bm.values()), list(am.values()), unit, ratios)
for level in sorted(photo_level):
    b, a = photo_level[level]["before"], photo_level[level]["after"]
    row(f"photos {level} ({len(b)}) median ms", b, a, "lower is better")
    row(f"photos {level} p95 ms", [pct(b, 0.95)], [pct(a, 0.95)], "lower is better")
if photo_round:
    b, a = photo_round["before"], photo_round["after"]
    ratios = [a[r] / b[r] for r in b if r in a]
    row("photos all images, s per round", [v / 1000 for v in b.values()],
        [v / 1000 for v in a.values()], "lower is better", ratios)
