#!/usr/bin/env bash
# Run the test suite against throw-away PostgreSQL 15 and Redis servers
# (scripts/with-services.sh), headless Chromium for the browser tests.
#
#   scripts/test.sh [pytest args...]
#
# Environment:
#   PYTEST_WORKERS   number of xdist workers (default 2; 0 runs in-process)
#   CQP_KEEP_TMP=1   keep the temporary directory (server logs) after the run
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

set +e
bash scripts/with-services.sh .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
rc=$?
set -e
if ((rc == 5)); then
    echo "error: pytest collected no tests (exit status 5); treating it as a failure" >&2
    rc=1
fi
exit "$rc"
