#!/usr/bin/env bash
# Contract fuzzing of the REST shim: schemathesis generates requests from GET /openapi.json
# (valid and invalid ones) against the demo server, on objects of the demo store, and checks
# that no answer is a server error, has an undocumented status or content type, or contradicts
# its documented schema. Usage: tests/contract/run.sh [time budget of each of its two passes in seconds, default 120]
# Needs `st` (schemathesis) on PATH or in $SCHEMATHESIS, and a built target/debug/commerce-gateway.
set -euo pipefail
cd "$(dirname "$0")/../.."

st=${SCHEMATHESIS:-st}
budget=${1:-120}
work=$(mktemp -d /tmp/cg-contract.XXXXXX)
cleanup() { [[ -n ${server:-} ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

DATABASE_URL="sqlite://$work/contract.db?mode=rwc" BIND_ADDR=127.0.0.1:0 RATE_LIMIT=off \
  WEBHOOK_ALLOW_HTTP=true WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8 RUST_LOG=warn \
  target/debug/commerce-gateway --demo >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  grep -q 'API key:' "$work/server.log" 2>/dev/null && break
  sleep 0.2
done
port=$(grep -ao 'http://127.0.0.1:[0-9]*/graphql' "$work/server.log" | head -n 1 | sed 's/.*:\([0-9]*\)\/graphql/\1/')
key=$(grep -ao 'cgk_[A-Za-z0-9_-]*' "$work/server.log" | head -n 1)
if [[ -z $port || -z $key ]]; then
  cat "$work/server.log" >&2
  echo "the demo server did not start" >&2
  exit 1
fi
base="http://127.0.0.1:$port"
eval "$(python3 tests/contract/ids.py "$base" "$key")"
export STORE_ID PRODUCT_ID VARIANT_ID FIELD_ID OPTION_ID FILE_ID CATEGORY_ID COUPON_ID CUSTOMER_ID ORDER_ID \
  TICKET_ID REVIEW_ID AFFILIATE_ID WEBHOOK_ID DELIVERY_ID

# Deletions last, so the objects every other route reads are still there while it is fuzzed.
# One worker: hypothesis describes its filters by parsing source with `ast`, which CPython 3.11
# can get wrong when two threads do it at once.
failed=0
for pass in "--exclude-method DELETE --max-time $budget" "--include-method DELETE --max-time $((budget / 2))"; do
  # shellcheck disable=SC2086
  "$st" --no-color --config-file tests/contract/schemathesis.toml run "$base/openapi.json" $pass \
    --header "Authorization: Bearer $key" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection \
    --phases examples,coverage,fuzzing \
    --max-examples 25 --workers 1 --seed 1 \
    --request-timeout 10 --generation-database none || failed=1
done
exit "$failed"
