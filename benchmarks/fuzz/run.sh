#!/usr/bin/env bash
# Runs every cargo-fuzz target of custval for a bounded time, one after the other (issue 18).
#
#   benchmarks/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 60); TARGETs default to all of fuzz/Cargo.toml's. Needs a nightly
# toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`). Not run in CI.
#
# Each target starts from its committed seeds (fuzz/corpus/<target>/, read only) and from the
# corpus earlier runs grew (fuzz/corpus-work/<target>/, git-ignored, where new inputs go).
# Prints per target the executions and any crash; a crash's input is kept in
# fuzz/artifacts/<target>/. Exits 1 if any target crashed, hung or ran out of memory.
#
# Environment: FUZZ_TARGET_DIR (build output, default fuzz/target), FUZZ_JOBS (parallel
# fuzzing processes per target, default 1: the machine is shared).
set -u -o pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
fuzz="$root/fuzz"
seconds=${1:-60}
shift || true
case "$seconds" in
    '' | *[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
target_dir=${FUZZ_TARGET_DIR:-$fuzz/target}
jobs=${FUZZ_JOBS:-1}

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz and a nightly toolchain are needed: rustup toolchain install nightly;" \
        "cargo install cargo-fuzz --locked" >&2
    exit 2
fi

cd "$fuzz" || exit 2
if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# -a: debug assertions and overflow checks, so an integer overflow is a crash, not a wrap.
echo "building ${#targets[@]} targets (release, debug assertions, address sanitizer)…"
if ! cargo +nightly fuzz build -a --target-dir "$target_dir" >/dev/null; then
    echo "build failed" >&2
    exit 2
fi

# The table readers write each input to a scratch file under $TMPDIR; keep those together.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
log_dir="$scratch/logs"
mkdir -p "$log_dir"

# One job runs in this process (its statistics come on stderr); more run as libFuzzer workers
# that write fuzz-<n>.log.
parallel=()
if [ "$jobs" -gt 1 ]; then
    parallel=(-jobs="$jobs" -workers="$jobs")
fi

failed=0
printf '%-12s %8s %12s %10s  %s\n' target seconds executions exec/s result
for t in "${targets[@]}"; do
    mkdir -p "corpus-work/$t" "artifacts/$t" "corpus/$t"
    log="$log_dir/$t.log"
    # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: over 2 GB is a leak or
    # an allocation bomb. Both count as crashes.
    TMPDIR="$scratch" cargo +nightly fuzz run -a --target-dir "$target_dir" "$t" \
        "corpus-work/$t" "corpus/$t" -- \
        -max_total_time="$seconds" "${parallel[@]}" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" >"$log" 2>&1
    status=$?
    # Fuzzing time as libFuzzer counts it (without the build `cargo fuzz run` may redo);
    # executions summed over the workers.
    elapsed=$(grep -h '^Done [0-9]* runs in' "$log" fuzz-*.log 2>/dev/null |
        awk '{if ($5 > s) s = $5} END {print s + 0}')
    runs=$(grep -h '^stat::number_of_executed_units' "$log" fuzz-*.log 2>/dev/null |
        awk '{s += $2} END {print s + 0}')
    rate=$(( elapsed > 0 ? runs / elapsed : 0 ))
    if [ $status -eq 0 ]; then
        result=ok
    else
        failed=1
        crash=$(grep -ho 'Test unit written to .*' "$log" fuzz-*.log 2>/dev/null | head -1)
        result="CRASH (exit $status) ${crash#Test unit written to }"
    fi
    printf '%-12s %8d %12d %10d  %s\n' "$t" "$elapsed" "$runs" "$rate" "$result"
    if [ $status -ne 0 ]; then
        grep -h -m 3 -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" fuzz-*.log 2>/dev/null |
            sed 's/^/    /'
        cp "$log" "artifacts/$t/last-run.log"
    fi
    rm -f fuzz-*.log
done
exit $failed
