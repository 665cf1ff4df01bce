#!/usr/bin/env bash
# Benchmark (not a test): GraphQL subscriptions and shared rate limits on PostgreSQL.
#
# 1. SUBSCRIBERS graphql-ws connections (bench/subscribers.cjs, one Node process) subscribe to
#    orderEvents of one store on one gateway; the gateway's resident memory before and after
#    gives the memory per idle subscription. Then ORDERS orders are placed by BUYERS buyers
#    (bench/orders.py) and every subscriber times each event from its commit (occurredAt) to
#    its receipt: p50/p99 over all (subscriber, event) pairs, and whether every one arrived.
# 2. The rate limiter's cost per request: `{ __typename }` under wrk with in-process buckets,
#    then with buckets in Redis (a local redis-server), ROUNDS times each, alternating.
#
#   bash bench/live.sh [BINARY]   (env: SUBSCRIBERS=1000 ORDERS=200 BUYERS=4 ROUNDS=2 DURATION=15s)
set -euo pipefail
cd "$(dirname "$0")/.."
SUBSCRIBERS=${SUBSCRIBERS:-1000} ORDERS=${ORDERS:-200} BUYERS=${BUYERS:-4} ROUNDS=${ROUNDS:-2}
STORES=1 PRODUCTS=${PRODUCTS:-20} VARIANTS=1 FIELDS=0 OPTIONS=0
bin=${1:-}
source bench/common.sh
bench_init
[[ -d tests/live/node_modules/graphql-ws ]] || npm ci --prefix tests/live --no-audit --no-fund --loglevel=error
if [[ -z $bin ]]; then cargo build --release; bin=target/release/commerce-gateway; fi
start_postgres
seed_catalog "$bin" "$pg_url"
port=18095

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

export WS_MAX_CONNECTIONS=$((SUBSCRIBERS + 10))
start_gateway "$bin" "$pg_url" "$port"
variants=$(ample_stock "$port")
sleep 1
before=$(rss_kib "$gateway_pid")
NODE_PATH=tests/live/node_modules node bench/subscribers.cjs "ws://127.0.0.1:$port/graphql" "$token" "$store" \
  "$SUBSCRIBERS" "$ORDERS" >"$work/subscribers.out" 2>"$work/subscribers.err" &
subscribers=$!
pids+=("$subscribers")
for _ in $(seq 1 600); do
  curl -s "http://127.0.0.1:$port/metrics" | grep -q "^commerce_live_subscriptions $SUBSCRIBERS$" && break
  sleep 0.1
done
sleep 1
after=$(rss_kib "$gateway_pid")
awk -v n="$SUBSCRIBERS" -v b="$before" -v a="$after" \
  'BEGIN { printf "%d idle subscriptions: gateway RSS %.1f MiB -> %.1f MiB, %.1f KiB per subscription\n", n, b / 1024, a / 1024, (a - b) / n }'
placed=$(python3 bench/orders.py "http://127.0.0.1:$port/graphql" "$token" "$store" "$variants" "$ORDERS" "$BUYERS")
awk '{ printf "orders placed meanwhile: %s/s p50=%s ms p99=%s ms errors=%s\n", $1, $2, $3, $4 }' <<<"$placed"
for _ in $(seq 1 300); do grep -q received "$work/subscribers.out" && break; sleep 0.1; done
grep -q received "$work/subscribers.out" || kill -TERM "$subscribers"
wait "$subscribers" 2>/dev/null || true
echo "commit to receipt at every subscriber (ms): $(grep received "$work/subscribers.out")"
grep -v '^$' "$work/subscribers.err" | sort | uniq -c | head -n 5 || true
stop_gateway

command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
redis-server --bind 127.0.0.1 --port 18096 --save '' --appendonly no >/dev/null &
pids+=("$!")
# Limits high enough that nothing is refused: the cost of asking, not of refusing.
export RATE_LIMIT=on RATE_LIMIT_AUTH_BURST=100000000 RATE_LIMIT_AUTH_PERIOD_MS=1
for round in $(seq 1 "$ROUNDS"); do
  for store_kind in in-process redis; do
    if [[ $store_kind == redis ]]; then export RATE_LIMIT_REDIS_URL=redis://127.0.0.1:18096; else unset RATE_LIMIT_REDIS_URL; fi
    start_gateway "$bin" "$pg_url" "$port"
    warm_up '{ __typename }' "http://127.0.0.1:$port/graphql"
    line=$(load '{ __typename }' "http://127.0.0.1:$port/graphql")
    printf 'round %s, buckets %-10s req/s=%s p50=%s ms p99=%s ms errors=%s\n' "$round" "$store_kind" \
      "$(bench_field rps "$line")" "$(bench_field p50_ms "$line")" "$(bench_field p99_ms "$line")" "$(bench_field errors "$line")"
    stop_gateway
  done
done
