#!/usr/bin/env bash
# Web app speed on a large store: starts `custval serve`, logs in, waits for the dashboard
# cache, then drives the dashboard, list and customer pages with wrk (32 connections, 10 s
# each by default) and prints requests/s and p99 latency per page.
#
#   benchmarks/web/run.sh [SOURCE_DB]
#
# SOURCE_DB defaults to the 1M-customer workspace of benchmarks/workspace
# (~/.cache/custval-bench/workspace-1000000/custval.db). It is never modified: it is copied
# to $WORK (default /tmp/custval-web-bench) once, because opening it with a newer custval
# applies the store's migrations. Set CUSTVAL to the binary (default: target/release/custval,
# or $CARGO_TARGET_DIR/release/custval), DURATION and CONNECTIONS to change the load.
# Needs wrk (apt-get install wrk) and curl. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."

SRC="${1:-$HOME/.cache/custval-bench/workspace-1000000/custval.db}"
WORK="${WORK:-/tmp/custval-web-bench}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
BIN="${CUSTVAL:-}"
if [ -z "$BIN" ]; then
  if [ -n "${CARGO_TARGET_DIR:-}" ] && [ -x "$CARGO_TARGET_DIR/release/custval" ]; then
    BIN="$CARGO_TARGET_DIR/release/custval"
  else
    BIN="target/release/custval"
  fi
fi
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no custval binary at $BIN (cargo build --release -p custval)" >&2; exit 1; }
[ -f "$SRC" ] || { echo "no store at $SRC" >&2; exit 1; }

mkdir -p "$WORK"
DB="$WORK/custval.db"
if [ ! -f "$DB" ] || [ "$SRC" -nt "$DB" ]; then
  echo "copying $SRC to $DB ($(du -h "$SRC" | cut -f1))"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  cp "$SRC" "$DB"
fi

PASSWORD="bench-password-$$"
"$BIN" --db "$DB" -q user add "bench$$" --role admin --password-stdin <<<"$PASSWORD" >/dev/null

LOG="$WORK/serve.log"
"$BIN" --db "$DB" serve --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$LOG" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  [ -s "$WORK/serve.out" ] && break
  sleep 0.1
done
URL="$(head -n1 "$WORK/serve.out")"
URL="${URL%/}"
echo "server: $URL (pid $SERVER), store $(du -h "$DB" | cut -f1)"

# Log in as a browser would: the form's token cookie, then the session cookie.
JAR="$WORK/cookies.txt"
rm -f "$JAR"
TOKEN="$(curl -s -c "$JAR" "$URL/login" | sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p' | head -n1)"
curl -s -o /dev/null -b "$JAR" -c "$JAR" --data-urlencode "user=bench$$" \
  --data-urlencode "password=$PASSWORD" --data-urlencode "token=$TOKEN" "$URL/login"
SESSION="$(awk '$6 == "custval_session" {print $7}' "$JAR")"
[ -n "$SESSION" ] || { echo "login failed" >&2; exit 1; }
COOKIE="Cookie: custval_session=$SESSION"

# The first dashboard request waits for the run's aggregates (computed once per run).
START=$(date +%s.%N)
curl -s -o /dev/null -H "$COOKIE" "$URL/"
echo "dashboard cache ready after $(echo "$(date +%s.%N) - $START" | bc) s (first request)"
ID="$(curl -s -H "$COOKIE" "$URL/customers" | sed -n 's/.*class="cid">\([^<]*\)<.*/\1/p' | head -n1)"

run() {
  local name="$1" path="$2"
  local out
  out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$COOKIE" "$URL$path")"
  local rps p99 non2xx
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  p99="$(echo "$out" | awk '$1 == "99%" {print $2}')"
  non2xx="$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
  printf '%-34s %10s req/s   p99 %8s%s\n' "$name" "$rps" "$p99" "${non2xx:+   non-2xx: $non2xx}"
}

echo "wrk: $CONNECTIONS connections, $DURATION per page, $(nproc) cores, $(date -u +%Y-%m-%d)"
run "dashboard /" "/"
run "list /customers (page 1)" "/customers"
run "list tier B, page 200" "/customers?tier=B&page=200"
run "list by CLV, page 10" "/customers?sort=clv&page=10"
run "customer 360 /customers/$ID" "/customers/$ID"
run "API /api/v1/openapi.json" "/api/v1/openapi.json"
