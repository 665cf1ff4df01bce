#!/usr/bin/env bash
# Benchmark (not a test): the nested catalog query, and two small ones (one store's product list,
# one product by slug with its variants), at fixed concurrency against commerce-gateway on SQLite
# and on PostgreSQL, and against PostGraphile v5 serving the same PostgreSQL database. Reports
# requests/s, p50/p99 latency, SQL statements per request and peak RSS.
#
#   bash bench/catalog.sh            (env: DURATION=15s CONNECTIONS=16 STORES=10 PRODUCTS=20
#                                     VARIANTS=3 FIELDS=2 OPTIONS=2 PAGE=20 SKIP_PEER=1)
# Installs wrk when missing; PostGraphile comes from ../shared/peers/postgraphile.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
bench_init
cargo build --release -q
bin=$bench_root/target/release/commerce-gateway
start_postgres

PEER='query { allStores { nodes { rowId name productsByStoreId(first: PAGE) { totalCount nodes { rowId name slug variantsByProductId { nodes { rowId name sku costCents stock customFieldsByVariantId { nodes { rowId label fieldType customFieldOptionsByCustomFieldId { nodes { label value } } } } } } } } } } }'
PEER=${PEER//PAGE/$PAGE}
# The small shapes as PostGraphile names them (a product's category slugs through the join table;
# the product by its primary key: its schema has no lookup by slug, whose unique index is partial).
PEER_LIST='query { storeByRowId(rowId: "STORE") { productsByStoreId(first: PAGE) { totalCount nodes { rowId storeId name description visibility imageNames createdAt updatedAt categoryProductsByProductId { nodes { categoryByCategoryId { slug } } } variantsByProductId { nodes { sku costCents stock } } } } } }'
PEER_LIST=${PEER_LIST//PAGE/$PAGE}
PEER_BY_ID='query { productByRowId(rowId: "PRODUCT") { rowId name slug variantsByProductId { nodes { rowId name sku costCents stock } } } }'

metric() { curl -s "$1/metrics" | awk '/^commerce_db_statements_total/ {print $2}'; }
results=()

run_ours() {
  local name=$1 url=$2 port=$3
  seed_catalog "$bin" "$url"
  start_gateway "$bin" "$url" "$port"
  local base="http://127.0.0.1:$port"
  warm_up "$NESTED" "$base/graphql"
  local before after line
  before=$(metric "$base")
  line=$(load "$NESTED" "$base/graphql")
  after=$(metric "$base")
  local per_request rss
  per_request=$(awk -v d=$((after - before)) -v r="$(bench_field requests "$line")" 'BEGIN { printf "%.2f", d / r }')
  rss=$(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$gateway_pid/status")
  results+=("$(printf '%-28s %s statements/request=%s peak_rss=%s' "commerce-gateway ($name)" "${line#BENCH }" "$per_request" "$rss")")
  # REST overhead: GET /v2/products?pageSize=PAGE against the same GraphQL the route runs.
  local graphql rest
  graphql=$(load "${LIST//STORE/$store}" "$base/graphql")
  rest=$(METHOD=GET STORE=$store load "" "$base/v2/products?pageSize=$PAGE")
  results+=("$(printf '%-28s %s' "  one store's list, GraphQL" "${graphql#BENCH }")")
  results+=("$(printf '%-28s %s' "  the same via GET /v2/products" "${rest#BENCH }")")
  first=$(curl -s "$base/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $token" \
    -d "{\"query\":\"{ store(id: \\\"$store\\\") { products(first: 1) { nodes { id slug } } } }\"}")
  slug=$(sed -E 's/.*"slug":"([^"]+)".*/\1/' <<<"$first")
  product=$(sed -E 's/.*"id":"([^"]+)".*/\1/' <<<"$first")
  local one=${BY_SLUG//STORE/$store}
  line=$(load "${one//SLUG/$slug}" "$base/graphql")
  results+=("$(printf '%-28s %s' "  one product by slug" "${line#BENCH }")")
  line=$(load "${BY_ID//PRODUCT/$product}" "$base/graphql")
  results+=("$(printf '%-28s %s' "  one product (by id)" "${line#BENCH }")")
  stop_gateway
}

run_ours sqlite "sqlite://$work/bench.db?mode=rwc" 18081
run_ours postgres "$pg_url" 18082

if [[ -z ${SKIP_PEER:-} ]]; then
  bash "$bench_root/../shared/peers/postgraphile.sh" "$pg_url" 15005 >"$work/peer.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 900); do
    curl -s -o /dev/null -H 'content-type: application/json' -d '{"query":"{__typename}"}' http://127.0.0.1:15005/graphql && break
    sleep 0.2
  done
  check=$(curl -s http://127.0.0.1:15005/graphql -H 'content-type: application/json' -d "{\"query\":\"${PEER//\"/\\\"}\"}")
  if grep -q '"errors"' <<<"$check"; then echo "PostGraphile rejected the query: ${check:0:400}" >&2; exit 1; fi
  token=""  # PostGraphile is called anonymously.
  warm_up "$PEER" http://127.0.0.1:15005/graphql
  line=$(load "$PEER" http://127.0.0.1:15005/graphql)
  node_pid=$(pgrep -f "postgraphile.*15005" | tail -n 1 || true)
  [[ -n $node_pid ]] && pids+=("$node_pid")  # the server itself, not only the script that started it
  rss=$([[ -n $node_pid ]] && awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$node_pid/status" || echo "?")
  results+=("$(printf '%-28s %s statements/request=1 (by design) peak_rss=%s' "PostGraphile v5 (postgres)" "${line#BENCH }" "$rss")")
  for shape in "one store's list|${PEER_LIST//STORE/$store}" "one product (by id)|${PEER_BY_ID//PRODUCT/$product}"; do
    query=${shape#*|}
    check=$(curl -s http://127.0.0.1:15005/graphql -H 'content-type: application/json' -d "{\"query\":\"${query//\"/\\\"}\"}")
    if ! grep -q '"rowId"' <<<"$check" || grep -q '"errors"' <<<"$check"; then
      echo "PostGraphile answered ${shape%%|*} without rows: ${check:0:400}" >&2; exit 1
    fi
    line=$(load "$query" http://127.0.0.1:15005/graphql)
    results+=("$(printf '%-28s %s' "  ${shape%%|*}" "${line#BENCH }")")
  done
fi

echo
echo "nested catalog query: $STORES stores x $PRODUCTS products (page $PAGE) x $VARIANTS variants x $FIELDS fields x $OPTIONS options; wrk -t2 -c$CONNECTIONS -d$DURATION; $(nproc) cores"
printf '%s\n' "${results[@]}"
