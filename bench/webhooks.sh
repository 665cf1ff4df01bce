#!/usr/bin/env bash
# Benchmark (not a test): webhooks end to end on PostgreSQL. ORDERS orders are placed through
# createOrder by BUYERS concurrent buyers (bench/orders.py) on distinct variants of a generated
# store whose owner has one endpoint for order.created at a local receiver
# (bench/webhook_receiver.py). Reports orders/s with p50/p99 of createOrder, deliveries/s (from
# the first order to the last receipt), and p50/p99 from an event's commit to its receipt. With
# OLD_BINARY (a build without the outbox) it first measures createOrder ROUNDS times on it, then
# ROUNDS times on the new build with no endpoint, for the cost the outbox adds. (The old build
# cannot run on a database the new one migrated, so the two are not alternated.)
#
#   bash bench/webhooks.sh [NEW_BINARY [OLD_BINARY]]   (env: ORDERS=1000 BUYERS=16 ROUNDS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
ORDERS=${ORDERS:-1000} BUYERS=${BUYERS:-16} ROUNDS=${ROUNDS:-2}
STORES=1 PRODUCTS=${PRODUCTS:-20} VARIANTS=1 FIELDS=0 OPTIONS=0
new=${1:-} old=${2:-}
source bench/common.sh
bench_init
if [[ -z $new ]]; then cargo build --release; new=target/release/commerce-gateway; fi
start_postgres
seeder=${old:-$new}
seed_catalog "$seeder" "$pg_url"
export WEBHOOK_ALLOW_HTTP=true WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8
port=18093 receiver_port=18094

gql() { curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $token" -d "$1"; }

start_gateway "$seeder" "$pg_url" "$port"
variants=$(ample_stock "$port")
stop_gateway

place() { python3 bench/orders.py "http://127.0.0.1:$port/graphql" "$token" "$store" "$variants" "$ORDERS" "$BUYERS"; }
report() { awk -v name="$1" '{ printf "%-34s orders/s=%s p50=%s ms p99=%s ms errors=%s\n", name, $1, $2, $3, $4 }' <<<"$2"; }

if [[ -n $old ]]; then
  for round in $(seq 1 "$ROUNDS"); do
    start_gateway "$old" "$pg_url" "$port"; report "round $round old (no outbox)" "$(place)"; stop_gateway
  done
fi
for round in $(seq 1 "$ROUNDS"); do
  start_gateway "$new" "$pg_url" "$port"; report "round $round new, no endpoint" "$(place)"; stop_gateway
done

python3 bench/webhook_receiver.py "$receiver_port" "$work/received" &
pids+=("$!")
start_gateway "$new" "$pg_url" "$port"
gql "{\"query\":\"mutation { createWebhook(input: { url: \\\"http://127.0.0.1:$receiver_port/hook\\\", eventTypes: [\\\"order.created\\\"] }) { webhook { id } } }\"}" | grep -q '"id"'
result=$(place)
report "new, one endpoint" "$result"
began=$(awk '{ print $5 }' <<<"$result")
for _ in $(seq 1 600); do
  [[ $(wc -l <"$work/received" 2>/dev/null || echo 0) -ge $ORDERS ]] && break
  sleep 0.1
done
stop_gateway
count=$(wc -l <"$work/received")
duplicates=$(awk '{ print $3 }' "$work/received" | sort | uniq -d | wc -l)
last=$(awk '{ print $1 }' "$work/received" | sort -n | tail -n 1)
awk -v n="$count" -v want="$ORDERS" -v d="$duplicates" -v began="$began" -v last="$last" \
  'BEGIN { printf "deliveries: %d of %d, %d duplicated, %.1f/s from the first order to the last receipt\n", n, want, d, n / (last - began) }'
awk '{ printf "%.3f\n", ($1 - $2) * 1000 }' "$work/received" | sort -n |
  awk '{ v[NR] = $1 } END { printf "commit to receipt: p50=%.1f ms p99=%.1f ms max=%.1f ms\n", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], v[NR] }'
