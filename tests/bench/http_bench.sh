#!/usr/bin/env bash
# http_bench.sh -- sluiced's throughput and latency beside the machine's ceilings (a minimal
# libmicrohttpd server; SQLite's own durable insert rate), with 1,000 and 1,000,000 schemas stored,
# plus memory, start-up and listing pages (tests/bench/ceiling.py says what is measured).
exec /usr/bin/python3 "$(dirname "$0")/ceiling.py"
