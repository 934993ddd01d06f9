"""The secretariat's instruction page (/jury/instruction/): the dossiers waiting for a
session with their checks, the search, the placement of the ticked ones, the return of one
to the evaluation; its link on the session page, the navigation and the dashboard."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jury.models import Deliberation
from tests.candidates.builders import DAY, today, validate
from tests.factories import CandidacyFactory, TransitionLogFactory
from tests.helpers import error_summary, flash_messages, page_text, query_count

from .builders import cheap_in_jury, place, planned_session

pytestmark = pytest.mark.django_db

URL = reverse("jury_instruction")
PLACE = reverse("jury_instruction_place")


def _transmitted(candidacy, days_ago):
    """The audit entry of the transmission, `days_ago` days ago."""
    TransitionLogFactory(
        candidacy=candidacy,
        transition="transmit_to_jury",
        source="evaluation",
        target="jury",
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    return candidacy


def _names(response):
    return [str(row.candidacy.candidate) for row in response.context["rows"]]


@pytest.fixture
def waiting(own_org):
    """Three dossiers transmitted 3, 10 and 5 days ago."""
    return [
        _transmitted(cheap_in_jury(own_org, candidate__user__last_name=name), days)
        for name, days in (("Trois", 3), ("Dix", 10), ("Cinq", 5))
    ]


def test_the_page_lists_the_waiting_dossiers_oldest_transmission_first(
    client, secretariat, waiting, own_org
):
    place(planned_session(by=secretariat), cheap_in_jury(own_org), by=secretariat)
    CandidacyFactory(state="evaluation", organisation=own_org)
    client.force_login(secretariat)
    response = client.get(URL)
    assert response.status_code == 200
    assert [row.candidacy for row in response.context["rows"]] == [
        waiting[1],
        waiting[2],
        waiting[0],
    ]
    text = page_text(response)
    assert "Instruction des dossiers" in text
    assert (timezone.localdate() - 10 * DAY).strftime("%d/%m/%Y") in text


def test_the_checks_are_computed_at_the_next_session_by_default_or_at_the_one_chosen(
    client, secretariat, to_jury
):
    last_day = today() + 10 * DAY
    to_jury(
        before=lambda c: validate(
            c.candidate, 1, validated_on=last_day - 1800 * DAY, valid_until=last_day
        )
    )
    near = planned_session(by=secretariat, date=last_day)
    far = planned_session(by=secretariat, date=last_day + 5 * DAY, place="Lyon")
    client.force_login(secretariat)

    response = client.get(URL)
    assert (response.context["target"], response.context["on"]) == (near, last_day)
    [row] = response.context["rows"]
    assert row.passed
    assert "dossier complet" in page_text(response)

    response = client.get(URL, {"session": far.pk})
    assert response.context["target"] == far
    [row] = response.context["rows"]
    lapse = (
        f"La validation de la compétence C1 a pris fin le {last_day:%d/%m/%Y}, avant la "
        f"session du {far.date:%d/%m/%Y} : elle doit être évaluée et signée"
    )
    assert row.problems == [lapse[0].lower() + lapse[1:]]
    assert lapse in page_text(response)

    response = client.get(URL, {"session": "", "date": (last_day + DAY).isoformat()})
    assert (response.context["target"], response.context["on"]) == (None, last_day + DAY)
    assert not response.context["rows"][0].passed


def test_without_an_upcoming_session_the_checks_are_at_today(client, secretariat, waiting):
    client.force_login(secretariat)
    response = client.get(URL)
    assert (response.context["target"], response.context["on"]) == (None, today())
    assert "Aucune session à venir" in page_text(response)


def test_the_search_finds_a_name_an_email_or_an_organisation(
    client, secretariat, waiting, other_org
):
    elsewhere = cheap_in_jury(other_org)
    client.force_login(secretariat)
    assert _names(client.get(URL, {"q": "cinq"})) == [str(waiting[2].candidate)]
    email = waiting[0].candidate.user.email
    assert _names(client.get(URL, {"q": email})) == [str(waiting[0].candidate)]
    assert [r.candidacy for r in client.get(URL, {"q": other_org.name}).context["rows"]] == [
        elsewhere
    ]
    response = client.get(URL, {"q": "Zzyzx"})
    assert "Aucun dossier en attente de session ne correspond à cette recherche." in page_text(
        response
    )


def test_empty_state(client, secretariat):
    client.force_login(secretariat)
    assert "Aucun dossier transmis au jury n'attend de session." in page_text(client.get(URL))


def test_the_page_is_paginated_by_20(client, secretariat, own_org):
    for _ in range(21):
        cheap_in_jury(own_org)
    client.force_login(secretariat)
    response = client.get(URL)
    assert len(response.context["rows"]) == 20
    assert len(client.get(URL, {"page": 2}).context["rows"]) == 1


def test_the_page_takes_a_constant_number_of_queries(client, secretariat, own_org, other_org):
    planned_session(by=secretariat, date=today() + 5 * DAY)
    client.force_login(secretariat)
    _transmitted(cheap_in_jury(own_org), 2)
    one = query_count(client, URL)
    for i in range(24):
        candidacy = cheap_in_jury(other_org if i % 2 else own_org, vae=i % 3 == 0)
        _transmitted(candidacy, i)
        validate(candidacy.candidate, 1 + i % 6, validated_on=today() - 400 * DAY)
    assert query_count(client, URL) == one
    # The session, the user, the sessions, the queue's count and keys, its rows, then the
    # competences, validations, results and habilitations of the checks.
    assert one <= 10


# Placing -------------------------------------------------------------------------------------


def test_placing_the_ticked_dossiers_counts_those_placed_and_lists_those_refused(
    client, secretariat, waiting, own_org
):
    session = planned_session(by=secretariat, date=today() + 7 * DAY)
    elsewhere = cheap_in_jury(own_org)
    place(planned_session(by=secretariat), elsewhere, by=secretariat)
    client.force_login(secretariat)
    response = client.post(
        PLACE,
        {"candidacies": [waiting[0].pk, elsewhere.pk, waiting[1].pk], "session": session.pk},
        follow=True,
    )
    assert response.redirect_chain == [(f"{URL}?session={session.pk}", 302)]
    assert flash_messages(response) == [
        f"2 candidatures inscrites à la session du {session.date:%d/%m/%Y}.",
        f"La candidature de {elsewhere.candidate} n'est pas inscrite. Cette candidature est "
        "déjà inscrite à une session.",
    ]
    assert set(session.deliberations.values_list("candidacy_id", flat=True)) == {
        waiting[0].pk,
        waiting[1].pk,
    }
    assert [row.candidacy for row in response.context["rows"]] == [waiting[2]]


def test_placing_nothing_ticked_or_without_a_session_shows_the_errors_and_keeps_the_ticks(
    client, secretariat, waiting
):
    planned_session(by=secretariat, date=today() + 7 * DAY)
    client.force_login(secretariat)
    response = client.post(PLACE, {"session": ""})
    assert response.status_code == 200
    assert response.context["place_form"].errors == {
        "candidacies": ["Cochez au moins une candidature à inscrire."],
        "session": ["Choisissez la session où inscrire les candidatures."],
    }
    title, links, items = error_summary(response)
    assert title.startswith("Erreur : Instruction des dossiers")
    assert links == ["id_candidacies_0", "id_session"]
    assert items == [
        "Candidatures à inscrire : Cochez au moins une candidature à inscrire.",
        "Inscrire à la session : Choisissez la session où inscrire les candidatures.",
    ]
    response = client.post(PLACE, {"candidacies": [waiting[0].pk], "session": ""})
    content = page_text(response)
    assert "Rien n'a été inscrit : corrigez ce qui est signalé." in content
    assert error_summary(response)[1] == ["id_session"]
    assert re.search(rf'value="{waiting[0].pk}" id="id_candidacies_\d+" checked', content)
    assert not Deliberation.objects.exists()


def test_placing_on_a_past_or_closed_session_is_not_offered(client, secretariat, waiting):
    past = planned_session(by=secretariat, date=today() - DAY)
    client.force_login(secretariat)
    response = client.post(PLACE, {"candidacies": [waiting[0].pk], "session": past.pk})
    assert "session" in response.context["place_form"].errors
    assert not Deliberation.objects.exists()


# Returning to the evaluation -----------------------------------------------------------------


def test_return_page_asks_for_a_reason_then_returns_the_dossier(client, secretariat, to_jury):
    candidacy = to_jury()
    url = reverse("jury_instruction_return", args=[candidacy.pk])
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert "Confirmer le renvoi à l'évaluation" in page_text(response)

    response = client.post(url, {"expected_state": "jury", "reason": ""})
    assert response.context["form"].errors == {"reason": ["Ce champ est obligatoire."]}

    response = client.post(
        url, {"expected_state": "jury", "reason": "Signature manquante sur C2."}, follow=True
    )
    assert response.redirect_chain == [(URL, 302)]
    assert flash_messages(response) == [
        f"Le dossier de {candidacy.candidate} est renvoyé aux évaluateurs."
    ]
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.outcome_reason) == (
        "evaluation",
        "Signature manquante sur C2.",
    )


def test_return_page_says_why_a_dossier_on_a_session_cannot_be_returned(
    client, secretariat, own_org
):
    candidacy = cheap_in_jury(own_org)
    session = planned_session(by=secretariat, date=today() + 2 * DAY)
    place(session, candidacy, by=secretariat)
    client.force_login(secretariat)
    url = reverse("jury_instruction_return", args=[candidacy.pk])
    text = page_text(client.get(url))
    assert "Ce renvoi n'est pas possible." in text
    assert f"inscrite à la session du {session.date:%d/%m/%Y}" in text
    assert "Confirmer le renvoi" not in text
    response = client.post(url, {"expected_state": "jury", "reason": "Motif."})
    assert response.status_code == 200
    candidacy.refresh_from_db()
    assert candidacy.state == "jury"


def test_return_posted_after_the_dossier_moved_says_so(client, secretariat, own_org):
    candidacy = cheap_in_jury(own_org)
    client.force_login(secretariat)
    response = client.post(
        reverse("jury_instruction_return", args=[candidacy.pk]),
        {"expected_state": "evaluation", "reason": "Motif."},
        follow=True,
    )
    assert "vient d'être modifiée par quelqu'un d'autre" in " ".join(flash_messages(response))
    candidacy.refresh_from_db()
    assert candidacy.state == "jury"


# Navigation and dashboard ----------------------------------------------------------------------


def test_the_secretariat_finds_the_page_in_the_navigation_and_the_dashboard(
    client, secretariat, waiting
):
    client.force_login(secretariat)
    response = client.get(reverse("dashboard"))
    content = page_text(response)
    assert f'href="{URL}"' in content
    assert (
        '<span class="card__value">3</span>'
        f'<a class="card__label" href="{URL}">dossiers en attente de session</a>'
    ) in content


def test_the_page_is_not_in_the_navigation_of_a_jury_member(client, jury):
    client.force_login(jury)
    assert f'href="{URL}"' not in client.get(reverse("dashboard")).content.decode()
