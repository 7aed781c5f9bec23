#!/usr/bin/env bash
# fresh-machine.sh -- prove that README's quick start works on a Debian 12 machine that has never
# built sluice.
#
#   sudo scripts/fresh-machine.sh
#
# Builds a minimal Debian 12 root with debootstrap (--variant=minbase, from the mirror this
# machine's apt sources use, or $FRESH_MIRROR), installs only git, make and ca-certificates in
# it, clones the repository's HEAD into it and, inside a chroot with a clean environment:
#   - runs `make run` until GET / answers on :8081, then stops the server by its pid;
#   - runs `make test`.
# Each command gets one line with its outcome and seconds, and the last line is
# "N passed, N failed". The root is removed at the end, whatever happened. Only committed work is
# tried: the clone is of HEAD, as CI's is.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-machine.sh: debootstrap, mount and chroot need root; run: sudo $0" >&2
  exit 2
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
suite=bookworm
port=8081
run_timeout=${FRESH_RUN_TIMEOUT:-1800}

# The first Debian archive (not the security one) named in this machine's apt sources.
apt_mirror() {
  local uri
  uri=$(awk 'tolower($1) == "uris:" { print $2 }' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -v -- '-security' | head -n 1 || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 == "'$suite'" { print $2 }' \
    /etc/apt/sources.list 2>/dev/null | head -n 1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}
mirror=${FRESH_MIRROR:-$(apt_mirror)}

if ! command -v debootstrap >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
  echo "fresh-machine.sh: port $port is in use here; stop what listens on it first" >&2
  exit 2
fi

root=$(mktemp -d "${TMPDIR:-/var/tmp}/sluice-fresh.XXXXXX")
# A machine's / is 0755; mktemp's 0700 would keep every user but root out of the new root.
chmod 0755 "$root"
logs=$(mktemp -d)
run_pid=

# Everything below $root that is mounted, deepest first.
mounts_below_root() {
  awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r
}

cleanup() {
  set +e
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null
  for pid in $(chroot_pids); do kill -9 "$pid" 2>/dev/null; done
  sleep 1
  for m in $(mounts_below_root); do umount "$m" 2>/dev/null || umount -l "$m"; done
  if [ -n "$(mounts_below_root)" ]; then
    echo "fresh-machine.sh: $root still has mounts; not removing it" >&2
  else
    rm -rf --one-file-system "$root"
  fi
  rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The processes whose root directory is the new root.
chroot_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && echo "${p#/proc/}"
  done
  return 0
}

# In the new root, as a new user's root shell would be: no variable of this machine's.
in_root() {
  env -i HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    chroot "$root" /bin/bash -c "$1"
}

passed=0 failed=0
# step NAME COMMAND...: run it with its output in a log; one line with the outcome and seconds.
step() {
  local name=$1 start=$SECONDS rc=0
  shift
  "$@" >"$logs/step.log" 2>&1 || rc=$?
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    printf 'ok   %-44s %5ds\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    printf 'FAIL %-44s %5ds (exit %d)\n' "$name" $((SECONDS - start)) $rc
    tail -n 80 "$logs/step.log" | sed 's/^/    /'
  fi
  return $rc
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

bootstrap() {
  debootstrap --variant=minbase "$suite" "$root" "$mirror"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
  mount -t tmpfs tmpfs "$root/dev/shm"
}

install_prerequisites() {
  in_root 'apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git make ca-certificates'
}

# A network that inspects TLS (a proxy with its own certificate authority) is part of this machine,
# not of sluice: give the new root the same local authorities, so that npm reaches its registry
# from there as it does from here. Nothing is added where this machine has none.
trust_local_cas() {
  local certs=(/usr/local/share/ca-certificates/*.crt)
  [ -e "${certs[0]}" ] || { echo "no local certificate authorities"; return 0; }
  cp "${certs[@]}" "$root/usr/local/share/ca-certificates/"
  in_root 'update-ca-certificates'
}

# The clone is of a bundle of HEAD, so that a checkout with uncommitted changes or one that is a
# worktree is tried as CI would see it.
clone() {
  git -C "$repo" bundle create "$root/root/sluice.bundle" HEAD
  in_root 'git clone -q /root/sluice.bundle /root/sluice && rm /root/sluice.bundle &&
    git -C /root/sluice log -1 --format="cloned %h %s"'
}

# README's `make run`, in the background until the registry answers GET / on :$port.
make_run() {
  in_root 'cd /root/sluice && exec make run' >"$logs/run.log" 2>&1 &
  run_pid=$!
  local deadline=$((SECONDS + run_timeout)) body=
  until body=$(curl -s --max-time 2 "http://127.0.0.1:$port/") && [ -n "$body" ]; do
    if ! kill -0 "$run_pid" 2>/dev/null; then
      cat "$logs/run.log"
      echo "make run ended before the registry answered"
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 40 "$logs/run.log"
      echo "no answer on :$port after ${run_timeout}s"
      return 1
    fi
    sleep 2
  done
  tail -n 5 "$logs/run.log"
  echo "GET / answered $body"
  [ "$body" = "{}" ]
}

# The server is the chroot's sluiced; SIGTERM by its pid, then make run must end.
stop_server() {
  local pid= p
  for p in $(chroot_pids); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sluiced ] && pid=$p
  done
  [ -n "$pid" ] || { echo "no sluiced process in the new root"; return 1; }
  echo "stopping sluiced, pid $pid"
  kill -TERM "$pid"
  local rc=0
  wait "$run_pid" || rc=$?
  run_pid=
  tail -n 3 "$logs/run.log"
  # make reports the server's own exit; SIGTERM is a clean stop.
  grep -q 'SIGTERM, shutting down' "$logs/run.log" || { echo "make run exited $rc"; return 1; }
}

make_test() {
  in_root 'cd /root/sluice && make test'
}

step "debootstrap --variant=minbase $suite" bootstrap || finish
step "apt-get install git make ca-certificates" install_prerequisites || finish
step "trust this machine's local CAs" trust_local_cas || finish
step "git clone" clone || finish
if step "make run (until GET / answers on :$port)" make_run; then
  step "stop the server by its pid" stop_server || true
fi
step "make test" make_test || true
finish
