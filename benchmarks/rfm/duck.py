"""DuckDB half of the custval rfm benchmark (driven by run.sh).

Subcommands:
  synth   --customers N --output DIR   fallback generator, only when no custval binary exists
  convert CSV PARQUET                  CSV -> Parquet (DuckDB COPY ... (FORMAT parquet))
  reorder CSV OUT --order date|shuffled
                                       the same rows in another order, as CSV: by order date
                                       then order id (an ERP export), or by a hash of the
                                       order id (no order; deterministic)
  info    FILE                         rows, customers, first and last order date (JSON)
  rfm     --input FILE --as-of DATE --output CSV
                                       the same RFM as `custval rfm`, written to CSV; prints
                                       {"seconds": query+write time, "customers": n}
  compare --custval CSV --duckdb CSV   joins on customer_id and counts score differences (JSON)
  report  RESULTS.tsv                  prints the summary table

The RFM definition mirrors `custval rfm --bins 5`: rows dated after the as-of date are ignored;
recency_days = as_of - last order date, frequency = count(*), monetary = sum(amount); breaks are
quantile_cont(x, [0.2, 0.4, 0.6, 0.8]) over customers (type 7); a score is 1 + the number of
breaks the value exceeds, recency 5 - that number; rfm_score = 100 R + 10 F + M. The result is
sorted by customer_id, as custval's is, and written with a header to CSV.
"""

import argparse
import json
import sys
import time

import duckdb


def source(path):
    p = path.replace("'", "''")
    if path.endswith(".parquet"):
        return f"read_parquet('{p}')"
    # customer_id as text, as custval reads it (ids such as 000123 keep their zeros).
    return f"read_csv('{p}', header=true, types={{'customer_id': 'VARCHAR'}})"


def rfm_sql(path, as_of):
    d = f"DATE '{as_of}'"

    def score(col, breaks):
        return " + ".join(f"({col} > {breaks}[{i}])::INTEGER" for i in range(1, 5))

    return f"""
    WITH t AS (
        SELECT CAST(customer_id AS VARCHAR) AS customer_id, CAST(order_date AS DATE) AS order_date,
               CAST(amount AS DOUBLE) AS amount
        FROM {source(path)}
    ),
    agg AS (
        SELECT customer_id, {d} - max(order_date) AS recency_days, count(*) AS frequency,
               sum(amount) AS monetary
        FROM t WHERE order_date <= {d} GROUP BY customer_id
    ),
    q AS (
        SELECT quantile_cont(recency_days, [0.2, 0.4, 0.6, 0.8]) AS rb,
               quantile_cont(frequency, [0.2, 0.4, 0.6, 0.8]) AS fb,
               quantile_cont(monetary, [0.2, 0.4, 0.6, 0.8]) AS mb
        FROM agg
    ),
    s AS (
        SELECT customer_id, recency_days, frequency, monetary,
               5 - ({score('recency_days', 'rb')}) AS r_score,
               1 + {score('frequency', 'fb')} AS f_score,
               1 + {score('monetary', 'mb')} AS m_score
        FROM agg, q
    )
    SELECT *, 100 * r_score + 10 * f_score + m_score AS rfm_score FROM s ORDER BY customer_id
    """


def cmd_rfm(a):
    con = duckdb.connect()
    out = a.output.replace("'", "''")
    t0 = time.perf_counter()
    con.execute(f"COPY ({rfm_sql(a.input, a.as_of)}) TO '{out}' (FORMAT csv, HEADER)")
    seconds = time.perf_counter() - t0
    n = con.execute(f"SELECT count(*) FROM read_csv('{out}', header=true)").fetchone()[0]
    print(json.dumps({"seconds": seconds, "customers": n}))


def cmd_convert(a):
    con = duckdb.connect()
    src, dst = a.csv.replace("'", "''"), a.parquet.replace("'", "''")
    con.execute(f"COPY (SELECT * FROM {source(a.csv)}) TO '{dst}' (FORMAT parquet)")
    n = con.execute(f"SELECT count(*) FROM read_parquet('{dst}')").fetchone()[0]
    print(json.dumps({"rows": n, "parquet": a.parquet, "csv": src}))


def cmd_reorder(a):
    con = duckdb.connect()
    dst = a.output.replace("'", "''")
    key = {"date": "CAST(order_date AS DATE), order_id", "shuffled": "hash(order_id), order_id"}[a.order]
    # All columns as text, so that every value is written back exactly as it was read.
    p = a.csv.replace("'", "''")
    con.execute(
        f"COPY (SELECT * FROM read_csv('{p}', header=true, all_varchar=true) "
        f"ORDER BY {key}) TO '{dst}' (FORMAT csv, HEADER)"
    )
    print(json.dumps({"csv": a.output, "order": a.order}))


