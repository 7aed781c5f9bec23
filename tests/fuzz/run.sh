#!/usr/bin/env bash
# run.sh -- run every libFuzzer target of a `make fuzz` build for a bounded time each.
#
#   tests/fuzz/run.sh BUILD [TARGET...]        FUZZ_SECONDS (default 60) per target
#
# Each target starts from its seeds and past crashes (the directories tests/fuzz/seeds.sh names);
# what it learns goes to BUILD/corpus/<target>/, kept between runs, and the input of a crash to BUILD/crashes/<target>/. A crash stops that target only; the
# closing line says how many targets crashed, and the exit status is non-zero if any did.
set -u
build=${1:?usage: tests/fuzz/run.sh BUILD [TARGET...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
seconds=${FUZZ_SECONDS:-60}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$here"/*.c; do
    name=$(basename "$f" .c)
    [ "$name" = replay ] || targets+=("$name")
  done
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

crashed=()
for t in "${targets[@]}"; do
  bin="$root/$build/tests/fuzz/$t"
  corpus="$root/$build/corpus/$t" crashes="$root/$build/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  mapfile -t seeds < <("$here/seeds.sh" "$t")
  log="$root/$build/$t.log"
  start=$SECONDS
  # -timeout: an input that takes longer is a finding (a stall); -rss_limit_mb likewise.
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
  if [ $rc -eq 0 ]; then
    printf 'ok    %-22s %4ds  %10s runs  %s\n' "$t" $((SECONDS - start)) "${execs:-?}" "$cov"
  else
    crashed+=("$t")
    printf 'CRASH %-22s %4ds  (exit %d; input in %s)\n' "$t" $((SECONDS - start)) $rc "$crashes"
    grep -E 'ERROR:|runtime error:|fuzz property|SUMMARY|Test unit written' "$log" | head -n 8 |
      sed 's/^/    /'
  fi
done
echo
echo "${#targets[@]} targets fuzzed for ${seconds}s each, ${#crashed[@]} crashed${crashed[*]:+: ${crashed[*]}}"
[ ${#crashed[@]} -eq 0 ]
