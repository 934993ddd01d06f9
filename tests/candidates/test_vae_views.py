import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.experience import required_days
from candidates.models import (
    Candidacy,
    VaeActivity,
    VaeExperience,
    VaeRequest,
)
from cqp.models import Certification, User
from cqp.utils import add_months
from tests.factories import (
    CandidacyFactory,
    CertificationFactory,
    CompetenceFactory,
    CompetenceValidationFactory,
    OrganisationFactory,
    VaeActivityFactory,
    VaeCandidacyFactory,
    VaeExperienceFactory,
    VaeProofFactory,
)
from tests.helpers import flash_messages, page_text, query_count

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _days_ago(days):
    return TODAY() - datetime.timedelta(days=days)


PARTIE_2 = {
    "current_situation": "Salariée en CDI",
    "current_job_title": "Assistante administrative",
    "education": "Bac pro gestion-administration (2012)",
    "motivation": "Faire reconnaître dix ans de suivi des stagiaires",
}


@pytest.fixture
def vae(candidat, own_org):
    """A VAE request of `candidat`, hosted by `own_org`, in `demande`."""
    return VaeCandidacyFactory(candidate__user=candidat, organisation=own_org)


def _fill(candidacy, *, years):
    """A complete partie 2 with one ongoing relevant job of exactly `years` calendar years
    at a request made today, its proof and the identity document."""
    VaeRequest.objects.filter(candidacy=candidacy).update(**PARTIE_2)
    period = VaeExperienceFactory(
        request=candidacy.vae_request,
        employer="Formapro",
        job_title="Assistante de formation",
        start_date=add_months(TODAY(), -12 * years),
        is_relevant=True,
        activities="Convocations, feuilles d'émargement",
    )
    VaeProofFactory(request=candidacy.vae_request)
    VaeProofFactory(request=candidacy.vae_request, experience=period, kind="contrat")


def _in_state(candidacy, state):
    # The state field is protected: move it in the database as a fixture would.
    Candidacy.objects.filter(pk=candidacy.pk).update(state=state)
    candidacy.refresh_from_db()
    return candidacy


def _submit(client, candidacy, name, expected_state, comment=""):
    """The confirmation page posted (the sworn statement ticked, for a submission)."""
    return client.post(
        reverse("candidacy_transition", args=[candidacy.pk, name]),
        {"expected_state": expected_state, "comment": comment, "sworn": "on"},
        follow=True,
    )


def _decide(client, candidacy, outcome, reason=""):
    """The secretariat's decision through the review page, confirmed."""
    return client.post(
        reverse("recevabilite_review", args=[candidacy.pk]),
        {"expected_state": "recevabilite", "outcome": outcome, "reason": reason, "confirm": "1"},
        follow=True,
    )


def _experience_data(**overrides):
    data = {
        "employer": "Centre Beta",
        "job_title": "Assistante de formation",
        "start_date": "2019-09-01",
        "end_date": "2021-08-31",
        "is_relevant": "True",
        "activities": "Accueil des stagiaires",
        "working_time": "100",
    }
    return {**data, **overrides}


# Opening a request -------------------------------------------------------------------------


def _signup_data(**overrides):
    data = {
        "email": "Nouvelle.Candidate@Exemple.fr",
        "first_name": "Léa",
        "last_name": "Martin",
        "password1": "Une-phrase-secrete-2026",
        "password2": "Une-phrase-secrete-2026",
        "organisation": "",
    }
    return {**data, **overrides}


