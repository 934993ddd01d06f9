"""The jury's deliberation pages against the issue: the session dashboard of its members,
the fiche de décision recorded by the president, the outcome on the candidacy page, and the
public verification of a certificate number.

Sessions are composed and opened by jury.services; the realistic candidacies reach `jury`
through the real evaluation (assessed, co-signed, transmitted), so the evaluators' results
that pre-fill the fiche are the real ones.
"""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from candidates.models import CompetenceValidation
from cqp.models import Document
from jury import services
from jury.models import Certificate, CompetenceDecision, Deliberation
from tests.candidates.builders import competence, today, validate
from tests.evaluations.builders import dossier_of
from tests.factories import OrganisationFactory
from tests.helpers import (
    add_years,
    error_summary,
    flash_messages,
    page_text,
    query_count,
    stored_bytes,
)

from .builders import (
    ALL,
    CONFORME_POST,
    EMPLOYEURS,
    SALARIES,
    candidacy_in_jury,
    cheap_on_agenda,
    fiche,
    member,
    place,
    planned_session,
    record,
)

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"^CQP-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$")
NOT_FOUND = "Aucun certificat ne correspond à ce numéro."
DIFFERS = "Cette décision diffère du résultat des évaluateurs : motivez-la."
NOTE_REQUIRED = "Précisez ce qui n'est pas conforme : c'est transmis aux évaluateurs."


def _dashboard(session) -> str:
    return reverse("session_dashboard", args=[session.pk])


def _fiche(deliberation) -> str:
    return reverse("deliberation_detail", args=[deliberation.pk])


def _submitted(form) -> dict:
    """What a browser posts for the form as rendered (the pre-filled values)."""
    return {
        name: value
        for name in form.fields
        if (value := form[name].value()) is not None and value != ""
    }


def _ticked(response, field) -> bool:
    """Whether the page renders the checkbox named `field` ticked."""
    inputs = re.findall(r"<input [^>]*>", response.content.decode())
    return any(f'name="{field}"' in tag and " checked" in tag for tag in inputs)


def _checked(response, field) -> list[str]:
    """The values of the radios named `field` that the page renders checked."""
    inputs = re.findall(r"<input [^>]*>", response.content.decode())
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in inputs
        if f'name="{field}"' in tag and " checked" in tag
    ]


def _state(deliberation) -> tuple:
    """Everything the fiche may change, to prove a refused post changed nothing."""
    d = Deliberation.objects.get(pk=deliberation.pk)
    return (
        d.decided_at,
        d.outcome,
        d.conform,
        d.candidacy.state,
        CompetenceDecision.objects.filter(deliberation=d).count(),
        CompetenceValidation.objects.filter(candidate_id=d.candidacy.candidate_id).count(),
        Certificate.objects.filter(deliberation=d).count(),
    )


# Who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_member", "jury", "candidat", "outsider", "gestionnaire"])
def test_dashboard_and_fiche_are_404_outside_the_session(client, request, who, on_agenda):
    deliberation = on_agenda()
    client.force_login(request.getfixturevalue(who))
    assert client.get(_dashboard(deliberation.session)).status_code == 404
    assert client.get(_fiche(deliberation)).status_code == 404
    assert client.post(_fiche(deliberation), {**CONFORME_POST}).status_code == 404


@pytest.mark.parametrize("who", ["other_member", "jury"])
def test_jury_users_not_on_the_session_do_not_see_the_dossier_documents(
    client, request, who, on_agenda
):
    candidacy = on_agenda().candidacy
    client.force_login(request.getfixturevalue(who))
    for name in ("dossier_detail", "reperage_edit", "candidacy_detail"):
        assert client.get(reverse(name, args=[candidacy.pk])).status_code == 404, name


