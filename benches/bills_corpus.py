#!/usr/bin/env python3
"""Measures `payqr reconcile` on a directory of public WeChat Pay / Alipay
bills (not committed; see /work/shared/corpus/bills/SOURCES.md).

Usage: benches/bills_corpus.py CORPUS_DIR [PAYQR_BINARY]

Ground truth is each bill's own summary, read here independently of payqr:
WeChat Pay: net paid = 订单总金额 - 申请退款总金额 (older layout: 总交易额 -
总退款金额), fees = 手续费总金额; Alipay: net = 商家实收共 + 商家实收退款共
(the refund total is written negative). A file is

  read right   payqr accepts it and its signed totals (sum of paid_minor and
               fee_minor over every status) equal the bill's own
  refused      payqr refuses it; the reason is printed
  wrong        payqr accepts it but its totals differ from the bill's
"""
import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def text_of(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    return None


def own_totals(text):
    """(net paid, fees or None) in fen, from the bill's own summary lines."""
    if "#交易合计" in text:
        t = re.search(r"#交易合计：\d+笔，商家实收共(-?[\d.]+)元", text)
        r = re.search(r"#退款合计：\d+笔，商家实收(?:退款)?共(-?[\d.]+)元", text)
        return (Decimal(t.group(1)) + Decimal(r.group(1))) * 100, None
    lines = [l for l in text.splitlines() if l.strip()]
    names = next(i for i, l in enumerate(lines) if l.lstrip("\ufeff`").startswith("总交易单数"))
    head = [c.strip().lstrip("`") for c in next(csv.reader([lines[names]]))]
    vals = [c.strip().lstrip("`") for c in next(csv.reader([lines[names + 1]]))]
    s = dict(zip(head, vals))
    if "订单总金额" in s:
        net = Decimal(s["订单总金额"]) - Decimal(s.get("申请退款总金额", "0"))
    elif "总交易额" in s:
        net = Decimal(s["总交易额"]) - Decimal(s.get("总退款金额", "0"))
    else:
        net = Decimal(s["应结订单总金额"]) - Decimal(s.get("退款总金额", "0"))
    return net * 100, Decimal(s["手续费总金额"]) * 100


def main():
    corpus = sys.argv[1]
    binary = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target/debug/payqr"))
    d = tempfile.mkdtemp()
    key = os.path.join(ROOT, "fixtures/test-issuer.key")
    subprocess.run(["cp", key, d], check=True)
    os.chmod(os.path.join(d, "test-issuer.key"), 0o600)
    subprocess.run([binary, "issue", "--key", "test-issuer.key", "--amount", "1", "--currency", "CNY",
                    "--payee", "X", "--ref", "corpus", "--expires-in", "1h", "--ledger", "ledger.jsonl"],
                   cwd=d, check=True, capture_output=True)
    counts = {"read right": 0, "refused": 0, "wrong": 0}
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".md"):
            continue
        path = os.path.join(corpus, name)
        r = subprocess.run([binary, "reconcile", "--ledger", "ledger.jsonl", "--settlement", path,
                            "--tz", "+08:00", "--json", "--fail-on", "repeated"],
                           cwd=d, capture_output=True, text=True)
        if r.returncode == 2:
            counts["refused"] += 1
            why = " / ".join(r.stderr.strip().splitlines()[:2]) or "?"
            print(f"refused     {name}: {why.replace(path, '')[:150]}")
            continue
        totals = json.loads(r.stdout.splitlines()[-1])["summary"]["totals"]
        paid = sum(t["paid_minor"] for t in totals)
        fee = sum(t["fee_minor"] for t in totals)
        want_paid, want_fee = own_totals(text_of(path))
        ok = paid == want_paid and (want_fee is None or fee == want_fee)
        kind = "read right" if ok else "wrong"
        counts[kind] += 1
        print(f"{kind:11} {name}: net paid {paid} fen (bill: {want_paid}), fees {fee} (bill: {want_fee})")
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
