"""Sending the VAE request: the sworn statement ticked on the confirmation page and stored
with its moment, at each submission; the working time of each period; and what the dossier
de VAE prints of them."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from candidates import services, services_recevabilite
from candidates.models import TransitionLog, VaeExperience
from cqp import documents
from cqp.exceptions import GuardFailed
from tests.factories import VaeCandidacyFactory, VaeProofFactory
from tests.helpers import page_text, pdf_text

from .builders import refused, vae_ready

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SWORN = (
    "Je déclare sur l'honneur l'exactitude des informations et des justificatifs fournis dans "
    "ma demande."
)
UNTICKED = "Cochez la déclaration sur l'honneur : votre demande ne peut pas être envoyée sans elle."


def _at(day, hour, minute):
    return time_machine.travel(datetime.datetime(*day, hour, minute, tzinfo=PARIS), tick=False)


@pytest.fixture
def vae(candidat, own_org):
    """A request ready to be sent, but for the sworn statement."""
    candidacy = VaeCandidacyFactory(candidate__user=candidat, organisation=own_org)
    vae_ready(candidacy)
    return candidacy


def _confirm_url(candidacy):
    return reverse("candidacy_transition", args=[candidacy.pk, "submit_recevabilite"])


def _sent_logs(candidacy):
    return TransitionLog.objects.filter(candidacy=candidacy, transition="submit_recevabilite")


# The sworn statement ---------------------------------------------------------------------------


def test_confirmation_page_asks_for_the_sworn_statement_without_listing_it_missing(
    client, candidat, vae
):
    client.force_login(candidat)
    response = client.get(_confirm_url(vae))
    assert response.status_code == 200
    assert response.context["missing"] == []
    content = page_text(response)
    # The box comes first, its statement beside it.
    assert re.search(
        r'<div class="checkbox-row"><input type="checkbox" name="sworn" class="checkbox--large"'
        rf' required id="id_sworn"[^>]*><label for="id_sworn">{re.escape(SWORN)}</label></div>',
        content,
    )
    assert "Cette action sera refusée tant qu'il manque" not in content


def test_unticked_sworn_statement_is_refused_on_the_page_and_nothing_is_sent(client, candidat, vae):
    client.force_login(candidat)
    response = client.post(_confirm_url(vae), {"expected_state": "demande"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"sworn": [UNTICKED]}
    content = page_text(response)
    assert "Rien n'a été enregistré : corrigez ce qui est signalé." in content
    assert content.split("<title>", 1)[1].startswith("Erreur : ")
    assert f'<li><a href="#id_sworn">{UNTICKED}</a></li>' in content
    vae.refresh_from_db()
    assert (vae.state, vae.vae_request.sworn_at, vae.vae_request.submitted_on) == (
        "demande",
        None,
        None,
    )
    assert not _sent_logs(vae).exists()


def test_submission_without_the_sworn_statement_is_refused_by_the_service(candidat, vae):
    error = refused(
        vae,
        lambda: services.run_transition(name="submit_recevabilite", candidacy=vae, by=candidat),
    )
    assert error.missing == ["la déclaration sur l'honneur"]
    vae.vae_request.refresh_from_db()
    assert vae.vae_request.sworn_at is None


def test_ticked_sworn_statement_is_stored_with_its_moment(client, candidat, own_org):
    with _at((2026, 11, 29), 10, 4):
        candidacy = VaeCandidacyFactory(candidate__user=candidat, organisation=own_org)
        vae_ready(candidacy)
        client.force_login(candidat)
        response = client.post(
            _confirm_url(candidacy), {"expected_state": "demande", "sworn": "on"}
        )
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.state == "recevabilite"
    assert candidacy.vae_request.sworn_at == datetime.datetime(2026, 11, 29, 10, 4, tzinfo=PARIS)
    assert candidacy.vae_request.submitted_on == datetime.date(2026, 11, 29)


def test_each_resubmission_asks_for_the_sworn_statement_again(
    client, candidat, secretariat, own_org
):
    with _at((2026, 11, 2), 9, 30):
        candidacy = VaeCandidacyFactory(candidate__user=candidat, organisation=own_org)
        vae_ready(candidacy)
        services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        )
    first = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=PARIS)
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.sworn_at == first
    services_recevabilite.recevabilite_decide(
        candidacy=candidacy,
        by=secretariat,
        outcome="incomplet",
        reason="Attestation de l'employeur illisible.",
        items=["proof:identite"],
        expected_state="recevabilite",
    )
    with _at((2026, 11, 20), 16, 45):
        with pytest.raises(GuardFailed) as excinfo:
            services.run_transition(name="submit_recevabilite", candidacy=candidacy, by=candidat)
        assert excinfo.value.missing == ["la déclaration sur l'honneur"]
        candidacy.refresh_from_db()
        assert (candidacy.state, candidacy.vae_request.sworn_at) == ("demande", first)

        client.force_login(candidat)
        page = client.get(_confirm_url(candidacy))
        assert page.context["form"]["sworn"].value() is None
        client.post(_confirm_url(candidacy), {"expected_state": "demande", "sworn": "on"})
    candidacy.refresh_from_db()
    assert candidacy.state == "recevabilite"
    assert candidacy.vae_request.sworn_at == datetime.datetime(2026, 11, 20, 16, 45, tzinfo=PARIS)
    assert _sent_logs(candidacy).count() == 2


def test_other_transitions_ask_for_no_sworn_statement(client, candidat, vae):
    client.force_login(candidat)
    form = client.get(reverse("candidacy_transition", args=[vae.pk, "withdraw"])).context["form"]
    assert "sworn" not in form.fields


# Working time -----------------------------------------------------------------------------------


def _experience_data(**overrides):
    return {
        "employer": "Centre Beta",
        "job_title": "Assistante de formation",
        "start_date": "2019-09-01",
        "end_date": "2021-08-31",
        "is_relevant": "True",
        "activities": "",
        "working_time": "60",
        **overrides,
    }


def test_working_time_is_full_time_unless_said_otherwise(client, candidat, vae):
    client.force_login(candidat)
    page = client.get(reverse("vae_experience_add", args=[vae.pk]))
    field = page.context["form"]["working_time"]
    assert field.value() == 100
    assert "la durée d'expérience compte la durée de la période" in field.help_text


def test_part_time_is_stored_and_shown_on_partie_2(client, candidat, vae):
    client.force_login(candidat)
    response = client.post(reverse("vae_experience_add", args=[vae.pk]), _experience_data())
    assert response.status_code == 302
    period = VaeExperience.objects.get(employer="Centre Beta")
    assert period.working_time == 60
    content = page_text(client.get(reverse("vae_request_edit", args=[vae.pk])))
    assert "temps de travail : <strong>temps partiel (60 %)</strong>" in content
    assert "temps de travail : <strong>temps plein</strong>" in content  # vae_ready's period
    edit = client.get(reverse("vae_experience_edit", args=[vae.pk, period.pk]))
    assert edit.context["form"]["working_time"].value() == 60


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Indiquez un pourcentage entre 1 et 100 (100 : temps plein)."),
        ("101", "Indiquez un pourcentage entre 1 et 100 (100 : temps plein)."),
        ("beaucoup", "Indiquez un pourcentage entre 1 et 100 (100 : temps plein)."),
        ("", "Indiquez le temps de travail : 100 pour un temps plein."),
    ],
)
def test_working_time_outside_1_to_100_is_refused_next_to_the_field(
    client, candidat, vae, typed, message
):
    client.force_login(candidat)
    response = client.post(
        reverse("vae_experience_add", args=[vae.pk]), _experience_data(working_time=typed)
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"working_time": [message]}
    assert 'value="Centre Beta"' in response.content.decode()
    assert not VaeExperience.objects.filter(employer="Centre Beta").exists()


# The dossier de VAE -----------------------------------------------------------------------------


def test_dossier_vae_prints_the_sworn_statement_the_working_time_and_the_proofs(candidat, own_org):
    with _at((2026, 11, 29), 10, 4):
        candidacy = VaeCandidacyFactory(candidate__user=candidat, organisation=own_org)
        vae_ready(candidacy)
        period = candidacy.vae_request.experiences.get()
        VaeExperience.objects.filter(pk=period.pk).update(working_time=60)
        VaeProofFactory(
            request=candidacy.vae_request,
            experience=period,
            kind="bulletin_salaire",
            original_name="bulletin-2025-03.pdf",
        )
        kind = documents.get_kind("dossier_vae")
        before, _pages = documents.render_pdf(kind, candidacy, draft=True)
        services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        )
        pdf, _pages = documents.render_pdf(kind, candidacy, draft=True)
    assert "Pas encore faite : elle est cochée à l'envoi de la demande." in pdf_text(before)
    text = pdf_text(pdf)
    assert f"Déclaration sur l'honneur faite le 29/11/2026 à 10 h 04 : « {SWORN} »" in text
    assert "temps partiel (60 %)" in text
    assert "Pièce d'identité la demande carte-identite.pdf 29/11/2026" in text
    period_name = "la période « Assistante de formation — Formapro »"
    assert f"Attestation de l'employeur {period_name} attestation-formapro.pdf" in text
    assert f"Bulletin de salaire {period_name} bulletin-2025-03.pdf" in text
