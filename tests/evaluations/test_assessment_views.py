"""The evaluators' pages: independent opinions, joint result, signatures, observations,
transmission to the jury, return to the parcours, and the dashboard panel.

Candidacies reach `evaluation` through the real services (the dossier opens on the
transition); opinions and signatures given as set-up go through the services too.
"""

import datetime
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from evaluations.models import CompetenceAssessment, EvaluationDossier, Observation
from tests.candidates.builders import assign, candidate_of, plan_codes
from tests.factories import PASSWORD, TINY_PDF, CandidacyFactory, UserFactory
from tests.helpers import flash_messages, page_text

from .builders import (
    ACQUISE,
    NON_ACQUISE,
    assessment_of,
    dossier_of,
    give,
    settle,
    sign_all,
    through_reperage_to_evaluation,
)

pytestmark = pytest.mark.django_db

SECRET = "Commentaire confidentiel de l'évaluateur externe"


def field_block(response, field_id) -> str:
    """The `<div class="field ...">` that holds the input with this id (label, errors, widget)."""
    content = page_text(response)
    match = re.search(
        rf'<div class="field[^"]*">(?:(?!<div class="field).)*?id="{re.escape(field_id)}"',
        content,
        re.S,
    )
    assert match, f"no field {field_id}"
    end = content.index("</div>", match.end())
    return content[match.start() : end]


def snapshot(candidacy):
    """Everything the evaluators' POSTs may change, to check that a refusal changes nothing."""
    candidacy.refresh_from_db()
    return (
        candidacy.state,
        candidacy.cycle,
        candidacy.logs.count(),
        list(CompetenceAssessment.objects.filter(dossier__candidacy=candidacy).values()),
        Observation.objects.filter(dossier__candidacy=candidacy).count(),
    )


@pytest.fixture
def candidacy(candidat, own_org, secretariat, professionnel, evaluateur):
    return through_reperage_to_evaluation(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )


def url(name, candidacy, *args):
    return reverse(name, args=[candidacy.pk, *args])


def post_urls(candidacy, assessment):
    return {
        "assessment_opinion": url("assessment_opinion", candidacy, assessment.pk),
        "assessment_final": url("assessment_final", candidacy, assessment.pk),
        "assessment_sign": url("assessment_sign", candidacy, assessment.pk),
        "observation_add": url("observation_add", candidacy),
    }


POST_DATA = {
    "assessment_opinion": {"opinion": NON_ACQUISE, "comment": "Tentative"},
    "assessment_final": {"result": NON_ACQUISE, "comment": "Tentative"},
    "assessment_sign": {"password": PASSWORD},
    "observation_add": {
        "kind": "observee",
        "date": "2020-01-02",
        "context": "Tentative",
        "observed": "Tentative",
    },
}


# The page and independence ---------------------------------------------------------------


def test_assessment_page_shows_each_competence_of_the_scope(client, candidacy, professionnel):
    client.force_login(professionnel)
    response = client.get(url("assessment", candidacy))
    assert response.status_code == 200
    page = page_text(response)
    codes = [card["competence"].code for card in response.context["cards"]]
    assert codes == ["C1", "C2", "C3", "C4", "C5", "C6"]
    c1 = response.context["cards"][0]["competence"]
    assert f'id="competence-{c1.pk}"' in page
    assert "<details" in page and c1.elements.first().title in page
    assert f"{candidacy.candidate} n'a pas rédigé de récit pour cette compétence." in page
    assert page.count(f'action="/candidatures/{candidacy.pk}/evaluation/evaluer/') == 6
    assert url("dossier_resume_parcours", candidacy) not in page


