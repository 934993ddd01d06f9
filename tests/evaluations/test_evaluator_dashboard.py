"""The evaluators' dashboard panel: their evaluations grouped by what waits on them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Candidacy
from tests.factories import UserFactory
from tests.helpers import page_text

from .builders import (
    NON_ACQUISE,
    dossier_of,
    give,
    settle,
    sign_all,
    through_reperage_to_evaluation,
)

pytestmark = pytest.mark.django_db


def panel_groups(response, role) -> dict[str, set[int]]:
    section = next(s for s in response.context["sections"] if s["role"] == role)
    panel = next(
        p for p in section["panels"] if p["template"] == "evaluations/panels/evaluations.html"
    )
    return {g["key"]: {c.pk for c in g["candidacies"]} for g in panel["groups"]}


def test_dashboard_groups_evaluations_by_what_waits_on_me(
    client, own_org, secretariat, professionnel, evaluateur
):
    def new():
        return through_reperage_to_evaluation(
            UserFactory(),
            own_org,
            secretariat=secretariat,
            professionnel=professionnel,
            evaluateur=evaluateur,
        )

    to_give = new()
    disagreement = new()
    give(disagreement, professionnel)
    give(disagreement, evaluateur, numbers={2, 3, 4, 5, 6})
    give(disagreement, evaluateur, NON_ACQUISE, numbers={1})
    to_sign = new()
    give(to_sign, professionnel)
    give(to_sign, evaluateur)
    sign_all(to_sign, professionnel)
    ready = new()
    settle(dossier_of(ready), professionnel=professionnel, evaluateur=evaluateur)
    waiting = new()
    give(waiting, evaluateur)

    client.force_login(evaluateur)
    response = client.get(reverse("dashboard"))
    assert panel_groups(response, "evaluateur") == {
        "opinion": {to_give.pk},
        "disagreement": {disagreement.pk},
        "sign": {to_sign.pk},
        "transmit": {ready.pk},
        "waiting": {waiting.pk},
    }
    page = page_text(response)
    for label in [
        "Évaluations en cours",
        "Avis à donner",
        "Désaccords à résoudre",
        "À signer",
        "Prêt à transmettre",
        "En attente de l'autre évaluateur / du candidat",
    ]:
        assert label in page
    assert f'href="{reverse("assessment", args=[ready.pk])}"' in page

    client.force_login(professionnel)
    assert panel_groups(client.get(reverse("dashboard")), "professionnel") == {
        "opinion": {waiting.pk, to_give.pk},
        "disagreement": {disagreement.pk},
        "waiting": {ready.pk, to_sign.pk},
    }


def test_dashboard_empty_state(client, evaluateur):
    client.force_login(evaluateur)
    response = client.get(reverse("dashboard"))
    assert panel_groups(response, "evaluateur") == {}
    assert "Aucune évaluation en cours." in page_text(response)


def test_dashboard_query_count_does_not_grow_with_candidacies(
    client, own_org, secretariat, professionnel, evaluateur, django_assert_num_queries
):
    def add(n):
        for i in range(n):
            candidacy = through_reperage_to_evaluation(
                UserFactory(),
                own_org,
                secretariat=secretariat,
                professionnel=professionnel,
                evaluateur=evaluateur,
            )
            if i % 2:
                give(candidacy, evaluateur, numbers={1})

    client.force_login(evaluateur)
    add(2)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard"))
    assert sum(len(ids) for ids in panel_groups(response, "evaluateur").values()) == 2
    add(8)
    assert Candidacy.objects.filter(state="evaluation").count() == 10
    with django_assert_num_queries(len(captured)):
        response = client.get(reverse("dashboard"))
    assert sum(len(ids) for ids in panel_groups(response, "evaluateur").values()) == 10
    # The session (if not cached) and the user, the habilitations, the assigned panel's rows
    # and count, the evaluations' rows with their groups.
    assert len(captured) <= 6


def test_the_panels_rows_join_only_what_they_show(
    client, own_org, secretariat, professionnel, evaluateur
):
    """The candidate and the organisation of each row: no join of the certification or of
    the evaluators (the planner took longer over those joins than the query took to run)."""
    candidacy = through_reperage_to_evaluation(
        UserFactory(last_name="Lignière"),
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )
    client.force_login(professionnel)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard"))
    rows = [
        q["sql"]
        for q in captured
        if q["sql"].startswith('SELECT "candidates_candidacy"."id"')
        and '"candidates_candidate"' in q["sql"]
    ]
    assert len(rows) == 2  # the assigned panel's and the evaluations panel's
    for sql in rows:
        assert '"cqp_certification"' not in sql
        assert '"candidates_candidacy"."evaluateur_id" =' not in sql
        assert '"candidates_candidacy"."professionnel_id" = "cqp_user"."id"' not in sql
    assert panel_groups(response, "professionnel") == {"opinion": {candidacy.pk}}
    text = page_text(response)
    assert text.count(str(candidacy.candidate)) == 2
    assert own_org.name in text


def test_dashboard_shows_a_bounded_number_and_says_how_many_there_are(
    client, own_org, secretariat, professionnel, evaluateur, monkeypatch
):
    monkeypatch.setattr("evaluations.dashboard_panels.PANEL_LIMIT", 2)
    candidacies = [
        through_reperage_to_evaluation(
            UserFactory(),
            own_org,
            secretariat=secretariat,
            professionnel=professionnel,
            evaluateur=evaluateur,
        )
        for _ in range(3)
    ]
    client.force_login(evaluateur)
    response = client.get(reverse("dashboard"))

    shown = set().union(*panel_groups(response, "evaluateur").values())
    assert shown == {candidacies[0].pk, candidacies[1].pk}  # in evaluation the longest
    page = page_text(response)
    assert (
        "Vous suivez 3 évaluations en cours : les 2 commencées depuis le plus longtemps "
        "sont affichées ici." in page
    )
    assert f'href="{reverse("candidacy_list")}?state=evaluation"' in page