@pytest.mark.parametrize("who", ["president", "assesseur"])
def test_members_of_the_session_see_every_document_of_the_dossier(
    client, who, request, on_agenda, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the transmitted dossier's PDF
        candidacy = on_agenda(non_acquises={2}).candidacy
    document = Document.objects.get(kind="dossier_evaluation")
    download = reverse("document_download", args=[document.pk])
    client.force_login(request.getfixturevalue(who).user)

    # The candidacy page lists the official documents, which the member downloads.
    response = client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    assert response.status_code == 200
    assert list(response.context["documents"]) == [document]
    assert f'href="{download}"' in page_text(response)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == stored_bytes(document)

    # The evaluation dossier, with each competence's co-signed joint result.
    response = client.get(reverse("dossier_detail", args=[candidacy.pk]))
    assert response.status_code == 200
    assert response.context["dossier"] == dossier_of(candidacy)
    page = page_text(response)
    assert f'href="{download}"' in page
    assert re.findall(
        r'<dt>Résultat commun</dt>\s*<dd><span class="badge badge--(\w+)">', page
    ) == ["acquise", "non_acquise", "acquise", "acquise", "acquise", "acquise"]

    # The livret de repérage, read-only, every element assessed.
    response = client.get(reverse("reperage_edit", args=[candidacy.pk]))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "45 éléments sur 45 renseignés" in page_text(response)


@pytest.mark.parametrize("who", ["president", "assesseur", "secretariat"])
def test_session_dashboard_shows_each_candidacy_with_results_documents_and_progress(
    client, request, who, on_agenda
):
    deliberation = on_agenda(non_acquises={2, 5})
    candidacy = deliberation.candidacy
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    response = client.get(_dashboard(deliberation.session))
    assert response.status_code == 200
    page = page_text(response)
    assert str(candidacy.candidate) in page
    assert "Formapro Test" in page
    assert "complet, transmis" in page
    assert "0 décidée sur 1" in page
    [row] = response.context["deliberations"]
    assert [(a.code, a.final_result) for a in row.results] == [
        ("C1", "acquise"),
        ("C2", "non_acquise"),
        ("C3", "acquise"),
        ("C4", "acquise"),
        ("C5", "non_acquise"),
        ("C6", "acquise"),
    ]
    for url in (
        reverse("reperage_edit", args=[candidacy.pk]),
        reverse("dossier_detail", args=[candidacy.pk]),
        _fiche(deliberation),
    ):
        assert f'href="{url}"' in page
    assert reverse("vae_request_edit", args=[candidacy.pk]) not in page


def test_session_dashboard_links_the_vae_parts_of_a_vae_candidacy(
    client, president, jury_session, secretariat
):
    deliberation = cheap_on_agenda(jury_session, secretariat=secretariat, vae=True)
    pk = deliberation.candidacy_id
    client.force_login(president.user)
    page = page_text(client.get(_dashboard(jury_session)))
    for name in ("vae_request_edit", "vae_activities", "dossier_detail"):
        assert f'href="{reverse(name, args=[pk])}"' in page
    assert reverse("reperage_edit", args=[pk]) not in page


def test_session_dashboard_filters_and_counts_progress(
    client, president, jury_session, secretariat, on_agenda, own_org, other_org
):
    decided = on_agenda()
    record(decided, decisions=fiche(validated=ALL))
    cheap_on_agenda(jury_session, secretariat=secretariat, vae=True, last_name="Vaeiste")
    cheap_on_agenda(
        jury_session, secretariat=secretariat, organisation=other_org, last_name="Autreorga"
    )
    decided_name = str(decided.candidacy.candidate)
    client.force_login(president.user)

    def names(query):
        response = client.get(_dashboard(jury_session), query)
        assert response.status_code == 200
        assert "1 décidée sur 3" in page_text(
            response
        )  # the session's progress, whatever the filter
        return sorted(
            d.candidacy.candidate.user.last_name for d in response.context["deliberations"]
        )

    everyone = sorted([decided.candidacy.candidate.user.last_name, "Vaeiste", "Autreorga"])
    assert names({}) == everyone
    assert names({"pathway": "vae"}) == ["Vaeiste"]
    assert names({"pathway": "parcours"}) == sorted(
        [decided.candidacy.candidate.user.last_name, "Autreorga"]
    )
    assert names({"organisation": other_org.pk}) == ["Autreorga"]
    assert names({"organisation": own_org.pk, "decided": "oui"}) == [
        decided.candidacy.candidate.user.last_name
    ]
    assert names({"decided": "non"}) == ["Autreorga", "Vaeiste"]
    page = page_text(client.get(_dashboard(jury_session), {"decided": "oui"}))
    assert decided_name in page and "Certification obtenue" in page
    # An organisation outside the session is no choice of the filter: it filters nothing.
    stranger = OrganisationFactory(name="Organisme étranger")
    response = client.get(_dashboard(jury_session), {"organisation": stranger.pk})
    assert "Organisme étranger" not in page_text(response)
    assert len(response.context["deliberations"]) == 3


def test_session_dashboard_query_count_does_not_depend_on_the_number_of_candidacies(
    client, president, jury_session, secretariat, on_agenda, other_org
):
    record(
        on_agenda(non_acquises={3}), decisions=fiche(validated=[1, 2, 4, 5, 6], not_validated=[3])
    )
    cheap_on_agenda(jury_session, secretariat=secretariat, vae=True)
    certified = cheap_on_agenda(jury_session, secretariat=secretariat, organisation=other_org)
    record(certified, decisions=fiche(validated=ALL))
    client.force_login(president.user)
    urls = [
        _dashboard(jury_session),
        _dashboard(jury_session) + f"?organisation={other_org.pk}&decided=oui&pathway=parcours",
    ]
    three = [query_count(client, url) for url in urls]
    for i in range(12):
        deliberation = cheap_on_agenda(jury_session, secretariat=secretariat, vae=i % 2 == 0)
        if i % 3 == 0:
            record(deliberation, decisions=fiche(validated=ALL))
    assert [query_count(client, url) for url in urls] == three
    response = client.get(urls[0])
    assert len(response.context["deliberations"]) == 15
    assert "6 décidées sur 15" in page_text(response)


def test_jury_dashboard_panel_lists_my_sessions(
    client, president, other_member, jury, jury_session, on_agenda
):
    on_agenda()
    client.force_login(president.user)
    page = page_text(client.get(reverse("dashboard")))
    assert f'href="{_dashboard(jury_session)}"' in page
    assert "0 décidée sur 1" in page
    assert "vous présidez" in page

    client.force_login(jury)
    response = client.get(reverse("dashboard"))
    assert reverse("session_dashboard", args=[jury_session.pk]) not in page_text(response)
    assert "Aucune session de jury ne vous est attribuée" in page_text(response)


# The fiche de décision --------------------------------------------------------------------


def test_fiche_is_prefilled_with_the_evaluators_joint_results(client, president, on_agenda):
    deliberation = on_agenda(non_acquises={2, 5})
    client.force_login(president.user)
    response = client.get(_fiche(deliberation))
    assert response.status_code == 200
    form = response.context["form"]
    expected = {n: "non_validee" if n in (2, 5) else "validee" for n in ALL}
    assert {n: form[f"decision_{competence(n).pk}"].value() for n in ALL} == expected
    assert {n: _checked(response, f"decision_{competence(n).pk}") for n in ALL} == {
        n: [v] for n, v in expected.items()
    }
    # The conformity checklist, each item pre-ticked from the computed checks.
    assert [c.code for c in form.checks] == ["demarche", "habilitations", "signatures", "pieces"]
    assert all(_ticked(response, f"check_{c.code}") for c in form.checks)


@pytest.mark.parametrize("who", ["assesseur", "secretariat"])
def test_fiche_is_read_only_for_members_and_secretariat(client, request, who, on_agenda):
    deliberation = on_agenda(non_acquises={2})
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    response = client.get(_fiche(deliberation))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert '<form method="post" novalidate class="form jury-fiche"' not in response.content.decode()
    assert "En attente de la décision du président de la session." in page_text(response)
    rows = [(r["competence"].code, r["result"].final_result) for r in response.context["rows"]]
    assert rows == [("C1", "acquise"), ("C2", "non_acquise")] + [
        (f"C{n}", "acquise") for n in range(3, 7)
    ]


@pytest.mark.parametrize("who", ["assesseur", "secretariat"])
def test_only_the_president_records_a_decision(client, request, who, on_agenda):
    deliberation = on_agenda()
    client.force_login(request.getfixturevalue("president").user)
    data = _submitted(client.get(_fiche(deliberation)).context["form"])
    before = _state(deliberation)
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert client.post(_fiche(deliberation), data).status_code == 403
    assert _state(deliberation) == before


def test_the_president_cannot_record_before_the_session_opens(
    client, secretariat, candidat, own_org, professionnel, evaluateur
):
    president = member(EMPLOYEURS)
    planned = planned_session(by=secretariat, members=[president, member(SALARIES)])
    candidacy = candidacy_in_jury(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )
    deliberation = place(planned, candidacy, by=secretariat)
    client.force_login(president.user)
    response = client.get(_fiche(deliberation))
    assert response.context["form"] is None
    assert "La session n'est pas encore ouverte" in page_text(response)
    before = _state(deliberation)
    data = {**CONFORME_POST} | {f"decision_{competence(n).pk}": "validee" for n in ALL}
    assert client.post(_fiche(deliberation), data).status_code == 403
    assert _state(deliberation) == before


def test_a_decision_differing_from_the_evaluators_needs_a_motivation(client, president, on_agenda):
    deliberation = on_agenda(non_acquises={2})
    c2 = competence(2)
    client.force_login(president.user)
    data = _submitted(client.get(_fiche(deliberation)).context["form"])
    data[f"decision_{c2.pk}"] = "validee"
    data["motivation"] = "Délibération motivée saisie par la présidente."
    before = _state(deliberation)
    response = client.post(_fiche(deliberation), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {f"motivation_{c2.pk}": [DIFFERS]}
    assert _state(deliberation) == before
    # The summary at the top names the competence and links to the field.
    title, links, items = error_summary(response)
    assert title.startswith("Erreur : Fiche de décision")
    assert links == [f"id_motivation_{c2.pk}"]
    assert items == [f"Motivation — {c2.code} : {DIFFERS}"]
    page = page_text(response)
    # The error sits in C2's block, and what was typed is still there.
    block = page[page.index(f'id="competence-{c2.pk}"') :]
    assert DIFFERS in block[: block.index(f'id="competence-{competence(3).pk}"')]
    assert _checked(response, f"decision_{c2.pk}") == ["validee"]
    assert "Délibération motivée saisie par la présidente." in page

    data[f"motivation_{c2.pk}"] = "Mise en situation probante présentée au jury."
    response = client.post(_fiche(deliberation), data)
    assert response.status_code == 302
    decision = CompetenceDecision.objects.get(deliberation=deliberation, competence=c2)
    assert (decision.decision, decision.motivation) == (
        "validee",
        "Mise en situation probante présentée au jury.",
    )
    deliberation.candidacy.refresh_from_db()
    assert deliberation.candidacy.state == "certifie"


def test_a_missing_decision_is_summarised_and_linked_to_its_first_choice(
    client, president, on_agenda
):
    deliberation = on_agenda()
    c3 = competence(3)
    client.force_login(president.user)
    data = _submitted(client.get(_fiche(deliberation)).context["form"])
    data.pop(f"decision_{c3.pk}")
    data["motivation"] = "Motivation saisie avant l'erreur."
    response = client.post(_fiche(deliberation), data)
    assert response.status_code == 200
    title, links, items = error_summary(response)
    assert title.startswith("Erreur : Fiche de décision")
    assert links == [f"id_decision_{c3.pk}_0"]
    assert items == [f"Décision du jury — {c3.code} : Choisissez « validée » ou « non validée »."]
    page = page_text(response)
    assert "La décision n'a pas été enregistrée : corrigez ce qui est signalé." in page
    assert "Motivation saisie avant l'erreur." in page
    block = page[page.index(f'id="competence-{c3.pk}"') :]
    assert 'class="field field--error"' in block[: block.index("</fieldset>")]


def test_president_records_every_competence_validated_certifie_with_a_certificate(
    client, president, candidat, on_agenda
):
    deliberation = on_agenda()
    client.force_login(president.user)
    data = _submitted(client.get(_fiche(deliberation)).context["form"])
    response = client.post(_fiche(deliberation), data, follow=True)
    assert response.redirect_chain == [(_dashboard(deliberation.session), 302)]
    assert flash_messages(response) == ["Décision enregistrée : Certification obtenue."]
    assert "1 décidée sur 1" in page_text(response)
    deliberation.refresh_from_db()
    deliberation.candidacy.refresh_from_db()
    assert (deliberation.outcome, deliberation.candidacy.state) == ("certifie", "certifie")
    assert deliberation.decided_by == president.user
    certificate = Certificate.objects.get(deliberation=deliberation)
    assert certificate.kind == "certificat"
    assert NUMBER.match(certificate.number)
    assert certificate.issued_on == deliberation.session.date
    # The fiche is now read-only, and the candidate's page shows the certificate.
    assert client.get(_fiche(deliberation)).context["form"] is None
    assert client.post(_fiche(deliberation), data).status_code == 403
    client.force_login(candidat)
    page = page_text(client.get(reverse("candidacy_detail", args=[deliberation.candidacy_id])))
    assert certificate.number in page
    assert f'href="{reverse("verify_number", args=[certificate.number])}"' in page


def test_president_records_some_competences_validated_partiel_with_an_attestation(
    client, president, candidat, on_agenda
):
    deliberation = on_agenda(non_acquises={2, 5})
    client.force_login(president.user)
    data = _submitted(client.get(_fiche(deliberation)).context["form"])
    response = client.post(_fiche(deliberation), data, follow=True)
    assert flash_messages(response) == ["Décision enregistrée : Validation partielle."]
    deliberation.candidacy.refresh_from_db()
    assert deliberation.candidacy.state == "partiel"
    certificate = Certificate.objects.get(deliberation=deliberation)
    assert certificate.kind == "attestation"
    assert NUMBER.match(certificate.number)
    until = add_years(deliberation.session.date, 5)
    validations = CompetenceValidation.objects.filter(candidate=deliberation.candidacy.candidate)
    assert sorted((v.competence.code, v.valid_until) for v in validations) == [
        (f"C{n}", until) for n in (1, 3, 4, 6)
    ]

    client.force_login(candidat)
    page = page_text(client.get(reverse("candidacy_detail", args=[deliberation.candidacy_id])))
    assert certificate.number in page
    attestation = page[
        page.index("jury-attestation") : page.index("</table>", page.index("jury-attestation"))
    ]
    rows = re.findall(
        r"<tr><th scope=\"row\"[^>]*><span class=\"element-code\">(C\d)</span>.*?</th>"
        r"<td[^>]*>([\d/]+)</td><td[^>]*>([\d/]+)</td></tr>",
        attestation,
    )
    day = deliberation.session.date.strftime("%d/%m/%Y")
    assert rows == [(f"C{n}", day, until.strftime("%d/%m/%Y")) for n in (1, 3, 4, 6)]


def test_an_earlier_validation_in_force_counts_towards_the_certificate(
    client, president, candidat, own_org, secretariat, professionnel, evaluateur, jury_session
):
    earlier = today() - datetime.timedelta(days=400)
    candidacy = candidacy_in_jury(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
        before=lambda c: validate(c.candidate, 6, validated_on=earlier),
    )
    deliberation = place(jury_session, candidacy, by=secretariat)
    client.force_login(president.user)
    response = client.get(_fiche(deliberation))
    form = response.context["form"]
    assert [c.code for c in form.competences] == ["C1", "C2", "C3", "C4", "C5"]
    assert f"decision_{competence(6).pk}" not in form.fields
    assert [v.competence.code for v in response.context["earlier_validations"]] == ["C6"]
    assert f"validée le {earlier:%d/%m/%Y}" in page_text(response)
    response = client.post(_fiche(deliberation), _submitted(form), follow=True)
    assert flash_messages(response) == ["Décision enregistrée : Certification obtenue."]
    assert Certificate.objects.get(deliberation=deliberation).kind == "certificat"


def test_president_records_no_competence_validated_non_certifie(client, president, on_agenda):
    deliberation = on_agenda(non_acquises=set(ALL))
    client.force_login(president.user)
    data = _submitted(client.get(_fiche(deliberation)).context["form"])
    assert [v for k, v in data.items() if k.startswith("decision_")] == ["non_validee"] * 6
    response = client.post(_fiche(deliberation), data, follow=True)
    assert flash_messages(response) == ["Décision enregistrée : Certification non obtenue."]
    deliberation.candidacy.refresh_from_db()
    assert deliberation.candidacy.state == "non_certifie"
    assert not Certificate.objects.filter(deliberation=deliberation).exists()
    assert not CompetenceValidation.objects.filter(
        candidate=deliberation.candidacy.candidate
    ).exists()


def test_non_conformity_needs_notes_then_returns_the_candidacy_to_evaluation(
    client, president, candidat, on_agenda
):
    deliberation = on_agenda()
    client.force_login(president.user)
    before = _state(deliberation)
    # « Pièces » unticked, without saying why.
    data = _submitted(client.get(_fiche(deliberation)).context["form"])
    data["check_pieces"] = False
    response = client.post(_fiche(deliberation), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"note_pieces": [NOTE_REQUIRED]}
    title, links, items = error_summary(response)
    assert title.startswith("Erreur : Fiche de décision")
    assert links == ["id_note_pieces"]
    assert len(items) == 1
    assert items[0].startswith("Observation — ") and items[0].endswith(f" : {NOTE_REQUIRED}")
    assert not _ticked(response, "check_pieces")
    assert _ticked(response, "check_demarche")
    assert _state(deliberation) == before

    note = "Le livret de repérage n'est pas signé par le professionnel."
    data |= {"note_pieces": note, "conformity_notes": "À revoir avant la prochaine session."}
    response = client.post(_fiche(deliberation), data, follow=True)
    assert flash_messages(response) == ["Décision enregistrée : Dossier non conforme."]
    deliberation.refresh_from_db()
    deliberation.candidacy.refresh_from_db()
    assert (deliberation.conform, deliberation.outcome) == (False, "non_conforme")
    reason = (
        "Non conforme : Pièces du dossier présentes (livret de repérage ou dossier de VAE, "
        f"dossier de suivi et d'évaluation) — {note}\nÀ revoir avant la prochaine session."
    )
    assert deliberation.candidacy.outcome_reason == reason
    assert [(i["code"], i["ok"], i["note"]) for i in deliberation.checklist] == [
        ("demarche", True, ""),
        ("habilitations", True, ""),
        ("signatures", True, ""),
        ("pieces", False, note),
    ]
    assert not CompetenceDecision.objects.filter(deliberation=deliberation).exists()
    assert not Certificate.objects.filter(deliberation=deliberation).exists()
    client.force_login(candidat)
    page = page_text(client.get(reverse("candidacy_detail", args=[deliberation.candidacy_id])))
    assert "Dossier non conforme" in page and note in page


# Public verification ----------------------------------------------------------------------


@pytest.fixture
def certificate(on_agenda):
    deliberation = record(on_agenda(), decisions=fiche(validated=ALL))
    return Certificate.objects.select_related("deliberation__candidacy__candidate__user").get(
        deliberation=deliberation
    )


def _verify(client, number, **extra):
    return client.get(reverse("verify_number", args=[number]), **extra)


def test_verification_page_shows_a_valid_certificate_and_nothing_else(client, certificate):
    user = certificate.deliberation.candidacy.candidate.user
    response = _verify(client, certificate.number)
    assert response.status_code == 200
    page = page_text(response)
    assert user.get_full_name() in page
    assert "Certificat de qualification professionnelle" in page
    assert certificate.deliberation.candidacy.certification.title in page
    assert certificate.issued_on.strftime("%d/%m/%Y") in page
    assert re.search(r'class="[^"]*verify-status[^"]*"><strong>Valide</strong>', page)
    for private in (user.email, "Formapro Test", "pro@exemple.fr", "evaluateur@exemple.fr"):
        assert private not in page
    assert "@" not in page
    # No competence code in what the page shows (the random certificate number, and the
    # CSRF token of the language form, may hold "C1": the number is left out, tags stripped).
    visible = re.sub(r"<[^>]+>", " ", page).replace(certificate.number, "")
    assert not re.search(r"\bC[1-9]\b", visible)
    assert "Se déconnecter" not in page


def test_verification_form_leads_to_the_number_page(client, certificate):
    response = client.get(reverse("verify"), {"number": f"  {certificate.number.lower()} "})
    assert response.status_code == 302
    assert response.url == reverse("verify_number", args=[certificate.number])
    assert client.get(reverse("verify")).status_code == 200


def test_verification_page_shows_a_revoked_certificate(client, certificate, secretariat):
    services.certificate_revoke(certificate=certificate, by=secretariat, reason="Fraude avérée.")
    certificate.refresh_from_db()
    page = page_text(_verify(client, certificate.number))
    day = timezone.localtime(certificate.revoked_at).strftime("%d/%m/%Y")
    assert f"Révoqué le {day}" in page
    assert ">Valide<" not in page
    assert "Fraude avérée." not in page


def test_verification_of_an_unknown_number_is_a_plain_404(client, certificate):
    response = _verify(client, "CQP-0000-0000-0000-0000")
    assert response.status_code == 404
    page = page_text(response)
    assert NOT_FOUND in page
    assert certificate.deliberation.candidacy.candidate.user.last_name not in page


def test_verification_is_rate_limited_per_client(client, certificate, settings, one_rate_window):
    settings.VERIFY_RATE_LIMIT = 3
    cache.clear()
    statuses = [_verify(client, certificate.number).status_code for _ in range(2)]
    statuses.append(_verify(client, "CQP-0000-0000-0000-0000").status_code)
    assert statuses == [200, 200, 404]
    response = _verify(client, certificate.number)
    assert response.status_code == 429
    assert "Trop de vérifications en peu de temps" in page_text(response)
    holder = certificate.deliberation.candidacy.candidate.user.last_name
    assert holder not in page_text(response) and "Valide" not in page_text(response)
    # Another client is not held back by the first one.
    assert _verify(client, certificate.number, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_verification_limit_counts_each_client_behind_the_trusted_proxy(
    client, certificate, settings, one_rate_window
):
    settings.VERIFY_RATE_LIMIT = 1
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert (
        _verify(
            client, certificate.number, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
        ).status_code
        == 200
    )
    assert (
        _verify(
            client, certificate.number, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
        ).status_code
        == 429
    )
    # Another client behind the same proxy is not held back by the first one...
    assert (
        _verify(client, certificate.number, **proxy, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code
        == 200
    )
    # ...and what the first one writes in the header does not get it out.
    spoofed = "192.0.2.1, 198.51.100.7"
    assert (
        _verify(client, certificate.number, **proxy, HTTP_X_FORWARDED_FOR=spoofed).status_code
        == 429
    )


def test_verification_counter_resets_after_a_minute(client, certificate, settings):
    settings.VERIFY_RATE_LIMIT = 1
    cache.clear()
    assert _verify(client, certificate.number).status_code == 200
    assert _verify(client, certificate.number).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert _verify(client, certificate.number).status_code == 200


def test_candidacy_page_shows_a_pending_session(client, candidat, on_agenda):
    deliberation = on_agenda()
    client.force_login(candidat)
    page = page_text(client.get(reverse("candidacy_detail", args=[deliberation.candidacy_id])))
    day = deliberation.session.date.strftime("%d/%m/%Y")
    assert f"Dossier inscrit à la session du jury du {day} : décision à venir." in page


# The fiche asks each question once per page (the guard of transmit_to_jury, the competences
# to decide): its queries, by who reads it. Two at most are the page layout's (the session,
# unless the cache holds it, and the user read with their memberships, habilitations, roles
# and unread count: cqp.user_facts); the fiche's own: the deliberation, the assessments (results and signers), the seats with
# their members' organisations, the competences to decide, the livret's competences, the
# dossier, the earlier validations (7), and for the president, who gets the form, the
# signers' habilitations (8).
FICHE_QUERIES = {"president": 2 + 8, "assesseur": 2 + 7, "secretariat": 2 + 7}


@pytest.mark.parametrize("who", FICHE_QUERIES)
def test_the_fiche_runs_a_bounded_number_of_queries(
    client, request, who, on_agenda, django_assert_max_num_queries
):
    deliberation = on_agenda(non_acquises={2})
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    with django_assert_max_num_queries(FICHE_QUERIES[who]) as captured:
        assert client.get(_fiche(deliberation)).status_code == 200
    livret_reads = [q for q in captured if 'FROM "candidates_reperageentry"' in q["sql"]]
    assert len(livret_reads) == 1


def test_a_decided_fiche_runs_a_bounded_number_of_queries(
    client, president, on_agenda, django_assert_max_num_queries
):
    deliberation = on_agenda()
    record(deliberation, decisions=fiche(validated=ALL))
    client.force_login(president.user)
    # No form, hence no checks; instead the certificate, the stored PDFs of the fiche and of
    # the certificate, the decisions, who decided, the validations granted (2 + 12).
    with django_assert_max_num_queries(2 + 12):
        response = client.get(_fiche(deliberation))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["certificate"] is not None
    assert len(response.context["granted"]) == 6


def test_the_dashboard_of_a_long_agenda_shows_it_a_page_at_a_time(
    client, president, jury_session, secretariat
):
    agenda = [cheap_on_agenda(jury_session, secretariat=secretariat) for _ in range(23)]
    for deliberation in agenda[:4]:
        record(deliberation, decisions=fiche(validated=ALL))
    client.force_login(president.user)

    first = client.get(_dashboard(jury_session))
    assert len(first.context["deliberations"]) == 20
    text = page_text(first)
    assert "Page 1 sur 2" in text
    assert "23 résultats" in text
    assert "4 décidées sur 23" in text  # the session's progress counts every page
    second = client.get(_dashboard(jury_session), {"page": 2})
    shown = [d.pk for d in first.context["deliberations"]] + [
        d.pk for d in second.context["deliberations"]
    ]
    assert sorted(shown) == sorted(d.pk for d in agenda)
    # « À décider »: what is left, on one page.
    left = client.get(_dashboard(jury_session), {"decided": "non"})
    assert {d.pk for d in left.context["deliberations"]} == {d.pk for d in agenda[4:]}
    assert "Page 1 sur" not in page_text(left)
    # Each row still carries its facts.
    assert all(hasattr(d, "complete") for d in second.context["deliberations"])


def test_the_dashboard_pages_run_as_many_queries_at_both_sizes(
    client, president, jury_session, secretariat
):
    for _ in range(25):
        cheap_on_agenda(jury_session, secretariat=secretariat)
    client.force_login(president.user)
    urls = [_dashboard(jury_session), _dashboard(jury_session) + "?page=2"]
    before = [query_count(client, url) for url in urls]
    for _ in range(20):
        cheap_on_agenda(jury_session, secretariat=secretariat)
    assert [query_count(client, url) for url in urls] == before
    assert max(before) <= 15