def test_assessment_page_shows_the_candidate_account_and_evidence(
    client, candidacy, candidat, evaluateur
):
    dossier = dossier_of(candidacy)
    c4 = assessment_of(candidacy, 4).competence
    services.account_save(
        dossier=dossier, by=candidat, competence=c4, text="J'ai géré l'annulation d'une session."
    )
    evidence = services.evidence_add(
        dossier=dossier,
        by=candidat,
        competence=c4,
        upload=SimpleUploadedFile("compte-rendu.pdf", TINY_PDF),
    )
    client.force_login(evaluateur)
    page = page_text(client.get(url("assessment", candidacy)))
    card = page[page.index(f'id="competence-{c4.pk}"') :]
    card = card[: card.index("</section>")]
    assert "J'ai géré l'annulation d'une session." in card
    assert (
        f'<a href="{reverse("evidence_download", args=[evidence.pk])}">compte-rendu.pdf</a>' in card
    )


def test_the_other_opinion_stays_hidden_until_both_are_given(
    client, candidacy, professionnel, evaluateur
):
    c1 = assessment_of(candidacy, 1)
    client.force_login(evaluateur)
    response = client.post(
        url("assessment_opinion", candidacy, c1.pk), {"opinion": NON_ACQUISE, "comment": SECRET}
    )
    assert response.status_code == 302
    assert response["Location"] == url("assessment", candidacy) + f"#competence-{c1.competence_id}"
    assert flash_messages(client.get(response["Location"])) == ["Avis enregistré."]
    # The évaluateur sees their own opinion.
    assert SECRET in page_text(client.get(url("assessment", candidacy)))

    client.force_login(professionnel)
    page = page_text(client.get(url("assessment", candidacy)))
    assert SECRET not in page
    assert "badge--non_acquise" not in page
    card = page[page.index(f'id="competence-{c1.competence_id}"') :]
    card = card[: card.index("</section>")]
    assert re.search(r"Avis de l'autre évaluateur.*?</dt>\s*<dd>donné</dd>", card, re.S)
    c2_card = page[page.index(f'id="competence-{assessment_of(candidacy, 2).competence_id}"') :]
    assert re.search(r"Avis de l'autre évaluateur.*?</dt>\s*<dd>en attente</dd>", c2_card, re.S)

    response = client.post(
        url("assessment_opinion", candidacy, c1.pk),
        {"opinion": NON_ACQUISE, "comment": "Vu du professionnel"},
        follow=True,
    )
    page = page_text(response)
    assert flash_messages(response) == ["Avis enregistré."]
    assert SECRET in page and "Vu du professionnel" in page
    c1.refresh_from_db()
    assert (c1.professionnel_opinion, c1.evaluateur_opinion, c1.final_result) == (
        NON_ACQUISE,
        NON_ACQUISE,
        NON_ACQUISE,
    )


def test_an_opinion_can_change_until_the_other_is_given(client, candidacy, professionnel):
    c1 = assessment_of(candidacy, 1)
    client.force_login(professionnel)
    client.post(url("assessment_opinion", candidacy, c1.pk), {"opinion": ACQUISE})
    response = client.get(url("assessment", candidacy))
    assert "Modifier mon avis" in page_text(response)
    client.post(url("assessment_opinion", candidacy, c1.pk), {"opinion": NON_ACQUISE})
    c1.refresh_from_db()
    assert c1.professionnel_opinion == NON_ACQUISE


def test_an_opinion_without_choice_is_refused_next_to_its_competence(
    client, candidacy, professionnel
):
    c3 = assessment_of(candidacy, 3)
    client.force_login(professionnel)
    response = client.post(
        url("assessment_opinion", candidacy, c3.pk), {"comment": "Texte gardé à la saisie"}
    )
    assert response.status_code == 200
    block = field_block(response, f"id_opinion{c3.pk}_comment")
    assert "Texte gardé à la saisie" in block
    assert "Choisissez « acquise » ou « non acquise »." in field_block(
        response, f"id_opinion{c3.pk}_opinion_0"
    )
    c3.refresh_from_db()
    assert c3.professionnel_opinion == ""


# Disagreement, joint result, signatures ----------------------------------------------------


