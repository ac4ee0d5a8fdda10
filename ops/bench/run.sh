#!/usr/bin/env bash
# ScaiVault throughput benchmark on 127.0.0.1 (a benchmark, not a test: it passes whatever the figures).
#
#   ops/bench/run.sh
#
# Builds Release, starts its own PostgreSQL and Redis (ops/services.sh, data under .data/bench-<id>),
# ScaiVault and the floor app (ops/bench/Floor) on free ports, seeds a 1 KB json secret, then with wrk
# (installed from apt when absent) measures, each after a warm-up and for a fixed duration:
#   floor  GET /row/1 of the floor app: one primary-key SELECT of a 1 KB row with Npgsql
#   read   GET /v1/secrets/bench/read  (1 KB json secret)
#   read-unaudited  the same read from a second ScaiVault process started with the audit step disabled
#          (SCAIVAULT_AUDIT_DISABLED_FOR_BENCHMARK, benchmark-only; see docs/audit.md), to measure what
#          auditing costs: the report gives audited reads / unaudited reads (aim >= 70%)
#   write  PUT /v1/secrets/bench/write-NN, no cas, round-robin over BENCH_PUT_PATHS new paths (the
#          warm-up writes go to bench/warmup-NN)
# prints a summary and writes the figures into docs/benchmarks.md (the block between the
# bench:latest markers is replaced, a row is added to the run history). Stops everything it started.
#
# Settings (environment):
#   BENCH_DURATION     seconds measured per load (default 15)
#   BENCH_ROUNDS       slices the floor and read measurements are cut into, alternating between the
#                      two so that both see the same machine load (default 3; must divide BENCH_DURATION)
#   BENCH_WARMUP       seconds of warm-up per load, not counted (default 30: ScaiVault needs about that
#                      long under load to reach steady speed, JIT tiering on a busy 2-core machine)
#   BENCH_CONNECTIONS  wrk connections (default 32)
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_PUT_PATHS    distinct paths the writes go to (default 64)
#   BENCH_PG_FAST      1 = PostgreSQL with fsync off (default 0: durable commits, as in production)
#   BENCH_DOC          the report to update (default docs/benchmarks.md; "none" = do not write)
#   BENCH_NOTE         a free-text note stored with the run in the history table
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

duration="${BENCH_DURATION:-15}"
warmup="${BENCH_WARMUP:-30}"
connections="${BENCH_CONNECTIONS:-32}"
threads="${BENCH_THREADS:-2}"
put_paths="${BENCH_PUT_PATHS:-64}"
rounds="${BENCH_ROUNDS:-3}"
pg_fast="${BENCH_PG_FAST:-0}"
doc="${BENCH_DOC:-docs/benchmarks.md}"
note="${BENCH_NOTE:-}"
for n in "$duration" "$warmup" "$connections" "$threads" "$put_paths" "$rounds"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "BENCH_* durations and counts must be whole numbers" >&2; exit 2; }
done
[ "$duration" -ge 1 ] && [ "$duration" -le 600 ] || { echo "BENCH_DURATION must be 1-600" >&2; exit 2; }
[ "$warmup" -le 600 ] || { echo "BENCH_WARMUP must be 0-600" >&2; exit 2; }
[ "$rounds" -ge 1 ] && [ $((duration % rounds)) = 0 ] || { echo "BENCH_ROUNDS must divide BENCH_DURATION" >&2; exit 2; }
slice=$((duration / rounds))

# the command as given, with the settings that were set, for the report
settings=()
for v in BENCH_DURATION BENCH_ROUNDS BENCH_WARMUP BENCH_CONNECTIONS BENCH_THREADS BENCH_PUT_PATHS BENCH_PG_FAST BENCH_DOC BENCH_NOTE; do
  [ -n "${!v:-}" ] && settings+=("$v=$(printf '%q' "${!v}")")
