#!/usr/bin/env bash
# Runs every test of ScaiVault against real PostgreSQL and Redis: starts a throw-away cluster of each
# on free 127.0.0.1 ports (data under .data/test-*, removed afterwards), runs `dotnet test` on the
# solution with TRX results, prints "N passed, N failed[, N skipped]" and exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

run_id="$(date +%Y%m%d%H%M%S)-$$"
export SCAIVAULT_DATA_DIR="$root/.data/test-$run_id"
export SCAIVAULT_PG_PORT=auto SCAIVAULT_REDIS_PORT=auto SCAIVAULT_PG_FAST=1
results="$root/TestResults/$run_id"

cleanup() {
  ops/services.sh stop || true
  rm -rf "$SCAIVAULT_DATA_DIR"
}
trap cleanup EXIT

ops/nuget-shim/build.sh >/dev/null
ops/services.sh start
set -a; . "$SCAIVAULT_DATA_DIR/services.env"; set +a

dotnet restore ScaiVault.sln --verbosity quiet
dotnet build ScaiVault.sln --no-restore --configuration Release --verbosity quiet -nologo
set +e
dotnet test ScaiVault.sln --no-build --configuration Release --verbosity quiet -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?
set -e

totals="$(python3 "$root/ops/trx_totals.py" "$results")" || { echo "no test results were written" >&2; exit 1; }
# stop the services first so that the totals are the last line printed
cleanup >/dev/null 2>&1; trap - EXIT
echo "$totals"
case "$totals" in
  "0 passed, 0 failed"*) echo "no test ran" >&2; exit 1 ;;
  *", 0 failed"*) exit "$status" ;;
  *) exit 1 ;;
esac
