#!/usr/bin/env bash
# http_bench.sh -- throughput of the hot read paths over keep-alive HTTP, measured with wrk.
#
# Starts the optimized sluiced on a free 127.0.0.1 port with a temporary store, registers a few
# Avro schemas, then runs wrk (2 threads, 32 connections, 10 s each) against:
#   GET  /schemas/ids/{id}                 the consumer's hot path (served from the cache)
#   GET  /subjects/{s}/versions/latest     a read through SQLite
#   POST /subjects/{s}                     the producer's lookup (parse + fingerprint + read)
# Prints wrk's summary for each. Bounded: three 10-second runs.
set -euo pipefail
: "${SLUICED:?SLUICED must name the server binary}"
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/deps.sh bench)"; exit 1; }

tmp=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$SLUICED" --listeners "http://127.0.0.1:$port" --db "$tmp/bench.db" 2>"$tmp/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/" >/dev/null && break; sleep 0.1; done

ct='Content-Type: application/vnd.schemaregistry.v1+json'
schema='{"schema":"{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"long\"},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}"}'
id=$(curl -sf -H "$ct" -d "$schema" "$base/subjects/orders-value/versions" | sed 's/.*"id":\([0-9]*\).*/\1/')
echo "registered id $id"

cat >"$tmp/lookup.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/vnd.schemaregistry.v1+json"
wrk.body = [[$schema]]
LUA

echo "-- GET /schemas/ids/$id"
wrk -t2 -c32 -d10s "$base/schemas/ids/$id" | sed -n '1,/Transfer/p'
echo "-- GET /subjects/orders-value/versions/latest"
wrk -t2 -c32 -d10s "$base/subjects/orders-value/versions/latest" | sed -n '1,/Transfer/p'
echo "-- POST /subjects/orders-value (lookup)"
wrk -t2 -c32 -d10s -s "$tmp/lookup.lua" "$base/subjects/orders-value" | sed -n '1,/Transfer/p'
