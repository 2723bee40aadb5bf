#!/usr/bin/env bash
# custval rfm vs DuckDB on the same transactions, as CSV and as Parquet (issue 3, "Speed").
#
#   benchmarks/rfm/run.sh [--quick] [--customers N] [--runs N] [--as-of DATE] [--duckdb-only]
#                         [--orders customer,date,shuffled]
#
# 1. `custval generate --customers N` (default 500000, about 20 orders each: ~10M rows) writes
#    transactions.csv, grouped by customer. Real exports are ordered by date or by order id, so
#    DuckDB also writes the same rows in two other orders (issue 19):
#      customer  transactions.csv as generated: each customer's orders together
#      date      date.csv: ORDER BY order_date, order_id (an ERP or shop export)
#      shuffled  shuffled.csv: ORDER BY hash(order_id) (no order at all)
#    and converts each to Parquet (<name>.parquet). Data are kept in $BENCH_WORK (default
#    ~/.cache/custval-bench/rfm-N) and reused by later runs. --orders picks which orders run.
# 2. Times `custval rfm ... --format csv --output OUT` on both files: wall time of the whole
#    process, peak RSS from /usr/bin/time -v.
# 3. Times DuckDB computing the same recency/frequency/monetary, quintile breaks
#    (quantile_cont) and scores, writing CSV too (duck.py). DuckDB's seconds are the query's own
#    time inside Python (interpreter start and `import duckdb` excluded, which favours DuckDB);
#    its peak RSS is that of the whole Python process.
# 4. Checks that both give the same r/f/m scores for >= 99.99% of customers and prints a table
#    per format and order: median seconds over --runs runs (default 3; custval and DuckDB
#    alternate), DuckDB seconds / custval seconds (above 1: custval is faster), peak RSS, and median CPU seconds (user + system) of each process, which
#    say more than wall time on a machine shared with other work (DuckDB's include Python's
#    start, about 0.1 s).
#
# --quick: 20000 customers, a smoke test. --duckdb-only (automatic when no custval binary is
# found): DuckDB generates a comparable data set itself and only the DuckDB half runs.
# Environment: CUSTVAL (binary; default $CARGO_TARGET_DIR/release/custval, else
# target/release/custval), PYTHON (default: the peers environment from
# benchmarks/peers.sh, which has duckdb; its first call takes minutes), BENCH_WORK.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
customers=500000
runs=3
as_of=""
duckdb_only=0
orders="customer,date,shuffled"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) customers=20000 ;;
    --customers) customers="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --as-of) as_of="$2"; shift ;;
    --duckdb-only) duckdb_only=1 ;;
    --orders) orders="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '%s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
  say "installing GNU time (peak RSS)…"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi
fi
py="${PYTHON:-}"
if [ -z "$py" ]; then
  peers="${PEERS_SH:-$root/benchmarks/peers.sh}"
  say "preparing the DuckDB Python environment ($peers)…"
  py="$(bash "$peers" | tail -n 1)"
fi
custval="${CUSTVAL:-${CARGO_TARGET_DIR:-$root/target}/release/custval}"
if [ "$duckdb_only" = 0 ] && [ ! -x "$custval" ]; then
  say "WARNING: no custval binary at $custval (build it with: cargo build --release -p custval);"
  say "         running the DuckDB half only, on data DuckDB generates itself."
  duckdb_only=1
fi

work="${BENCH_WORK:-$HOME/.cache/custval-bench/rfm-$customers}"
[ "$duckdb_only" = 1 ] && work="$work-duckdb-data"
data="$work/data"
out="$work/out"
mkdir -p "$data" "$out"
csv="$data/transactions.csv"
parquet="$data/transactions.parquet"
# The file of an order and format: customer order is the generated file itself.
file_of() { # order, kind
  local stem="$1"; [ "$1" = customer ] && stem=transactions
  echo "$data/$stem.$2"
}
for order in ${orders//,/ }; do
  case "$order" in customer|date|shuffled) ;; *) echo "run.sh: unknown order $order (customer, date or shuffled)" >&2; exit 2 ;; esac
done

# Wall seconds of a command on stdout; its peak RSS (KiB) in the file $1 and its CPU seconds
# (user + system) in $1.cpu; the command's output goes to $2 (stdout) and $3 (stderr).
timed() {
  local rss_file="$1" stdout="$2" stderr="$3"; shift 3
  local t0 t1
  t0=$(date +%s%N)
  if ! /usr/bin/time -v -o "$rss_file.time" "$@" >"$stdout" 2>"$stderr"; then
    say "FAILED: $*"; tail -n 5 "$stderr" >&2; return 1
  fi
  t1=$(date +%s%N)
  awk '/Maximum resident set size/ {print $NF}' "$rss_file.time" >"$rss_file"
  awk '/(User|System) time \(seconds\)/ {s += $NF} END {printf "%.2f\n", s}' "$rss_file.time" >"$rss_file.cpu"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}

# --- 1. data -----------------------------------------------------------------------------
if [ ! -s "$csv" ]; then
  if [ "$duckdb_only" = 1 ]; then
    say "generating $customers customers with DuckDB (fallback)…"
    "$py" "$here/duck.py" synth --customers "$customers" --output "$data" >&2
  else
    say "generating $customers customers with custval generate…"
    gen_s=$(timed "$work/gen.rss" "$work/gen.out" "$work/gen.err" \
      "$custval" generate --customers "$customers" --output "$data")
    say "  generate: ${gen_s}s, peak RSS $(( $(cat "$work/gen.rss") / 1024 )) MiB"
  fi
