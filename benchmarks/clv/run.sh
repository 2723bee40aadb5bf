#!/usr/bin/env bash
# End-to-end CLV benchmark: custval vs lifetimes 0.11.3 on simulated BG/NBD and Pareto/NBD data.
# Usage: benchmarks/clv/run.sh [extra args for bench.py, e.g. --sizes bgnbd:100000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/custval-target-clv}"
python="$(bash "$root/benchmarks/peers.sh" | tail -n 1)"
cd "$root"
cargo build --release -p custval-clv --example fit_csv
# bench.py times the CLI whenever $CUSTVAL has `clv`: build it too, or a stale binary from an
# earlier build would be timed (a no-op when it is up to date; minutes after a change).
if [ -z "${CUSTVAL:-}" ]; then
    cargo build --release -p custval --bin custval
fi
export CUSTVAL_FIT_CSV="$CARGO_TARGET_DIR/release/examples/fit_csv"
export CUSTVAL="${CUSTVAL:-$CARGO_TARGET_DIR/release/custval}"
# Lifetimes' Pareto/NBD takes ~8 minutes at 1M customers; it is skipped above 100k by default.
exec "$python" "$here/bench.py" --no-lifetimes-above 100000 --repeat 3 "$@"
