#!/usr/bin/env bash
# run.sh -- run the test suites against one build directory and print one closing line:
#   "N passed, N failed"
#
#   tests/run.sh BUILD [SUITE...]   suites: unit proto api alone clients cli fuzz (default: all)
#
# Each suite is a directory of programs; a program passes when it exits 0. Unit programs are the
# binaries under BUILD/tests/unit; the others are scripts under tests/<suite>/ named test_*.
# `alone` runs every case of every api file again, each on its own (tests/api/run_each.py).
# `fuzz` replays every saved input of each fuzz target (BUILD/tests/fuzz/<target> over
# tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/).
# Scripts find the binaries through SLUICED and SLUICE, and sanitizer reports fail them.
set -u
build=${1:?usage: tests/run.sh BUILD [SUITE...]}
shift
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(unit proto api alone clients cli fuzz)

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
export SLUICED="$root/$build/sluiced" SLUICE="$root/$build/sluice" SLUICE_ROOT="$root"
export SLUICE_TOOLS="$root/$build/tests/tools"
# Any sanitizer finding is fatal and reported; leaks are findings too.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87"
export LSAN_OPTIONS="exitcode=88"

passed=0 failed=0 failures=()
run_one() { # name, command...
  local name=$1 log rc
  shift
  log=$(mktemp)
  local start=$SECONDS
  "$@" >"$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
    passed=$((passed + 1))
    printf 'ok   %-50s %3ds\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf 'FAIL %-50s (exit %d)\n' "$name" $rc
    sed 's/^/    /' "$log" | tail -n 60
  fi
  rm -f "$log"
}

for suite in "${suites[@]}"; do
  case "$suite" in
    unit)
      while IFS= read -r bin; do
        run_one "unit/${bin#"$root/$build/tests/unit/"}" "$bin"
      done < <(find "$root/$build/tests/unit" -type f -perm -u+x 2>/dev/null | sort)
      ;;
    fuzz)
      while IFS= read -r bin; do
        name=$(basename "$bin")
        run_one "fuzz/$name" "$bin" "$here/fuzz/corpus/$name" "$here/fuzz/regressions/$name"
      done < <(find "$root/$build/tests/fuzz" -type f -perm -u+x 2>/dev/null | sort)
      ;;
    alone)
      while IFS= read -r t; do
        run_one "alone/$(basename "$t")" "$here/api/run_each.py" "$t"
      done < <(find "$here/api" -maxdepth 1 -type f -name 'test_*' -perm -u+x 2>/dev/null | sort)
      ;;
    *)
      while IFS= read -r t; do
        run_one "$suite/$(basename "$t")" "$t"
      done < <(find "$here/$suite" -maxdepth 1 -type f -name 'test_*' -perm -u+x 2>/dev/null | sort)
      ;;
  esac
done

echo
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
