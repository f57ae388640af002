#!/usr/bin/env bash
# The README's second command: install what the tests need that npm does not bring, start
# the services that are not running, then lint, validate the compose files and run the
# whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
# PgBouncer for the connection-pooling system test (Debian installs it in /usr/sbin).
command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pg_ctlcluster >/dev/null || command -v postgres >/dev/null || missing+=(postgresql)
# initdb and pg_ctl (server) and pg_basebackup (client) for the primary + replica system test.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
compgen -G "/usr/lib/postgresql/*/bin/pg_basebackup" >/dev/null || missing+=(postgresql-client)
command -v docker-compose >/dev/null || missing+=(docker-compose)
# Fonts for readable screenshots; Chromium pulls a basic set itself.
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Test database: the local server when it trusts `postgres`, else a throwaway cluster of our own.
source scripts/ci-postgres.sh
ci_test_database
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

log "installing npm packages"
npm ci --no-audit --no-fund

log "lint: tsc --noEmit, ESLint, Prettier and the layering rules, at once"
npm run lint

log "compose files: docker-compose config"
bash scripts/check-compose.sh docker-compose*.yml

log "tests: unit and integration (PGlite, PostgreSQL, Redis) and end-to-end (Chromium), side by side"
npm test
