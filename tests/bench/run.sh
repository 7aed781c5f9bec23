#!/usr/bin/env bash
# run.sh -- run every benchmark against one (optimized) build directory.
#   tests/bench/run.sh BUILD
# Compiled benchmarks are BUILD/tests/bench/*_bench; scripted ones are tests/bench/*_bench.sh, which
# get SLUICED and SLUICE exported (and SLUICE_BENCH_BIN, where the other compiled programs of
# tests/bench/ are: the ceilings and the store filler the scripts drive). Benchmarks print
# numbers; they do not pass or fail on time.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
export SLUICED="$root/$build/sluiced" SLUICE="$root/$build/sluice" SLUICE_ROOT="$root"
export SLUICE_BENCH_BIN="$root/$build/tests/bench"
status=0
for b in "$root/$build"/tests/bench/*_bench; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" || status=1
done
for s in "$here"/*_bench.sh; do
  [ -x "$s" ] || continue
  echo "== $(basename "$s")"
  "$s" || status=1
done
exit $status
