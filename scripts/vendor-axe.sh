#!/usr/bin/env bash
# Fetch axe-core (MPL-2.0) for the accessibility walk of the browser tests
# (tests/browser/test_walk.py) into var/test-vendor/axe-core/: the minified build and its
# licence. For the tests only: it lives outside static/, is git-ignored (var/) and is never
# served to users. scripts/test.sh calls it before the suite; a second run does nothing.
# Reproducible: a pinned version, checked against the integrity the npm registry publishes
# for that version and against the one recorded here. `npm pack` when npm is installed,
# otherwise the same tarball from the registry with curl.
set -euo pipefail

VERSION="4.14.1"
INTEGRITY="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/var/test-vendor/axe-core"

if [[ -f "$dest/axe.min.js" ]] && [[ "$(cat "$dest/VERSION" 2>/dev/null)" == "$VERSION" ]]; then
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
tarball="axe-core-$VERSION.tgz"
if command -v npm >/dev/null 2>&1; then
    npm pack --silent "axe-core@$VERSION" >/dev/null
else
    curl --fail --silent --show-error --location --output "$tarball" \
        "https://registry.npmjs.org/axe-core/-/$tarball"
fi
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [[ "$actual" != "$INTEGRITY" ]]; then
    echo "axe-core@$VERSION: integrity mismatch ($actual)" >&2
    exit 1
fi
tar -xzf "$tarball"
mkdir -p "$dest"
cp package/axe.min.js "$dest/axe.min.js"
cp package/LICENSE "$dest/LICENSE"
echo "$VERSION" >"$dest/VERSION"
echo "axe-core $VERSION fetched into var/test-vendor/axe-core/ (tests only)"
