#!/usr/bin/env bash
# Provisional-update benchmark (issue 9 item 4): import N new order lines (default 10,000) for
# random existing customers into an evaluated store, and time the import and the provisional
# update it runs. Usage: benchmarks/provisional/run.sh STORE_DIR [N] [BINARY]
# STORE_DIR holds custval.db (with at least one evaluation run) and data/customers.csv (or
# pass the customers file as CUSTOMERS=...). The store is modified: use a copy.
set -euo pipefail
DIR=$1
N=${2:-10000}
B=${3:-custval}
CUSTOMERS=${CUSTOMERS:-$DIR/data/customers.csv}
# SEED picks the customers and names the orders: another seed is another, new file.
SEED=${SEED:-9}
cd "$DIR"
# Orders dated after the run, 1 to 3 lines each, for N/2 distinct customers picked by seed.
python3 - "$CUSTOMERS" "$N" "$SEED" > new_orders.csv <<'PY'
import random, sys
path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, encoding="utf-8-sig") as f:
    next(f)
    ids = [line.split(",", 1)[0] for line in f]
rng = random.Random(seed)
picked = rng.sample(ids, max(1, n // 2))
print("order_id,customer_id,order_date,amount,cost,category")
for k in range(n):
    c = picked[k % len(picked)]
    day = 1 + rng.randrange(10)
    amount = round(rng.lognormvariate(7, 1), 2)
    print(f"P{seed}-{k:07d},{c},2026-07-{day:02d},{amount},{round(amount * 0.6, 2)},技术服务")
PY
echo "provisional benchmark: $N new order lines, $(python3 -c "print(len(set(l.split(',')[1] for l in open('new_orders.csv').readlines()[1:])))") customers, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F' '%H:%M) UTC, $(nproc) cores"
/usr/bin/time -f "%e %M %U %S" -o .time "$B" -q import transactions new_orders.csv --format json > import.json
read -r secs kb user sys < .time
python3 - "$secs" "$kb" <<'PY'
import json, sys
j = json.load(open("import.json"))
p = j.get("provisional") or {}
print(f"import + update        {float(sys.argv[1]):8.2f} s {int(sys.argv[2]) // 1024:8d} MiB peak")
print(f"  import (rows stored) {j['seconds'] - p.get('seconds', 0):8.2f} s")
print(f"  provisional update   {p.get('seconds', float('nan')):8.2f} s  "
      f"({p.get('customers')} customers as of {p.get('as_of')}, run {p.get('based_on_run')}, "
      f"{p.get('tier_changes')} tier changes, {p.get('alerts')} alerts)")
PY
