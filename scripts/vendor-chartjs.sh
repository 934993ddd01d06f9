#!/usr/bin/env bash
# Vendor Chart.js (MIT) into static/vendor/chartjs/: the UMD minified build and its licence.
# The application serves it itself (no CDN: the CSP allows scripts from 'self' only).
# Reproducible: a pinned version, checked against the integrity the npm registry publishes
# for that version and against the one recorded here.
set -euo pipefail

VERSION="4.6.1"
INTEGRITY="sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g=="

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/static/vendor/chartjs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "chart.js@$VERSION" >/dev/null
tarball="chart.js-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
    echo "chart.js@$VERSION: integrity mismatch ($actual)" >&2
    exit 1
fi
tar -xzf "$tarball"
mkdir -p "$dest"
cp package/dist/chart.umd.min.js "$dest/chart.umd.min.js"
cp package/LICENSE.md "$dest/LICENSE.md"
echo "$VERSION" >"$dest/VERSION"
echo "Chart.js $VERSION vendored into static/vendor/chartjs/"
