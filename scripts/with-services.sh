#!/usr/bin/env bash
# Run a command against throw-away PostgreSQL 15, Redis and S3-compatible (moto) servers.
#
#   scripts/with-services.sh COMMAND [ARGS...]
#
# The servers live in a private temporary directory, listen on free ports of
# 127.0.0.1 only, and are stopped and deleted on exit, whether the command succeeds,
# fails or is interrupted. Nothing is read from or written to a system-wide
# PostgreSQL or Redis, nor to a real object store. The command sees DATABASE_URL,
# REDIS_URL and VAR_DIR (media, mails and static root inside the temporary directory),
# and AWS_S3_ENDPOINT_URL, AWS_STORAGE_BUCKET_NAME and throw-away credentials naming an
# empty bucket on the moto server: the media go there only with MEDIA_STORAGE=s3
# (scripts/test.sh runs the tests that touch files a second time so). Used by scripts/test.sh
# (the test suite) and bench/run.sh (the document benchmark).
#
# Environment:
#   CQP_KEEP_TMP=1   keep the temporary directory (server logs) after the run
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-system.sh test
bash scripts/bootstrap.sh dev

# Always the Debian binaries: other copies of pg_ctl/initdb may be on PATH.
PG_BIN=/usr/lib/postgresql/15/bin
REDIS_SERVER=/usr/bin/redis-server
REDIS_CLI=/usr/bin/redis-cli
for tool in "$PG_BIN/initdb" "$PG_BIN/pg_ctl" "$PG_BIN/pg_isready" "$PG_BIN/createdb" \
    "$REDIS_SERVER" "$REDIS_CLI"; do
    if [[ ! -x "$tool" ]]; then
        echo "error: $tool not found; run scripts/install-system.sh test" >&2
        exit 1
    fi
done

tmp=""
pg_port=""
redis_port=""
s3_port=""
pg_started=0
redis_started=0
s3_pid=""

# initdb refuses to run as root: the cluster then belongs to the `postgres` system user.
if ((EUID == 0)); then
    as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
    as_pg() { "$@"; }
fi

# shellcheck disable=SC2317  # only called from the EXIT trap
stop_redis() {
    local pid=""
    [[ -f "$tmp/redis.pid" ]] && pid="$(cat "$tmp/redis.pid" 2>/dev/null || true)"
    "$REDIS_CLI" -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    if [[ "$pid" =~ ^[0-9]+$ ]]; then
        local i
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || return 0
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    set +e
    if ((pg_started)); then
        echo "==> stopping PostgreSQL"
        if ! as_pg "$PG_BIN/pg_ctl" -D "$tmp/pg" -m fast -w -t 30 stop >/dev/null 2>&1; then
            as_pg "$PG_BIN/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1
        fi
    fi
    if ((redis_started)); then
        echo "==> stopping Redis"
        stop_redis
    fi
    if [[ -n "$s3_pid" ]]; then
        echo "==> stopping the S3 server"
        kill "$s3_pid" 2>/dev/null
        wait "$s3_pid" 2>/dev/null
    fi
    if [[ -n "$tmp" && -d "$tmp" ]]; then
        if [[ "${CQP_KEEP_TMP:-}" == 1 ]]; then
            echo "==> kept $tmp"
        else
            rm -rf "$tmp"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if ((EUID == 0)); then
    # /tmp is traversable by everyone and keeps the Unix socket path short.
    tmp="$(mktemp -d /tmp/cqp-test.XXXXXX)"
    chown postgres:postgres "$tmp"
else
    tmp="$(mktemp -d "${TMPDIR:-/tmp}/cqp-test.XXXXXX")"
fi
chmod 0700 "$tmp"
as_pg mkdir -m 0700 "$tmp/sock"

# Three distinct free ports, the sockets held open together so they cannot collide.
read -r pg_port redis_port s3_port < <(
    .venv/bin/python -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
for s in socks:
    s.close()
'
)
if ! [[ "$pg_port" =~ ^[0-9]+$ && "$redis_port" =~ ^[0-9]+$ && "$s3_port" =~ ^[0-9]+$ ]]; then
    echo "error: could not pick free TCP ports" >&2
    exit 1
fi

echo "==> creating PostgreSQL cluster in $tmp/pg"
if ! as_pg "$PG_BIN/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$tmp/initdb.log" 2>&1; then
    rm -rf "$tmp/pg"
    if ! as_pg "$PG_BIN/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 --locale=C \
        >"$tmp/initdb.log" 2>&1; then
        cat "$tmp/initdb.log" >&2
        echo "error: initdb failed" >&2
        exit 1
    fi
fi

echo "==> starting PostgreSQL on port $pg_port"
pg_started=1
if ! as_pg "$PG_BIN/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -t 60 \
    -o "-p $pg_port -k '$tmp/sock' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    cat "$tmp/pg.log" >&2 || true
    echo "error: PostgreSQL did not start" >&2
    exit 1
fi
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -t 10 || {
    cat "$tmp/pg.log" >&2 || true
    echo "error: PostgreSQL is not accepting connections on port $pg_port" >&2
    exit 1
}
"$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres cqp

echo "==> starting Redis on port $redis_port"
redis_started=1
"$REDIS_SERVER" --daemonize yes --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$tmp" --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log"
redis_ok=0
for ((i = 0; i < 50; i++)); do
    if [[ "$("$REDIS_CLI" -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" == PONG ]]; then
        redis_ok=1
        break
    fi
    sleep 0.1
done
if ((!redis_ok)); then
    cat "$tmp/redis.log" >&2 || true
    echo "error: Redis is not answering on port $redis_port" >&2
    exit 1
fi

echo "==> starting the S3 server (moto) on port $s3_port"
.venv/bin/moto_server -H 127.0.0.1 -p "$s3_port" >"$tmp/s3.log" 2>&1 &
s3_pid=$!
export AWS_S3_ENDPOINT_URL="http://127.0.0.1:$s3_port"
export AWS_STORAGE_BUCKET_NAME=cqp-media
export AWS_S3_REGION_NAME=us-east-1
# moto takes any credentials: these are no secret, and no real store ever sees them.
export AWS_ACCESS_KEY_ID=cqp-tests
export AWS_SECRET_ACCESS_KEY=cqp-tests-secret
export AWS_LOCATION=""
if ! .venv/bin/python - <<'PY'; then
import os
import time

import boto3
from botocore.exceptions import EndpointConnectionError

s3 = boto3.client("s3", endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"])
for _ in range(100):
    try:
        s3.create_bucket(Bucket=os.environ["AWS_STORAGE_BUCKET_NAME"])
        break
    except EndpointConnectionError:
        time.sleep(0.1)
else:
    raise SystemExit("the S3 server does not answer")
PY
    cat "$tmp/s3.log" >&2 || true
    echo "error: the S3 server did not start, or refused the bucket" >&2
    exit 1
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/cqp"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
# Uploaded files, mails, static root of the tests stay in the temp dir (not the demo's var/).
# STATIC_ROOT exists, empty, so that WhiteNoise does not warn on every request.
export VAR_DIR="$tmp/var"
mkdir -p "$VAR_DIR/staticfiles" "$VAR_DIR/media"

echo "==> running $*"
set +e
"$@"
rc=$?
set -e
exit "$rc"
