"""Small helpers shared by the test modules: reading a page, its messages, its query count,
a PDF's text, the files in the media storage; waiting for a concurrent transaction to block on a lock, and running
requests at the same moment."""

import datetime
import html
import io
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.storage import default_storage
from django.db import Error, connection, transaction
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar date `years` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def page_text(response) -> str:
    """The page's HTML with its entities decoded (French texts are compared as typed)."""
    return html.unescape(response.content.decode())


def error_summary(response) -> tuple[str, list[str], list[str]]:
    """A page sent back with errors: its title, and its error summary's links (the ids they
    point at) and items' texts. Fails if the page has no summary or several."""
    import re

    text = page_text(response)
    title = text.split("<title>", 1)[1].split("</title>", 1)[0].strip()
    parts = text.split('id="error-summary"')
    assert len(parts) == 2, "one error summary on the page"
    assert "data-error-summary" in parts[1].split(">", 1)[0]
    summary = parts[1].split("</div>", 1)[0]
    links = re.findall(r'<a href="#([^"]+)">', summary)
    items = [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", summary)]
    for anchor in links:
        assert f'id="{anchor}"' in text, f"the summary links to #{anchor}, absent from the page"
    return title, links, items


def flash_messages(response) -> list[str]:
    """The messages (django.contrib.messages) shown on the page."""
    return [str(m) for m in response.context["messages"]]


def query_count(client, url) -> int:
    """The number of queries of one GET of `url`, which must answer 200."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, whitespace normalised."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_read(data: bytes) -> tuple[str, int]:
    """The whole text of a PDF, whitespace normalised, and its number of pages."""
    pages = pdf_pages(data)
    return " ".join(page for page in pages if page), len(pages)


def pdf_text(data: bytes) -> str:
    """The whole text of a PDF, whitespace normalised."""
    return pdf_read(data)[0]


def stored_bytes(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def stored_names(folder: str = "") -> list[str]:
    """The name of every file in the media storage (the test's own: its directory, or its
    prefix in the bucket), or in one of its folders (`"evidence/"`), sorted."""
    names, folders = [], [folder]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = default_storage.listdir(folder)
        except FileNotFoundError:  # a local folder not made yet: no file in it
            continue
        names += [f"{folder}{name}" for name in files]
        folders += [f"{folder}{name}/" for name in subfolders]
    return sorted(names)


def refused_by_the_database(sql: str, *params) -> None:
    """`sql` fails: an append-only trigger refuses it (PostgreSQL, cqp.append_only)."""
    with (
        pytest.raises(Error, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def wait_for_a_lock_wait(timeout: float = 30.0) -> None:
    """Return once another connection to this test database waits on a lock (PostgreSQL).

    A concurrency test releases the transaction holding the lock only then, so that the
    other one has certainly reached the lock: no fixed sleep, whatever the machine's load.
    """
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "no connection came to wait on the lock"
            time.sleep(0.01)


# Tests whose threads race for row locks: each thread has its own database connection, so
# the rows must be committed; SQLite has no row locks.
ROW_LOCKS = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL (run with scripts/test.sh)",
    ),
    pytest.mark.django_db(transaction=True),
]


def changed_to(step: str) -> str:
    """What whoever acts on a page of a candidacy that someone else moved on is told."""
    return (
        "La candidature vient d'être modifiée par quelqu'un d'autre : elle est maintenant à "
        f"l'étape « {step} ». Rien n'a été enregistré ; vérifiez la page avant de recommencer."
    )


def in_parallel(calls: list[Callable[[], object]]) -> list[object]:
    """Run each call in a thread of its own (its own database connection), all released at
    once; return what each returned, or the exception it raised."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> object:
        try:
            barrier.wait(timeout=30)
            return call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls, timeout=120))


def while_locked(hold: Callable[[], object], then: Callable[[], object]) -> object:
    """Run `hold` in a transaction of its own thread, and `then` in another thread once
    `hold` is done; commit `hold` only when `then` is seen waiting on a lock (PostgreSQL, no
    fixed sleep). Return what `then` returned."""
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with transaction.atomic():
            hold()
            held.set()
            assert release.wait(timeout=60), "nothing came to wait on the lock"

    with ThreadPoolExecutor(max_workers=2) as pool:
        holding = pool.submit(_closing(holder))
        try:
            assert held.wait(timeout=60), "the first transaction never took its lock"
            waiting = pool.submit(_closing(then))
            wait_for_a_lock_wait()
        finally:
            release.set()
        holding.result(timeout=120)
        return waiting.result(timeout=120)


def _closing(call: Callable[[], object]) -> Callable[[], object]:
    """`call`, closing its thread's database connection once done."""

    def run() -> object:
        try:
            return call()
        finally:
            connection.close()

    return run
