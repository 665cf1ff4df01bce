# Shared by the benchmark scripts (sourced, not run): a throwaway PostgreSQL, a generated
# catalog, a gateway started on loopback with a logged-in token, and wrk runs of one document.
# Callers set `set -euo pipefail` and call `bench_init` first.

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-16}
STORES=${STORES:-10} PRODUCTS=${PRODUCTS:-20} VARIANTS=${VARIANTS:-3} FIELDS=${FIELDS:-2} OPTIONS=${OPTIONS:-2}
PAGE=${PAGE:-20}
PG_PORT=${PG_PORT:-55460}

# The nested catalog query, and the document GET /v2/products?pageSize=PAGE runs for one store.
NESTED='query { stores { id name products(first: PAGE) { totalCount nodes { id name slug variants { id name sku cost stock customFields { id label type options { label value } } } } } } }'
NESTED=${NESTED//PAGE/$PAGE}
LIST='query { store(id: "STORE") { currencyCode products(first: PAGE, offset: 0) { totalCount nodes { id storeId name description visibility imageNames dateCreated dateUpdated categorySlugs variants { sku cost stock } } } } }'
LIST=${LIST//PAGE/$PAGE}
# One product by its slug with its variants.
BY_SLUG='query { productBySlug(storeId: "STORE", slug: "SLUG") { id name slug variants { id name sku cost stock } } }'
BY_ID='query { product(id: "PRODUCT") { id name slug variants { id name sku cost stock } } }'

# Installs wrk when missing, makes the work directory and stops everything started on exit.
bench_init() {
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  bench_root=$(pwd)
  work=$(mktemp -d /tmp/cg-bench.XXXXXX)
  chmod 755 "$work"
  pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n ${pg_bin:-} ]]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}

# A throwaway PostgreSQL on loopback with an empty database `bench`; sets pg_bin and pg_url.
start_postgres() {
  for dir in /usr/local/bin /usr/lib/postgresql/*/bin; do
    if [[ -x $dir/initdb ]]; then pg_bin=$dir; break; fi
  done
  mkdir -p "$work/pg" "$work/pglog" && chown postgres "$work/pg" "$work/pglog"
  runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust >/dev/null
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pglog/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$work/pg -c max_connections=200" start >/dev/null
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE bench" >/dev/null
  pg_url="postgres://postgres@127.0.0.1:$PG_PORT/bench"
}

wait_for() { for _ in $(seq 1 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "timed out waiting for $1" >&2; return 1; }

# Migrates the database at URL with BIN and generates the catalog, owned by bench@example.com.
seed_catalog() {
  local bin=$1 url=$2
  DATABASE_URL=$url "$bin" migrate >/dev/null
  DATABASE_URL=$url "$bin" users create --email bench@example.com --password bench-password >/dev/null
  DATABASE_URL=$url "$bin" seed --owner bench@example.com --stores "$STORES" --products "$PRODUCTS" \
    --variants "$VARIANTS" --fields "$FIELDS" --options "$OPTIONS" >/dev/null
}

# Serves the database at URL with BIN on PORT, without rate limits unless RATE_LIMIT=on; sets
# gateway_pid, token (the owner's access token) and store (the id of one of its stores).
start_gateway() {
  local bin=$1 url=$2 port=$3
  DATABASE_URL=$url RATE_LIMIT=${RATE_LIMIT:-off} RUST_LOG=warn JWT_SECRET=bench-secret-bench-secret-bench-secret \
    GRAPHQL_MAX_COMPLEXITY=10000000 BIND_ADDR=127.0.0.1:$port "$bin" serve >>"$work/gateway-$port.log" 2>&1 &
  gateway_pid=$!
  pids+=("$gateway_pid")
  wait_for "http://127.0.0.1:$port/healthz" || { tail -n 20 "$work/gateway-$port.log" >&2; return 1; }
  token=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
    -d '{"query":"mutation { login(email: \"bench@example.com\", password: \"bench-password\") { accessToken } }"}' |
    sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
  [[ $token == ey* ]] || { echo "login to the gateway on port $port failed: ${token:0:300}" >&2; return 1; }
  store=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $token" \
    -d '{"query":"{ stores { id } }"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
}

# Gives every variant of the catalog ample stock (still FIXED: each order reserves it) through
# the gateway on PORT; prints the variant ids, comma-separated.
ample_stock() {
  local port=$1 ids v
  ids=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $token" \
    -d '{"query":"{ stores { products(first: 100) { nodes { variants { id } } } } }"}' | grep -o '"id":"[^"]*"' | cut -d'"' -f4 | paste -sd, -)
  for v in ${ids//,/ }; do
    curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $token" \
      -d "{\"query\":\"mutation { updateVariant(id: \\\"$v\\\", input: { stock: 1000000 }) { id } }\"}" >/dev/null
  done
  echo "$ids"
}

stop_gateway() {
  kill "$gateway_pid"
  wait "$gateway_pid" 2>/dev/null || true
  local kept=() pid
  for pid in "${pids[@]}"; do [[ $pid == "$gateway_pid" ]] || kept+=("$pid"); done
  pids=("${kept[@]}")
}

# Two seconds of QUERY against URL at low concurrency, so caches and pools are warm.
warm_up() { QUERY=$1 TOKEN=${token:-} wrk -t2 -c4 -d2s -s "$bench_root/bench/catalog.lua" "$2" >/dev/null; }

# Loads URL with the document QUERY (as TOKEN) for DURATION; prints wrk's BENCH line. Extra
# environment for bench/catalog.lua (METHOD, STORE) passes through.
load() {
  QUERY=$1 TOKEN=${token:-} wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 60s -s "$bench_root/bench/catalog.lua" "$2" | grep '^BENCH'
}

# Fields of a BENCH line.
bench_field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

# CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
