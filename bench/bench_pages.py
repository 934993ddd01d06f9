"""Time the pages at two data sizes in one run and record the figures in docs/BENCHMARKS.md.

    .venv/bin/python bench/bench_pages.py [--sizes 1000,100000] [--runs N] [--seconds S]

Needs a PostgreSQL server (DATABASE_URL names a migrated database on it, whose owner may
create databases); without one, the script runs itself again through bench/run.sh. For
each size it makes a database `<name>_scale_<size>`, copied from the migrated one, and
fills it with `manage.py seed_scale --candidacies <size>`; the databases are dropped at
the end (`--keep` keeps them).

Then, for every page of every role (lists, dashboards, the candidacy with the long
history, the session page and the deliberation dashboard of the 200-candidacy agenda,
the fiche de décision, /pilotage/, the exports read to their last byte): the queries
(CaptureQueriesContext) and the median time with the Django test client (settings
bench.settings: DEBUG off), the sizes interleaved (one worker process per size, asked in
turn). Last, the throughput (requests/s) of the candidacy detail page and of the
deliberation dashboard as a share of a trivial authenticated view (bench/urls.py), all
three served by gunicorn (2 sync workers) on the largest data set and loaded by a
threaded Python client, and the memory of the gunicorn workers after every page.

A benchmark, not a test: the suite keeps its query-count tests.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
START, END = "<!-- bench_pages:start -->", "<!-- bench_pages:end -->"


def _postgres_configured() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


# -- the worker: one process per data set, measuring a page when asked ---------------------


def worker(database_url: str) -> None:
    """Read page names on stdin, answer one JSON line each (time, status, size, queries)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pages = page_urls()
    clients = {}
    print(json.dumps({"pages": list(pages)}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        name = request["page"]
        role, url = pages[name]
        if role not in clients:
            clients[role] = login(Client(), role)
        client = clients[role]
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = time.perf_counter() - start
        print(
            json.dumps(
                {
                    "status": response.status_code,
                    "seconds": elapsed,
                    "bytes": len(body),
                    "queries": len(queries),
                }
            ),
            flush=True,
        )


def login(client, role):
    from cqp.models import User
    from jury.scale import ACCOUNTS

    client.force_login(User.objects.get(email=ACCOUNTS[role]))
    return client


def page_urls() -> dict[str, tuple[str, str]]:
    """Page label -> (role, URL) on this data set."""
    from django.urls import reverse

    from candidates.models import Candidacy
    from jury.models import JurySession
    from jury.scale import ACCOUNTS

    long = Candidacy.objects.get(candidate__user__email=ACCOUNTS["candidat"])
    agenda = JurySession.objects.get(state="open", place="CPEF, salle du conseil")
    fiche = agenda.deliberations.order_by("pk").first()
    detail = reverse("candidacy_detail", args=[long.pk])
    dashboard = reverse("session_dashboard", args=[agenda.pk])
    last = "?page=1000000"  # get_page: the last page
    pages = {}
    for role, label in (
        ("secretariat", "secretariat"),
        ("gestionnaire", "gestionnaire"),
        ("professionnel", "professionnel"),
        ("evaluateur", "évaluateur"),
        ("jury_member", "jury member"),
        ("candidat", "candidate"),
    ):
        pages[f"dashboard ({label})"] = (role, reverse("dashboard"))
        pages[f"candidacy list ({label})"] = (role, reverse("candidacy_list"))
        pages[f"notifications ({label})"] = (role, reverse("notification_list"))
    for role, label in (("secretariat", "secretariat"), ("gestionnaire", "gestionnaire")):
        pages[f"candidacy list, last page ({label})"] = (role, reverse("candidacy_list") + last)
        pages[f"candidacy list ?q= ({label})"] = (role, reverse("candidacy_list") + "?q=martin")
        # Two letters typed: thousands of people match at 100,000, a full page at 1,000.
        pages[f"candidacy list ?q=ma ({label})"] = (role, reverse("candidacy_list") + "?q=ma")
        pages[f"organisation list ({label})"] = (role, reverse("organisation_list"))
        pages[f"pilotage ({label})"] = (role, reverse("pilotage"))
        pages[f"holders /titulaires/ ({label})"] = (role, reverse("holder_list"))
        pages[f"export candidatures.csv ({label})"] = (
            role,
            reverse("export", kwargs={"dataset": "candidatures", "fmt": "csv"}),
        )
    pages["export log (secretariat)"] = ("secretariat", reverse("export_list"))
    pages["habilitation list (secretariat)"] = ("secretariat", reverse("habilitation_list"))
    pages["session list (secretariat)"] = ("secretariat", reverse("session_list"))
    pages["session list (jury member)"] = ("jury_member", reverse("session_list"))
    pages["recevabilité queue (secretariat)"] = ("secretariat", reverse("recevabilite_queue"))
    pages["recevabilité queue, last page (secretariat)"] = (
        "secretariat",
        reverse("recevabilite_queue") + last,
    )
    pages["instruction (secretariat)"] = ("secretariat", reverse("jury_instruction"))
    for dataset in ("titulaires", "sessions", "habilitations"):
        pages[f"export {dataset}.csv (secretariat)"] = (
            "secretariat",
            reverse("export", kwargs={"dataset": dataset, "fmt": "csv"}),
        )
    pages["candidacy detail, long history (secretariat)"] = ("secretariat", detail)
    pages["candidacy detail, long history (professionnel)"] = ("professionnel", detail)
    pages["candidacy detail, long history (candidate)"] = ("candidat", detail)
    pages["candidacy history page, 304 events (professionnel)"] = (
        "professionnel",
        reverse("candidacy_history", args=[long.pk]),
    )
    pages["session page, 200 on the agenda (secretariat)"] = (
        "secretariat",
        reverse("session_detail", args=[agenda.pk]),
    )
    pages["deliberation dashboard, 200 (secretariat)"] = ("secretariat", dashboard)
    pages["deliberation dashboard, 200 (jury president)"] = ("jury_president", dashboard)
    pages["fiche de décision (jury president)"] = (
        "jury_president",
        reverse("deliberation_detail", args=[fiche.pk]),
    )
    return pages


class Worker:
    def __init__(self, size: int, database_url: str):
        self.size = size
        self.process = subprocess.Popen(  # noqa: S603 (our own script)
            [PYTHON, __file__, "--worker", database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.pages = json.loads(self.process.stdout.readline())["pages"]

    def measure(self, page: str) -> dict:
        self.process.stdin.write(json.dumps({"page": page}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker of size {self.size} stopped on {page}")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


# -- the coordinator ---------------------------------------------------------------------


def _url_with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _manage(database_url: str, *args: str, capture: bool = False) -> str:
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def seed(base_url: str, sizes: list[int]) -> dict[int, tuple[str, float, str]]:
    """One database per size, copied from the migrated one and seeded: size -> (URL,
    seconds, seed_scale's report)."""
    base = urlsplit(base_url).path.lstrip("/")
    admin = _url_with_db(base_url, "postgres")
    databases = {}
    for size in sizes:
        name = f"{base}_scale_{size}"
        url = _url_with_db(base_url, name)
        _psql(admin, f'DROP DATABASE IF EXISTS "{name}"')
        _psql(admin, f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
        print(f"==> seeding {size:,} candidacies into {name}", flush=True)
        start = time.perf_counter()
        out = _manage(url, "seed_scale", "--candidacies", str(size), capture=True)
        seconds = time.perf_counter() - start
        print(out.splitlines()[0] if out else "", flush=True)
        # The tables as a database in service keeps them (autovacuum's visibility maps and
        # statistics): vacuumed now, not by autovacuum while the pages are timed, which
        # the millions of rows just written would start.
        _psql(url, "VACUUM (ANALYZE)")
        databases[size] = (url, seconds, out)
    return databases


def drop(base_url: str, databases: dict) -> None:
    admin = _url_with_db(base_url, "postgres")
    for url, _seconds, _out in databases.values():
        _psql(admin, f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}"')


# The timed requests of each page are taken in this many passes over all the pages.
PASSES = 5
# Each page's throughput is measured this many times, the pages in turn, and the best
# round kept: load from elsewhere only ever slows a round down, so the fastest is the
# nearest to what the code costs (two rounds left a burst on both rounds of one page).
ROUNDS = 3


def time_pages(workers: dict[int, Worker], runs: int, passes: int = PASSES) -> dict:
    """Per page and size: queries, median seconds, status, bytes. One warm-up request,
    then `runs` requests, the sizes asked in turn, in `passes` passes over all the pages: a
    burst of load on this shared machine (a few seconds) then falls on a few samples of
    many pages, not on all the samples of one page."""
    pages = next(iter(workers.values())).pages
    first = {page: {size: w.measure(page) for size, w in workers.items()} for page in pages}
    samples = {page: {size: [] for size in workers} for page in pages}
    for n in range(passes):
        share = runs // passes + (1 if n < runs % passes else 0)
        for page in pages:
            for _ in range(share):
                for size, w in workers.items():
                    samples[page][size].append(w.measure(page))
    results = {}
    for page in pages:
        got_by_size = samples[page]
        results[page] = {}
        for size, got in got_by_size.items():
            results[page][size] = {
                "status": got[-1]["status"],
                "queries": got[-1]["queries"],
                "bytes": got[-1]["bytes"],
                "median": statistics.median(s["seconds"] for s in got),
                "warmup": first[page][size]["seconds"],
            }
        line = "  ".join(
            f"{size:>7,}: {r['median'] * 1000:7.0f} ms {r['queries']:3} q"
            for size, r in results[page].items()
        )
        print(f"{page:55} {line}", flush=True)
    return results


# -- throughput under gunicorn -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(database_url: str, role: str) -> str:
    code = (
        "import django; django.setup(); from django.test import Client;"
        "from bench.bench_pages import login;"
        f"print(login(Client(), {role!r}).cookies['sessionid'].value)"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(  # noqa: S603
        [PYTHON, "-c", code], cwd=ROOT, env=env, check=True, text=True, capture_output=True
    ).stdout.strip()


def _get(port: int, path: str, cookie: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, len(body)


def _load(port: int, path: str, cookie: str, seconds: float, threads: int) -> dict:
    """Requests per second over `seconds`, `threads` clients in a loop."""
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def loop():
        while time.perf_counter() < stop:
            status, _size = _get(port, path, cookie)
            with lock:
                done[0] += 1
                errors[0] += status != 200

    start = time.perf_counter()
    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    return {"requests": done[0], "errors": errors[0], "rps": done[0] / elapsed}


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def throughput(database_url: str, pages: dict[str, str], seconds: float, every: list) -> dict:
    """gunicorn (2 sync workers) on the data set; the rate of each page, loaded in turn
    ROUNDS times; then every page once and the workers' memory."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}"]
        + ["--timeout", "300", "--log-level", "warning", "cqp.wsgi:application"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        cookies = {role: _session_cookie(database_url, role) for role, _p in pages.values()}
        rates = {label: [] for label in pages}
        for _round in range(ROUNDS):
            for label, (role, path) in pages.items():
                for _ in range(3):  # warm both workers
                    _get(port, path, cookies[role])
                rates[label].append(_load(port, path, cookies[role], seconds, threads=4))
        for role, path in every:
            if role not in cookies:
                cookies[role] = _session_cookie(database_url, role)
            _get(port, path, cookies[role])
        memory = [_rss_mib(pid) for pid in _children(server.pid)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return {
        "rates": {label: max(r["rps"] for r in got) for label, got in rates.items()},
        "errors": {label: sum(r["errors"] for r in got) for label, got in rates.items()},
        "memory": memory,
    }


# -- the report --------------------------------------------------------------------------


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ram() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _commit() -> str:
    try:
        return subprocess.run(  # noqa: S603
            ["/usr/bin/git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _load_avg() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def _ms(seconds: float) -> str:
    """A median as the table shows it: a tenth of a millisecond below 100 ms (a page of 6
    ms read as 6 or 7 moved its ratio by a sixth), whole milliseconds above."""
    ms = seconds * 1000
    return f"{ms:.1f} ms" if ms < 100 else f"{ms:,.0f} ms"


def _target(page: str, queries: int, ratio: float) -> str:
    if page.startswith("export ") and "." in page.split()[1]:  # a dataset's file
        return "a file"
    if page.startswith(("candidacy detail", "deliberation dashboard")):
        return "throughput"
    if page.startswith("fiche"):
        return "met" if queries <= 12 else "missed (queries)"
    missed = [what for what, ok in (("queries", queries <= 15), ("time", ratio <= 1.5)) if not ok]
    return f"missed ({', '.join(missed)})" if missed else "met"


# The figures of the run before the scale work (issue 16), shown beside each page's.
BEFORE = Path(__file__).with_name("before_scale_work.json")


def _before(sizes) -> dict:
    """The figures before the scale work, when this run's sizes are theirs (1,000 and
    100,000); an empty dict otherwise."""
    if (sizes[0], sizes[-1]) != (1_000, 100_000) or not BEFORE.exists():
        return {}
    return json.loads(BEFORE.read_text(encoding="utf-8"))


def report(*, sizes, seeded, results, rates, runs, seconds, load_before, load_after) -> str:
    small, large = sizes[0], sizes[-1]
    before = _before(sizes)
    before_pages, before_shares = before.get("pages", {}), before.get("throughput_share", {})
    before_head = (" before (queries, ratio) |", " ---: |") if before else ("", "")
    lines = [
        START,
        "## Pages at scale",
        "",
        'Written by `bench/bench_pages.py` (`make bench`; sizes: `make bench ARGS="--sizes',
        '300,3000"` for a quick try). Data: `manage.py seed_scale --candidacies N`.',
        "",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, commit {_commit()}",
        f"- Machine: {os.cpu_count()} CPU ({_cpu_model()}), {_ram()} RAM, "
        f"{platform.system()} {platform.release()}",
        f"- Load average (1, 5, 15 min) before: {load_before}; after: {load_after}",
        f"- Method: Django test client (settings `bench.settings`, DEBUG off), one warm-up "
        f"request then the median of {runs}, taken in {PASSES} passes over all the pages "
        "(a burst of load falls on a few samples of many pages, not on one page); the sizes "
        "interleaved (one process per data "
        "set, asked in turn). Exports are read to their last byte. Queries: "
        "`CaptureQueriesContext` on the last request (session and user included).",
        "- The agenda session holds min(200, N / 5) candidacies; the long history is 304 "
        "log entries.",
        "- Seeding: "
        + "; ".join(f"{size:,} candidacies in {seeded[size][1]:.0f} s" for size in sizes)
        + " (then `VACUUM (ANALYZE)`, so that autovacuum does not run during the timings)",
        "",
        "- Targets: every list and dashboard at most 15 queries and at most 1.5 times its "
        "time at the small size; the fiche at most 12 queries; the candidacy page and the "
        "deliberation dashboard by their throughput (below). An export is a file of every "
        "row: its time grows with the rows, by nature.",
    ]
    if before:
        lines += [
            f"- Before: the queries at {large:,} and the ratio of the same page in the run "
            f"before the scale work ({before['recorded']}, the code of {before['commit']}; "
            "in full below, « Before the scale work »); "
            "« — » for a page added since.",
        ]
    lines += [
        "",
        f"| page | queries {small:,} | queries {large:,} | {small:,} | {large:,} | ratio | "
        f"size at {large:,} | target |{before_head[0]}",
        f"| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |{before_head[1]}",
    ]
    for page, by_size in results.items():
        a, b = by_size[small], by_size[large]
        status = "" if a["status"] == b["status"] == 200 else f" (HTTP {a['status']}/{b['status']})"
        ratio = b["median"] / a["median"] if a["median"] else 0
        lines.append(
            f"| {page}{status} | {a['queries']} | {b['queries']} | {_ms(a['median'])} "
            f"| {_ms(b['median'])} | {ratio:.2f} | {b['bytes'] / 1024:,.0f} KiB "
            f"| {_target(page, b['queries'], ratio)} |"
            + (_before_cell(before_pages.get(page)) if before else "")
        )
    cold = [
        f"{page}: {by_size[small]['warmup'] * 1000:,.0f} ms at {small:,}, "
        f"{by_size[large]['warmup'] * 1000:,.0f} ms at {large:,}"
        for page, by_size in results.items()
        if page.startswith("pilotage")
    ]
    if cold:
        lines += [
            "",
            "`/pilotage/` shows figures computed at most 10 minutes before "
            "(`PILOTAGE_CACHE_SECONDS`); the median above is of kept figures. Computing "
            "them (the warm-up request, nothing kept): " + "; ".join(cold) + ".",
        ]
    if rates:
        trivial = rates["rates"]["trivial authenticated view"]
        lines += [
            "",
            f"Throughput at {large:,} candidacies: gunicorn, 2 sync workers, 4 client threads "
            f"for {seconds:g} s, the best of {ROUNDS} rounds, the pages in turn (a new connection "
            "per request).",
            "",
            "| page | requests/s | share of the trivial view | errors |"
            + (" share before |" if before else ""),
            "| --- | ---: | ---: | ---: |" + before_head[1],
        ]
        wanted = {"candidacy detail": 25, "deliberation dashboard": 10}
        for label, rps in rates["rates"].items():
            share = 100 * rps / trivial
            goal = next((v for k, v in wanted.items() if label.startswith(k)), None)
            met = (
                ""
                if goal is None
                else f" (target {goal} %: {'met' if share >= goal else 'missed'})"
            )
            was = before_shares.get(label)
            lines.append(
                f"| {label} | {rps:.1f} | {share:.1f} %{met} | {rates['errors'][label]} |"
                + ((" —" if was is None else f" {was:.1f} %") + " |" if before else "")
            )
        memory = ", ".join(f"{m:.0f} MiB" for m in rates["memory"])
        lines += ["", f"Memory of the gunicorn workers after every page once: {memory}."]
    lines.append(END)
    return "\n".join(lines) + "\n"


def _before_cell(was: dict | None) -> str:
    return " — |" if was is None else f" {was['queries']}, {was['ratio']:.1f} |"


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = re.sub(
            re.escape(START) + ".*?" + re.escape(END) + "\n?",
            lambda _m: section,
            text,
            flags=re.S,
        )
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="candidacies, comma-separated")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page and size")
    parser.add_argument("--seconds", type=float, default=10, help="load time per throughput round")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the seeded databases")
    parser.add_argument("--output", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    if not _postgres_configured():
        print("DATABASE_URL names no PostgreSQL database: running through bench/run.sh")
        run = str(ROOT / "bench" / "run.sh")
        os.execv("/bin/bash", ["/bin/bash", run, "--pages-only", *sys.argv[1:]])  # noqa: S606
    sizes = sorted(int(s) for s in args.sizes.split(","))
    base_url = os.environ["DATABASE_URL"]
    load_before = _load_avg()
    seeded = seed(base_url, sizes)
    try:
        workers = {size: Worker(size, seeded[size][0]) for size in sizes}
        try:
            print("==> timing the pages", flush=True)
            results = time_pages(workers, args.runs)
        finally:
            for w in workers.values():
                w.close()
        rates = None
        if not args.no_throughput:
            print(f"==> throughput at {sizes[-1]:,} (gunicorn, 2 sync workers)", flush=True)
            url = seeded[sizes[-1]][0]
            os.environ["DATABASE_URL"] = url
            os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
            sys.path.insert(0, str(ROOT))
            import django

            django.setup()
            from django.db import connection

            every = list(page_urls().values())
            pages = dict(page_urls())
            connection.close()
            loaded = {
                "trivial authenticated view": ("secretariat", "/bench/trivial/"),
                "candidacy detail, long history (professionnel)": pages[
                    "candidacy detail, long history (professionnel)"
                ],
                "deliberation dashboard, 200 (jury president)": pages[
                    "deliberation dashboard, 200 (jury president)"
                ],
            }
            rates = throughput(url, loaded, args.seconds, every)
            print(json.dumps(rates, indent=1), flush=True)
    finally:
        if not args.keep:
            drop(base_url, seeded)
    section = report(
        sizes=sizes,
        seeded=seeded,
        results=results,
        rates=rates,
        runs=args.runs,
        seconds=args.seconds,
        load_before=load_before,
        load_after=_load_avg(),
    )
    write_section(Path(args.output), section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
