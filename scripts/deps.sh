#!/usr/bin/env bash
# deps.sh -- make sure the Debian packages sluice needs are installed.
#
#   scripts/deps.sh build   what `make` needs to compile sluiced and sluice
#   scripts/deps.sh test    plus what `make test` needs (test clients, oracles, sanitizers)
#   scripts/deps.sh bench   plus what `make bench` needs (load generators)
#   scripts/deps.sh fuzz    plus what `make fuzz` needs (clang and its libFuzzer runtime)
#
# As root it installs what is missing with apt-get; otherwise it prints the exact command to run
# and exits 1. Installed packages are detected with dpkg, so a second run costs milliseconds.
set -euo pipefail

build_pkgs=(
  build-essential pkg-config
  libmicrohttpd-dev libsqlite3-dev libjansson-dev
  libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev
  libavro-dev libgit2-dev libcurl4-openssl-dev libyaml-dev nettle-dev
  python3-jsonschema
  libgnutls28-dev libcrypt-dev libpq-dev
  node-highlight.js node-diff
)
test_pkgs=(
  libcmocka-dev protobuf-compiler python3 python3-confluent-kafka python3-requests
  python3-protobuf python3-yaml nodejs npm git curl sqlite3 libclang-rt-14-dev openssl
  chromium fonts-dejavu-core postgresql
)

bench_pkgs=(wrk hyperfine bc time)
fuzz_pkgs=(clang libclang-rt-14-dev)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  test) want+=("${test_pkgs[@]}") ;;
  bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  fuzz) want+=("${test_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
esac

missing=()
for p in "${want[@]}"; do
  # nodejs/npm may come from outside Debian's packages (an image's own Node.js); accept the commands.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "sluice needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:  sudo sh -c '$cmd'" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