def test_vae_signup_creates_the_account_and_the_request_and_logs_in(client, own_org):
    assert client.get(reverse("vae_signup")).status_code == 200
    response = client.post(
        reverse("vae_signup"), _signup_data(organisation=own_org.pk), follow=True
    )
    user = User.objects.get(email="nouvelle.candidate@exemple.fr")
    assert user.check_password("Une-phrase-secrete-2026")
    assert (user.first_name, user.last_name) == ("Léa", "Martin")
    candidacy = Candidacy.objects.get(candidate__user=user)
    assert (candidacy.pathway, candidacy.state, candidacy.organisation) == (
        "vae",
        "demande",
        own_org,
    )
    assert VaeRequest.objects.filter(candidacy=candidacy).exists()
    assert response.redirect_chain == [(reverse("vae_request_edit", args=[candidacy.pk]), 302)]
    assert response.context["user"] == user
    assert flash_messages(response) == [
        "Votre demande de VAE est ouverte : complétez la partie 2 de votre dossier."
    ]
    assert response.context["editable"] is True


def test_vae_signup_without_host_organisation_attaches_to_the_cpef(client):
    client.post(reverse("vae_signup"), _signup_data())
    candidacy = Candidacy.objects.get(candidate__user__email="nouvelle.candidate@exemple.fr")
    assert candidacy.organisation is None


def test_vae_signup_offers_only_active_host_organisations(client, own_org):
    closed = OrganisationFactory(name="Organisme fermé", is_active=False)
    response = client.get(reverse("vae_signup"))
    choices = [label for _value, label in response.context["form"].fields["organisation"].choices]
    assert choices[0] == "Aucune — rattachement direct à la CPEF"
    assert "Formapro Test (Lyon)" in choices
    assert not any(label.startswith(closed.name) for label in choices)
    response = client.post(reverse("vae_signup"), _signup_data(organisation=closed.pk))
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(email="nouvelle.candidate@exemple.fr").exists()


def test_vae_signup_with_an_existing_email_shows_the_error_next_to_the_email(client, candidat):
    response = client.post(reverse("vae_signup"), _signup_data(email="CANDIDAT@exemple.fr"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "email": [
            "Un compte existe déjà pour cette adresse : connectez-vous pour faire votre demande."
        ]
    }
    content = page_text(response)
    assert 'value="CANDIDAT@exemple.fr"' in content and 'value="Léa"' in content
    assert "Une-phrase-secrete-2026" not in content
    assert not Candidacy.objects.exists()
    assert "_auth_user_id" not in client.session


def test_vae_signup_runs_the_password_validators_in_french(client):
    response = client.post(reverse("vae_signup"), _signup_data(password1="abc", password2="abc"))
    errors = response.context["form"].errors
    assert list(errors) == ["password1"]
    assert any("trop court" in e for e in errors["password1"])
    response = client.post(reverse("vae_signup"), _signup_data(password2="Autre-phrase-2026"))
    assert response.context["form"].errors == {
        "password2": ["Les deux mots de passe ne correspondent pas."]
    }
    assert 'value="Martin"' in page_text(response)
    assert not User.objects.filter(email="nouvelle.candidate@exemple.fr").exists()


def test_vae_signup_sends_a_logged_in_user_to_the_request_form(client, candidat):
    client.force_login(candidat)
    response = client.get(reverse("vae_signup"))
    assert response.status_code == 302 and response.url == reverse("vae_request_create")


def test_vae_request_create_opens_one_request_per_certification(client, candidat, own_org):
    client.force_login(candidat)
    assert client.get(reverse("vae_request_create")).status_code == 200
    response = client.post(reverse("vae_request_create"), {"organisation": own_org.pk})
    candidacy = Candidacy.objects.get(candidate__user=candidat)
    assert response.url == reverse("vae_request_edit", args=[candidacy.pk])
    assert (candidacy.pathway, candidacy.state, candidacy.organisation) == (
        "vae",
        "demande",
        own_org,
    )
    response = client.post(reverse("vae_request_create"), {"organisation": ""})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Vous avez déjà une candidature en cours pour cette certification."
    ]
    assert Candidacy.objects.filter(candidate__user=candidat).count() == 1