def cmd_info(a):
    con = duckdb.connect()
    rows, customers, first, last = con.execute(
        f"SELECT count(*), count(DISTINCT customer_id), min(CAST(order_date AS DATE)), "
        f"max(CAST(order_date AS DATE)) FROM {source(a.file)}"
    ).fetchone()
    print(json.dumps({"rows": rows, "customers": customers, "first": str(first), "last": str(last)}))


def cmd_synth(a):
    """~20 orders per customer over two years; only used when custval is not built."""
    import os

    os.makedirs(a.output, exist_ok=True)
    out = os.path.join(a.output, "transactions.csv").replace("'", "''")
    con = duckdb.connect()
    con.execute("SELECT setseed(0.42)")
    con.execute(
        f"""
        COPY (
          WITH c AS (
            SELECT i, 1 + floor(random() * 39)::INTEGER AS n, 0.2 + random() * 3 AS scale
            FROM range({a.customers}) r(i)
          )
          SELECT row_number() OVER () AS order_id,
                 printf('C%07d', i) AS customer_id,
                 DATE '2024-07-01' + floor(random() * 730)::INTEGER AS order_date,
                 round(scale * (20 + random() * 500), 2) AS amount,
                 round(scale * (10 + random() * 300), 2) AS cost,
                 ['office', 'it', 'logistics', 'services'][1 + floor(random() * 4)::INTEGER] AS category
          FROM c, range(n) k(j)
        ) TO '{out}' (FORMAT csv, HEADER)
        """
    )
    n = con.execute(f"SELECT count(*) FROM read_csv('{out}', header=true)").fetchone()[0]
    print(json.dumps({"rows": n, "csv": out}))


def read_scores(con, path, name):
    p = path.replace("'", "''")
    # custval writes a UTF-8 BOM; strip it from the first column name whatever the reader does.
    rel = con.sql(f"SELECT * FROM read_csv('{p}', header=true, all_varchar=true)")
    cols = {c.lstrip("\ufeff"): c for c in rel.columns}
    need = ["customer_id", "r_score", "f_score", "m_score"]
    missing = [c for c in need if c not in cols]
    if missing:
        sys.exit(f"{path}: missing columns {missing} (has {list(cols)})")
    sel = ", ".join(f'"{cols[c]}" AS {c}' for c in need)
    con.execute(f"CREATE TABLE {name} AS SELECT {sel} FROM read_csv('{p}', header=true, all_varchar=true)")


def cmd_compare(a):
    con = duckdb.connect()
    read_scores(con, a.custval, "cv")
    read_scores(con, a.duckdb, "dk")
    r = con.execute(
        """
        SELECT (SELECT count(*) FROM cv), (SELECT count(*) FROM dk), count(*),
               count(*) FILTER (WHERE cv.r_score <> dk.r_score),
               count(*) FILTER (WHERE cv.f_score <> dk.f_score),
               count(*) FILTER (WHERE cv.m_score <> dk.m_score),
               count(*) FILTER (WHERE cv.r_score <> dk.r_score OR cv.f_score <> dk.f_score
                                   OR cv.m_score <> dk.m_score)
        FROM cv JOIN dk USING (customer_id)
        """
    ).fetchone()
    n_cv, n_dk, joined, dr, df, dm, dany = r
    total = max(n_cv, n_dk)
    agree = (joined - dany) / total if total else 1.0
    print(json.dumps({
        "customers_custval": n_cv, "customers_duckdb": n_dk, "joined": joined,
        "diff_r": dr, "diff_f": df, "diff_m": dm, "diff_any": dany, "agree_share": agree,
    }))


def cmd_report(a):
    rows = [line.rstrip("\n").split("\t") for line in open(a.results) if line.strip()]
    head, body = rows[0], rows[1:]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in [head, ["-" * w for w in widths]] + body:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("synth")
    s.add_argument("--customers", type=int, required=True)
    s.add_argument("--output", required=True)
    s = sub.add_parser("convert")
    s.add_argument("csv")
    s.add_argument("parquet")
    s = sub.add_parser("reorder")
    s.add_argument("csv")
    s.add_argument("output")
    s.add_argument("--order", choices=["date", "shuffled"], required=True)
    s = sub.add_parser("info")
    s.add_argument("file")
    s = sub.add_parser("rfm")
    s.add_argument("--input", required=True)
    s.add_argument("--as-of", required=True)
    s.add_argument("--output", required=True)
    s = sub.add_parser("compare")
    s.add_argument("--custval", required=True)
    s.add_argument("--duckdb", required=True)
    s = sub.add_parser("report")
    s.add_argument("results")
    a = p.parse_args()
    {"synth": cmd_synth, "convert": cmd_convert, "reorder": cmd_reorder, "info": cmd_info, "rfm": cmd_rfm,
     "compare": cmd_compare, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()
