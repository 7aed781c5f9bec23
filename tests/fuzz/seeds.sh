#!/usr/bin/env bash
# seeds.sh -- the directories of saved inputs of one fuzz target, one per line, those that exist:
# its seeds (tests/fuzz/corpus/<target>/), the inputs that once crashed it
# (tests/fuzz/regressions/<target>/) and, for the .proto parser, every file of tests/data/proto/
# (the differential test's files, valid and invalid), which are not copied into the corpus.
#   tests/fuzz/seeds.sh TARGET
here=$(cd "$(dirname "$0")" && pwd)
t=${1:?usage: tests/fuzz/seeds.sh TARGET}
dirs=("$here/corpus/$t" "$here/regressions/$t")
[ "$t" = compat_protobuf ] && dirs+=("$(dirname "$here")/data/proto")
for d in "${dirs[@]}"; do
  [ -d "$d" ] && echo "$d"
done
exit 0