def test_vae_request_create_requires_login(client):
    response = client.get(reverse("vae_request_create"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_login_page_links_to_the_vae_signup(client):
    assert reverse("vae_signup") in client.get(reverse("login")).content.decode()


# Partie 2 ---------------------------------------------------------------------------------


def test_candidate_saves_partie_2_as_a_draft(client, candidat, vae):
    client.force_login(candidat)
    response = client.post(reverse("vae_request_edit", args=[vae.pk]), PARTIE_2, follow=True)
    assert flash_messages(response) == ["Partie 2 enregistrée."]
    vae.vae_request.refresh_from_db()
    assert {f: getattr(vae.vae_request, f) for f in PARTIE_2} == PARTIE_2
    assert response.context["form"].initial["motivation"] == PARTIE_2["motivation"]


def test_partie_2_summary_uses_the_certification_minimum(client, candidat, vae):
    _fill(vae, years=2)
    client.force_login(candidat)
    content = page_text(client.get(reverse("vae_request_edit", args=[vae.pk])))
    days = required_days(2, on=TODAY())
    assert (
        f"Expérience en rapport avec le CQP : 2 ans et 0 mois ({days} jours) — minimum requis : 3 ans"
        in content
    )
    assert "La durée minimale n'est pas atteinte." in content
    Certification.objects.filter(pk=vae.certification_id).update(vae_min_experience_years=2)
    content = page_text(client.get(reverse("vae_request_edit", args=[vae.pk])))
    assert f"({days} jours) — minimum requis : 2 ans" in content
    assert "La durée minimale est atteinte." in content


def test_submit_recevabilite_with_two_years_is_refused_with_the_figure(client, candidat, vae):
    _fill(vae, years=2)
    client.force_login(candidat)
    page = client.get(reverse("vae_request_edit", args=[vae.pk]))
    submit_url = reverse("candidacy_transition", args=[vae.pk, "submit_recevabilite"])
    assert submit_url in page.content.decode()
    response = _submit(client, vae, "submit_recevabilite", "demande")
    vae.refresh_from_db()
    assert vae.state == "demande"
    assert VaeRequest.objects.get(candidacy=vae).submitted_on is None
    [message] = flash_messages(response)
    assert "2 ans" in message and "d'au moins 3 ans" in message


def test_submit_recevabilite_with_four_years_then_partie_2_is_read_only(client, candidat, vae):
    _fill(vae, years=4)
    client.force_login(candidat)
    _submit(client, vae, "submit_recevabilite", "demande")
    vae.refresh_from_db()
    assert vae.state == "recevabilite"
    assert vae.vae_request.submitted_on == TODAY()

    page = client.get(reverse("vae_request_edit", args=[vae.pk]))
    assert page.context["form"] is None and page.context["editable"] is False
    assert PARTIE_2["motivation"] in page_text(page)
    assert reverse("vae_experience_add", args=[vae.pk]) not in page.content.decode()

    experience = vae.vae_request.experiences.get()
    refused = [
        client.post(reverse("vae_request_edit", args=[vae.pk]), {**PARTIE_2, "motivation": "x"}),
        client.post(reverse("vae_experience_add", args=[vae.pk]), _experience_data()),
        client.post(
            reverse("vae_experience_edit", args=[vae.pk, experience.pk]),
            _experience_data(employer="Changé"),
        ),
        client.post(reverse("vae_experience_delete", args=[vae.pk, experience.pk])),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    vae.vae_request.refresh_from_db()
    assert vae.vae_request.motivation == PARTIE_2["motivation"]
    assert list(vae.vae_request.experiences.values_list("employer", flat=True)) == ["Formapro"]


def test_secretariat_sees_partie_2_in_full_with_the_link_to_the_review(
    client, candidat, secretariat, vae
):
    _fill(vae, years=4)
    bakery = VaeExperienceFactory(
        request=vae.vae_request,
        employer="Boulangerie Dupain",
        job_title="Vendeuse",
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2012, 12, 31),
        is_relevant=False,
    )
    VaeProofFactory(request=vae.vae_request, experience=bakery, kind="bulletin_salaire")
    client.force_login(candidat)
    _submit(client, vae, "submit_recevabilite", "demande")
    client.force_login(secretariat)
    response = client.get(reverse("vae_request_edit", args=[vae.pk]))
    assert response.status_code == 200 and response.context["form"] is None
    content = page_text(response)
    for value in PARTIE_2.values():
        assert value in content
    assert "Assistante de formation — Formapro" in content and "(en cours)" in content
    assert "Vendeuse — Boulangerie Dupain" in content and "Du 01/01/2010 au 31/12/2012" in content
    days = required_days(4, on=TODAY())
    assert f"4 ans et 0 mois ({days} jours) — minimum requis : 3 ans" in content
    review = reverse("recevabilite_review", args=[vae.pk])
    assert f'href="{review}">Examiner la demande</a>' in content
    assert "candidacy_transition" not in content and "/action/declare" not in content
    client.force_login(candidat)
    content = client.get(reverse("vae_request_edit", args=[vae.pk])).content.decode()
    assert review not in content


def test_declare_non_recevable_requires_a_reason(client, secretariat, candidat, vae):
    _fill(vae, years=4)
    _in_state(vae, "recevabilite")
    client.force_login(secretariat)
    response = _decide(client, vae, "defavorable")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": [
            "Indiquez le motif : il est obligatoire pour un avis défavorable ou une demande de "
            "compléments."
        ]
    }
    vae.refresh_from_db()
    assert vae.state == "recevabilite"
    _decide(client, vae, "defavorable", "Expérience hors du métier.")
    vae.refresh_from_db()
    assert (vae.state, vae.recevabilite_reason) == ("non_recevable", "Expérience hors du métier.")
    client.force_login(candidat)
    page = client.get(reverse("vae_activities", args=[vae.pk]))
    assert "La demande a été déclarée non recevable" in page_text(page)


