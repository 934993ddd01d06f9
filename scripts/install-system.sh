#!/usr/bin/env bash
# Install the Debian 12 packages the project needs, only those that are missing.
#
#   scripts/install-system.sh [demo|test]
#
#   demo (default): what `make demo` needs (make, Python venv, WeasyPrint libraries, fonts, gettext).
#   test:           demo + PostgreSQL 15, Redis and Chromium for `make test`.
#
# Idempotent and fast when everything is already installed: apt is only touched
# when at least one package is missing.
set -euo pipefail

profile="${1:-demo}"

demo_packages=(
    make
    python3-venv
    libpango-1.0-0
    libpangoft2-1.0-0
    libharfbuzz-subset0
    fonts-dejavu-core
    gettext
)
test_packages=(
    postgresql-15
    redis-server
    chromium
)

case "$profile" in
    demo) packages=("${demo_packages[@]}") ;;
    test) packages=("${demo_packages[@]}" "${test_packages[@]}") ;;
    *)
        echo "usage: $0 [demo|test]" >&2
        exit 2
        ;;
esac

missing=()
for pkg in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "==> installing missing system packages: ${missing[*]}"

if ((EUID == 0)); then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "error: these Debian packages are missing and you are not root (no sudo available):" >&2
    echo "    ${missing[*]}" >&2
    echo "Ask an administrator to run:" >&2
    echo "    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
