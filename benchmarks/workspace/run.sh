#!/usr/bin/env bash
# Workspace benchmark (issue 6): generate N customers, then time `init`, every `import`,
# `evaluate`, `customers list` and `customer show` on the real binary and a real SQLite file,
# with each step's peak memory (GNU time).
# Usage: benchmarks/workspace/run.sh [--order customer|date|shuffled] [CUSTOMERS] [DIR]
# (CUSTVAL_BIN=path runs that binary instead of building the checkout.)
# --order (issue 19): the row order of the per-row files imported. `customer` (default) is as
# `custval generate` writes them (grouped by customer); `date` sorts each file by its date
# column (how ERPs export documents); `shuffled` by a hash of the row. The reordered copies are
# made once, by reorder.py, in DIR/data-ORDER (the same rows, the same header).
set -euo pipefail
ORDER=customer
ARGS=()
while [ $# -gt 0 ]; do
  case $1 in
    --order) ORDER=${2:?--order needs customer, date or shuffled}; shift 2 ;;
    --order=*) ORDER=${1#--order=}; shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
case $ORDER in customer|date|shuffled) ;; *) echo "--order: customer, date or shuffled, not $ORDER" >&2; exit 2 ;; esac
N=${ARGS[0]:-100000}
DIR=${ARGS[1]:-$HOME/.cache/custval-bench/workspace-$N}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/custval-target}
# CUSTVAL_BIN: a binary built before (A/B comparisons of two builds on the same files).
if [ -n "${CUSTVAL_BIN:-}" ]; then
  B=$CUSTVAL_BIN
else
  cargo build --release -q -p custval --manifest-path "$ROOT/Cargo.toml"
  B=$CARGO_TARGET_DIR/release/custval
fi
mkdir -p "$DIR"
if [ ! -f "$DIR/data/transactions.csv" ]; then
  "$B" -q generate --customers "$N" --output "$DIR/data" >/dev/null
fi
DATA=data
if [ "$ORDER" != customer ]; then
  DATA=data-$ORDER
  PY=python3
  [ -x "$HOME/.cache/custval-peers/bin/python" ] && PY=$HOME/.cache/custval-peers/bin/python
  "$PY" "$HERE/reorder.py" "$ORDER" "$DIR/data" "$DIR/$DATA"
fi
cd "$DIR"
rm -f custval.db custval.db-wal custval.db-shm custval.toml
step() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o .time "$@" >/dev/null
  read -r secs kb user sys < .time
  # CPU seconds (user + system) as well: on a shared machine they move less than wall time.
  printf '%-22s %8.2f s %8d MiB %8.2f s cpu\n' "$name" "$secs" $((kb / 1024)) "$(echo "$user + $sys" | bc)"
  echo "$secs" >> .total
}
rm -f .total
echo "custval workspace benchmark: $N customers, rows in $ORDER order ($DATA/), load average $(cut -d' ' -f1-3 /proc/loadavg), $(($(wc -l < "$DATA/transactions.csv") - 1)) transactions, $(date -u +%F' '%H:%M) UTC, $(nproc) cores"
step init "$B" -q init
for t in customers transactions costs interactions surveys contracts payments; do
  step "import $t" "$B" -q import "$t" "$DATA/$t.csv" --format json
done
step evaluate "$B" -q evaluate --as-of 2026-06-30 --format json
total=$(paste -sd+ .total | bc)
printf '%-22s %8.2f s\n' "import + evaluate" "$total"
ID=$("$B" -q customers list --limit 1 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["customer_id"])')
rm -f .total
step "customers list (50)" "$B" -q customers list --tier A
step "customer show" "$B" -q customer show "$ID" --format json
step "report html" "$B" -q report --output report.html
ls -l custval.db | awk '{printf "store size             %8.0f MiB\n", $5/1048576}'