def test_declare_recevable_opens_partie_3_to_the_candidate(client, secretariat, candidat, vae):
    _fill(vae, years=4)
    _in_state(vae, "recevabilite")
    client.force_login(candidat)
    page = client.get(reverse("vae_activities", args=[vae.pk]))
    assert "La partie 3 s'ouvre quand votre demande est déclarée recevable." in page_text(page)
    assert client.post(reverse("vae_activity_add", args=[vae.pk]), {}).status_code == 403

    client.force_login(secretariat)
    _decide(client, vae, "favorable")
    vae.refresh_from_db()
    assert vae.state == "recevable"

    client.force_login(candidat)
    competences = list(vae.certification.competences.order_by("number"))
    first = competences[0]
    page = client.get(reverse("vae_activities", args=[vae.pk]))
    content = page_text(page)
    assert f"0 compétence sur {len(competences)} documentée" in content
    assert f"{first.code} — {first.title}" in content
    add_url = reverse("vae_activity_add", args=[vae.pk])
    assert f"{add_url}?competence={first.pk}" in page.content.decode()
    assert reverse("candidacy_transition", args=[vae.pk, "submit_activities"]) in content

    form = client.get(add_url, {"competence": first.pk}).context["form"]
    assert form.initial["competence"] == str(first.pk)
    assert list(form.fields["competence"].queryset) == competences
    response = client.post(
        add_url,
        {
            "competence": first.pk,
            "title": "Organiser une session",
            "context": "Formapro, 2022",
            "description": "J'ai convoqué les stagiaires.",
        },
        follow=True,
    )
    assert flash_messages(response) == ["Activité enregistrée."]
    activity = VaeActivity.objects.get(candidacy=vae)
    assert (activity.competence, activity.title) == (first, "Organiser une session")
    content = page_text(client.get(reverse("vae_activities", args=[vae.pk])))
    assert f"1 compétence sur {len(competences)} documentée" in content
    assert "J'ai convoqué les stagiaires." in content