def test_a_disagreement_needs_a_motivated_joint_result_before_signing(
    client, candidacy, professionnel, evaluateur
):
    c1 = assessment_of(candidacy, 1)
    services.opinion_give(assessment=c1, by=professionnel, opinion=ACQUISE, comment="Maîtrisé")
    services.opinion_give(assessment=c1, by=evaluateur, opinion=NON_ACQUISE, comment="Fragile")
    client.force_login(professionnel)
    page = page_text(client.get(url("assessment", candidacy)))
    assert "Désaccord" in page and "Maîtrisé" in page and "Fragile" in page
    assert url("assessment_sign", candidacy, c1.pk) not in page
    assert url("assessment_final", candidacy, c1.pk) in page

    response = client.post(
        url("assessment_sign", candidacy, c1.pk), {"password": PASSWORD}, follow=True
    )
    assert flash_messages(response) == [
        "Les avis divergent : arrêtez et motivez le résultat commun avant de signer."
    ]
    c1.refresh_from_db()
    assert c1.professionnel_signed_at is None and c1.final_result == ""

    response = client.post(url("assessment_final", candidacy, c1.pk), {"result": ACQUISE})
    assert response.status_code == 200
    assert "Motivez le résultat commun retenu." in field_block(response, f"id_final{c1.pk}_comment")
    c1.refresh_from_db()
    assert c1.final_result == ""

    response = client.post(
        url("assessment_final", candidacy, c1.pk),
        {"result": ACQUISE, "comment": "Observé en situation réelle."},
        follow=True,
    )
    assert flash_messages(response) == ["Résultat commun enregistré."]
    c1.refresh_from_db()
    assert (c1.final_result, c1.final_comment) == (ACQUISE, "Observé en situation réelle.")
    assert url("assessment_sign", candidacy, c1.pk) in page_text(response)

    response = client.post(
        url("assessment_sign", candidacy, c1.pk), {"password": PASSWORD}, follow=True
    )
    assert flash_messages(response) == ["Signature enregistrée."]
    c1.refresh_from_db()
    assert c1.professionnel_signed_by == professionnel


def test_signing_with_a_wrong_password_signs_nothing(client, candidacy, professionnel, evaluateur):
    give(candidacy, professionnel, numbers={2})
    give(candidacy, evaluateur, numbers={2})
    c2 = assessment_of(candidacy, 2)
    client.force_login(evaluateur)
    page = page_text(client.get(url("assessment", candidacy)))
    assert 'autocomplete="current-password"' in page
    assert "Votre mot de passe (signature)" in page

    response = client.post(url("assessment_sign", candidacy, c2.pk), {"password": "pas-le-bon"})
    assert response.status_code == 200
    block = field_block(response, f"id_sign{c2.pk}_password")
    assert "Mot de passe incorrect : la signature n'a pas été enregistrée." in block
    assert "pas-le-bon" not in block
    c2.refresh_from_db()
    assert c2.evaluateur_signed_at is None and c2.evaluateur_signed_name == ""

    response = client.post(url("assessment_sign", candidacy, c2.pk), {"password": PASSWORD})
    assert response["Location"] == url("assessment", candidacy) + f"#competence-{c2.competence_id}"
    c2.refresh_from_db()
    assert c2.evaluateur_signed_by == evaluateur
    assert c2.evaluateur_signed_name == evaluateur.get_full_name()
    signed_at = timezone.localtime(c2.evaluateur_signed_at)
    page = page_text(client.get(url("assessment", candidacy)))
    assert (
        f"signé par {evaluateur.get_full_name()} le {signed_at:%d/%m/%Y} à {signed_at:%H:%M}"
        in page
    )
    assert url("assessment_sign", candidacy, c2.pk) not in page


