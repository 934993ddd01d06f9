"""The secretariat's dashboard: the jury pipeline (dossiers waiting for a session, sessions
coming up, open, to close), in a constant number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jury import selectors, services
from jury.models import JurySession
from tests.candidates.builders import today
from tests.factories import OrganisationFactory, TransitionLogFactory
from tests.helpers import page_text

from .builders import ALL, cheap_in_jury, cheap_on_agenda, fiche, open_session, programmed, record

pytestmark = pytest.mark.django_db


def _words(response) -> str:
    """The page's text without its tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def _waiting(days_ago: int):
    """A candidacy that arrived in `jury` `days_ago` days ago and waits on no session."""
    candidacy = cheap_in_jury(OrganisationFactory())
    TransitionLogFactory(
        candidacy=candidacy,
        transition="transmit_to_jury",
        source="evaluation",
        target="jury",
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    return candidacy


def _pipeline_of(secretariat, *, rows: int):
    """`rows` of each kind: waiting dossiers, programmed sessions, open sessions, one of them
    held yesterday and not closed."""
    for n in range(rows):
        _waiting(days_ago=3 + n)
        cheap_on_agenda(
            programmed(by=secretariat, date=today() + datetime.timedelta(days=10 + n)),
            secretariat=secretariat,
        )
        open_session(by=secretariat)
    yesterday = today() - datetime.timedelta(days=1)
    held = open_session(by=secretariat, date=yesterday)
    return held


def test_the_pipeline_counts_and_sorts(secretariat):
    oldest = _waiting(days_ago=12)
    _waiting(days_ago=2)
    placed = _waiting(days_ago=30)
    later = programmed(by=secretariat, date=today() + datetime.timedelta(days=20))
    soon = programmed(by=secretariat, date=today() + datetime.timedelta(days=5))
    cheap_on_agenda(soon, secretariat=secretariat)
    services.session_add_candidacy(session=later, by=secretariat, candidacy=placed)
    cancelled = programmed(by=secretariat, date=today() + datetime.timedelta(days=6))
    services.session_cancel(session=cancelled, by=secretariat, reason="Salle fermée.")
    running = open_session(by=secretariat)
    done = open_session(by=secretariat)
    record(cheap_on_agenda(done, secretariat=secretariat), decisions=fiche(validated=ALL))
    held = open_session(by=secretariat, date=today() - datetime.timedelta(days=1))

    pipeline = selectors.jury_pipeline()
    assert pipeline["waiting_count"] == 2
    assert timezone.localdate(pipeline["waiting_since"]) == timezone.localdate(
        oldest.logs.get().created_at
    )
    assert pipeline["waiting_days"] == 12
    assert pipeline["coming"] == [soon, later]
    assert pipeline["coming_count"] == 2
    assert pipeline["open"] == [running]
    assert sorted(s.pk for s in pipeline["to_close"]) == sorted([done.pk, held.pk])
    assert JurySession.objects.count() == 6


def test_the_dashboard_shows_the_pipeline_in_a_constant_number_of_queries(client, secretariat):
    client.force_login(secretariat)
    _pipeline_of(secretariat, rows=1)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("dashboard"))
    text = _words(response)
    assert "1 dossier en attente de session" in text
    assert "le plus ancien depuis le" in text and "(3 jours)" in text
    assert "1 session à clore" in text and "tenue, non close" in text
    assert "1 session ouverte" in text

    _pipeline_of(secretariat, rows=6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("dashboard"))
    text = _words(response)
    assert "7 dossiers en attente de session" in text
    assert "Voir les 7 sessions programmées" in text
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_empty_pipeline_says_so(client, secretariat):
    client.force_login(secretariat)
    text = _words(client.get(reverse("dashboard")))
    assert "Aucun dossier n'attend de session." in text
    assert "Aucune session n'est programmée." in text


def test_a_dossier_transmitted_today_is_said_so(client, secretariat):
    _waiting(days_ago=0)
    client.force_login(secretariat)
    text = _words(client.get(reverse("dashboard")))
    assert "le plus ancien transmis aujourd'hui" in text
    assert "(0 jour)" not in text
