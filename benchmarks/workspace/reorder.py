#!/usr/bin/env python3
"""Rewrites the generated per-row CSV files into another row order (issue 19).

Usage: reorder.py ORDER SRC_DIR DST_DIR

ORDER is `date` (by each file's date column, then its other key columns: how ERPs export
documents) or `shuffled` (by a hash of the whole row: no order at all, reproducible). The
header and every value's text stay as they are (all columns are read as text); customers.csv
is linked unchanged, since the customer master is one row per customer anyway. Uses DuckDB
when the Python at hand has it (a 1.5 GB file in about a minute on two cores), else the csv
module (slower, and it holds a file in memory).
"""
import csv
import hashlib
import os
import sys

# File -> the date column it is sorted by in `date` order, then tie-breakers.
DATE_KEYS = {
    "transactions.csv": ["order_date", "order_id"],
    "costs.csv": ["period", "customer_id"],
    "interactions.csv": ["date", "customer_id", "kind"],
    "surveys.csv": ["date", "customer_id"],
    "contracts.csv": ["start", "customer_id"],
    "payments.csv": ["invoice_date", "customer_id", "due_date"],
}


def with_duckdb(order, src, dst, keys):
    import duckdb  # noqa: PLC0415 (optional)

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    rel = f"read_csv('{src}', all_varchar = true, header = true)"
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]
    quoted = ", ".join(f'"{c}"' for c in cols)
    if order == "date":
        by = ", ".join(f'"{k}"' for k in keys)
    else:
        by = f"hash({quoted})"
    con.execute(
        f"COPY (SELECT * FROM {rel} ORDER BY {by}) TO '{dst}' (HEADER, DELIMITER ',')"
    )


def with_csv(order, src, dst, keys):
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if order == "date":
        idx = [header.index(k) for k in keys]
        body.sort(key=lambda r: [r[i] for i in idx])
    else:
        body.sort(key=lambda r: hashlib.blake2b("\x1f".join(r).encode(), digest_size=8).digest())
    with open(dst, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(body)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("date", "shuffled"):
        sys.exit(__doc__)
    order, src_dir, dst_dir = sys.argv[1:]
    os.makedirs(dst_dir, exist_ok=True)
    try:
        import duckdb  # noqa: F401, PLC0415

        rewrite = with_duckdb
    except ImportError:
        rewrite = with_csv
    for name in sorted(os.listdir(src_dir)):
        src, dst = os.path.join(src_dir, name), os.path.join(dst_dir, name)
        if os.path.exists(dst) or not name.endswith(".csv"):
            continue
        if name in DATE_KEYS:
            rewrite(order, src, dst + ".tmp", DATE_KEYS[name])
            os.replace(dst + ".tmp", dst)
        else:
            os.link(src, dst)


if __name__ == "__main__":
    main()
