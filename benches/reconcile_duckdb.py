#!/usr/bin/env python3
"""The classification benches/reconcile.sh asks payqr for, in DuckDB SQL,
over the same two files. Prints "status count" lines, sorted.

Usage: reconcile_duckdb.py LEDGER.jsonl SETTLEMENT.csv AT_UTC TZ_HOURS

It follows payqr's rules (src/reconcile/) for what the bench data holds:
a transaction id listed again is `repeated`; a code id not in the ledger is
`unknown`; per code, rows add up in file order: a row after the amount was
reached is a `duplicate`, going past it is an `amount_mismatch` (so is
never reaching it), reaching it exactly is `late` when paid after expiry,
else `matched`; codes without a row are `unpaid_expired` / `unpaid_open`.
Refunds and ledger redemptions are not in the bench data, so not here.

With DUCKDB_SQL_TIMES=FILE it writes "<wall s> <CPU s>" of the query
alone to FILE: from just before the SQL is sent to just after the last row
is fetched (reading both files is part of the query), without Python's
start-up, `import duckdb` or connecting, which the bench's process timing
includes. CPU is the process's (all DuckDB threads)."""
import os
import sys
import time

import duckdb

ledger, settlement, at, tz_hours = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
wall0, cpu0 = time.perf_counter(), time.process_time()
rows = con.execute(f"""
WITH ledger AS (
  SELECT code_id, amount, currency, CAST(expires_at AS TIMESTAMP) AS expires_at
  FROM read_json('{ledger}', format = 'newline_delimited',
       columns = {{event: 'VARCHAR', code_id: 'VARCHAR', amount: 'BIGINT',
                   currency: 'VARCHAR', expires_at: 'VARCHAR'}})
  WHERE event = 'issued'
),
s AS (
  SELECT row_number() OVER () AS line, transaction_id AS txn, lower(trim(out_trade_no)) AS code,
         CAST(round(total_fee * 100) AS BIGINT) AS paid, fee_type AS cur,
         time_end - INTERVAL {tz_hours} HOUR AS paid_utc
  FROM read_csv('{settlement}', header = true,
       columns = {{transaction_id: 'VARCHAR', out_trade_no: 'VARCHAR',
                   total_fee: 'DECIMAL(18,2)', fee_type: 'VARCHAR', time_end: 'TIMESTAMP'}})
),
first_txn AS (
  SELECT *, row_number() OVER (PARTITION BY txn ORDER BY line) AS txn_rn FROM s
),
j AS (
  SELECT f.*, l.amount AS expected, l.currency AS lcur, l.expires_at,
         sum(CASE WHEN f.txn_rn = 1 AND f.cur = l.currency THEN f.paid END)
           OVER (PARTITION BY f.code, f.txn_rn = 1 AND l.code_id IS NOT NULL
                 ORDER BY f.line ROWS UNBOUNDED PRECEDING) AS cum
  FROM first_txn f LEFT JOIN ledger l ON f.code = l.code_id
),
c AS (
  SELECT *, CASE
    WHEN txn_rn > 1 THEN 'repeated'
    WHEN expected IS NULL THEN 'unknown'
    WHEN cur <> lcur THEN 'currency_mismatch'
    WHEN cum - paid >= expected THEN 'duplicate'
    WHEN cum > expected THEN 'amount_mismatch'
    WHEN cum = expected AND paid_utc > expires_at THEN 'late'
    WHEN cum = expected THEN 'matched'
    END AS status
  FROM j
),
-- Parts before the row that reached (or passed) the amount take its status;
-- parts that never reach it are amount mismatches.
completion AS (
  SELECT code, min(line) AS line FROM c
  WHERE status IN ('matched', 'late', 'amount_mismatch') AND cum >= expected GROUP BY code
),
final AS (
  SELECT coalesce(c.status, done.status, 'amount_mismatch') AS status
  FROM c
  LEFT JOIN completion k ON c.status IS NULL AND k.code = c.code
  LEFT JOIN c AS done ON done.line = k.line
  UNION ALL
  SELECT CASE WHEN l.expires_at < CAST('{at}' AS TIMESTAMP) THEN 'unpaid_expired'
              ELSE 'unpaid_open' END
  FROM ledger l ANTI JOIN (SELECT code FROM first_txn WHERE txn_rn = 1) p ON p.code = l.code_id
)
SELECT status, count(*) FROM final GROUP BY status ORDER BY status
""").fetchall()
wall1, cpu1 = time.perf_counter(), time.process_time()
if os.environ.get("DUCKDB_SQL_TIMES"):
    with open(os.environ["DUCKDB_SQL_TIMES"], "w") as f:
        f.write(f"{wall1 - wall0:.3f} {cpu1 - cpu0:.3f}\n")
for status, n in rows:
    print(status, n)
