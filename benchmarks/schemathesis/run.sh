#!/usr/bin/env bash
# Runs schemathesis (from PyPI, in a venv under /tmp) against the REST API's OpenAPI document
# on a served demo store, as an admin token, and prints its summary (issue 18). Not in CI: it
# takes minutes and needs the network for pip once.
#
#   benchmarks/schemathesis/run.sh [extra schemathesis arguments]
#
# Env: CUSTVAL (the binary; default: a debug build of this checkout), VENV (default
# /tmp/custval-schemathesis-venv), CUSTOMERS (demo size, default 300), MAX_EXAMPLES (per
# operation, default 50), SEED (default 18), CONFIG (default: schemathesis.toml beside this
# script, which lists the checks that cannot pass by design, each with its reason; `none`
# runs without it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
customers=${CUSTOMERS:-300}
venv=${VENV:-/tmp/custval-schemathesis-venv}
if [[ -z "${CUSTVAL:-}" ]]; then
    (cd "$root" && cargo build -q -p custval --bin custval)
    CUSTVAL="${CARGO_TARGET_DIR:-$root/target}/debug/custval"
fi
if [[ ! -x "$venv/bin/schemathesis" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q schemathesis
fi
work=$(mktemp -d /tmp/custval-schemathesis-XXXXXX)
server=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
"$CUSTVAL" -q demo --customers "$customers" >/dev/null
db=custval-demo/custval.db
echo "correct horse battery" | "$CUSTVAL" -q --db "$db" user add st --role admin --password-stdin
token=$("$CUSTVAL" -q --db "$db" token create --user st | tail -n 1 | awk '{print $NF}')
"$CUSTVAL" --db "$db" serve --listen 127.0.0.1:0 >serve.log 2>&1 &
server=$!
addr=""
for _ in $(seq 1 100); do
    addr=$(grep -oE '127\.0\.0\.1:[0-9]+' serve.log | head -n 1 || true)
    [[ -n "$addr" ]] && break
    sleep 0.2
done
[[ -n "$addr" ]] || { cat serve.log; echo "the server did not start" >&2; exit 1; }
echo "custval $("$CUSTVAL" --version) on http://$addr, $customers demo customers; $(date -u +%F), $(nproc) cores"
config=${CONFIG:-$root/benchmarks/schemathesis/schemathesis.toml}
[[ "$config" == none ]] && config=/dev/null
"$venv/bin/schemathesis" --config-file "$config" \
    run "http://$addr/api/v1/openapi.json" \
    --url "http://$addr" \
    -H "Authorization: Bearer $token" \
    --checks all \
    --workers 1 \
    --max-examples "${MAX_EXAMPLES:-50}" \
    --seed "${SEED:-18}" \
    "$@"
