"""Settings of the pages benchmark (bench/bench_pages.py): the project's, as in production
(DEBUG off: no query log, cached templates), plus a trivial authenticated view
(bench/urls.py) as the throughput ceiling. Only the benchmark names this module: the
trivial view exists nowhere else."""

from cqp.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# One cache per data set: the processes of both sizes share the Redis of the run, and their
# accounts have the same keys (the figures of /pilotage/, the sessions).
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"bench-{DATABASES['default']['NAME']}"  # noqa: F405
