"""Storing an official document once, even when two tasks store the same edition at once.

Each task has its own database connection, so the rows must be committed
(`transaction=True`). SQLite has no row locks: PostgreSQL only.
"""

import threading

import pytest
from django.db import connection, transaction

from cqp.documents import document_store
from cqp.models import Document
from tests.factories import CandidacyFactory, DocumentFactory
from tests.helpers import stored_names, wait_for_a_lock_wait

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL (run with scripts/test.sh)",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.media,
]


def test_document_store_losing_the_race_keeps_the_other_task_s_document():
    """The other task inserted the edition first and commits while this one waits on the
    unique index: this one returns the other's document and deletes its own file."""
    candidacy = CandidacyFactory()
    inserted, release = threading.Event(), threading.Event()
    results = {}

    def other_task():
        try:
            with transaction.atomic():
                results["other"] = DocumentFactory(kind="livret", subject=candidacy)
                inserted.set()
                assert release.wait(timeout=60), "this task never came to wait"
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results["other"] = exc
        finally:
            inserted.set()
            connection.close()

    def this_task():
        try:
            results["this"] = document_store("livret", candidacy)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results["this"] = exc
        finally:
            connection.close()

    other, this = threading.Thread(target=other_task), threading.Thread(target=this_task)
    other.start()
    try:
        assert inserted.wait(timeout=60)
        this.start()
        wait_for_a_lock_wait(timeout=60)  # this task's insert waits on the other's row
    finally:
        release.set()
        other.join(timeout=60)
    this.join(timeout=60)
    assert not other.is_alive() and not this.is_alive()

    theirs = results["other"]
    assert isinstance(theirs, Document), theirs
    assert isinstance(results["this"], Document), results["this"]
    assert results["this"].pk == theirs.pk
    assert list(Document.objects.values_list("pk", flat=True)) == [theirs.pk]
    # This task's rendering was dropped: only the other's file is stored.
    assert stored_names() == [theirs.file.name]
