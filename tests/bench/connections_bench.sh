#!/usr/bin/env bash
# connections_bench.sh -- idle, slow and large clients against the optimized sluiced
# (tests/bench/connections.py says what is measured).
exec /usr/bin/python3 "$(dirname "$0")/connections.py"