def test_signing_is_locked_after_repeated_wrong_passwords(
    client, candidacy, professionnel, evaluateur, settings
):
    """Wrong passwords count like failed logins: once locked (429), even the right one is
    refused, for that person only, until the lock has passed."""
    settings.AXES_FAILURE_LIMIT = 3
    give(candidacy, professionnel, numbers={2})
    give(candidacy, evaluateur, numbers={2})
    c2 = assessment_of(candidacy, 2)
    sign_url = url("assessment_sign", candidacy, c2.pk)
    field = f"id_sign{c2.pk}_password"
    client.force_login(evaluateur)
    for _ in range(2):
        response = client.post(sign_url, {"password": "pas-le-bon"})
        assert response.status_code == 200
        assert "Mot de passe incorrect : la signature n'a pas été enregistrée." in field_block(
            response, field
        )
    for password in ["pas-le-bon", PASSWORD]:
        response = client.post(sign_url, {"password": password})
        assert response.status_code == 429
        block = field_block(response, field)
        assert "Trop de tentatives de connexion échouées : ce compte est verrouillé" in block
    c2.refresh_from_db()
    assert (c2.evaluateur_signed_by, c2.evaluateur_signed_at) == (None, None)

    client.force_login(professionnel)
    assert client.post(sign_url, {"password": PASSWORD}).status_code == 302
    c2.refresh_from_db()
    assert (c2.professionnel_signed_by, c2.evaluateur_signed_by) == (professionnel, None)

    # A lock ends on the minute after its duration.
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    with time_machine.travel(later):
        client.force_login(evaluateur)
        assert client.post(sign_url, {"password": PASSWORD}).status_code == 302
    c2.refresh_from_db()
    assert c2.evaluateur_signed_by == evaluateur


