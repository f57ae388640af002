#!/usr/bin/env bash
# Runs the README's second command (`bash .ci/run`) on a Debian 12 machine that has none of
# what the command installs (PostgreSQL, Redis, Chromium, PgBouncer, docker-compose): a
# debootstrapped bookworm with only what such machines come with (ca-certificates, git,
# python3, make, g++, curl, sudo) and this machine's Node and npm, chrooted in new network,
# mount and PID namespaces. Its 127.0.0.1 is its own (this machine's PostgreSQL and Redis are
# out of reach, nothing here is changed); apt-get and npm reach the network through
# scripts/bare-machine-proxy.mjs. Each run starts from the same cached root (an overlay; what
# the run installs is thrown away), clones the commit under test and ends with every process
# of the namespace gone and every mount released.
#
#   sudo scripts/bare-machine-check.sh [COMMIT]    default: HEAD of this checkout (committed work only)
#
# BARE_DIR (default /var/tmp/stock-bare) holds the cached root (base/), the run's log
# (run.log), the packages the command installed (installed.txt) and, while it runs, its
# overlay. BARE_REBUILD=1 debootstraps the root again. BARE_COMMAND runs instead of
# `bash .ci/run` in the clone (to look into a failure).
# Needs root, debootstrap and Node on this machine. Exits with the second command's status.
set -euo pipefail
cd "$(dirname "$0")/.."

BARE_DIR=${BARE_DIR:-/var/tmp/stock-bare}
MIRROR=${BARE_MIRROR:-http://deb.debian.org/debian}
PROXY_PORT=3128
log() { printf '\n==> %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap, namespaces, mounts)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 2; }
commit=$(git rev-parse --verify "${1:-HEAD}^{commit}")
git_dir=$(cd "$(git rev-parse --git-common-dir)" && pwd)
mkdir -p "$BARE_DIR"
base=$BARE_DIR/base run=$BARE_DIR/run sock=$BARE_DIR/proxy.sock

build_base() {
  local tmp=$BARE_DIR/base.tmp node npm_dir
  # debootstrap removes its own directory from the root when it has finished: a finished one is kept.
  if [ ! -f "$tmp/etc/debian_version" ] || [ -e "$tmp/debootstrap" ]; then
    rm -rf "$tmp"
    log "debootstrap bookworm into $tmp"
    debootstrap --variant=minbase --include=ca-certificates,git,python3,make,g++,curl,sudo bookworm "$tmp" "$MIRROR"
  fi
  # What a Debian 12 installation lists: the release, its updates and security.
  cat >"$tmp/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
EOF
  # This machine's Node and npm at the same paths, with the headers node-gyp would build against.
  node=$(readlink -f "$(command -v node)")
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  mkdir -p "$tmp$(dirname "$node")" "$tmp$(dirname "$npm_dir")" "$tmp/usr/local/bin"
  cp -a "$node" "$tmp$node"
  cp -a "$npm_dir" "$tmp$npm_dir"
  [ -d /usr/include/node ] && mkdir -p "$tmp/usr/include" && cp -a /usr/include/node "$tmp/usr/include/"
  ln -sf "$npm_dir/bin/npm-cli.js" "$tmp/usr/bin/npm"
  ln -sf "$npm_dir/bin/npx-cli.js" "$tmp/usr/bin/npx"
  [ -f /root/.npmrc ] && cp /root/.npmrc "$tmp/root/.npmrc"
  chroot "$tmp" apt-get clean
  mv "$tmp" "$base"
}

if [ "${BARE_REBUILD:-}" = 1 ]; then rm -rf "$base"; fi
[ -d "$base" ] || build_base
for absent in psql postgres pg_ctlcluster redis-server redis-cli pgbouncer chromium docker-compose socat; do
  if chroot "$base" sh -c "command -v $absent || [ -e /usr/sbin/$absent ]" >/dev/null; then
    echo "the cached root has $absent: it is not a bare machine (BARE_REBUILD=1)" >&2
    exit 2
  fi
done

proxy_pid=
cleanup() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
  rm -f "$sock"
  # Mounts belong to the namespace and went with it; what is left is the overlay's files.
  rm -rf "$run"
}
trap cleanup EXIT
rm -rf "$run"
mkdir -p "$run/upper" "$run/work" "$run/root"
node scripts/bare-machine-proxy.mjs proxy "$sock" >"$BARE_DIR/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done

# The namespace's first process; when it ends, the kernel ends every other one.
inside() {
  set -euo pipefail
  local root=$run/root
  mount --make-rprivate /
  ip link set lo up
  mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$root"
  mount -t proc proc "$root/proc"
  mount -t sysfs -o ro sysfs "$root/sys"
  mount --bind /dev "$root/dev"
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
  mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
  mkdir -p "$root/mnt/repo.git"
  mount --bind "$git_dir" "$root/mnt/repo.git"
  mount -o remount,bind,ro "$root/mnt/repo.git"
  node scripts/bare-machine-proxy.mjs relay "$PROXY_PORT" "$sock" >"$BARE_DIR/relay.log" 2>&1 &
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && break; sleep 0.1; done
  printf 'Acquire::http::Proxy "http://127.0.0.1:%s";\n' "$PROXY_PORT" >"$root/etc/apt/apt.conf.d/80bare-machine-proxy"
  # The way out is this machine's: so are the certificate authorities it adds (an intercepting
  # egress, for one) and Node's setting to use them.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >/dev/null
  fi
  local proxy=http://127.0.0.1:$PROXY_PORT
  chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb CI=true PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"} \
    http_proxy="$proxy" https_proxy="$proxy" HTTP_PROXY="$proxy" HTTPS_PROXY="$proxy" \
    bash -c "set -e; git clone -q file:///mnt/repo.git /srv/stock; cd /srv/stock; git checkout -q --detach $commit
      git log -1 --format='commit under test: %H %s'
      for tool in psql redis-server pgbouncer chromium docker-compose; do command -v \$tool || [ -e /usr/sbin/\$tool ] || echo \"before: no \$tool\"; done
      exec $run_command"
}

log "second command on a bare Debian 12 (commit $commit); log: $BARE_DIR/run.log"
start=$(date +%s)
status=0
run_command=${BARE_COMMAND:-bash .ci/run}
export run base sock git_dir commit run_command PROXY_PORT BARE_DIR
nice -n 10 unshare --net --mount --pid --fork --kill-child bash -c "$(declare -f inside); inside" 2>&1 | tee "$BARE_DIR/run.log" || status=${PIPESTATUS[0]}
log "second command exited with $status after $(($(date +%s) - start)) s (log: $BARE_DIR/run.log)"
# What the command installed (its apt-get is quiet): the packages the run's root has and the cached one has not.
if [ -f "$run/upper/var/lib/dpkg/status" ]; then
  LC_ALL=C join -v1 <(dpkg-query --admindir="$run/upper/var/lib/dpkg" -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' | awk '$1 == "ii" { print $2, $3 }' | LC_ALL=C sort) \
    <(dpkg-query --admindir="$base/var/lib/dpkg" -W -f '${Package}\n' | LC_ALL=C sort) >"$BARE_DIR/installed.txt"
  log "$(wc -l <"$BARE_DIR/installed.txt") packages installed by the command: $BARE_DIR/installed.txt"
fi
exit "$status"
