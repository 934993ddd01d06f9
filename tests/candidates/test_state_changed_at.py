"""The candidacy's stored `state_changed_at`: written with each change of state by the
services, filled from the audit log by its migration, read by every « waiting » list
instead of a subquery on the audit log."""

import datetime
import importlib

import pytest
import time_machine
from django.db import connection

from candidates import selectors, services
from candidates.models import Candidacy
from jury import selectors as jury_selectors
from pilotage import stats
from tests.candidates.builders import assign, candidacy_in, decide, vae_candidacy
from tests.factories import TransitionLogFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _stamp(candidacy) -> datetime.datetime:
    return Candidacy.objects.values_list("state_changed_at", flat=True).get(pk=candidacy.pk)


def test_creation_dates_the_first_step_with_its_audit_entry(gestionnaire, own_org):
    with time_machine.travel(START, tick=False):
        candidacy = services.candidacy_create_parcours(
            organisation=own_org,
            by=gestionnaire,
            email="nouveau@exemple.fr",
            first_name="Nina",
            last_name="Nouveau",
        )
    assert _stamp(candidacy) == START
    assert candidacy.logs.get().created_at == START


def test_a_transition_dates_the_step_and_an_assignment_does_not(
    candidat, own_org, gestionnaire, professionnel, secretariat
):
    with time_machine.travel(START, tick=False):
        vae = vae_candidacy(UserFactory(), own_org, state="recevabilite")
    later = START + datetime.timedelta(days=10)
    with time_machine.travel(later, tick=False):
        decide(vae, secretariat, "favorable")
    assert _stamp(vae) == later
    assert vae.logs.latest("created_at").created_at == later

    with time_machine.travel(START, tick=False):
        candidacy = candidacy_in("reperage", candidat, own_org)
    assign(candidacy, by=gestionnaire, professionnel=professionnel)  # today, habilitated
    assert candidacy.logs.filter(transition="assign_professionnel").exists()
    assert _stamp(candidacy) == START  # same step: the assignment does not restart it


def test_the_migration_fills_it_from_the_last_change_of_state(candidat, own_org):
    created = START - datetime.timedelta(days=90)
    moved = candidacy_in("parcours", candidat, own_org)
    untouched = candidacy_in("reperage", UserFactory(), own_org)
    Candidacy.objects.update(created_at=created, state_changed_at=START)
    TransitionLogFactory(
        candidacy=moved,
        transition="complete_reperage",
        source="reperage",
        target="parcours",
        created_at=START - datetime.timedelta(days=30),
    )
    TransitionLogFactory(
        candidacy=moved, transition="note", created_at=START - datetime.timedelta(days=5)
    )
    Candidacy.objects.update(state_changed_at=START)  # forget what the factory dated

    migration = importlib.import_module("candidates.migrations.0009_state_changed_at")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)

    assert _stamp(moved) == START - datetime.timedelta(days=30)  # not the note's date
    assert _stamp(untouched) == created


def test_the_waiting_lists_read_the_column_not_the_audit_log(secretariat):
    querysets = [
        selectors.candidacies_waiting(days=60),
        jury_selectors.awaiting_session(),
    ]
    for qs in querysets:
        sql = str(qs.query)
        assert "state_changed_at" in sql
        assert "transitionlog" not in sql.lower()


def test_waiting_longest_uses_the_stored_date(candidat, own_org):
    with time_machine.travel(START, tick=False):
        first = candidacy_in("reperage", candidat, own_org)
    with time_machine.travel(START + datetime.timedelta(days=3), tick=False):
        second = candidacy_in("parcours", UserFactory(), own_org)
    Candidacy.objects.filter(pk=second.pk).update(
        state_changed_at=START - datetime.timedelta(days=1)
    )
    waiting = stats.waiting_longest(
        stats.Filters(start=START.date(), end=START.date(), allowed_organisation_ids=(own_org.pk,))
    )
    assert [c.pk for c in waiting] == [second.pk, first.pk]
    assert waiting[0].waiting_since == START - datetime.timedelta(days=1)