def test_signature_and_login_failures_share_one_lock(
    client, candidacy, professionnel, evaluateur, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    give(candidacy, professionnel, numbers={2})
    give(candidacy, evaluateur, numbers={2})
    c2 = assessment_of(candidacy, 2)
    sign_url = url("assessment_sign", candidacy, c2.pk)
    client.force_login(evaluateur)
    for _ in range(2):
        assert client.post(sign_url, {"password": "pas-le-bon"}).status_code == 200
    client.logout()
    login = {"username": evaluateur.email, "password": "pas-le-bon"}
    assert client.post(reverse("login"), login).status_code == 429
    response = client.post(reverse("login"), {**login, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_changing_an_agreed_result_withdraws_the_signatures(
    client, candidacy, professionnel, evaluateur
):
    give(candidacy, professionnel, numbers={4})
    give(candidacy, evaluateur, numbers={4})
    sign_all(candidacy, professionnel, numbers={4})
    c4 = assessment_of(candidacy, 4)
    client.force_login(evaluateur)
    page = page_text(client.get(url("assessment", candidacy)))
    assert "retire les signatures déjà données" in page
    client.post(
        url("assessment_final", candidacy, c4.pk),
        {"result": NON_ACQUISE, "comment": "Revu après l'entretien."},
    )
    c4.refresh_from_db()
    assert c4.final_result == NON_ACQUISE and c4.professionnel_signed_at is None


# Observations ----------------------------------------------------------------------------


def test_observation_added_and_listed(client, candidacy, evaluateur):
    c3 = assessment_of(candidacy, 3).competence
    client.force_login(evaluateur)
    day = timezone.localdate() - datetime.timedelta(days=2)
    response = client.post(
        url("observation_add", candidacy),
        {
            "kind": "analysee",
            "competence": c3.pk,
            "date": day.isoformat(),
            "context": "Préparation d'une session inter-entreprises",
            "observed": "Convocations envoyées dans les délais.",
        },
        follow=True,
    )
    assert flash_messages(response) == ["Observation enregistrée."]
    observation = Observation.objects.get(dossier__candidacy=candidacy)
    assert (observation.kind, observation.competence, observation.author) == (
        "analysee",
        c3,
        evaluateur,
    )
    page = page_text(response)
    assert "Préparation d'une session inter-entreprises" in page and f"{day:%d/%m/%Y}" in page


def test_observation_in_the_future_is_a_field_error(client, candidacy, professionnel):
    client.force_login(professionnel)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url("observation_add", candidacy),
        {
            "kind": "observee",
            "date": tomorrow.isoformat(),
            "context": "Contexte gardé",
            "observed": "Rien encore.",
        },
    )
    assert response.status_code == 200
    assert "La date ne peut pas être dans le futur." in field_block(response, "id_observation_date")
    assert "Contexte gardé" in field_block(response, "id_observation_context")
    assert 'type="date"' in field_block(response, "id_observation_date")
    assert not Observation.objects.exists()


# Transmission ----------------------------------------------------------------------------


def test_transmit_lists_what_is_missing_then_transmits(
    client, candidacy, professionnel, evaluateur
):
    give(candidacy, professionnel)
    give(candidacy, evaluateur)
    sign_all(candidacy, professionnel)
    sign_all(candidacy, evaluateur, numbers={1, 2, 4, 5, 6})
    client.force_login(evaluateur)
    response = client.get(url("dossier_transmit", candidacy))
    assert response.status_code == 200
    assert response.context["missing"] == ["la signature de l'évaluateur externe sur C3"]
    page = page_text(response)
    assert "la signature de l'évaluateur externe sur C3" in page
    assert "Transmettre le dossier au jury</button>" not in page

    refused = client.post(url("dossier_transmit", candidacy), follow=True)
    assert flash_messages(refused) == [
        "Le dossier n'est pas complet : il manque la signature de l'évaluateur externe sur C3."
    ]
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"

    sign_all(candidacy, evaluateur, numbers={3})
    page = page_text(client.get(url("dossier_transmit", candidacy)))
    assert (
        "Le dossier deviendra consultable en lecture seule et sera présenté au jury paritaire."
        in page
    )
    assert "Transmettre le dossier au jury</button>" in page

    response = client.post(url("dossier_transmit", candidacy))
    assert response["Location"] == reverse("candidacy_detail", args=[candidacy.pk])
    assert flash_messages(client.get(response["Location"])) == [
        "Dossier transmis au jury paritaire."
    ]
    candidacy.refresh_from_db()
    assert candidacy.state == "jury"
    assert dossier_of(candidacy).transmitted_by == evaluateur

    # Read-only afterwards, for both evaluators; every write is refused and changes nothing.
    c1 = assessment_of(candidacy, 1)
    for user in (professionnel, evaluateur):
        client.force_login(user)
        response = client.get(url("assessment", candidacy))
        assert response.status_code == 200
        assert response.context["editable"] is False
        page = page_text(response)
        assert '<form method="post" action="/candidatures/' not in page
        assert "consultable en lecture seule" in page
        before = snapshot(candidacy)
        for name, target in post_urls(candidacy, c1).items():
            assert client.post(target, POST_DATA[name]).status_code == 403, name
        assert client.get(url("dossier_transmit", candidacy)).status_code == 403
        assert snapshot(candidacy) == before


def test_only_the_evaluateur_transmits(client, candidacy, professionnel):
    settle(dossier_of(candidacy), professionnel=professionnel, evaluateur=candidacy.evaluateur)
    client.force_login(professionnel)
    assert client.get(url("dossier_transmit", candidacy)).status_code == 403
    assert client.post(url("dossier_transmit", candidacy)).status_code == 403
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"


# Return to the parcours ------------------------------------------------------------------


def test_resume_parcours_with_one_competence_not_acquired(
    client, candidacy, professionnel, evaluateur
):
    settle(
        dossier_of(candidacy), professionnel=professionnel, evaluateur=evaluateur, non_acquises={5}
    )
    client.force_login(professionnel)
    assert url("dossier_resume_parcours", candidacy) in page_text(
        client.get(url("assessment", candidacy))
    )
    response = client.get(url("dossier_resume_parcours", candidacy))
    assert response.status_code == 200
    assert [c.code for c in response.context["not_acquired"]] == ["C5"]
    assert response.context["unsigned"] == []

    response = client.post(
        url("dossier_resume_parcours", candidacy), {"comment": "Reprendre la facturation."}
    )
    assert response["Location"] == reverse("candidacy_detail", args=[candidacy.pk])
    assert flash_messages(client.get(response["Location"])) == [
        f"{candidacy.candidate} reprend son parcours pour les compétences non acquises."
    ]
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    assert plan_codes(candidacy) == {"C5"}
    assert candidacy.logs.last().comment == "Reprendre la facturation."
    assert EvaluationDossier.objects.get(candidacy=candidacy, cycle=1).closed_at is not None
    response = client.get(url("assessment", candidacy))
    assert response.status_code == 200 and response.context["editable"] is False


def test_resume_parcours_refused_while_results_are_unsigned(
    client, candidacy, professionnel, evaluateur
):
    give(candidacy, professionnel)
    give(candidacy, evaluateur)
    client.force_login(evaluateur)
    response = client.get(url("dossier_resume_parcours", candidacy))
    assert len(response.context["unsigned"]) == 6
    assert "Reprendre le parcours</button>" not in page_text(response)
    response = client.post(url("dossier_resume_parcours", candidacy), follow=True)
    assert flash_messages(response) == [
        "Les résultats doivent être arrêtés et signés par les deux évaluateurs : "
        "C1, C2, C3, C4, C5, C6."
    ]
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == ("evaluation", 1)


# Who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["candidat", "gestionnaire", "secretariat"])
def test_other_roles_get_403_and_change_nothing(client, candidacy, actors, role):
    c1 = assessment_of(candidacy, 1)
    client.force_login(actors[role])
    assert client.get(url("assessment", candidacy)).status_code == 403
    before = snapshot(candidacy)
    for name, target in post_urls(candidacy, c1).items():
        assert client.post(target, POST_DATA[name]).status_code == 403, name
    assert client.get(url("dossier_transmit", candidacy)).status_code == 403
    assert client.post(url("dossier_resume_parcours", candidacy)).status_code == 403
    assert snapshot(candidacy) == before


def test_outsider_gets_404_on_every_page(client, candidacy, outsider):
    c1 = assessment_of(candidacy, 1)
    client.force_login(outsider)
    before = snapshot(candidacy)
    assert client.get(url("assessment", candidacy)).status_code == 404
    for target in [url("dossier_transmit", candidacy), url("dossier_resume_parcours", candidacy)]:
        assert client.get(target).status_code == 404, target
        assert client.post(target).status_code == 404, target
    for name, target in post_urls(candidacy, c1).items():
        assert client.post(target, POST_DATA[name]).status_code == 404, name
    assert snapshot(candidacy) == before


def test_post_endpoints_refuse_get(client, candidacy, professionnel):
    client.force_login(professionnel)
    for target in post_urls(candidacy, assessment_of(candidacy, 1)).values():
        assert client.get(target).status_code == 405


def test_an_assessment_of_another_dossier_is_404(
    client, candidacy, own_org, secretariat, professionnel, evaluateur
):
    other = through_reperage_to_evaluation(
        UserFactory(),
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )
    foreign = assessment_of(other, 1)
    client.force_login(professionnel)
    before = snapshot(other)
    for name, target in post_urls(candidacy, foreign).items():
        if name != "observation_add":
            assert client.post(target, POST_DATA[name]).status_code == 404, name
    assert snapshot(other) == before


def test_no_dossier_yet_is_404(client, candidat, own_org, secretariat, professionnel, evaluateur):
    candidacy = CandidacyFactory(candidate=candidate_of(candidat), organisation=own_org)
    assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)
    client.force_login(professionnel)
    assert client.get(url("assessment", candidacy)).status_code == 404
