"""The judgement benchmark's driver (see run.sh): builds each base, runs custval on it, and
prints the figures. Standard library only."""
import argparse
import collections
import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--custval", required=True)
ap.add_argument("--work", required=True)
ap.add_argument("--root", required=True)
ap.add_argument("--customers", type=int, default=5000)
ap.add_argument("--only", default="", help="run only the bases whose name contains this text")
args = ap.parse_args()


def run(db_dir, *cmd, check=True):
    p = subprocess.run([args.custval, "-q", *cmd], cwd=db_dir, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise SystemExit(f"custval {' '.join(cmd)} failed in {db_dir}: {p.stderr.strip()}")
    return p


def js(db_dir, *cmd):
    return json.loads(run(db_dir, *cmd, "--format", "json").stdout)


def day(s):
    return dt.date.fromisoformat(s[:10])


def history(tx_file, cust_col, date_col, as_of):
    """Per customer: distinct purchase days up to as_of."""
    days = collections.defaultdict(set)
    with open(tx_file, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            d = day(row[date_col])
            if d <= as_of:
                days[row[cust_col]].add(d)
    return days


def alerts(db_dir):
    p = run(db_dir, "alerts", "--all", "--format", "json", check=False)
    if p.returncode != 0:  # before `--all` existed every alert was printed
        p = run(db_dir, "alerts", "--format", "json")
    return json.loads(p.stdout)


def judge(name, db_dir, tx_file, cust_col, date_col, as_of, bt_as_of, bt_horizon):
    as_of = day(as_of)
    rows = js(db_dir, "customers", "list", "--limit", "100000000")
    n = len(rows)
    hist = history(tx_file, cust_col, date_col, as_of)
    life = collections.Counter(r["lifecycle"] for r in rows)
    one_time_gone = [r for r in rows
                     if len(hist.get(r["customer_id"], ())) == 1
                     and (as_of - max(hist[r["customer_id"]])).days > 365]
    certain = [r for r in one_time_gone if (r.get("p_alive") or 0) >= 0.99]
    # P(alive) is not shown where the run's model found no drop-out (issue 17).
    unshown = [r for r in one_time_gone if r.get("p_alive") is None]
    idle_active = [r for r in rows
                   if r["lifecycle"] in ("new", "growing", "loyal")
                   and (not hist.get(r["customer_id"])
                        or (as_of - max(hist[r["customer_id"]])).days > 365)]
    al = alerts(db_dir)
    crit = [a for a in al if a.get("severity") == "critical"]
    alerted = {a["customer_id"] for a in al}
    neg_a = [r for r in rows if r["tier"] == "A" and r["value_class"] == "negative_value"]
    loss_a = [r for r in rows if r["tier"] == "A" and (r.get("clv") or 0) < 0]
    bt = js(db_dir, "backtest", "--as-of", bt_as_of, "--horizon", str(bt_horizon))
    gini = {m: bt["methods"].get(m, {}).get("gini") for m in ("score", "rfm", "clv")}
    lifedist = " ".join(f"{k} {100 * v / n:.0f}%" for k, v in sorted(life.items(), key=lambda kv: -kv[1]))
    share = 100 * len(certain) / len(one_time_gone) if one_time_gone else float("nan")
    g = " / ".join("-" if v is None else f"{v:.3f}" for v in gini.values())
    print(f"\n## {name}: {n} customers, as of {as_of}")
    print(f"lifecycle:                       {lifedist}")
    print(f"one-time buyers gone > 1 year:   {len(one_time_gone)}, with P(alive) >= 0.99: {len(certain)} ({share:.1f} %); P(alive) not shown: {len(unshown)}")
    print(f"no order in 12 months but new/growing/loyal: {len(idle_active)}")
    print(f"alerts per 100 customers:        {100 * len(al) / n:.1f} ({len(al)} alerts, {len(alerted)} customers); critical {100 * len(crit) / n:.1f}")
    print(f"tier A negative-value / CLV < 0: {len(neg_a)} / {len(loss_a)}")
    print(f"backtest Gini score / RFM / CLV: {g}  (as of {bt_as_of}, {bt_horizon} days)")
    sys.stdout.flush()


def fresh(name):
    d = os.path.join(args.work, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    run(d, "init")
    return d


def wanted(name):
    return args.only.lower() in name.lower()


# --- CDNOW (real) ------------------------------------------------------------------------
cdnow = os.path.join(args.root, "testdata", "cdnow_transactions.csv")
if wanted("CDNOW (real)"):
    d = fresh("cdnow")
    run(d, "import", "transactions", cdnow, "--map", "order_date=date", "--no-update")
    run(d, "evaluate", "--as-of", "1998-03-31")
    run(d, "evaluate", "--as-of", "1998-06-30")
    judge("CDNOW (real)", d, cdnow, "customer_id", "date", "1998-06-30", "1997-09-30", 273)

# --- UCI Online Retail (real, invoice level; see testdata/README.md) -------------------------
retail = os.path.join(args.root, "testdata", "online_retail_invoices.csv")
if wanted("Online Retail (real)"):
    d = fresh("online-retail")
    run(d, "import", "customers", os.path.join(args.root, "testdata", "online_retail_customers.csv"))
    run(d, "import", "transactions", retail, "--no-update")
    run(d, "evaluate", "--as-of", "2011-09-30")
    run(d, "evaluate", "--as-of", "2011-12-09")
    judge("Online Retail (real)", d, retail, "customer_id", "order_date", "2011-12-09", "2011-06-30", 162)


# --- generated companies --------------------------------------------------------------------
def generate(seed, customers):
    g = os.path.join(args.work, f"gen-{seed}-{customers}")
    if not os.path.exists(os.path.join(g, "transactions.csv")):
        run(args.work, "generate", "--customers", str(customers), "--seed", str(seed), "--output", g)
    with open(os.path.join(g, "transactions.csv"), newline="", encoding="utf-8-sig") as f:
        end = max(day(r["order_date"]) for r in csv.DictReader(f))
    return g, end


def rewrite(src, dst, keep):
    with open(src, newline="", encoding="utf-8-sig") as f, open(dst, "w", newline="", encoding="utf-8") as o:
        r = csv.DictReader(f)
        w = csv.DictWriter(o, fieldnames=r.fieldnames)
        w.writeheader()
        for row in r:
            row = keep(row)
            if row is not None:
                w.writerow(row)


TABLES = ["customers", "transactions", "costs", "interactions", "surveys", "contracts", "payments"]


def company(name, seed, customers, skip=(), edit=None):
    g, end = generate(seed, customers)
    d = fresh(name)
    files = {t: os.path.join(g, f"{t}.csv") for t in TABLES}
    if edit:
        files = edit(g, d, files)
    for t in TABLES:
        if t not in skip:
            run(d, "import", t, files[t], "--no-update")
    run(d, "evaluate", "--from", str(end - dt.timedelta(days=364)), "--to", str(end), "--every", "quarter")
    judge(name, d, files["transactions"], "customer_id", "order_date", str(end),
          str(end - dt.timedelta(days=365)), 364)


def one_time_only(g, d, files):
    first = {}
    with open(files["transactions"], newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            k, v = row["customer_id"], row["order_date"]
            first[k] = min(first.get(k, v), v)
    out = os.path.join(d, "transactions.csv")
    rewrite(files["transactions"], out, lambda r: r if first[r["customer_id"]] == r["order_date"] else None)
    return {**files, "transactions": out}


def five_customers(g, d, files):
    ids = set()
    with open(files["customers"], newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if len(ids) < 5:
                ids.add(row["customer_id"])
    out = dict(files)
    for t in TABLES:
        out[t] = os.path.join(d, f"{t}.csv")
        rewrite(files[t], out[t], lambda r: r if r["customer_id"] in ids else None)
    return out


def spend_by_customer(path):
    s = collections.Counter()
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            s[row["customer_id"]] += float(row["amount"])
    return s


def largest_loses(g, d, files):
    top, spend = spend_by_customer(files["transactions"]).most_common(1)[0]
    out = os.path.join(d, "costs.csv")
    # Sales cost of twice its revenue, spread over the months it already has cost rows for.
    rows = []
    with open(files["costs"], newline="", encoding="utf-8-sig") as f:
        r = csv.DictReader(f)
        fields = r.fieldnames
        rows = list(r)
    mine = [row for row in rows if row["customer_id"] == top]
    for row in mine:
        row["sales_cost"] = f"{2 * spend / max(len(mine), 1):.2f}"
    with open(out, "w", newline="", encoding="utf-8") as o:
        w = csv.DictWriter(o, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    print(f"(largest customer {top}: sales cost set to twice its revenue {spend:,.0f})")
    return {**files, "costs": out}


def refunds_only(g, d, files):
    out = os.path.join(d, "transactions.csv")
    def flip(r):
        if r["customer_id"].endswith("7"):
            r["amount"] = str(-abs(float(r["amount"])))
        return r
    rewrite(files["transactions"], out, flip)
    return {**files, "transactions": out}


n = args.customers
for name, kw in [
    (f"generated seed 1 ({n})", dict(seed=1, customers=n)),
    (f"generated seed 2 ({n})", dict(seed=2, customers=n)),
    ("generated, no cost data", dict(seed=1, customers=n, skip=("costs",))),
    ("generated, one-time buyers only", dict(seed=1, customers=n, edit=one_time_only)),
    ("generated, 5 customers", dict(seed=1, customers=n, edit=five_customers)),
    ("generated, largest customer loses money", dict(seed=1, customers=n, edit=largest_loses)),
    ("generated, refunds only for ids ending in 7", dict(seed=1, customers=n, edit=refunds_only)),
]:
    if not wanted(name):
        continue
    try:
        company(name, **kw)
    except SystemExit as e:  # one base failing says so and the others still run
        print(f"\n## {name}: FAILED: {e}")
