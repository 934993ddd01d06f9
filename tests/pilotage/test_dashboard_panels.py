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
            session=session, candidacy__organisation=organisation, outcome=State.CERTIFIE
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