done
# ASP.NET Core / .NET / ScaiVault settings in the environment change what is measured: name them too
while IFS= read -r setting; do settings+=("$(printf '%q' "$setting")"); done < <(
  env | grep -E '^(Logging__|SCAIVAULT_DB_SCHEMA=|DOTNET_|ASPNETCORE_)' |
    grep -vE '^DOTNET_(CLI_|NOLOGO|GENERATE_ASPNET_CERTIFICATE)' | sort || true)
command_line="ops/bench/run.sh"
[ ${#settings[@]} -gt 0 ] && command_line="env ${settings[*]} $command_line"

run_id="$(date +%Y%m%d%H%M%S)-$$"
export SCAIVAULT_DATA_DIR="$root/.data/bench-$run_id"
export SCAIVAULT_PG_PORT=auto SCAIVAULT_REDIS_PORT=auto SCAIVAULT_PG_FAST="$pg_fast"
results="$SCAIVAULT_DATA_DIR/results"
mkdir -p "$results"

log() { echo "[bench] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

vault_pid=""
bare_pid=""
floor_pid=""
services_started=0

stop_pid() {
  local pid="$1" name="$2"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  set +e
  stop_pid "$vault_pid" ScaiVault
  stop_pid "$bare_pid" "ScaiVault without audit"
  stop_pid "$floor_pid" "the floor app"
  [ "$services_started" = 1 ] && ops/services.sh stop
  # keep the logs and raw wrk output, drop the database files
  rm -rf "$SCAIVAULT_DATA_DIR/pg" "$SCAIVAULT_DATA_DIR/pg-socket" "$SCAIVAULT_DATA_DIR/redis"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk from apt"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null 2>&1 ||
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null; }
fi

log "building Release"
ops/nuget-shim/build.sh >/dev/null
dotnet build src/Http/ScaiVault.Http.csproj -c Release -nologo -v q -nodeReuse:false -p:UseSharedCompilation=false >"$results/build-scaivault.log" 2>&1 ||
  { cat "$results/build-scaivault.log" >&2; exit 1; }
dotnet build ops/bench/Floor/Floor.csproj -c Release -nologo -v q -nodeReuse:false -p:UseSharedCompilation=false >"$results/build-floor.log" 2>&1 ||
  { cat "$results/build-floor.log" >&2; exit 1; }
vault_dll="$root/src/Http/bin/Release/net10.0/ScaiVault.Http.dll"
floor_dll="$root/ops/bench/Floor/bin/Release/net10.0/ScaiVault.Bench.Floor.dll"

services_started=1
ops/services.sh start
set -a; . "$SCAIVAULT_DATA_DIR/services.env"; set +a

token="svr_bench_$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
vault_port="$(free_port)"
floor_port="$(free_port)"
bare_port="$(free_port)"
vault="http://127.0.0.1:$vault_port"
floor="http://127.0.0.1:$floor_port"
bare="http://127.0.0.1:$bare_port"

log "starting ScaiVault on $vault"
SCAIVAULT_ROOT_TOKEN="$token" dotnet "$vault_dll" --urls "$vault" >"$results/scaivault.log" 2>&1 &
vault_pid=$!
log "starting ScaiVault with the audit step disabled (benchmark comparison only) on $bare"
SCAIVAULT_ROOT_TOKEN="$token" SCAIVAULT_AUDIT_DISABLED_FOR_BENCHMARK=i-understand-requests-are-not-audited \
  dotnet "$vault_dll" --urls "$bare" >"$results/scaivault-unaudited.log" 2>&1 &
bare_pid=$!
log "starting the floor app on $floor"
FLOOR_DB="$SCAIVAULT_DB" dotnet "$floor_dll" --urls "$floor" >"$results/floor.log" 2>&1 &
floor_pid=$!

wait_ready() {
  local url="$1" pid="$2" name="$3"
  for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || { log "$name exited early:"; tail -n 40 "$results/$4" >&2; return 1; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url")" = 200 ] && return 0
    sleep 0.5
  done
  log "$name not ready after 120 s"; return 1
}
wait_ready "$vault/readyz" "$vault_pid" ScaiVault scaivault.log
wait_ready "$floor/healthz" "$floor_pid" "the floor app" floor.log
wait_ready "$bare/readyz" "$bare_pid" "ScaiVault without audit" scaivault-unaudited.log

# A 1 KB json secret: {"value":"xxx..."} serialises to exactly 1024 bytes, as does the floor's row.
data="{\"value\":\"$(printf 'x%.0s' $(seq 1 1012))\"}"
[ "${#data}" -eq 1024 ] || { log "seed data is ${#data} bytes, not 1024"; exit 1; }
body="{\"data\":$data,\"secret_type\":\"json\"}"
status="$(curl -s -o "$results/seed.json" -w '%{http_code}' -X PUT -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data "$body" "$vault/v1/secrets/bench/read")"
[ "$status" = 200 ] || { log "seeding the secret answered $status: $(cat "$results/seed.json")"; exit 1; }
read_bytes="$(curl -s -o "$results/read.json" -w '%{size_download}' -H "Authorization: Bearer $token" "$vault/v1/secrets/bench/read")"
floor_bytes="$(curl -s -o "$results/floor.json" -w '%{size_download}' "$floor/row/1")"
grep -q "$data" "$results/read.json" || { log "reading the seeded secret did not give it back"; exit 1; }
grep -q "$data" "$results/floor.json" || { log "the floor did not give its row back"; exit 1; }
curl -s -D "$results/read-unaudited.headers" -o "$results/read-unaudited.json" -H "Authorization: Bearer $token" "$bare/v1/secrets/bench/read" >/dev/null
grep -q "$data" "$results/read-unaudited.json" || { log "the unaudited process did not give the secret back"; exit 1; }
grep -qi '^X-ScaiVault-Audit: disabled' "$results/read-unaudited.headers" || { log "the comparison process is audited: the switch did not take"; exit 1; }

export BENCH_TOKEN="" BENCH_MODE=get BENCH_THREADS="$threads" BENCH_PUT_PATHS="$put_paths"
export BENCH_PUT_BODY="$body"
lua="$root/ops/bench/wrk.lua"

# run_wrk NAME SECONDS URL: one bounded wrk run; the raw output is kept in $results/NAME.txt
run_wrk() {
  local name="$1" seconds="$2" url="$3"
  timeout $((seconds + 60)) wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 5s --latency \
    -s "$lua" "$url" >"$results/$name.txt" 2>&1 || { log "wrk $name failed:"; cat "$results/$name.txt" >&2; exit 1; }
}

# CPU ticks: machine, everything this run started, the server process $1, the PostgreSQL cluster
cpu_snap() { python3 "$root/ops/bench/cpu.py" snap $$ "$(head -1 "$SCAIVAULT_DATA_DIR/pg/postmaster.pid")" "$1"; }

# warm NAME URL: the warm-up of a load, not counted
warm() {
  [ "$warmup" -gt 0 ] || return 0
  log "$1: warm-up ${warmup}s"
  run_wrk "$1-warmup" "$warmup" "$2"
}

# measure NAME SLICE SECONDS URL SERVER_PID: one measured run; the raw wrk output goes to
# $results/NAME-SLICE.txt and the CPU snapshots before and after it to $results/NAME-SLICE.cpu
measure() {
  local name="$1" slice="$2" seconds="$3" url="$4" server="$5" before after requests
  before="$(cpu_snap "$server")"
  run_wrk "$name-$slice" "$seconds" "$url"
  after="$(cpu_snap "$server")"
  printf '%s\n%s\n' "$before" "$after" >"$results/$name-$slice.cpu"
  requests="$(sed -n 's/^BENCH_RESULT requests=\([0-9]*\).*/\1/p' "$results/$name-$slice.txt")"
  log "$name $slice: $(grep '^BENCH_RESULT' "$results/$name-$slice.txt" | cut -d' ' -f2-6)" \
    "$(python3 "$root/ops/bench/cpu.py" diff "$before" "$after" "${requests:-0}")"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# how busy the machine is with other work just before the loads (3 s sample)
idle_a="$(cpu_snap "$vault_pid")"; sleep 3; idle_b="$(cpu_snap "$vault_pid")"
busy_before="$(python3 "$root/ops/bench/cpu.py" diff "$idle_a" "$idle_b" 1 | sed 's/^busy_pct=\([0-9]*\).*/\1%/')"
log "machine busy before the loads: $busy_before of all cores"
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"

# Reads and the floor: after their warm-ups, the measured time is cut into $rounds slices that
# alternate (floor read, read floor, floor read, ...), so that both see the same machine load; the
# report merges the slices of each.
floor_run() { BENCH_TOKEN="" BENCH_MODE=get "$@"; }
read_run() { BENCH_TOKEN="$token" BENCH_MODE=get "$@"; }
floor_run warm floor "$floor/row/1"
read_run warm read "$vault/v1/secrets/bench/read"
read_run warm read-unaudited "$bare/v1/secrets/bench/read"
log "floor, read and unaudited read: measuring ${duration}s each in $rounds rotating slices of ${slice}s ($threads threads, $connections connections)"
for r in $(seq 1 "$rounds"); do
  case $((r % 3)) in
    1) order="floor read read-unaudited" ;;
    2) order="read read-unaudited floor" ;;
    *) order="read-unaudited floor read" ;;
  esac
  for load in $order; do
    case "$load" in
      floor) floor_run measure floor "$r" "$slice" "$floor/row/1" "$floor_pid" ;;
      read) read_run measure read "$r" "$slice" "$vault/v1/secrets/bench/read" "$vault_pid" ;;
      read-unaudited) read_run measure read-unaudited "$r" "$slice" "$bare/v1/secrets/bench/read" "$bare_pid" ;;
    esac
  done
