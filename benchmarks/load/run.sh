#!/usr/bin/env bash
# Load test (a benchmark, not CI; issue 18): a served store under 64 connections on loopback
# for a fixed time, mixing list pages, customer 360 pages, CSV exports and plan edits as
# admin, manager and sales users, while an import and an evaluation run.
#
#   benchmarks/load/run.sh [--customers N] [--duration SECONDS] [--connections C] [--dir DIR]
#                          [--config custval.toml] [--no-writers]
#
# Defaults: 1,000,000 customers, 300 s, 64 connections, DIR=~/.cache/custval-bench/load-N.
# The base store (`custval generate --seed 7`, every table imported, evaluated as of
# 2026-06-30) is built once in DIR/base and copied to DIR/work for each run, so runs start
# alike. During the run, 5 s in: `custval evaluate --as-of 2026-07-31` and, 15 s later (while
# it runs), `custval import transactions` of N/100 new order lines dated July 2026.
# Reports per request kind p50/p95/p99 and errors, lost plan writes (acknowledged writes read
# back), the server's RSS every 5 s, and the import's and the evaluation's times and results.
# --no-writers leaves out the import and the evaluation (a baseline of the requests alone).
# CUSTVAL names the binary (default: $CARGO_TARGET_DIR/release/custval, built if missing).
# Needs python3 (standard library only). Traffic goes to 127.0.0.1 only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=1000000
DURATION=300
CONNECTIONS=64
DIR=""
CONFIG=""
WRITERS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) N=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --config) CONFIG=$(realpath "$2"); shift 2 ;;
    --no-writers) WRITERS=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
DIR=${DIR:-$HOME/.cache/custval-bench/load-$N}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/custval-target}
B=${CUSTVAL:-$CARGO_TARGET_DIR/release/custval}
if [ -z "${CUSTVAL:-}" ]; then
  cargo build --release -q -p custval --manifest-path "$ROOT/Cargo.toml"
fi
[ -x "$B" ] || { echo "no custval binary at $B" >&2; exit 1; }
mkdir -p "$DIR/base" "$DIR/work"

timed() { # log name, command... : prints "name seconds peak-MiB" into $DIR/work/steps.txt
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$DIR/work/.time.$name" "$@" > "$DIR/work/$name.json"
  read -r secs kb < "$DIR/work/.time.$name"
  printf '%-28s %8.1f s %7d MiB\n' "$name" "$secs" $((kb / 1024)) | tee -a "$DIR/work/steps.txt"
}

# 1. The base store, built once.
if [ ! -f "$DIR/base/.built" ]; then
  cd "$DIR/base"
  rm -f custval.db* custval.key custval.toml
  echo "building the base store: $N customers ($(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))"
  [ -f data/transactions.csv ] || "$B" -q generate --customers "$N" --seed 7 --output data >/dev/null
  /usr/bin/time -f "init %e s" "$B" -q init
  [ -z "$CONFIG" ] || cp "$CONFIG" custval.toml
  for t in customers transactions costs interactions surveys contracts payments; do
    /usr/bin/time -f "import $t %e s %M KiB" "$B" -q import "$t" "data/$t.csv" --format json >/dev/null
  done
  /usr/bin/time -f "evaluate %e s %M KiB" "$B" -q evaluate --as-of 2026-06-30 --format json >/dev/null
  # New order lines for the import during the load: N/100 lines for N/200 customers, July 2026.
  python3 - "$N" <<'EOF'
