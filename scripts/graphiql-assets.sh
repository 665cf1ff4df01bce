#!/usr/bin/env bash
# Fetches the files the GraphiQL page loads (pinned React, ReactDOM and GraphiQL, from the npm
# registry) into DIR, in the layout GRAPHIQL_ASSETS_DIR expects; the gateway checks each file
# against its pinned SHA-384 at start-up.
#
#   bash scripts/graphiql-assets.sh DIR && GRAPHIQL_ASSETS_DIR=DIR commerce-gateway serve
set -euo pipefail
dir=${1:?usage: scripts/graphiql-assets.sh DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Keep in step with ASSETS in src/http/graphiql.rs.
for package in react@18.3.1 react-dom@18.3.1 graphiql@4.0.3; do
  tarball=$(cd "$work" && npm pack "$package" --silent)
  mkdir -p "$dir/$package"
  tar -xzf "$work/$tarball" -C "$dir/$package" --strip-components=1
done
echo "GraphiQL assets in $dir"