def test_activity_competence_is_restricted_to_the_competences_to_validate(client, candidat, vae):
    _in_state(vae, "recevable")
    competences = list(vae.certification.competences.order_by("number"))
    validated = competences[1]
    CompetenceValidationFactory(
        candidate=vae.candidate,
        competence=validated,
        validated_on=_days_ago(100),
        valid_until=_days_ago(100) + datetime.timedelta(days=5 * 365),
    )
    other_certification = CertificationFactory(
        code="CQP-AUTRE", title="Autre CQP", vae_min_experience_years=1, partial_validation_years=5
    )
    foreign = CompetenceFactory(
        certification=other_certification, number=1, title="Autre compétence"
    )
    client.force_login(candidat)
    add_url = reverse("vae_activity_add", args=[vae.pk])
    choices = client.get(add_url).context["form"].fields["competence"].queryset
    assert validated not in choices and len(choices) == len(competences) - 1
    for crafted in (foreign.pk, validated.pk, 999_999):
        response = client.post(add_url, {"competence": crafted, "title": "T", "description": "D"})
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "competence": ["Choisissez une des compétences qui restent à valider."]
        }
        assert 'value="T"' in response.content.decode()
    assert not VaeActivity.objects.exists()
    content = page_text(client.get(reverse("vae_activities", args=[vae.pk])))
    assert f"0 compétence sur {len(competences) - 1} documentée" in content


def test_candidate_edits_and_deletes_an_activity(client, candidat, vae):
    _in_state(vae, "recevable")
    first, second = vae.certification.competences.order_by("number")[:2]
    activity = VaeActivityFactory(
        candidacy=vae, competence=first, title="Avant", description="Description"
    )
    client.force_login(candidat)
    edit_url = reverse("vae_activity_edit", args=[vae.pk, activity.pk])
    assert client.get(edit_url).context["form"].initial["title"] == "Avant"
    client.post(edit_url, {"competence": second.pk, "title": "Après", "description": "Nouvelle"})
    activity.refresh_from_db()
    assert (activity.competence, activity.title, activity.description) == (
        second,
        "Après",
        "Nouvelle",
    )
    delete_url = reverse("vae_activity_delete", args=[vae.pk, activity.pk])
    assert "Supprimer cette activité ?" in page_text(client.get(delete_url))
    assert VaeActivity.objects.filter(pk=activity.pk).exists()
    response = client.post(delete_url, follow=True)
    assert flash_messages(response) == ["Activité supprimée."]
    assert not VaeActivity.objects.filter(pk=activity.pk).exists()


def test_partie_3_is_read_only_for_everyone_but_the_candidate(
    client, candidat, gestionnaire, secretariat, vae
):
    _in_state(vae, "recevable")
    competence = vae.certification.competences.order_by("number").first()
    activity = VaeActivityFactory(
        candidacy=vae, competence=competence, title="Planifier", description="Le planning"
    )
    for reader in (gestionnaire, secretariat):
        client.force_login(reader)
        page = client.get(reverse("vae_activities", args=[vae.pk]))
        assert page.status_code == 200 and "Le planning" in page_text(page)
        assert reverse("vae_activity_add", args=[vae.pk]) not in page.content.decode()
        data = {"competence": competence.pk, "title": "Changé", "description": "Changé"}
        responses = [
            client.post(reverse("vae_activity_add", args=[vae.pk]), data),
            client.post(reverse("vae_activity_edit", args=[vae.pk, activity.pk]), data),
            client.post(reverse("vae_activity_delete", args=[vae.pk, activity.pk])),
        ]
        assert [r.status_code for r in responses] == [403, 403, 403]
    assert list(VaeActivity.objects.values_list("title", flat=True)) == ["Planifier"]


# Experience periods ------------------------------------------------------------------------


