#!/usr/bin/env bash
# run.sh -- run the test suites against one build directory and print one closing line:
#   "N passed, N failed"
#
#   tests/run.sh BUILD [SUITE...]     suites: unit proto api alone clients browser cli crash
#                                     fuzz tsan postgres cluster (default: all)
#
# Each suite is a directory of programs; a program passes when it exits 0. Unit programs are the
# binaries under BUILD/tests/unit; the others are scripts under tests/<suite>/ named test_*.
# `alone` runs every case of every api file again, each on its own (tests/api/run_each.py).
# The store's contract tests (tests/unit/store/contract_*) run on SQLite, then on PostgreSQL.
# `postgres` runs every api file again with each server on a PostgreSQL database, all on one
# PostgreSQL server started for the suite and stopped after it (tests/api/postgres.py).
# `fuzz` replays every saved input of each fuzz target (BUILD/tests/fuzz/<target> over the
# directories tests/fuzz/seeds.sh names: its seeds and past crashes). `tsan` runs the programs that
# race threads against a ThreadSanitizer build (TSAN_BUILD, default build/tsan; `make test` makes
# it): the store's and registry's threaded unit tests, and the concurrency, write-race, cache,
# durability and kill -9 tests against its sluiced.
# Scripts find the binaries through SLUICED and SLUICE, and sanitizer reports fail them.
set -u
build=${1:?usage: tests/run.sh BUILD [SUITE...]}
shift
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(unit proto api alone clients browser cli crash fuzz tsan postgres cluster)

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
export SLUICED="$root/$build/sluiced" SLUICE="$root/$build/sluice" SLUICE_ROOT="$root"
export SLUICE_TOOLS="$root/$build/tests/tools"
# Any sanitizer finding is fatal and reported; leaks are findings too.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87"
export LSAN_OPTIONS="exitcode=88"
export TSAN_OPTIONS="halt_on_error=1:exitcode=89:second_deadlock_stack=1"
tsan_build=${TSAN_BUILD:-build/tsan}
tsan_tests=(api/test_concurrency.py api/test_write_race.py api/test_cache_coherence.py
            api/test_durability.py crash/test_kill9.py)

passed=0 failed=0 failures=()
run_one() { # name, command...
  local name=$1 log rc
  shift
  log=$(mktemp)
  local start=$SECONDS
  "$@" >"$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|WARNING: ThreadSanitizer' "$log"; then
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
        name=${bin#"$root/$build/tests/unit/"}
        # a program whose source is gone (renamed or removed) is a leftover of an older build
        [ -f "$here/unit/$name.c" ] || continue
        run_one "unit/$name" "$bin"
      done < <(find "$root/$build/tests/unit" -type f -perm -u+x 2>/dev/null | sort)
      for bin in "$root/$build"/tests/unit/store/contract_*; do
        [ -x "$bin" ] || continue
        run_one "unit/store/$(basename "$bin") on postgres" "$here/api/postgres.py" run \
          env SLUICE_TEST_STORE=postgres "$bin"
      done
      ;;
    postgres)
      pg_env=$("$here/api/postgres.py" start) || { failed=$((failed + 1)); failures+=(postgres); continue; }
      eval "$pg_env"
      trap '"$here/api/postgres.py" stop "$SLUICE_TEST_PG_DIR"' EXIT
      while IFS= read -r t; do
        run_one "postgres/$(basename "$t")" env SLUICE_TEST_STORE=postgres "$t"
      done < <(find "$here/api" -maxdepth 1 -type f -name 'test_*' -perm -u+x 2>/dev/null | sort)
      "$here/api/postgres.py" stop "$SLUICE_TEST_PG_DIR"
      trap - EXIT
      unset SLUICE_TEST_PG SLUICE_TEST_PG_DIR
      ;;
    fuzz)
      while IFS= read -r bin; do
        name=$(basename "$bin")
        mapfile -t seeds < <("$here/fuzz/seeds.sh" "$name")
        run_one "fuzz/$name" "$bin" "${seeds[@]}"
      done < <(find "$root/$build/tests/fuzz" -type f -perm -u+x 2>/dev/null | sort)
      ;;
    tsan)
      if [ ! -x "$root/$tsan_build/sluiced" ]; then
        run_one "tsan/(no build)" sh -c "echo 'no ThreadSanitizer build in $tsan_build'; false"
        continue
      fi
      while IFS= read -r bin; do
        run_one "tsan/unit/${bin#"$root/$tsan_build/tests/unit/"}" "$bin"
      done < <(find "$root/$tsan_build/tests/unit" -type f -perm -u+x 2>/dev/null | sort)
      # Races, not durability, are what this build is for: fewer kill -9 rounds will do.
      for t in "${tsan_tests[@]}"; do
        run_one "tsan/$t" env SLUICED="$root/$tsan_build/sluiced" SLUICE_KILL9_ROUNDS=8 "$here/$t"
      done
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
