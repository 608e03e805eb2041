#!/usr/bin/env python3
"""Seeded data for benches/reconcile.sh: a ledger of N issued codes and a
generic settlement CSV of N rows with ~1% each of unknown, amount mismatch
(overpaid), duplicate and late rows, and 2% of codes left unpaid.

Usage: gen_reconcile.py OUT_DIR [N] [SEED]
Writes OUT_DIR/ledger.jsonl and OUT_DIR/settlement.csv. Times: codes are
issued from 2026-11-23T00:00:00Z, one every 0.05 s, valid 4 h; payments are
written in +08:00 local time without an offset (run with --tz +08:00)."""
import hashlib
import zlib
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

out, n, seed = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000, \
    int(sys.argv[3]) if len(sys.argv) > 3 else 6
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)
T0 = datetime(2026, 11, 23, tzinfo=timezone.utc)
CST = timezone(timedelta(hours=8))
AMOUNTS = [5000, 10000, 15000, 20000, 50000, 200000]

ids = set()
codes = []  # (id, amount_minor, issued_at, expires_at)
while len(codes) < n:
    cid = "%016x" % rng.getrandbits(64)
    if cid in ids:
        continue
    ids.add(cid)
    issued = T0 + timedelta(seconds=len(codes) * 0.05)
    issued = issued.replace(microsecond=0)
    codes.append((cid, rng.choice(AMOUNTS), issued, issued + timedelta(hours=4)))

utc = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
# Ledger lines in the format of docs/FORMAT.md section 4: each line ends in
# "prev" (first 16 bytes of SHA-256 of the previous line) and "crc" (CRC-32
# of the line before the crc field).
with open(os.path.join(out, "ledger.jsonl"), "w") as f:
    prev = "0" * 32
    for seq, (cid, amount, issued, expires) in enumerate(codes, 1):
        body = json.dumps({
            "seq": seq, "time": utc(issued), "event": "issued", "issuer": "bj-traffic",
            "code_id": cid, "key_id": "5f3c9a1e", "kind": "fine", "amount": amount,
            "currency": "CNY", "payee": "BJ-FINES", "reference": "BJ%010d" % seq,
            "issued_at": utc(issued), "expires_at": utc(expires),
            "payload_sha256": hashlib.sha256(cid.encode()).hexdigest(),
        }, separators=(",", ":"), ensure_ascii=False)
        head = body[:-1] + ',"prev":"%s"' % prev
        line = head + ',"crc":"%08x"}' % (zlib.crc32(head.encode()) & 0xFFFFFFFF)
        prev = hashlib.sha256(line.encode()).hexdigest()[:32]
        f.write(line + "\n")

# Which codes get which treatment: 2% unpaid, 1% late, 1% amount mismatch,
# 1% paid twice (duplicate); unknown rows make up the rest of the N rows.
order = list(range(n))
rng.shuffle(order)
k = n // 100
unpaid = set(order[:2 * k])
late = set(order[2 * k:3 * k])
mismatch = set(order[3 * k:4 * k])
twice = set(order[4 * k:5 * k])
rows = []
for i, (cid, amount, issued, expires) in enumerate(codes):
    if i in unpaid:
        continue
    paid = issued + timedelta(seconds=rng.randint(60, 3 * 3600))
    if i in late:
        paid = expires + timedelta(seconds=rng.randint(1, 7200))
    paid_minor = amount + 100 if i in mismatch else amount
    rows.append((paid, cid, paid_minor))
    if i in twice:
        rows.append((paid + timedelta(seconds=rng.randint(1, 600)), cid, amount))
while len(rows) < n:
    cid = "%016x" % rng.getrandbits(64)
    if cid in ids:
        continue
    rows.append((T0 + timedelta(seconds=rng.randint(0, 86400)), cid, rng.choice(AMOUNTS)))
rows.sort(key=lambda r: r[0])
with open(os.path.join(out, "settlement.csv"), "w") as f:
    f.write("transaction_id,out_trade_no,total_fee,fee_type,time_end\n")
    for j, (paid, cid, minor) in enumerate(rows, 1):
        local = paid.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S")
        f.write("42%018d,%s,%d.%02d,CNY,%s\n" % (j, cid, minor // 100, minor % 100, local))
