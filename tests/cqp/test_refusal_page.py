"""The one refusal page (templates/refused.html, cqp.views.helpers.refused as handler403):
403, what the user may not do, that nothing changed, and the way back — with the header of
the object the page is about."""

import html
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from cqp.views.helpers import refused
from evaluations import services
from evaluations.models import CandidateAccount
from tests.candidates.builders import assign, candidacy_in, competence
from tests.evaluations.builders import dossier_of, settle
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def title(response) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1].split())


def links(response) -> dict[str, str]:
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', response.content.decode())
    return {" ".join(html.unescape(label).split()): href for href, label in found}


@pytest.fixture
def in_evaluation(parcours):
    return parcours()


def test_an_action_refused_on_a_candidacy_shows_its_header_and_its_step(
    client, candidat, own_org, secretariat, professionnel, gestionnaire
):
    candidacy = candidacy_in("reperage", candidat, own_org)
    assign(candidacy, by=secretariat, professionnel=professionnel)
    client.force_login(gestionnaire)
    response = client.get(reverse("candidacy_transition", args=[candidacy.pk, "complete_reperage"]))
    assert response.status_code == 403
    assert title(response).startswith("Action impossible")
    assert str(candidacy.candidate) in page_text(response)  # the candidacy's header
    assert (
        "Cette action n'est pas possible pour vous sur cette candidature à l'étape "
        "« Repérage des acquis ». Rien n'a été modifié."
    ) in page_text(response)
    assert links(response)["Retour à la candidature"] == reverse(
        "candidacy_detail", args=[candidacy.pk]
    )


def test_someone_else_changing_the_candidates_part_is_refused_with_the_reason(
    client, in_evaluation, gestionnaire
):
    client.force_login(gestionnaire)
    url = reverse("account_save", args=[in_evaluation.pk, competence(1).pk])
    response = client.post(url, {"text": "Réécrit par le gestionnaire."})
    assert response.status_code == 403
    assert title(response).startswith("Modification impossible")
    assert (
        "Vous ne pouvez pas modifier ce dossier d'évaluation. Rien n'a été modifié."
        in page_text(response)
    )
    assert links(response)["Voir le dossier d'évaluation"] == reverse(
        "dossier_detail", args=[in_evaluation.pk]
    )
    assert not CandidateAccount.objects.exists()


def test_the_candidate_changing_a_transmitted_dossier_is_told_it_is_locked(
    client, in_evaluation, candidat, professionnel, evaluateur
):
    dossier = dossier_of(in_evaluation)
    settle(dossier, professionnel=professionnel, evaluateur=evaluateur)
    services.dossier_transmit(dossier=dossier, by=evaluateur)
    client.force_login(candidat)
    url = reverse("account_save", args=[in_evaluation.pk, competence(1).pk])
    response = client.post(url, {"text": "Un ajout tardif."})
    assert response.status_code == 403
    assert (
        "Le dossier a été transmis au jury ou clos : il ne peut plus être modifié. "
        "Rien n'a été modifié."
    ) in page_text(response)
    assert not CandidateAccount.objects.exists()


def test_a_bare_refusal_offers_the_way_back_to_the_dashboard(candidat):
    request = RequestFactory().get("/")
    request.user = candidat
    response = refused(request, PermissionDenied())
    assert response.status_code == 403
    assert title(response).startswith("Accès refusé")
    assert "Cette action ne vous est pas permise. Rien n'a été modifié." in page_text(response)
    assert links(response)["Retour au tableau de bord"] == reverse("dashboard")
