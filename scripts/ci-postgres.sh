# Sourced by scripts/ci.sh (and by its test): a PostgreSQL server the tests can use as user
# `postgres` without a password, named in TEST_DATABASE_ADMIN_URL (test/helpers/database.ts).
#
#   1. TEST_DATABASE_ADMIN_URL already set: used as it is.
#   2. The server on 127.0.0.1:$CI_PG_PORT (5432; Debian's cluster is started when it is
#      installed and not running) lets `postgres` in without a password: used.
#   3. Otherwise, for example the cluster `apt-get install postgresql` just created (Debian
#      asks for a password on 127.0.0.1 and uses peer auth on its socket): a throwaway cluster
#      of our own, initdb with trust in a temporary directory, on a free loopback port,
#      stopped and removed when the calling shell exits. The machine's own cluster and its
#      configuration are never changed.
#
# Expects a `log` function. Exports TEST_DATABASE_ADMIN_URL, and BENCH_DATABASE_URL for
# `npm run bench` when it makes a cluster.

ci_pg_trusts() { # port
  # No password from the environment or ~/.pgpass: the tests have none.
  env -u PGPASSWORD PGPASSFILE=/dev/null PGCONNECT_TIMEOUT=3 psql -w -X -q -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1
}

ci_pg_free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

ci_pg_stop_own_cluster() {
  [ -n "${CI_PG_DIR:-}" ] || return 0
  "${CI_PG_AS_OWNER[@]}" "$CI_PG_BIN/pg_ctl" -D "$CI_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$CI_PG_DIR"
  CI_PG_DIR=
}

ci_pg_own_cluster() {
  CI_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$CI_PG_BIN" ]; then
    echo "no PostgreSQL binaries under /usr/lib/postgresql/*/bin" >&2
    return 1
  fi
  CI_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/stock-test-pg.XXXXXX")
  CI_PG_AS_OWNER=()
  # PostgreSQL refuses to run as root: as root, the cluster belongs to Debian's `postgres` user.
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$CI_PG_DIR"
    CI_PG_AS_OWNER=(runuser -u postgres --)
  fi
  trap ci_pg_stop_own_cluster EXIT
  local port
  port=$(ci_pg_free_port)
  log "PostgreSQL on 127.0.0.1:${CI_PG_PORT:-5432} does not let postgres in without a password: starting a test cluster on 127.0.0.1:$port ($CI_PG_DIR)"
  "${CI_PG_AS_OWNER[@]}" "$CI_PG_BIN/initdb" -D "$CI_PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$CI_PG_DIR/initdb.log" 2>&1 ||
    { cat "$CI_PG_DIR/initdb.log" >&2; return 1; }
  # Throwaway data: no fsync. Socket in the cluster's own directory, listening on loopback only.
  "${CI_PG_AS_OWNER[@]}" "$CI_PG_BIN/pg_ctl" -D "$CI_PG_DIR/data" -l "$CI_PG_DIR/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $CI_PG_DIR -c max_connections=100 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null ||
    { cat "$CI_PG_DIR/server.log" >&2; return 1; }
  export TEST_DATABASE_ADMIN_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  export BENCH_DATABASE_URL="$TEST_DATABASE_ADMIN_URL"
}

ci_test_database() {
  if [ -n "${TEST_DATABASE_ADMIN_URL:-}" ]; then
    log "tests use the PostgreSQL server of TEST_DATABASE_ADMIN_URL"
    return 0
  fi
  local port="${CI_PG_PORT:-5432}"
  if ! pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null && [ "$port" = 5432 ] && [ -d /etc/postgresql ]; then
    log "starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 1; done
  fi
  if ci_pg_trusts "$port"; then
    export TEST_DATABASE_ADMIN_URL="postgresql://postgres@127.0.0.1:$port/postgres"
    return 0
  fi
  ci_pg_own_cluster
}
