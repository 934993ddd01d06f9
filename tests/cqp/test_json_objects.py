"""cqp.utils.JSONObjects: rows read as JSON on another query's row come back as the objects
the ORM makes of them (their values, dates and JSON, their related person), without a
query more. (The demo's test, tests/cqp/test_demo_sqlite.py, checks the same on SQLite.)"""

import datetime

import pytest
from django.db import connection
from django.db.models import OuterRef
from django.test.utils import CaptureQueriesContext

from candidates.models import Candidacy, RecevabiliteDecision, TransitionLog
from cqp.utils import JSONObjects
from tests.factories import CandidacyFactory, UserFactory

pytestmark = pytest.mark.django_db

EVENTS = JSONObjects(TransitionLog, related={"actor": ("last_name", "first_name", "email")})
DECISIONS = JSONObjects(RecevabiliteDecision, related={"decided_by": ("first_name", "last_name")})


def _with_json(candidacy):
    logs = TransitionLog.objects.filter(candidacy=OuterRef("pk"))
    decisions = RecevabiliteDecision.objects.filter(candidacy=OuterRef("pk"))
    return Candidacy.objects.annotate(
        events=EVENTS.rows(logs), decisions=DECISIONS.rows(decisions)
    ).get(pk=candidacy.pk)


def test_the_objects_are_those_the_orm_reads():
    candidacy = CandidacyFactory()
    actor = UserFactory(first_name="Zoé", last_name="L'Hôte <b>", email="zoe@example.org")
    moment = datetime.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=datetime.UTC)
    TransitionLog.objects.create(
        candidacy=candidacy,
        actor=actor,
        role="secretariat",
        transition="assign",
        source="reperage",
        target="reperage",
        comment="« texte » typé",
        comment_key="assigned",
        comment_values={"kind": "professionnel", "person": "Anne", "previous": ""},
        created_at=moment,
    )
    RecevabiliteDecision.objects.create(
        candidacy=candidacy,
        outcome="incomplet",
        reason="Pièces manquantes.",
        items=["attestation_employeur", "cv"],
        submitted_on=datetime.date(2026, 2, 28),
        experience_days=400,
        decided_by=actor,
        decided_at=moment,
    )
    found = _with_json(candidacy)
    with CaptureQueriesContext(connection) as queries:
        [event] = EVENTS.objects(found.events)
        [decision] = DECISIONS.objects(found.decisions)
        names = (str(event.actor), str(decision.decided_by), event.actor.email)
    assert len(queries) == 0  # the people came with them
    assert names == ("Zoé L'Hôte <b>", "Zoé L'Hôte <b>", "zoe@example.org")
    expected = TransitionLog.objects.get(candidacy=candidacy)
    for field in TransitionLog._meta.concrete_fields:
        assert getattr(event, field.attname) == getattr(expected, field.attname), field.name
    assert event.created_at == moment and event.created_at.tzinfo is not None
    assert event.comment_values["person"] == "Anne"
    assert decision.items == ["attestation_employeur", "cv"]
    assert decision.submitted_on == datetime.date(2026, 2, 28)
    assert decision.decided_at == moment
    assert decision.decided_by_id == actor.pk


def test_no_rows_no_objects():
    found = _with_json(CandidacyFactory())
    assert DECISIONS.objects(found.decisions) == []
