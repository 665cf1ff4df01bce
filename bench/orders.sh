#!/usr/bin/env bash
# Benchmark (not a test): writes. ORDERS orders placed through createOrder by BUYERS concurrent
# buyers (bench/orders.py), on commerce-gateway over SQLite and over PostgreSQL: first spread
# over distinct variants with ample stock, then all on one hot variant holding stock for half of
# them. Reports orders/s and p50/p99 of createOrder, and checks that nothing was oversold: the
# stock taken equals the orders placed, and the hot variant sells exactly its stock, ending at 0.
#
#   bash bench/orders.sh            (env: ORDERS=1000 BUYERS=16 PRODUCTS=32)
set -euo pipefail
cd "$(dirname "$0")/.."
ORDERS=${ORDERS:-1000} BUYERS=${BUYERS:-16}
STORES=1 PRODUCTS=${PRODUCTS:-32} VARIANTS=1 FIELDS=0 OPTIONS=0
source bench/common.sh
bench_init
cargo build --release -q
bin=$bench_root/target/release/commerce-gateway
start_postgres

gql() { curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $token" -d "$1"; }
# The stock of the variants in the comma-separated list, summed.
stock_of() {
  gql '{"query":"{ stores { products(first: 100) { nodes { variants { id stock } } } } }"}' | python3 -c '
import json, sys
wanted = set(sys.argv[1].split(","))
answer = json.load(sys.stdin)
print(sum(v["stock"] for s in answer["data"]["stores"] for p in s["products"]["nodes"] for v in p["variants"] if v["id"] in wanted))' "$1"
}
place() { python3 bench/orders.py "http://127.0.0.1:$port/graphql" "$token" "$store" "$1" "$ORDERS" "$BUYERS"; }
report() { awk -v name="$1" '{ printf "%-36s orders/s=%s p50=%s ms p99=%s ms refused=%s\n", name, $1, $2, $3, $4 }' <<<"$2"; }
failed=0

run() {
  local name=$1 url=$2
  port=$3
  seed_catalog "$bin" "$url"
  start_gateway "$bin" "$url" "$port"
  local variants before after result refused
  variants=$(ample_stock "$port")
  before=$(stock_of "$variants")
  result=$(place "$variants")
  after=$(stock_of "$variants")
  refused=$(awk '{ print $4 }' <<<"$result")
  report "$name, distinct variants" "$result"
  if (( before - after != ORDERS - refused )); then
    echo "  OVERSOLD OR LOST: stock fell by $((before - after)) for $((ORDERS - refused)) orders"; failed=1
  else
    echo "  stock fell by $((before - after)) for $((ORDERS - refused)) orders"
  fi
  local hot=${variants%%,*} stock=$((ORDERS / 2))
  gql "{\"query\":\"mutation { updateVariant(id: \\\"$hot\\\", input: { stock: $stock }) { id } }\"}" >/dev/null
  result=$(place "$hot")
  refused=$(awk '{ print $4 }' <<<"$result")
  after=$(stock_of "$hot")
  report "$name, one hot variant" "$result"
  if (( ORDERS - refused != stock || after != 0 )); then
    echo "  OVERSOLD: $((ORDERS - refused)) sold of a stock of $stock, $after left"; failed=1
  else
    echo "  sold exactly its stock of $stock, $after left; the other $refused were refused (out of stock)"
  fi
  stop_gateway
}

run sqlite "sqlite://$work/orders.db?mode=rwc" 18101
run postgres "$pg_url" 18102
echo "createOrder: $ORDERS orders, $BUYERS concurrent buyers on keep-alive connections; $(nproc) cores"
exit "$failed"
