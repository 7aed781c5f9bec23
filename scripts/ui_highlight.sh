#!/usr/bin/env bash
# ui_highlight.sh OUT DIR -- one browser script of highlight.js (Debian's node-highlight.js, in DIR)
# with the languages the web UI shows: JSON (Avro and JSON Schema) and Protobuf. The package's
# files are CommonJS modules; each is wrapped so that it runs in a page and defines `hljs`.
set -euo pipefail
out=$1
dir=$2
module() { # FILE: an expression whose value is the module's exports
  echo "(function () { var module = { exports: {} }, exports = module.exports;"
  cat "$1"
  echo ";"
  echo "return module.exports; })()"
}
mkdir -p "$(dirname "$out")"
{
  echo "/* highlight.js $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$dir/../package.json" 2>/dev/null | head -n1)"
  echo " * (BSD-3-Clause, from Debian's node-highlight.js) with JSON and Protobuf. */"
  echo "var hljs = $(module "$dir/highlight.js");"
  echo "hljs.registerLanguage('json', $(module "$dir/languages/json.js"));"
  echo "hljs.registerLanguage('protobuf', $(module "$dir/languages/protobuf.js"));"
} >"$out.tmp"
mv "$out.tmp" "$out"
