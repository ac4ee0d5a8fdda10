#!/usr/bin/env bash
# Federation benchmark (a benchmark, not a test: it passes whatever the figures):
#   ops/bench/federation.sh                         HashiCorp Vault (default)
#   BENCH_FED_BACKEND=aws ops/bench/federation.sh   AWS Secrets Manager
# Starts its own PostgreSQL and Redis (data under .data/bench-fed), runs ops/bench/Federation against a fake store:
# - vault: BENCH_FED_SECRETS (default 10000) secrets of 3 versions; BENCH_FED_READS (default 2000) sequential
#   proxied reads against direct reads of the fake; then a cold and an unchanged sync.
# - aws: BENCH_FED_SECRETS (default 5000) secrets, one in ten with 3 versions; a cold, an unchanged and a
#   1%-rotated sync, with the outbound calls of each (BENCH_ASM_MAX_CALLS_PER_SECOND, default 1000, is the
#   backend's call cap for the run). Stops what it started.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export SCAIVAULT_DATA_DIR="$root/.data/bench-fed" SCAIVAULT_PG_PORT=auto SCAIVAULT_REDIS_PORT=auto SCAIVAULT_PG_FAST="${BENCH_PG_FAST:-0}"
bash ops/nuget-shim/build.sh >/dev/null
dotnet build ops/bench/Federation -c Release -nologo -v q
ops/services.sh start
trap 'ops/services.sh stop' EXIT
set -a; . "$SCAIVAULT_DATA_DIR/services.env"; set +a
uptime
dotnet ops/bench/Federation/bin/Release/net10.0/ScaiVault.Bench.Federation.dll
uptime
