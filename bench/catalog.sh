#!/usr/bin/env bash
# Benchmark (not a test): the nested catalog query at fixed concurrency against commerce-gateway
# on SQLite and on PostgreSQL, and against PostGraphile v5 serving the same PostgreSQL database.
# Reports requests/s, p50/p99 latency, SQL statements per request and peak RSS.
#
#   bash bench/catalog.sh            (env: DURATION=15s CONNECTIONS=16 STORES=10 PRODUCTS=20
#                                     VARIANTS=3 FIELDS=2 OPTIONS=2 PAGE=20 SKIP_PEER=1)
# Installs wrk when missing; PostGraphile comes from ../shared/peers/postgraphile.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-16}
STORES=${STORES:-10} PRODUCTS=${PRODUCTS:-20} VARIANTS=${VARIANTS:-3} FIELDS=${FIELDS:-2} OPTIONS=${OPTIONS:-2}
PAGE=${PAGE:-20}
PG_PORT=${PG_PORT:-55460}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q
bin=$root/target/release/commerce-gateway
work=$(mktemp -d /tmp/cg-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n ${pg_bin:-} ]]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A throwaway PostgreSQL on loopback.
for dir in /usr/local/bin /usr/lib/postgresql/*/bin; do
  if [[ -x $dir/initdb ]]; then pg_bin=$dir; break; fi
done
mkdir -p "$work/pg" "$work/pglog" && chown postgres "$work/pg" "$work/pglog"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pglog/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$work/pg -c max_connections=200" start >/dev/null
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE bench" >/dev/null
pg_url="postgres://postgres@127.0.0.1:$PG_PORT/bench"

OURS='query { stores { id name products(first: PAGE) { totalCount nodes { id name slug variants { id name sku cost stock customFields { id label type options { label value } } } } } } }'
OURS=${OURS//PAGE/$PAGE}
PEER='query { allStores { nodes { rowId name productsByStoreId(first: PAGE) { totalCount nodes { rowId name slug variantsByProductId { nodes { rowId name sku costCents stock customFieldsByVariantId { nodes { rowId label fieldType customFieldOptionsByCustomFieldId { nodes { label value } } } } } } } } } } }'
PEER=${PEER//PAGE/$PAGE}

# What GET /v2/products?pageSize=PAGE runs (the route's document), for the REST overhead.
LIST='query { store(id: "STORE") { products(first: PAGE, offset: 0) { totalCount nodes { id storeId name description visibility imageNames dateCreated dateUpdated categorySlugs variants { sku cost stock } } } } }'
LIST=${LIST//PAGE/$PAGE}

wait_for() { for _ in $(seq 1 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "timed out waiting for $1" >&2; return 1; }
metric() { curl -s "$1/metrics" | awk '/^commerce_db_statements_total/ {print $2}'; }
results=()

run_ours() {
  local name=$1 url=$2 port=$3
  export DATABASE_URL=$url
  "$bin" migrate >/dev/null
  "$bin" users create --email bench@example.com --password bench-password >/dev/null
  "$bin" seed --owner bench@example.com --stores "$STORES" --products "$PRODUCTS" --variants "$VARIANTS" \
    --fields "$FIELDS" --options "$OPTIONS" >/dev/null
  RATE_LIMIT=off RUST_LOG=warn JWT_SECRET=bench-secret-bench-secret-bench-secret \
    GRAPHQL_MAX_COMPLEXITY=10000000 BIND_ADDR=127.0.0.1:$port "$bin" serve >"$work/$name.log" 2>&1 &
  local pid=$!; pids+=("$pid")
  wait_for "http://127.0.0.1:$port/healthz"
  local token
  token=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
    -d '{"query":"mutation { login(email: \"bench@example.com\", password: \"bench-password\") { accessToken } }"}' |
    sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
  QUERY=$OURS TOKEN=$token wrk -t2 -c4 -d2s -s bench/catalog.lua "http://127.0.0.1:$port/graphql" >/dev/null
  local before after line requests
  before=$(metric "http://127.0.0.1:$port")
  line=$(QUERY=$OURS TOKEN=$token wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/catalog.lua "http://127.0.0.1:$port/graphql" | grep '^BENCH')
  after=$(metric "http://127.0.0.1:$port")
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  local per_request rss
  per_request=$(awk -v d=$((after - before)) -v r="$requests" 'BEGIN { printf "%.2f", d / r }')
  rss=$(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status")
  results+=("$(printf '%-28s %s statements/request=%s peak_rss=%s' "commerce-gateway ($name)" "${line#BENCH }" "$per_request" "$rss")")
  # REST overhead: GET /v2/products?pageSize=PAGE against the same GraphQL the route runs.
  local store
  store=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $token" \
    -d '{"query":"{ stores { id } }"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
  local graphql rest
  graphql=$(QUERY=${LIST//STORE/$store} TOKEN=$token wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/catalog.lua "http://127.0.0.1:$port/graphql" | grep '^BENCH')
  rest=$(METHOD=GET STORE=$store TOKEN=$token wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/catalog.lua "http://127.0.0.1:$port/v2/products?pageSize=$PAGE" | grep '^BENCH')
  results+=("$(printf '%-28s %s' "  one store's list, GraphQL" "${graphql#BENCH }")")
  results+=("$(printf '%-28s %s' "  the same via GET /v2/products" "${rest#BENCH }")")
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run_ours sqlite "sqlite://$work/bench.db?mode=rwc" 18081
run_ours postgres "$pg_url" 18082

if [[ -z ${SKIP_PEER:-} ]]; then
  bash "$root/../shared/peers/postgraphile.sh" "$pg_url" 15005 >"$work/peer.log" 2>&1 &
  peer=$!; pids+=("$peer")
  for _ in $(seq 1 900); do
    curl -s -o /dev/null -H 'content-type: application/json' -d '{"query":"{__typename}"}' http://127.0.0.1:15005/graphql && break
    sleep 0.2
  done
  check=$(curl -s http://127.0.0.1:15005/graphql -H 'content-type: application/json' -d "{\"query\":\"${PEER//\"/\\\"}\"}")
  if grep -q '"errors"' <<<"$check"; then echo "PostGraphile rejected the query: ${check:0:400}" >&2; exit 1; fi
  QUERY=$PEER wrk -t2 -c4 -d2s -s bench/catalog.lua http://127.0.0.1:15005/graphql >/dev/null
  pg_before=$(psql -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -c "SELECT xact_commit FROM pg_stat_database WHERE datname = 'bench'")
  line=$(QUERY=$PEER wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/catalog.lua http://127.0.0.1:15005/graphql | grep '^BENCH')
  node_pid=$(pgrep -f "postgraphile.*15005" | tail -n 1 || true)
  rss=$([[ -n $node_pid ]] && awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$node_pid/status" || echo "?")
  results+=("$(printf '%-28s %s statements/request=1 (by design) peak_rss=%s' "PostGraphile v5 (postgres)" "${line#BENCH }" "$rss")")
fi

echo
echo "nested catalog query: $STORES stores x $PRODUCTS products (page $PAGE) x $VARIANTS variants x $FIELDS fields x $OPTIONS options; wrk -t2 -c$CONNECTIONS -d$DURATION; $(nproc) cores"
printf '%s\n' "${results[@]}"