done

# Writes, in one run. The warm-up writes go to other paths, so that the measured writes start on
# new secrets. For writes the URL is a path prefix: wrk.lua appends 00, 01, ...
BENCH_TOKEN="$token" BENCH_MODE=put warm write "$vault/v1/secrets/bench/warmup-"
log "write: measuring ${duration}s ($threads threads, $connections connections)"
BENCH_TOKEN="$token" BENCH_MODE=put measure write 1 "$duration" "$vault/v1/secrets/bench/write-" "$vault_pid"
# how many versions the written secrets reached (a write's cost grows with the versions kept)
write_versions="$(curl -s -H "Authorization: Bearer $token" "$vault/v1/metadata/bench/write-00" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["current_version"])' 2>/dev/null || echo "?")"

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
mem="$(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
pg_version="$(psql --version 2>/dev/null | awk '{print $3}' || true)"
[ -n "$pg_version" ] || pg_version="$("$(pg_config --bindir)/postgres" --version | awk '{print $3}')"

python3 "$root/ops/bench/report.py" \
  --results "$results" --doc "$doc" --command "$command_line" --date "$started_at" \
  --duration "$duration" --rounds "$rounds" --warmup "$warmup" --connections "$connections" --threads "$threads" \
  --put-paths "$put_paths" --write-versions "$write_versions" --pg-fast "$pg_fast" --read-bytes "$read_bytes" --floor-bytes "$floor_bytes" \
  --nproc "$(nproc)" --cpu "${cpu:-unknown}" --mem "$mem" --free "$(free -h)" \
  --dotnet "$(dotnet --version)" --postgres "$pg_version" --wrk "$(wrk -v 2>&1 | head -1 | awk '{print $2}')" \
  --kernel "$(uname -r)" --load-before "$load_before" --busy-before "$busy_before" --load-after "$load_after" --note "$note"
log "raw wrk output and logs: $results"
