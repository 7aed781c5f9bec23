#!/usr/bin/env bash
# ci_check_bench.sh -- `sluice ci check --offline` on a generated repository of 500 .proto files
# (50 packages, imports between them and of well-known types) where 5 files changed, beside
# `buf breaking --against` on the same change (buf from npm, pinned in tests/bench/buf/).
# Prints the mean and best of 10 runs of each; a benchmark, not a test.
set -euo pipefail
: "${SLUICE:?SLUICE must name the sluice binary}"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo="$tmp/repo"

/usr/bin/python3 - "$repo" <<'PY'
import os, sys
root = sys.argv[1]
for p in range(50):
    for f in range(10):
        path = os.path.join(root, "proto", "acme", "pkg%02d" % p, "file%02d.proto" % f)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        imports = ['import "google/protobuf/timestamp.proto";']
        if f > 0:
            imports.append('import "acme/pkg%02d/file%02d.proto";' % (p, f - 1))
        body = ["syntax = \"proto3\";", "package acme.pkg%02d;" % p] + imports
        for m in range(3):
            fields = ["  string id = 1;", "  google.protobuf.Timestamp at = 2;"]
            fields += ["  int64 v%d = %d;" % (k, k + 3) for k in range(8)]
            if f > 0:
                fields.append("  Msg%02d_0 prev = 20;" % (f - 1))
            body.append("message Msg%02d_%d {\n%s\n}" % (f, m, "\n".join(fields)))
        with open(path, "w") as out:
            out.write("\n".join(body) + "\n")
with open(os.path.join(root, "sluice.yaml"), "w") as out:
    out.write("roots: [proto]\n")
with open(os.path.join(root, "proto", "buf.yaml"), "w") as out:
    out.write("version: v1\nbreaking:\n  use:\n    - WIRE_JSON\n")
PY
cd "$repo"
git init -q -b main
git add -A
git -c user.name=b -c user.email=b@example.com commit -qm base
git checkout -qb change
for p in 03 11 22 33 44; do # five compatible edits: a field added to a message
  sed -i 's/^  int64 v7 = 10;$/  int64 v7 = 10;\n  string added = 30;/' "proto/acme/pkg$p/file09.proto"
done
git -c user.name=b -c user.email=b@example.com commit -qam change

time_it() { # label, command...
  local label=$1 best=999999 total=0 t
  shift
  "$@" >/dev/null 2>&1 || true # warm the page cache
  for _ in $(seq 10); do
    /usr/bin/time -f %e -o "$tmp/t" "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$tmp/t")
    total=$(echo "$total + $t" | bc -l)
    best=$(echo "if ($t < $best) $t else $best" | bc -l)
  done
  printf '  %-34s mean %.3f s, best %.3f s (10 runs)\n' "$label" "$(echo "$total / 10" | bc -l)" "$best"
}

echo "500 .proto files, 5 changed:"
rc=0
"$SLUICE" ci check --against main --offline --repo "$repo" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { echo "sluice ci check reported a breaking change (exit $rc)"; exit 1; }
time_it "sluice ci check --offline" "$SLUICE" ci check --against main --offline --repo "$repo"
if [ ! -x "$here/buf/node_modules/.bin/buf" ]; then
  (cd "$here/buf" && npm ci --no-audit --no-fund >/dev/null 2>&1) || true
fi
if [ -x "$here/buf/node_modules/.bin/buf" ]; then
  time_it "buf breaking --against .git#branch=main" \
    sh -c "cd '$repo/proto' && '$here/buf/node_modules/.bin/buf' breaking --against '../.git#branch=main,subdir=proto'"
else
  echo "  buf is not installed (npm install in tests/bench/buf); skipped the comparison"
fi
