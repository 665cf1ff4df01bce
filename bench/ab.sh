#!/usr/bin/env bash
# Benchmark (not a test): compares two builds of commerce-gateway on one PostgreSQL database,
# alternating them for ROUNDS rounds so that drift of a shared machine hits both alike. For the
# nested catalog query and one store's product list it reports requests/s and the server's CPU
# time per request (user + system, from /proc), the steadier figure on a busy machine.
#
#   bash bench/ab.sh OLD_BINARY NEW_BINARY   (env: ROUNDS=3 DURATION=8s CONNECTIONS=16, and the
#                                             catalog sizes of bench/catalog.sh)
# Build the two binaries first, e.g. `cargo build --release && cp target/release/commerce-gateway
# /tmp/new`, and the same at the older commit.
set -euo pipefail
[[ $# -eq 2 && -x $1 && -x $2 ]] || { echo "usage: bash bench/ab.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
cd "$(dirname "$0")/.."
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
source bench/common.sh
bench_init
start_postgres
# The newer build migrates: it knows every table the older one reads.
seed_catalog "$new" "$pg_url"

port=18083
for round in $(seq 1 "$ROUNDS"); do
  for side in old new; do
    bin=$([[ $side == old ]] && echo "$old" || echo "$new")
    start_gateway "$bin" "$pg_url" "$port"
    out="round $round $side:"
    for name in nested list; do
      query=$([[ $name == nested ]] && echo "$NESTED" || echo "${LIST//STORE/$store}")
      warm_up "$query" "http://127.0.0.1:$port/graphql"
      before=$(cpu_ticks "$gateway_pid")
      line=$(load "$query" "http://127.0.0.1:$port/graphql")
      after=$(cpu_ticks "$gateway_pid")
      cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$(bench_field requests "$line")" \
        'BEGIN { if (n > 0) printf "%.2f", t * 1000 / hz / n; else printf "n/a" }')
      out="$out  $name rps=$(bench_field rps "$line") cpu_ms/request=$cpu errors=$(bench_field errors "$line")"
    done
    echo "$out"
    stop_gateway
  done
done
