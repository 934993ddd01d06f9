"""The append-only audit log: one entry per transition taken, never rewritten."""

import pytest
from django.core.management import call_command
from django.db import Error, connection, transaction
from django.db.models import ProtectedError

from candidates import selectors, services
from candidates.models import Candidacy, TransitionLog
from cqp.models import HabilitationKind
from tests.candidates.builders import (
    REASON,
    WITH_REASON,
    assign,
    parcours_candidacy,
    ready_for,
    take,
)
from tests.candidates.design import TARGETS, WHO
from tests.factories import HabilitationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, roles in WHO.items() for role in sorted(roles)]
)
def test_transition_writes_exactly_one_log_entry(name, role, people):
    candidacy = ready_for(name, people)
    source = candidacy.state
    before = set(candidacy.logs.values_list("pk", flat=True))
    take(name, candidacy, people[role])
    entries = list(candidacy.logs.exclude(pk__in=before))
    assert len(entries) == 1
    entry = entries[0]
    expected_comment = {"declare_recevable": "Dossier complet."}.get(
        name, REASON if name in WITH_REASON else ""
    )
    assert (
        entry.transition,
        entry.actor,
        entry.role,
        entry.source,
        entry.target,
        entry.comment,
    ) == (
        name,
        people[role],
        role,
        source,
        TARGETS.get(name, "partiel"),
        expected_comment,
    )
    assert entry.created_at is not None
    assert candidacy.state == entry.target


def test_history_lists_the_entries_in_order(people):
    candidacy = ready_for("transmit_to_jury", people)
    take("transmit_to_jury", candidacy, people["evaluateur"])
    take("return_to_evaluation", candidacy, people["jury"])
    take("withdraw", candidacy, people["candidat"])
    assert [(e.transition, e.source, e.target) for e in selectors.history(candidacy)] == [
        ("assign_professionnel", "evaluation", "evaluation"),
        ("assign_evaluateur", "evaluation", "evaluation"),
        ("transmit_to_jury", "evaluation", "jury"),
        ("return_to_evaluation", "jury", "evaluation"),
        ("withdraw", "evaluation", "abandonne"),
    ]


def test_log_records_the_capacity_that_allowed_the_transition(
    candidat, own_org, gestionnaire, secretariat
):
    # An internal manager may be both the organisation's gestionnaire and the assigned
    # professionnel; a professionnel may not withdraw a candidacy, a gestionnaire may.
    HabilitationFactory(
        user=gestionnaire, kind=HabilitationKind.PROFESSIONNEL, granted_by=secretariat
    )
    candidacy = parcours_candidacy(candidat, own_org)
    assign(candidacy, by=secretariat, professionnel=gestionnaire)
    services.run_transition(name="withdraw", candidacy=candidacy, by=gestionnaire, comment=REASON)
    assert candidacy.logs.get(transition="withdraw").role == "gestionnaire"


# Append-only ---------------------------------------------------------------------------------


@pytest.fixture
def entry(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    services.run_transition(name="withdraw", candidacy=candidacy, by=candidat, comment=REASON)
    return candidacy.logs.get()


def _unchanged(entry):
    stored = TransitionLog.objects.get(pk=entry.pk)
    return (stored.comment, stored.target, stored.actor_id) == (REASON, "abandonne", entry.actor_id)


def test_log_entry_cannot_be_saved_again(entry):
    entry.comment = "Réécrit"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.save(update_fields=["comment"])
    assert _unchanged(entry)


def test_log_entry_cannot_be_deleted(entry):
    with pytest.raises(PermissionError):
        entry.delete()
    assert _unchanged(entry)


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda e: TransitionLog.objects.filter(pk=e.pk).update(comment="Réécrit"),
        lambda e: TransitionLog.objects.all().update(target="certifie"),
        lambda e: TransitionLog.objects.filter(pk=e.pk).delete(),
        lambda e: TransitionLog.objects.all().delete(),
        lambda e: e.candidacy.logs.update(comment="Réécrit"),
        lambda e: e.candidacy.logs.all().delete(),
        lambda e: TransitionLog.objects.bulk_update(
            [TransitionLog(pk=e.pk, comment="Réécrit")], ["comment"]
        ),
        lambda e: TransitionLog.objects.update_or_create(pk=e.pk, defaults={"comment": "X"}),
    ],
    ids=[
        "update",
        "update-all",
        "delete",
        "delete-all",
        "related-update",
        "related-delete",
        "bulk-update",
        "update-or-create",
    ],
)
def test_log_cannot_be_rewritten_through_querysets(rewrite, entry):
    # bulk_update and update_or_create open an atomic block without a savepoint: give them one.
    with pytest.raises(PermissionError), transaction.atomic():
        rewrite(entry)
    assert _unchanged(entry)


def test_log_accepts_new_entries(entry):
    # About the append-only manager itself: it refuses rewrites, not inserts (so no factory).
    TransitionLog.objects.create(
        candidacy=entry.candidacy,
        actor=entry.actor,
        role="candidat",
        transition="note",
        source="abandonne",
        target="abandonne",
    )
    assert entry.candidacy.logs.count() == 2


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE candidates_transitionlog SET comment = 'Réécrit' WHERE id = %s",
        "DELETE FROM candidates_transitionlog WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_log_is_append_only_in_the_database(sql, entry):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    with (
        pytest.raises(Error, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert _unchanged(entry)


def test_log_cannot_be_truncated_in_the_database(entry):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    with (
        pytest.raises(Error, match=r"append-only \(TRUNCATE refused\)"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The entry's foreign keys are checked at commit: TRUNCATE refuses a table with checks
        # pending, whatever its triggers. Check them now, so that only the trigger can refuse.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE candidates_transitionlog CASCADE")
    assert _unchanged(entry)


def test_candidacy_with_log_entries_cannot_be_deleted(entry):
    candidacy = entry.candidacy
    with pytest.raises(ProtectedError):
        candidacy.delete()
    with pytest.raises(ProtectedError):
        Candidacy.objects.filter(pk=candidacy.pk).delete()
    assert Candidacy.objects.filter(pk=candidacy.pk).exists()
    assert _unchanged(entry)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_leaves_its_guard_in_place(entry):
    """`manage.py flush` (and the test suite between transactional tests) bypasses the
    trigger for its own statement only (cqp/management/commands/flush.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    call_command("flush", interactive=False, verbosity=0)
    assert not TransitionLog.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        with pytest.raises(Error, match=r"append-only \(TRUNCATE refused\)"):
            cursor.execute("TRUNCATE candidates_transitionlog CASCADE")
