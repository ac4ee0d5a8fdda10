#!/usr/bin/env bash
# Builds the metadata-only Patched.DistributedLock.Postgres package into .nuget-local/ (see the nuspec
# for why). Idempotent; restore.sh and the test/run scripts call it before any dotnet restore.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.nuget-local"
pkg="$out/patched.distributedlock.postgres.1.3.3.nupkg"
[ -f "$pkg" ] && exit 0
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/ops/nuget-shim/Patched.DistributedLock.Postgres.nuspec" "$work/"
cat > "$work/[Content_Types].xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="xml" ContentType="application/octet" />
</Types>
XML
(cd "$work" && python3 - "$pkg" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.write("Patched.DistributedLock.Postgres.nuspec")
    z.write("[Content_Types].xml")
PY
)
echo "built $pkg"
