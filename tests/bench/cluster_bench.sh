#!/usr/bin/env bash
# cluster_bench.sh -- sluiced on SQLite, and on one PostgreSQL database with 1 and with 3 nodes:
#   GET /schemas/ids/{id}      the consumers' hot path (each node's cache; no database round trip)
#   POST /subjects/{s}/versions  registrations of new schemas (8 subjects, level NONE)
# Each figure is the sum over the nodes of wrk's requests per second, every node loaded at once
# (GETs: 1 thread and 16 connections per node; registrations: 1 thread and 4 connections per node),
# for 10 s. PostgreSQL runs with its defaults (fsync on, synchronous_commit on), like SQLite's
# synchronous=FULL: a registration is acknowledged only once durable. Bounded: 6 runs of 10 s.
set -euo pipefail
: "${SLUICED:?SLUICED must name the server binary}"
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/deps.sh bench)"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
duration=${BENCH_SECONDS:-10}
tmp=$(mktemp -d)
pids=()
pg_dir=
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ -n "$pg_dir" ] && "$here/../api/postgres.py" stop "$pg_dir"
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_node PROPS: a node on a free port; its base URL is appended to $urls
start_node() {
  local port; port=$(free_port)
  "$SLUICED" --listeners "http://127.0.0.1:$port" --config "$1" 2>>"$tmp/server.log" &
  pids+=($!)
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.05; done
  urls+=("http://127.0.0.1:$port")
}

stop_nodes() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
  urls=()
}

cat >"$tmp/register.lua" <<'LUA'
local n, prefix = 0, ""
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  prefix = tostring(math.random(1, 2147483647))
end
function request()
  n = n + 1
  local body = '{"schema":"{\\"type\\":\\"record\\",\\"name\\":\\"R' .. prefix .. '_' .. n ..
    '\\",\\"fields\\":[{\\"name\\":\\"f\\",\\"type\\":\\"string\\"}]}"}'
  return wrk.format("POST", "/subjects/bench-" .. (n % 8) .. "/versions",
    {["Content-Type"] = "application/vnd.schemaregistry.v1+json"}, body)
end
LUA

# load CONNECTIONS SCRIPT|"" PATH: wrk on every node at once; prints the summed requests/s and
# the errors (non-2xx answers, socket errors).
load() {
  local conns=$1 script=$2 path=$3 i=0 outs=()
  for u in "${urls[@]}"; do
    i=$((i + 1))
    if [ -n "$script" ]; then
      wrk -t1 -c"$conns" -d"${duration}s" -s "$script" "$u$path" >"$tmp/wrk.$i" 2>&1 &
    else
      wrk -t1 -c"$conns" -d"${duration}s" "$u$path" >"$tmp/wrk.$i" 2>&1 &
    fi
    outs+=($!)
  done
  for p in "${outs[@]}"; do wait "$p"; done
  cat "$tmp"/wrk.* | awk '/Requests\/sec/ {rps += $2} /Non-2xx/ {bad += $NF}
    /Socket errors/ {for (i = 3; i <= NF; i++) {v = $i; sub(",", "", v); if (v ~ /^[0-9]+$/) se += v}}
    END {printf "%10.0f/s  (non-2xx: %d, socket errors: %d)\n", rps, bad, se}'
  rm -f "$tmp"/wrk.*
}

bench() { # NAME: the two figures for the nodes in $urls
  local ct='Content-Type: application/vnd.schemaregistry.v1+json' id
  curl -sf -X PUT -H "$ct" -d '{"compatibility":"NONE"}' "${urls[0]}/config" >/dev/null
  id=$(curl -sf -H "$ct" -d '{"schema":"{\"type\":\"record\",\"name\":\"Hot\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}"}' \
       "${urls[0]}/subjects/hot/versions" | sed 's/.*"id":\([0-9]*\).*/\1/')
  for u in "${urls[@]}"; do curl -sf "$u/schemas/ids/$id" >/dev/null; done
  printf '%-28s GET /schemas/ids/%s  ' "$1" "$id"; load 16 "" "/schemas/ids/$id"
  printf '%-28s registrations        ' "$1"; load 4 "$tmp/register.lua" "/subjects/bench/versions"
}

urls=()
printf 'sluice.db.path=%s\n' "$tmp/bench.db" >"$tmp/sqlite.properties"
start_node "$tmp/sqlite.properties"
bench "SQLite, 1 node"
stop_nodes

pg_env=$("$here/../api/postgres.py" start --durable)
eval "$pg_env"
pg_dir=$SLUICE_TEST_PG_DIR
for nodes in 1 3; do
  db="bench_$nodes"
  /usr/bin/python3 - "$SLUICE_TEST_PG" "$db" <<'PY'
import subprocess, sys
fields = dict(kv.split("=", 1) for kv in sys.argv[1].split())
subprocess.run(["psql", "-X", "-q", "-h", fields["host"], "-p", fields["port"], "-U", fields["user"],
                "-d", "postgres", "-c", 'CREATE DATABASE "%s"' % sys.argv[2]], check=True)
PY
  printf 'sluice.store=postgres\nsluice.store.postgres.url=%s dbname=%s\n' "$SLUICE_TEST_PG" "$db" \
    >"$tmp/pg.properties"
  for _ in $(seq "$nodes"); do start_node "$tmp/pg.properties"; done
  bench "PostgreSQL, $nodes node(s)"
  stop_nodes
done
