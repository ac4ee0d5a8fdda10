#!/usr/bin/env bash
# Starts ScaiVault on this machine: local PostgreSQL and Redis (installed from apt when absent, data in
# .data/dev), a root key generated on first run (.data/dev/root.key, mode 0600), and the service on
# http://127.0.0.1:8200 printing a bootstrap root token. Arguments go to the service, e.g.
#   ops/run.sh --urls http://127.0.0.1:9200
# Settings: SCAIVAULT_ROOT_TOKEN (choose the root token), SCAIVAULT_DATA_DIR, SCAIVAULT_PG_PORT,
# SCAIVAULT_REDIS_PORT (see ops/services.sh), ASPNETCORE_URLS. Ctrl-C stops the service; the
# databases keep running (ops/services.sh stop stops them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export SCAIVAULT_DATA_DIR="${SCAIVAULT_DATA_DIR:-$root/.data/dev}"

ops/nuget-shim/build.sh >/dev/null
ops/services.sh start
set -a; . "$SCAIVAULT_DATA_DIR/services.env"; set +a

echo "[run] building ScaiVault (Release)" >&2
dotnet build src/Http/ScaiVault.Http.csproj --configuration Release --verbosity quiet -nologo >&2
cd src/Http/bin/Release/net10.0
exec dotnet ScaiVault.Http.dll "$@"