import csv, random, sys
n = int(sys.argv[1])
rng = random.Random(18)
custs = rng.sample(range(1, n + 1), max(1, n // 200))
with open("data/new_orders.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["order_id", "customer_id", "order_date", "amount", "cost", "category", "quantity", "channel"])
    for k in range(max(2, n // 100)):
        c = custs[k % len(custs)]
        amount = round(rng.uniform(200, 20000), 2)
        w.writerow([f"LOAD-{k:07d}", f"C{c:07d}", f"2026-07-{rng.randint(1, 28):02d}", amount,
                    round(amount * 0.6, 2), "技术服务", 1, "direct"])
EOF
  touch .built
  cd - >/dev/null
fi

# 2. A fresh working copy, users and tokens.
W="$DIR/work"
rm -f "$W"/custval.db* "$W"/*.json "$W"/steps.txt "$W"/rss.txt
cp "$DIR/base/custval.db" "$DIR/base/custval.toml" "$W/"
[ -f "$DIR/base/custval.key" ] && cp -p "$DIR/base/custval.key" "$W/"
cd "$W"
DB="$W/custval.db"
OWNERS=$(python3 -c "
import csv, collections
c = collections.Counter(r['owner'] for r in csv.DictReader(open('$DIR/base/data/customers.csv')))
print(','.join(o for o, _ in c.most_common()))")
SALES_OWNER=${OWNERS%%,*}
PASSWORD="load-test-password-$$"
for u in "loadadmin --role admin" "loadmanager --role manager" "loadsales --role sales --owner-id $SALES_OWNER"; do
  # shellcheck disable=SC2086
  "$B" --db "$DB" -q user add $u --password-stdin <<<"$PASSWORD" >/dev/null
done

"$B" --db "$DB" -q serve --listen 127.0.0.1:0 >serve.out 2>serve.log &
SERVER=$!
BG=()
cleanup() {
  for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
  kill -TERM "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 1200); do [ -s serve.out ] && break; sleep 0.1; done
URL=$(head -n1 serve.out); URL=${URL%/}
[ -n "$URL" ] || { echo "the server did not start: $(cat serve.log)" >&2; exit 1; }

# Sessions (the login form's double-submit token), tokens, and which customers each user
# reads and writes: the sales user its own book, the others anyone.
python3 - "$URL" "$PASSWORD" "$OWNERS" "$SALES_OWNER" "$B" "$DB" <<'EOF' > users.json
import csv, http.client, json, re, subprocess, sys, urllib.parse, random
url, password, owners, sales_owner, binary, db = sys.argv[1:]
u = urllib.parse.urlsplit(url)
def login(name):
    c = http.client.HTTPConnection(u.hostname, u.port)
    c.request("GET", "/login")
    r = c.getresponse(); body = r.read().decode()
    cookies = [h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie"]
    token = re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)
    form = urllib.parse.urlencode({"user": name, "password": password, "token": token})
    c.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded",
                                        "Cookie": "; ".join(cookies)})
    r = c.getresponse(); r.read()
    for k, h in r.getheaders():
        if k.lower() == "set-cookie" and h.startswith("custval_session="):
            return h.split(";")[0].split("=", 1)[1]
    sys.exit(f"login of {name} failed: {r.status}")
def token(name):
    out = subprocess.run([binary, "--db", db, "-q", "token", "create", "--user", name],
                         check=True, capture_output=True, text=True).stdout.split()
    return next(w for w in out if len(w) >= 32)
rng = random.Random(7)
rows = [(r["customer_id"], r["owner"]) for r in csv.DictReader(open("../base/data/customers.csv"))]
own = [c for c, o in rows if o == sales_owner]
anyone = rng.sample([c for c, _ in rows], min(20000, len(rows)))
users = []
for name, role in [("loadadmin", "admin"), ("loadmanager", "manager"), ("loadsales", "sales")]:
    read = own if role == "sales" else anyone
    write = rng.sample(own, min(300, len(own))) if role == "sales" else rng.sample(anyone, 600)
    users.append({"name": name, "role": role, "session": login(name), "token": token(name),
                  "read_ids": read, "write_ids": write})
print(json.dumps({"users": users, "owners": owners.split(",")[:20]}))
EOF

# The first dashboard computes the run's aggregates; wait for it before measuring.
python3 -c "
import http.client, json, sys, urllib.parse
u = urllib.parse.urlsplit('$URL'); s = json.load(open('users.json'))['users'][0]['session']
c = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
c.request('GET', '/', headers={'Cookie': 'custval_session=' + s}); r = c.getresponse(); r.read()
print('dashboard ready:', r.status)"

# 3. RSS samples every 5 s.
( while kill -0 "$SERVER" 2>/dev/null; do
    echo "$(date +%s) $(awk '/VmRSS/ {print $2}' /proc/$SERVER/status 2>/dev/null)" >> rss.txt
    sleep 5
  done ) &
BG+=($!)

echo "load: $CONNECTIONS connections for $DURATION s on $URL, $N customers, store $(du -h "$DB" | cut -f1), $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
/usr/bin/time -f "%U %S" -o driver.cpu python3 "$ROOT/benchmarks/load/drive.py" --url "$URL" \
  --users users.json --duration "$DURATION" --connections "$CONNECTIONS" --out result.json > drive.out &
DRIVER=$!
BG+=($DRIVER)
if [ "$WRITERS" = 1 ]; then
  sleep 5
  ( timed evaluate "$B" --db "$DB" -q evaluate --as-of 2026-07-31 --format json ) &
  EVAL=$!
  sleep 15
  ( timed import "$B" --db "$DB" -q import transactions "$DIR/base/data/new_orders.csv" --format json ) &
  IMPORT=$!
  wait "$EVAL" || echo "evaluate FAILED" | tee -a steps.txt
  wait "$IMPORT" || echo "import FAILED" | tee -a steps.txt
fi
wait "$DRIVER"
END=$(date +%s)

# 4. Results.
echo "--- concurrent commands (wall time, peak RSS)"; cat steps.txt 2>/dev/null || echo none
echo "load driver CPU: $(awk '{print $1 + $2}' driver.cpu) s"
python3 - "$START" "$END" <<'EOF'
import json, sys
start, end = int(sys.argv[1]), int(sys.argv[2])
r = json.load(open("result.json"))
print(f"--- {r['requests']} requests in {r['seconds']} s, {r['errors']} errors, "
      f"plan writes: {r['plan_writes_acknowledged_customers']} customers read back, "
      f"{r['plan_writes_lost']} lost")
print(f"{'kind':<14}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>7}")
for k, v in r["kinds"].items():
    print(f"{k:<14}{v['requests']:>9}{v['per_second']:>8}{v['p50_ms'] or '-':>9}{v['p95_ms'] or '-':>9}"
          f"{v['p99_ms'] or '-':>9}{v['max_ms'] or '-':>9}{v['errors']:>7}")
a = r["all"]
print(f"{'all':<14}{r['requests']:>9}{'':>8}{a['p50_ms']:>9}{a['p95_ms']:>9}{a['p99_ms']:>9}")
for f in r["failures"][:10]:
    print("failure:", f)
samples = [l.split() for l in open("rss.txt") if len(l.split()) == 2]
during = [(int(t) - start, int(kb) // 1024) for t, kb in samples if start <= int(t) <= end]
if during:
    mib = [m for _, m in during]
    print(f"--- server RSS during the load (MiB): first {mib[0]}, min {min(mib)}, max {max(mib)}, last {mib[-1]}")
    print("every 30 s:", ", ".join(f"{t}s {m}" for t, m in during[::6]))
EOF
for f in $([ "$WRITERS" = 1 ] && echo evaluate import); do
  python3 -c "
import json; j = json.load(open('$f.json'))
p = j.get('provisional')
print('$f:', {k: j[k] for k in ('run', 'customers', 'accepted', 'duplicates') if k in j},
      'provisional:', None if p is None else {k: p.get(k) for k in ('based_on_run', 'customers', 'seconds', 'skipped')})" || true
done
LATEST=$("$B" --db "$DB" -q runs --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); r=r.get("runs", r) if isinstance(r, dict) else r; print(max(r, key=lambda x: (x["as_of"], x["run"] if "run" in x else x["id"])))')
echo "latest run: $LATEST"
