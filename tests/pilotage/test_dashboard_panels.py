import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.enums import State
from jury.enums import SessionState
from tests.factories import DeliberationFactory, JurySessionFactory

from .builders import at, created

pytestmark = pytest.mark.django_db


def _panel(response, template):
    return next(
        panel
        for section in response.context["sections"]
        for panel in section["panels"]
        if panel["template"] == template
    )


def _build(organisation, n):
    session = JurySessionFactory(date=timezone.localdate(), state=SessionState.CLOSED)
    for i in range(n):
        candidacy = created(
            at(timezone.localdate() - datetime.timedelta(days=30 + i)), organisation=organisation
        )
        DeliberationFactory(
            session=session,
            candidacy__organisation=organisation,
            outcome=State.CERTIFIE,
            decided_at=timezone.now(),  # set with the outcome (jury.services._close_fiche)
        )
    return candidacy


def test_gestionnaire_dashboard_shows_their_organisations_in_short(
    client, gestionnaire, own_org, other_org
):
    oldest = _build(own_org, 3)
    _build(other_org, 2)
    client.force_login(gestionnaire)
    response = client.get(reverse("dashboard"))
    panel = _panel(response, "pilotage/panels/gestionnaire.html")
    assert panel["waiting"][0].pk == oldest.pk
    assert {c.organisation_id for c in panel["waiting"]} == {own_org.pk}
    assert [(s["total"], s["certifie"]) for s in panel["sessions"]] == [(3, 3)]
    assert f'href="{reverse("pilotage")}"' in response.content.decode()


def test_gestionnaire_dashboard_queries_do_not_grow(
    client, gestionnaire, own_org, django_assert_max_num_queries
):
    client.force_login(gestionnaire)
    _build(own_org, 1)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("dashboard"))
    _build(own_org, 8)
    with django_assert_max_num_queries(40) as many:
        client.get(reverse("dashboard"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_secretariat_dashboard_links_to_pilotage(client, secretariat):
    client.force_login(secretariat)
    content = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("pilotage")}"' in content


def test_gestionnaire_dashboard_shows_the_last_three_sessions_that_decided(
    client, gestionnaire, own_org, other_org, django_assert_max_num_queries
):
    """The latest sessions with decisions on their organisations' candidacies, latest
    first; the fiches pending on a programmed session, and the other organisations'
    decisions, count for nothing."""
    today = timezone.localdate()

    def session(days, decided, outcome=State.CERTIFIE, organisation=own_org):
        held = JurySessionFactory(date=today + datetime.timedelta(days=days))
        for _ in range(decided):
            DeliberationFactory(
                session=held,
                candidacy__organisation=organisation,
                outcome=outcome,
                decided_at=timezone.now(),
            )
        return held

    session(-40, 1)
    session(-30, 2, State.PARTIEL)
    session(-20, 1, State.NON_CERTIFIE)
    session(-10, 3)
    session(-5, 4, organisation=other_org)
    programmed = JurySessionFactory(date=today + datetime.timedelta(days=10))
    DeliberationFactory.create_batch(2, session=programmed, candidacy__organisation=own_org)
    client.force_login(gestionnaire)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dashboard"))
    sessions = _panel(response, "pilotage/panels/gestionnaire.html")["sessions"]
    assert [(s["date"], s["total"]) for s in sessions] == [
        (today - datetime.timedelta(days=10), 3),
        (today - datetime.timedelta(days=20), 1),
        (today - datetime.timedelta(days=30), 2),
    ]
    assert (sessions[1]["non_certifie"], sessions[2]["partiel"]) == (1, 2)
