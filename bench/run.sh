#!/usr/bin/env bash
# Run the benchmarks against a throw-away PostgreSQL (scripts/with-services.sh): migrate,
# time the official PDFs (bench/bench_documents.py), then seed two data sets and time the
# pages (bench/bench_pages.py); both write their section of docs/BENCHMARKS.md.
#
#   bench/run.sh [--pages-only | --documents-only] [bench_pages.py args...]
#   e.g. bench/run.sh --sizes 300,3000      (a quick try; the default is 1000,100000)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck disable=SC2016  # expanded by the inner shell, once the services are up
exec bash scripts/with-services.sh bash -c '
    set -euo pipefail
    # Redis serves the cache and the sessions, as in production; no worker runs: a task
    # would run in the process that asks for it.
    export CELERY_TASK_ALWAYS_EAGER=1
    documents=1
    pages=1
    args=()
    for arg in "$@"; do
        case "$arg" in
            --pages-only) documents=0 ;;
            --documents-only) pages=0 ;;
            *) args+=("$arg") ;;
        esac
    done
    # migrate runs the system checks, which want the credentials key and the seal.
    .venv/bin/python manage.py credential_key --create-if-missing >/dev/null
    .venv/bin/python manage.py seal_keys --create-if-missing >/dev/null
    echo "==> migrating"
    .venv/bin/python manage.py migrate --no-input >"$VAR_DIR/migrate.log" 2>&1 || {
        cat "$VAR_DIR/migrate.log" >&2
        exit 1
    }
    if ((documents)); then
        echo "==> running bench/bench_documents.py"
        .venv/bin/python bench/bench_documents.py
    fi
    if ((pages)); then
        echo "==> running bench/bench_pages.py ${args[*]:-}"
        .venv/bin/python bench/bench_pages.py "${args[@]}"
    fi
' bench "$@"
