#!/usr/bin/env bash
# Run the document benchmark against a throw-away PostgreSQL (scripts/with-services.sh):
# migrate, then time the documents and write docs/BENCHMARKS.md.
#
#   bench/run.sh [bench_documents.py args...]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck disable=SC2016  # expanded by the inner shell, once the services are up
exec bash scripts/with-services.sh bash -c '
    set -euo pipefail
    unset REDIS_URL  # nothing is queued: rendering needs no broker
    # migrate runs the system checks, which want the credentials key and the seal.
    .venv/bin/python manage.py credential_key --create-if-missing >/dev/null
    .venv/bin/python manage.py seal_keys --create-if-missing >/dev/null
    echo "==> migrating"
    .venv/bin/python manage.py migrate --no-input >"$VAR_DIR/migrate.log" 2>&1 || {
        cat "$VAR_DIR/migrate.log" >&2
        exit 1
    }
    echo "==> running bench/bench_documents.py $*"
    .venv/bin/python bench/bench_documents.py "$@"
' bench "$@"
