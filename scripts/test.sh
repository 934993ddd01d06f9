#!/usr/bin/env bash
# Run the test suite against throw-away PostgreSQL, Redis and S3-compatible servers
# (scripts/with-services.sh), headless Chromium for the browser tests: first with the media
# on local files (the whole suite), then the tests that touch files (marked `media`) again
# with the media on the S3 server (MEDIA_STORAGE=s3).
#
#   scripts/test.sh [pytest args...]
#
# Environment:
#   PYTEST_WORKERS   number of xdist workers (default 2; 0 runs in-process)
#   CQP_S3_PASS=0    skip the second pass (media on S3)
#   CQP_KEEP_TMP=1   keep the temporary directory (server logs) after the run
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${1:-}" == --both-passes ]]; then
    # Inside with-services.sh: one set of servers for both passes.
    shift
    workers="${PYTEST_WORKERS:-2}"
    echo "==> first pass: media on local files"
    set +e
    .venv/bin/python -m pytest -n "$workers" "$@"
    rc=$?
    set -e
    if ((rc == 5)); then
        echo "error: pytest collected no tests (exit status 5); treating it as a failure" >&2
        rc=1
    fi
    if [[ "${CQP_S3_PASS:-1}" == 0 ]] || ((rc != 0)); then
        exit "$rc"
    fi
    echo "==> second pass: media on the S3 server (the tests marked media)"
    set +e
    MEDIA_STORAGE=s3 .venv/bin/python -m pytest -n "$workers" -m media "$@"
    rc=$?
    set -e
    if ((rc == 5)); then
        if (($# == 0)); then
            echo "error: no test is marked media (exit status 5); treating it as a failure" >&2
            exit 1
        fi
        # The tests named on the command line touch no file: nothing to run again.
        rc=0
    fi
    exit "$rc"
fi

# axe-core for the accessibility walk (tests/browser/test_walk.py): tests only, outside
# static/, fetched once from the npm registry and checked against its pinned integrity.
bash scripts/vendor-axe.sh

exec bash scripts/with-services.sh bash scripts/test.sh --both-passes "$@"
