#!/usr/bin/env bash
# Create the virtualenv (.venv) and install the Python dependencies.
#
#   scripts/bootstrap.sh        runtime dependencies (requirements.txt)
#   scripts/bootstrap.sh dev    development dependencies (requirements-dev.txt, includes the runtime ones)
#
# pip only runs when the requirement files changed since the last successful install
# (a sha256 stamp is kept inside .venv/), so a second run takes well under a second.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode="${1:-runtime}"
case "$mode" in
    runtime) req_files=(requirements.txt) ;;
    dev) req_files=(requirements.txt requirements-dev.txt) ;;
    *)
        echo "usage: $0 [dev]" >&2
        exit 2
        ;;
esac

venv=.venv
python="${PYTHON:-python3}"

# A venv whose interpreter no longer runs (moved directory, Python upgraded...) is rebuilt.
if [[ -d "$venv" ]] && ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "==> $venv is broken, recreating it"
    rm -rf "$venv"
fi

if [[ ! -x "$venv/bin/python" ]]; then
    if ! command -v "$python" >/dev/null 2>&1; then
        echo "error: $python not found; install Python 3.11 (Debian 12: apt-get install python3 python3-venv)" >&2
        exit 1
    fi
    version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    if [[ "$version" != "3.11" ]]; then
        echo "error: $python is Python $version, this project needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    fi
    echo "==> creating $venv with $python ($version)"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
fi

digest() {
    # One line per file: "<sha256>  <name>"; the installed Python version is part of the stamp.
    "$venv/bin/python" -c 'import sys; print(sys.version)'
    sha256sum "$@"
}

stamp="$venv/.requirements-$mode.sha256"
wanted="$(digest "${req_files[@]}")"
if [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$wanted" ]]; then
    exit 0
fi

echo "==> installing Python dependencies (${req_files[-1]})"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "${req_files[-1]}"
printf '%s\n' "$wanted" >"$stamp"
if [[ "$mode" == dev ]]; then
    # requirements-dev.txt includes requirements.txt: the runtime set is installed too.
    digest requirements.txt >"$venv/.requirements-runtime.sha256"
fi