def test_candidate_adds_edits_and_deletes_an_experience(client, candidat, vae):
    client.force_login(candidat)
    response = client.post(
        reverse("vae_experience_add", args=[vae.pk]), _experience_data(end_date=""), follow=True
    )
    assert flash_messages(response) == ["Expérience enregistrée."]
    experience = vae.vae_request.experiences.get()
    assert (experience.employer, experience.end_date, experience.is_relevant) == (
        "Centre Beta",
        None,
        True,
    )
    edit_url = reverse("vae_experience_edit", args=[vae.pk, experience.pk])
    assert client.get(edit_url).context["form"].initial["employer"] == "Centre Beta"
    client.post(edit_url, _experience_data(is_relevant="False"))
    experience.refresh_from_db()
    assert (experience.is_relevant, experience.end_date) == (False, datetime.date(2021, 8, 31))
    delete_url = reverse("vae_experience_delete", args=[vae.pk, experience.pk])
    assert "Supprimer cette expérience ?" in page_text(client.get(delete_url))
    assert VaeExperience.objects.filter(pk=experience.pk).exists()
    response = client.post(delete_url, follow=True)
    assert flash_messages(response) == ["Expérience supprimée."]
    assert not VaeExperience.objects.filter(pk=experience.pk).exists()


def test_experience_in_the_future_is_refused_next_to_the_field(client, candidat, vae):
    client.force_login(candidat)
    future = (TODAY() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("vae_experience_add", args=[vae.pk]),
        _experience_data(start_date=future, end_date=""),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "start_date": ["La date de début ne peut pas être dans le futur."]
    }
    content = response.content.decode()
    assert f'value="{future}"' in content and 'value="Centre Beta"' in content
    response = client.post(
        reverse("vae_experience_add", args=[vae.pk]), _experience_data(end_date=future)
    )
    assert response.context["form"].errors == {
        "end_date": ["La date de fin ne peut pas être dans le futur."]
    }
    assert not VaeExperience.objects.exists()


def test_experience_ending_before_it_starts_is_refused_next_to_the_field(client, candidat, vae):
    client.force_login(candidat)
    response = client.post(
        reverse("vae_experience_add", args=[vae.pk]),
        _experience_data(start_date="2021-05-01", end_date="2020-05-01"),
    )
    assert response.context["form"].errors == {
        "end_date": ["La date de fin doit être postérieure ou égale à la date de début."]
    }
    content = response.content.decode()
    assert 'value="2021-05-01"' in content and 'value="2020-05-01"' in content
    assert not VaeExperience.objects.exists()


