#!/usr/bin/env bash
# Judgement on real and generated customer bases (issue 17): do the tiers, classes, P(alive),
# alerts and the score make sense to a sales manager, on data that is not only our generator's?
#
#   benchmarks/judgement/run.sh [--quick] [--customers N] [--only TEXT]
#
# For each base, runs the real binary on a fresh SQLite store (import, evaluations, alerts,
# backtest) and prints one line per base:
#   lifecycle distribution (%), one-time buyers gone a year with P(alive) >= 0.99 (%),
#   customers with no order in 12 months shown as new/growing/loyal (count, must be 0),
#   alerts and critical alerts per 100 customers, negative-value customers and loss-makers
#   (net contribution or CLV below 0) in tier A, and the backtest Gini of score / RFM / CLV.
# Bases: CDNOW (testdata/, real: 23,570 customers 1997-01..1998-06; runs 1998-03-31 and
# 1998-06-30, backtest as of 1997-09-30 over the following 273 days), UCI Online Retail
# (testdata/, real, invoice level: 4,372 customers 2010-12..2011-12; runs 2011-09-30 and
# 2011-12-09, backtest as of 2011-06-30 over 162 days), and generated companies
# (seeds 1 and 2; shapes: no cost data, one-time buyers only, 5 customers, the largest customer
# losing money, some customers with refunds only), each with quarterly runs over its last year
# and a backtest a year before its end.
# Environment: CUSTVAL (binary; default: built with cargo into $CARGO_TARGET_DIR), WORK (folder,
# default a temporary one).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
customers=5000
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) customers=1500 ;;
    --customers) customers="$2"; shift ;;
    --only) only="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "${CUSTVAL:-}" ]; then
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/custval-target}"
  cargo build --release -q -p custval --manifest-path "$root/Cargo.toml"
  CUSTVAL="$CARGO_TARGET_DIR/release/custval"
fi
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
echo "judgement benchmark: $(date -u +%F' '%H:%M) UTC, $(nproc) cores, binary $("$CUSTVAL" --version)" >&2
echo "work folder: $work" >&2
exec python3 "$here/judge.py" --custval "$CUSTVAL" --work "$work" --root "$root" --customers "$customers" --only "$only"
