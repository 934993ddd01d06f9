"""Small helpers shared by the test modules: reading a page, its messages, its query count,
a PDF's text, and waiting for a concurrent transaction to block on a lock."""

import datetime
import html
import io
import time

import pytest
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