fi
for order in ${orders//,/ }; do
  if [ "$order" != customer ] && [ ! -s "$(file_of "$order" csv)" ]; then
    say "writing the rows in $order order with DuckDB…"
    "$py" "$here/duck.py" reorder "$csv" "$(file_of "$order" csv)" --order "$order" >&2
  fi
  if [ ! -s "$(file_of "$order" parquet)" ]; then
    say "converting the $order-ordered rows to Parquet with DuckDB…"
    "$py" "$here/duck.py" convert "$(file_of "$order" csv)" "$(file_of "$order" parquet)" >&2
  fi
done
info=$("$py" "$here/duck.py" info "$csv")
rows=$(echo "$info" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["rows"])')
ncust=$(echo "$info" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["customers"])')
last=$(echo "$info" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["last"])')
as_of="${as_of:-$last}"
say "data: $rows transactions, $ncust customers, last order $last; as-of $as_of"
say "files: $(du -h "$csv" | cut -f1) CSV, $(du -h "$(file_of "${orders%%,*}" parquet)" | cut -f1) Parquet"

# --- 2-4. runs ---------------------------------------------------------------------------
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
max() { sort -n | tail -n 1; }

results="$work/results.tsv"
printf 'format\torder\trows\tcustval_s\tduckdb_s\tduckdb_per_custval\tcustval_rss_MiB\tduckdb_rss_MiB\tcustval_cpu_s\tduckdb_cpu_s\tscore_diffs\n' >"$results"
status=0
for order in ${orders//,/ }; do
for format in csv parquet; do
  file="$(file_of "$order" "$format")"
  kind="$format-$order"
  cat "$file" >/dev/null # both tools start from a warm page cache
  : >"$work/cv.$kind.s"; : >"$work/cv.$kind.rss"; : >"$work/dk.$kind.s"; : >"$work/dk.$kind.rss"
  : >"$work/cv.$kind.cpu"; : >"$work/dk.$kind.cpu"
  for i in $(seq 1 "$runs"); do
    if [ "$duckdb_only" = 0 ]; then
      s=$(timed "$work/rss" "$work/cv.out" "$work/cv.err" "$custval" rfm --transactions "$file" \
        --customer-col customer_id --date-col order_date --amount-col amount --as-of "$as_of" \
        --format csv --output "$out/custval-$kind.csv") || { status=1; break; }
      echo "$s" >>"$work/cv.$kind.s"; cat "$work/rss" >>"$work/cv.$kind.rss"
      cat "$work/rss.cpu" >>"$work/cv.$kind.cpu"
      say "  custval rfm $kind run $i: ${s}s, $(( $(cat "$work/rss") / 1024 )) MiB"
    fi
    timed "$work/rss" "$work/dk.out" "$work/dk.err" "$py" "$here/duck.py" rfm --input "$file" \
      --as-of "$as_of" --output "$out/duckdb-$kind.csv" >/dev/null
    s=$("$py" -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["seconds"])' "$work/dk.out")
    echo "$s" >>"$work/dk.$kind.s"; cat "$work/rss" >>"$work/dk.$kind.rss"
    cat "$work/rss.cpu" >>"$work/dk.$kind.cpu"
    say "  duckdb      $kind run $i: ${s}s, $(( $(cat "$work/rss") / 1024 )) MiB"
  done
  dk_s=$(median <"$work/dk.$kind.s")
  dk_rss=$(( $(max <"$work/dk.$kind.rss") / 1024 ))
  dk_cpu=$(median <"$work/dk.$kind.cpu")
  if [ "$duckdb_only" = 0 ] && [ -s "$work/cv.$kind.s" ]; then
    cv_s=$(median <"$work/cv.$kind.s")
    cv_rss=$(( $(max <"$work/cv.$kind.rss") / 1024 ))
    cv_cpu=$(median <"$work/cv.$kind.cpu")
    ratio=$(awk -v a="$cv_s" -v b="$dk_s" 'BEGIN { printf "%.2f", b / a }')
    cmp=$("$py" "$here/duck.py" compare --custval "$out/custval-$kind.csv" --duckdb "$out/duckdb-$kind.csv")
    say "  agreement ($kind): $cmp"
    diffs=$(echo "$cmp" | "$py" -c 'import json,sys; d=json.load(sys.stdin); print(d["diff_any"] + abs(d["customers_custval"] - d["joined"]) + abs(d["customers_duckdb"] - d["joined"]))')
    ok=$(echo "$cmp" | "$py" -c 'import json,sys; print(int(json.load(sys.stdin)["agree_share"] >= 0.9999))')
    if [ "$ok" != 1 ]; then say "  DISAGREEMENT on $kind: fewer than 99.99% of customers have identical scores"; status=1; fi
  else
    cv_s="-"; cv_rss="-"; cv_cpu="-"; ratio="-"; diffs="-"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$format" "$order" "$rows" "$cv_s" "$dk_s" "$ratio" "$cv_rss" "$dk_rss" "$cv_cpu" "$dk_cpu" "$diffs" >>"$results"
done
done

echo
echo "custval rfm vs DuckDB $("$py" -c 'import duckdb; print(duckdb.__version__)'), $ncust customers, as-of $as_of, median of $runs run(s)"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" "$here/duck.py" report "$results"
exit "$status"
