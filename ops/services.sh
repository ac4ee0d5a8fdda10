#!/usr/bin/env bash
# Local PostgreSQL 15 and Redis 7 for ScaiVault: installs them from apt when absent, runs them on
# 127.0.0.1 with data in a project-local folder, and stops only the processes it started.
#
#   ops/services.sh start|stop|status
#
# Settings (environment):
#   SCAIVAULT_DATA_DIR    folder for the data (default: <repo>/.data/dev; git-ignored)
#   SCAIVAULT_PG_PORT     PostgreSQL port (default 54329; "auto" = a free port)
#   SCAIVAULT_REDIS_PORT  Redis port (default 63799; "auto" = a free port)
#   SCAIVAULT_PG_FAST     1 = fsync off (throw-away test clusters only)
# `start` writes $SCAIVAULT_DATA_DIR/services.env with the connection settings the service reads.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="${SCAIVAULT_DATA_DIR:-$root/.data/dev}"
mkdir -p "$data"
data="$(cd "$data" && pwd)"
pgdata="$data/pg"
pgsock="$data/pg-socket"
pglog="$data/pg.log"
redisdir="$data/redis"
redispid="$data/redis.pid"
envfile="$data/services.env"

log() { echo "[services] $*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

ensure_installed() {
  local need=()
  command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ] || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing ${need[*]} from apt"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
}

# initdb and pg_ctl refuse to run as root: as root, run them as the postgres user the package creates.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() { [ -f "$pgdata/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; }
redis_running() { [ -f "$redispid" ] && kill -0 "$(cat "$redispid")" 2>/dev/null; }

read_env_port() { [ -f "$envfile" ] && sed -n "s/^$1=//p" "$envfile" | head -1 || true; }

start() {
  ensure_installed
  pgbin="$(pg_config --bindir)"
  local pgport redisport
  pgport="$(read_env_port SCAIVAULT_PG_PORT)"; redisport="$(read_env_port SCAIVAULT_REDIS_PORT)"
  if ! pg_running; then pgport="${SCAIVAULT_PG_PORT:-54329}"; fi
  if ! redis_running; then redisport="${SCAIVAULT_REDIS_PORT:-63799}"; fi
  [ "$pgport" = auto ] && pgport="$(free_port)"
  [ "$redisport" = auto ] && redisport="$(free_port)"

  if [ "$(id -u)" -eq 0 ]; then
    # postgres must be able to reach its folders through the project path
    chmod o+x "$data"; d="$data"; while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
  fi
  mkdir -p "$pgsock" "$redisdir"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pgdata" "$pgsock" && touch "$pglog" && chown postgres "$pglog"
    log "initdb $pgdata"
    # trust on loopback only: this is a single-developer cluster that listens on 127.0.0.1 alone
    as_pg "$pgbin/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! pg_running; then
    local extra=""
    [ "${SCAIVAULT_PG_FAST:-0}" = 1 ] && extra="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    log "starting PostgreSQL on 127.0.0.1:$pgport"
    as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$pglog" -w -t 60 \
      -o "-p $pgport -k $pgsock -c listen_addresses=127.0.0.1 -c max_connections=200 $extra" start >/dev/null
  fi
  as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='scaivault'" | grep -q 1 ||
    as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -qc "CREATE DATABASE scaivault" >/dev/null

  if ! redis_running; then
    log "starting Redis on 127.0.0.1:$redisport"
    redis-server --bind 127.0.0.1 --port "$redisport" --dir "$redisdir" --daemonize yes \
      --pidfile "$redispid" --logfile "$data/redis.log" --save "" --appendonly no >/dev/null
    for _ in $(seq 1 100); do redis-cli -h 127.0.0.1 -p "$redisport" ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli -h 127.0.0.1 -p "$redisport" ping >/dev/null
  fi

  cat > "$envfile" <<ENV
SCAIVAULT_PG_PORT=$pgport
SCAIVAULT_REDIS_PORT=$redisport
SCAIVAULT_DB="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=scaivault"
SCAIVAULT_REDIS="127.0.0.1:$redisport"
ENV
  log "ready: PostgreSQL 127.0.0.1:$pgport, Redis 127.0.0.1:$redisport (settings in $envfile)"
}

stop() {
  if command -v pg_config >/dev/null 2>&1; then
    pgbin="$(pg_config --bindir)"
    if pg_running; then log "stopping PostgreSQL ($pgdata)"; as_pg "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null; fi
  fi
  if redis_running; then
    local pid; pid="$(cat "$redispid")"
    log "stopping Redis (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$redispid"
  fi
}

status() {
  pgbin="$(pg_config --bindir 2>/dev/null || echo /nonexistent)"
  pg_running && echo "postgresql: running ($pgdata)" || echo "postgresql: stopped"
  redis_running && echo "redis: running (pid $(cat "$redispid"))" || echo "redis: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