def test_experience_of_another_candidacy_is_not_found(client, candidat, vae):
    other = VaeCandidacyFactory()
    _fill(other, years=1)
    foreign = other.vae_request.experiences.get()
    client.force_login(candidat)
    for name in ("vae_experience_edit", "vae_experience_delete"):
        url = reverse(name, args=[vae.pk, foreign.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, _experience_data()).status_code == 404
    assert VaeExperience.objects.get(pk=foreign.pk).employer == "Formapro"


# Who sees what -----------------------------------------------------------------------------


def test_gestionnaire_of_the_host_organisation_reads_partie_2_but_cannot_edit(
    client, gestionnaire, vae
):
    _fill(vae, years=4)
    client.force_login(gestionnaire)
    page = client.get(reverse("vae_request_edit", args=[vae.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    assert PARTIE_2["education"] in page_text(page) and "Formapro" in page_text(page)
    experience = vae.vae_request.experiences.get()
    responses = [
        client.post(reverse("vae_request_edit", args=[vae.pk]), {**PARTIE_2, "education": "x"}),
        client.post(reverse("vae_experience_add", args=[vae.pk]), _experience_data()),
        client.get(reverse("vae_experience_edit", args=[vae.pk, experience.pk])),
        client.post(reverse("vae_experience_delete", args=[vae.pk, experience.pk])),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    vae.vae_request.refresh_from_db()
    assert vae.vae_request.education == PARTIE_2["education"]
    assert vae.vae_request.experiences.count() == 1


def _vae_urls(candidacy):
    experience = VaeExperienceFactory(
        request=candidacy.vae_request, employer="E", job_title="J", start_date=_days_ago(30)
    )
    activity = VaeActivityFactory(
        candidacy=candidacy,
        competence=candidacy.certification.competences.first(),
        title="A",
        description="D",
    )
    return [
        reverse("vae_request_edit", args=[candidacy.pk]),
        reverse("vae_experience_add", args=[candidacy.pk]),
        reverse("vae_experience_edit", args=[candidacy.pk, experience.pk]),
        reverse("vae_experience_delete", args=[candidacy.pk, experience.pk]),
        reverse("vae_activities", args=[candidacy.pk]),
        reverse("vae_activity_add", args=[candidacy.pk]),
        reverse("vae_activity_edit", args=[candidacy.pk, activity.pk]),
        reverse("vae_activity_delete", args=[candidacy.pk, activity.pk]),
    ]


@pytest.mark.parametrize("state", ["demande", "recevable"])
def test_outsider_gets_404_on_every_vae_page(client, outsider, vae, state):
    _in_state(vae, state)
    urls = _vae_urls(vae)
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 404, url
        if not url.endswith("partie-3/"):
            assert client.post(url, {"employer": "X", "title": "X"}).status_code == 404, url
    assert VaeExperience.objects.get().employer == "E"
    assert VaeActivity.objects.get().title == "A"


def test_vae_request_without_host_is_seen_by_the_secretariat_and_the_candidate_only(client, actors):
    candidacy = VaeCandidacyFactory(candidate__user=actors["candidat"], organisation=None)
    urls = _vae_urls(candidacy)
    read_only = [urls[0], urls[4]]
    for role in ("secretariat", "candidat"):
        client.force_login(actors[role])
        assert [client.get(url).status_code for url in read_only] == [200, 200], role
    for role in ("gestionnaire", "outsider", "professionnel", "evaluateur", "jury"):
        client.force_login(actors[role])
        assert [client.get(url).status_code for url in urls] == [404] * len(urls), role


def test_parcours_candidacy_has_no_vae_pages(client, secretariat, own_org):
    candidacy = CandidacyFactory(organisation=own_org)
    client.force_login(secretariat)
    assert client.get(reverse("vae_request_edit", args=[candidacy.pk])).status_code == 404
    assert client.get(reverse("vae_activities", args=[candidacy.pk])).status_code == 404


# Query counts ------------------------------------------------------------------------------


def test_partie_2_query_count_does_not_grow_with_the_periods(client, secretariat, vae):
    _fill(vae, years=4)
    client.force_login(secretariat)
    url = reverse("vae_request_edit", args=[vae.pk])
    one = query_count(client, url)
    for year in range(2000, 2010):
        period = VaeExperienceFactory(
            request=vae.vae_request,
            employer=f"E{year}",
            job_title="J",
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 6, 30),
        )
        VaeProofFactory(request=vae.vae_request, experience=period, kind="bulletin_salaire")
        VaeProofFactory(request=vae.vae_request, experience=period, kind="contrat")
    assert query_count(client, url) == one


def test_partie_3_query_count_does_not_grow_with_the_activities(client, candidat, vae):
    _in_state(vae, "recevable")
    client.force_login(candidat)
    url = reverse("vae_activities", args=[vae.pk])
    competences = list(vae.certification.competences.all())
    VaeActivityFactory(candidacy=vae, competence=competences[0], title="A", description="D")
    one = query_count(client, url)
    for competence in competences:
        for n in range(3):
            VaeActivityFactory(candidacy=vae, competence=competence, title=f"A{n}", description="D")
    assert query_count(client, url) == one
