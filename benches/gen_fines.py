"""Seeded fines for the batch benches (benches/batch.sh, benches/compare.sh):
reference, amount, validity and a description with a Chinese plate, so the
payloads are QR version 9 at level M as real fines would be.

Usage: gen_fines.py ROWS FILE"""
import random
import sys

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
