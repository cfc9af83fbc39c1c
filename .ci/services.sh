#!/usr/bin/env bash
# Starts the local Redis and PostgreSQL that the store contract tests run against.
# For a fresh Debian machine running as root with no services; safe to run again.
# Progress goes to stderr; stdout carries only `export TEST_…=…` lines, so:
#   eval "$(bash .ci/services.sh)"
# It also exports CI_SERVICES_STARTED, a file naming what this run started;
# `bash .ci/services.sh stop "$CI_SERVICES_STARTED"` stops exactly that, and nothing another run uses.
set -euo pipefail

exec 3>&1 1>&2 # keep stdout for the export lines only

# The daemons outlive this script. Whatever they inherit stays open as long as they run: fd 3 is the
# pipe `$(…)` reads to its end, and stdout/stderr may be the CI runner's. So they get none of them,
# or the caller would wait for them forever.
SERVICES_LOG=/tmp/save-to-notion-services.log
detached() { "$@" </dev/null >>"$SERVICES_LOG" 2>&1 3>&-; }
show_log_and_fail() { log "$1 (log: $SERVICES_LOG)"; tail -n 40 "$SERVICES_LOG" >&2 || true; exit 1; }

REDIS_PORT="${CI_REDIS_PORT:-6390}"
PG_DB=save_to_notion_test
PG_USER=save_to_notion_test
PG_PASSWORD=save_to_notion_test # a throwaway local test database, not a secret

log() { echo "[services] $*" >&2; }

if [ "${1:-}" = stop ]; then
  STARTED="${2:-}"
  [ -n "$STARTED" ] && [ -f "$STARTED" ] || { log "nothing to stop"; exit 0; }
  while read -r what arg1 arg2; do
    case "$what" in
      redis) redis-cli -h 127.0.0.1 -p "$arg1" shutdown nosave >/dev/null 2>&1 || true; log "stopped redis on $arg1" ;;
      postgresql) detached pg_ctlcluster "$arg1" "$arg2" stop || true; log "stopped postgresql $arg1/$arg2" ;;
    esac
  done <"$STARTED"
  rm -f "$STARTED"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (installs packages and starts services)"
  exit 1
fi
STARTED="$(mktemp /tmp/save-to-notion-services.XXXXXX)"

need_install=()
command -v redis-server >/dev/null 2>&1 || need_install+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need_install+=(redis-tools)
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_install+=(postgresql)
if [ "${#need_install[@]}" -gt 0 ]; then
  log "installing ${need_install[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A package's install script may start its daemon, which would inherit our descriptors.
  detached apt-get update -qq || show_log_and_fail "apt-get update failed"
  detached apt-get install -y -qq redis-server postgresql || show_log_and_fail "apt-get install failed"
fi

# --- Redis: a private instance on 127.0.0.1:$REDIS_PORT, no persistence ---------------------
if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  log "redis already answering on 127.0.0.1:$REDIS_PORT"
else
  log "starting redis on 127.0.0.1:$REDIS_PORT"
  detached redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
    --save '' --appendonly no --dir /tmp \
    --pidfile "/tmp/save-to-notion-redis-$REDIS_PORT.pid" \
    --logfile "/tmp/save-to-notion-redis-$REDIS_PORT.log" || show_log_and_fail "redis-server failed to start"
  echo "redis $REDIS_PORT" >>"$STARTED"
fi
for _ in $(seq 1 50); do
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
  sleep 0.2
done
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG || { log "redis did not come up"; exit 1; }

# --- PostgreSQL: the distribution's cluster, listening on localhost --------------------------
PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main"' | grep -q .; then
  log "creating postgresql $PG_VERSION cluster main"
  detached pg_createcluster "$PG_VERSION" main || show_log_and_fail "pg_createcluster failed"
fi
PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { print $3 }')"
if pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { print $4 }' | grep -q online; then
  log "postgresql $PG_VERSION/main already online on port $PG_PORT"
else
  log "starting postgresql $PG_VERSION/main on port $PG_PORT"
  detached pg_ctlcluster "$PG_VERSION" main start || show_log_and_fail "postgresql failed to start"
  echo "postgresql $PG_VERSION main" >>"$STARTED"
fi
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 0.2
done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { log "postgresql did not come up"; exit 1; }

psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA -p "$PG_PORT" "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]; then
  log "creating role $PG_USER"
  psql_admin -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
  log "creating database $PG_DB"
  psql_admin -c "CREATE DATABASE $PG_DB OWNER $PG_USER"
fi
# The password login over TCP is what the tests use; check it before handing out the URL.
PGPASSWORD="$PG_PASSWORD" psql -v ON_ERROR_STOP=1 -qtA -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c 'SELECT 1' >/dev/null

log "redis and postgresql are ready"
echo "export CI_SERVICES_STARTED=$STARTED" >&3
echo "export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT" >&3
echo "export TEST_POSTGRES_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB" >&3
