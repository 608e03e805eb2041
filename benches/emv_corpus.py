#!/usr/bin/env python3
"""Measures `payqr emv parse` on a corpus of public EMV MPM payloads.

Usage: benches/emv_corpus.py CORPUS.jsonl [PAYQR_BINARY]

CORPUS.jsonl holds one {"payload": ..., "repo": ..., "path": ...} object per
line (payloads gathered from open-source parsers' test suites and READMEs;
the corpus itself is not committed, see /work/shared/corpus/emv/SOURCES.md).

Ground truth is computed here, independently of payqr: a payload's own
CRC-16/CCITT-FALSE (object 63) is its control sum, and a naive top-level
TLV walk gives the values of 53 (currency), 54 (amount), 58, 59 and 60.

  read right   CRC correct, payqr accepts, and its 53/54/58/59/60 agree
  refused      payqr refuses, with its reason (a CRC-correct payload that
               is refused is listed as a false refusal)
  wrong        payqr accepts a payload whose CRC is wrong, or reports a
               different value for 53/54/58/59/60
"""
import collections
import json
import subprocess
import sys


def crc16(data: bytes) -> int:
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def naive_top_level(p: str):
    """id -> value of top-level objects, or None when it does not split."""
    out, i = {}, 0
    while i < len(p):
        try:
            tag, n = p[i:i + 2], int(p[i + 2:i + 4])
        except ValueError:
            return None
        if not tag.isdigit() or i + 4 + n > len(p):
            return None
        out[tag] = p[i + 4:i + 4 + n]
        i += 4 + n
    return out


def main():
    corpus = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    binary = sys.argv[2] if len(sys.argv) > 2 else "target/debug/payqr"
    stdin = "".join(c["payload"] + "\n" for c in corpus)
    r = subprocess.run([binary, "emv", "parse", "--json", "-"], input=stdin.encode(),
                       capture_output=True)
    results = [json.loads(l) for l in r.stdout.decode().splitlines() if l.strip()]
    if len(results) != len(corpus):
        sys.exit(f"payqr gave {len(results)} results for {len(corpus)} payloads: {r.stderr.decode()}")
    counts = collections.Counter()
    reasons = collections.Counter()
    warned = collections.Counter()
    per_repo = collections.defaultdict(collections.Counter)
    for c, res in zip(corpus, results):
        p = c["payload"]
        crc_ok = p[-8:-4] == "6304" and p[-4:].upper() == f"{crc16(p[:-4].encode()):04X}"
        if res["valid"]:
            top = naive_top_level(p) or {}
            got = {o["id"]: o["value"] for o in res["objects"]}
            same = all(got.get(k) == top.get(k) for k in ("53", "54", "58", "59", "60"))
            kind = "read right" if crc_ok and same else "wrong"
            for w in res["warnings"]:
                warned[w.split(":")[0][:60]] += 1
        else:
            kind = "refused (CRC wrong: correct)" if not crc_ok else "refused (CRC correct: false refusal)"
            reasons[res["error"][:110]] += 1
        counts[kind] += 1
        per_repo[c.get("repo", "?")][kind] += 1
    print(f"{len(corpus)} payloads from {len(per_repo)} sources")
    for k in ("read right", "refused (CRC wrong: correct)", "refused (CRC correct: false refusal)", "wrong"):
        print(f"  {k:40} {counts[k]}")
    print("refusal reasons:")
    for why, n in reasons.most_common():
        print(f"  {n:3}  {why}")
    print("warnings on accepted payloads (kinds):")
    for why, n in warned.most_common(12):
        print(f"  {n:3}  {why}")
    print("per source:")
    for repo, k in sorted(per_repo.items()):
        print(f"  {repo:32} " + ", ".join(f"{a}: {b}" for a, b in sorted(k.items())))


if __name__ == "__main__":
    main()
