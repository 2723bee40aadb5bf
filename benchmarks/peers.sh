#!/usr/bin/env bash
# The peer tools custval's benchmarks compare with, in a Python virtual environment of their own:
# lifetimes 0.11.3 (CLV models; it needs numpy < 2, pandas 2.1 and scipy < 1.13, later releases
# of those break it) and DuckDB (RFM aggregation and quantiles). Everything comes from PyPI.
#
#   bash benchmarks/peers.sh [DIR]     # default $HOME/.cache/custval-peers
#
# Prints the environment's python path as its last line (the benchmarks read it from there).
# The first call takes a few minutes; later calls only check the imports.
set -euo pipefail
dir="${1:-$HOME/.cache/custval-peers}"
if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c "import lifetimes, duckdb" 2>/dev/null; then
  python3 -m venv "$dir"
  "$dir/bin/pip" install -q "numpy<2" "pandas==2.1.4" "scipy<1.13" "lifetimes==0.11.3" duckdb >&2
fi
"$dir/bin/python" -c "import lifetimes, duckdb"
echo "$dir/bin/python"
