"""The recevabilité pages: the secretariat's review of a request and its decision (checked,
confirmed, recorded), the candidate's partie 2 flagged after a request for completion, and
the history of submissions and decisions on the candidacy page."""

import datetime
import re

import pytest
from django.urls import reverse

from candidates import services, services_recevabilite
from candidates.models import RecevabiliteDecision
from cqp.exceptions import ConcurrentChange
from cqp.models import Document
from tests.candidates.builders import decide, today, vae_candidacy, vae_ready
from tests.factories import CandidacyFactory, UserFactory, VaeExperienceFactory, VaeProofFactory
from tests.helpers import flash_messages, page_text, query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=4 * 365)
    other = VaeExperienceFactory(
        request=candidacy.vae_request,
        employer="Campus Sud",
        job_title="Chargée d'accueil",
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2016, 12, 31),
        is_relevant=False,
        working_time=50,
    )
    VaeProofFactory(request=candidacy.vae_request, experience=other, kind="contrat")
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    candidacy.vae_request.decision_due_on = datetime.date(2099, 1, 31)
    candidacy.vae_request.save()
    return candidacy


def review_url(candidacy) -> str:
    return reverse("recevabilite_review", args=[candidacy.pk])


def post(client, candidacy, **data):
    return client.post(
        review_url(candidacy), {"expected_state": "recevabilite", **data}, follow=True
    )


def formapro(candidacy):
    return candidacy.vae_request.experiences.get(employer="Formapro")


# Reading the request -----------------------------------------------------------------------


def test_the_review_page_reads_the_request_in_full(client, secretariat, submitted):
    client.force_login(secretariat)
    response = client.get(review_url(submitted))
    assert response.status_code == 200
    text = page_text(response)
    for expected in (
        "Examen de la recevabilité",
        f"Date de la demande</dt><dd>{today():%d/%m/%Y}",
        "Décision attendue le</dt><dd>31/01/2099",
        "BTS assistant de gestion",
        "Faire reconnaître mon expérience.",
        "Assistante de formation — Formapro",
        "Chargée d'accueil — Campus Sud",
        "Du 01/01/2015 au 31/12/2016",
        "temps partiel (50 %)",
        "temps plein",
        '<td data-label="Jours avant la date de la demande">731</td>',
        "minimum requis : 3 ans",
        "La durée minimale est atteinte.",
        'justificatif.pdf<span class="visually-hidden"> (s\'ouvre dans un nouvel onglet)',
        f"demande envoyée par {submitted.candidate.user}",
    ):
        assert expected in text, expected
    # The periods on a time line, described, with the window of the 3 years before the request.
    assert (
        '<svg viewBox="0 0 600 102" role="img" aria-labelledby="frise-titre frise-description"'
        in text
    )
    window = f"du {today().replace(year=today().year - 3):%d/%m/%Y} au"
    assert window in text
    assert text.count('class="experience-timeline__bar experience-timeline__bar--relevant"') == 1
    assert text.count('class="experience-timeline__bar experience-timeline__bar--other"') == 1
    assert "style=" not in text.split("<main", 1)[1]
    form = response.context["form"]
    assert form["expected_state"].value() == "recevabilite"
    assert len(form.fields["items"].choices) == 6 + 2 * 2


def test_the_review_page_is_the_secretariats_only(
    client, submitted, candidat, gestionnaire, jury, outsider
):
    for user in (candidat, gestionnaire, jury, outsider):
        client.force_login(user)
        assert client.get(review_url(submitted)).status_code == 404


def test_a_parcours_candidacy_has_no_review_page(client, secretariat, own_org):
    client.force_login(secretariat)
    candidacy = CandidacyFactory(organisation=own_org)
    assert client.get(review_url(candidacy)).status_code == 404


def _more(candidacy, *, periods: int, decisions: int, secretariat, candidat):
    for n in range(periods):
        period = VaeExperienceFactory(
            request=candidacy.vae_request,
            employer=f"Employeur {n}",
            start_date=datetime.date(2000 + n, 1, 1),
            end_date=datetime.date(2000 + n, 6, 30),
        )
        VaeProofFactory(request=candidacy.vae_request, experience=period, kind="contrat")
    for _n in range(decisions):
        decide(candidacy, secretariat, "incomplet", items=["proof:identite"])
        services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        )


def test_the_review_page_queries_do_not_grow_with_periods_and_decisions(
    client, secretariat, candidat, submitted
):
    client.force_login(secretariat)
    _more(submitted, periods=1, decisions=1, secretariat=secretariat, candidat=candidat)
    few = query_count(client, review_url(submitted))
    _more(submitted, periods=6, decisions=3, secretariat=secretariat, candidat=candidat)
    assert query_count(client, review_url(submitted)) == few


# Deciding ----------------------------------------------------------------------------------


def test_what_was_typed_is_kept_with_each_error_next_to_its_field(client, secretariat, submitted):
    client.force_login(secretariat)
    response = post(client, submitted, outcome="incomplet", reason="Attestation manquante.")
    assert response.status_code == 200
    assert response.context["form"].errors == {"items": ["Cochez au moins un élément à compléter."]}
    text = page_text(response)
    assert "La décision n'a pas été enregistrée : corrigez les points signalés." in text
    assert "Attestation manquante.</textarea>" in text
    assert re.search(r'<input type="radio" name="outcome" value="incomplet"[^>]* checked>', text)
    assert not RecevabiliteDecision.objects.exists()
    response = post(client, submitted)
    assert response.context["form"].errors == {"outcome": ["Choisissez une décision."]}


def test_the_error_summary_links_each_error_to_its_field(client, secretariat, submitted):
    client.force_login(secretariat)
    text = page_text(post(client, submitted, outcome="incomplet"))
    summary = text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', summary) == [
        (
            "id_reason",
            "Motif : Indiquez le motif : il est obligatoire pour un avis défavorable ou une demande de "
            "compléments.",
        ),
        (
            "id_items_0",
            "Éléments à compléter (demande de compléments) : Cochez au moins un élément à compléter.",
        ),
    ]
    assert 'id="id_reason"' in text and 'id="id_items_0"' in text
    summary = page_text(post(client, submitted)).split('id="error-summary"', 1)[1]
    assert (
        '<li><a href="#id_outcome_0">Votre décision : Choisissez une décision.</a></li>' in summary
    )


def test_a_decision_is_confirmed_then_recorded_and_the_queue_follows(
    client, secretariat, submitted
):
    client.force_login(secretariat)
    work = formapro(submitted)
    data = {
        "outcome": "incomplet",
        "reason": "Il manque l'attestation.",
        "items": [f"proof:experience:{work.pk}", "proof:identite"],
    }
    response = post(client, submitted, **data)
    text = page_text(response)
    assert "Vous allez demander des compléments : la demande revient au candidat" in text
    assert "Cette décision est définitive" in text
    assert "Pièce d'identité" in text and "Justificatifs de la période" in text
    assert not RecevabiliteDecision.objects.exists()
    # Modifier: back to the form, as typed.
    response = post(client, submitted, **data, edit="1")
    assert response.context["form"]["reason"].value() == "Il manque l'attestation."
    assert "Vous allez" not in page_text(response)
    response = post(client, submitted, **data, confirm="1")
    assert response.redirect_chain == [(reverse("recevabilite_queue"), 302)]
    assert flash_messages(response) == [
        f"Décision enregistrée pour {submitted.candidate} : demande de compléments. Une "
        "notification lui est envoyée ; le courrier « avis de recevabilité » est joint à sa candidature."
    ]
    decision = RecevabiliteDecision.objects.get()
    assert (decision.outcome, decision.reason, decision.decided_by) == (
        "incomplet",
        "Il manque l'attestation.",
        secretariat,
    )
    assert [item["code"] for item in decision.items] == data["items"][::-1]
    submitted.refresh_from_db()
    assert submitted.state == "demande"


def test_a_favorable_decision_ignores_ticked_items(client, secretariat, submitted):
    client.force_login(secretariat)
    post(client, submitted, outcome="favorable", items=["proof:identite"], confirm="1")
    decision = RecevabiliteDecision.objects.get()
    assert (decision.outcome, decision.items) == ("favorable", [])


def test_the_loser_of_two_decisions_is_told_who_decided_what(client, secretariat, submitted):
    other = UserFactory(first_name="Inès", last_name="Premier", platform_role="secretariat")
    client.force_login(secretariat)
    assert post(client, submitted, outcome="defavorable", reason="Hors champ.").status_code == 200
    decide(submitted, other, "favorable", expected_state="recevabilite")
    response = post(client, submitted, outcome="defavorable", reason="Hors champ.", confirm="1")
    assert response.redirect_chain == [(review_url(submitted), 302)]
    assert flash_messages(response) == [
        "Une décision vient d'être prise sur cette demande par Inès Premier : avis favorable : "
        "recevable. Rien n'a été enregistré de votre côté."
    ]
    assert RecevabiliteDecision.objects.filter(candidacy=submitted).count() == 1
    text = page_text(response)
    assert (
        "Cette demande n'est pas à l'examen" in text
        and '<form method="post" novalidate class="form" data-recevabilite-form>' not in text
    )


def test_a_page_opened_before_a_request_for_completion_cannot_decide_on_the_resubmission(
    client, secretariat, candidat, submitted
):
    client.force_login(secretariat)
    page = client.get(review_url(submitted))
    assert page.context["form"]["seen_decisions"].value() == 0
    # Meanwhile, another secretary asks for completion and the candidate submits again.
    decide(submitted, secretariat, "incomplet", items=["field:education"])
    services.run_transition(
        name="submit_recevabilite", candidacy=submitted, by=candidat, sworn=True
    )
    response = post(client, submitted, outcome="favorable", seen_decisions=0, confirm="1")
    assert response.redirect_chain == [(review_url(submitted), 302)]
    assert flash_messages(response) == [
        "Cette demande a été renvoyée pour compléments puis envoyée de nouveau depuis que vous "
        "l'avez ouverte : relisez-la avant de décider. Rien n'a été enregistré de votre côté."
    ]
    submitted.refresh_from_db()
    assert submitted.state == "recevabilite"
    assert list(submitted.recevabilite_decisions.values_list("outcome", flat=True)) == ["incomplet"]
    # Read again, the page carries what it shows, and the decision goes through.
    assert response.context["form"]["seen_decisions"].value() == 1
    post(client, submitted, outcome="favorable", seen_decisions=1, confirm="1")
    submitted.refresh_from_db()
    assert submitted.state == "recevable"


def test_the_service_checks_the_decisions_seen_under_the_lock(secretariat, candidat, submitted):
    decide(submitted, secretariat, "incomplet", items=["field:education"])
    services.run_transition(
        name="submit_recevabilite", candidacy=submitted, by=candidat, sworn=True
    )
    with pytest.raises(ConcurrentChange):
        services_recevabilite.recevabilite_decide(
            candidacy=submitted,
            by=secretariat,
            outcome="favorable",
            reason="",
            expected_state="recevabilite",
            seen_decisions=0,
        )
    submitted.refresh_from_db()
    assert submitted.state == "recevabilite" and submitted.recevabilite_decisions.count() == 1


# The candidate's partie 2 ------------------------------------------------------------------


def test_partie_2_flags_exactly_the_items_asked_for(client, secretariat, candidat, submitted):
    work = formapro(submitted)
    decide(
        submitted,
        secretariat,
        "incomplet",
        reason="Merci de préciser vos diplômes.",
        items=["field:education", f"proof:experience:{work.pk}"],
    )
    client.force_login(candidat)
    response = client.get(reverse("vae_request_edit", args=[submitted.pk]))
    text = page_text(response)
    assert "Compléments demandés par le secrétariat de la CPEF" in text
    assert "Merci de préciser vos diplômes." in text
    assert '<a href="#id_education">Formation et diplômes</a>' in text
    assert f'<a href="#periode-{work.pk}">Justificatifs de la période' in text
    assert "Pièce d'identité" not in text.split("Compléments demandés", 1)[1].split("</ul>")[0]
    assert f'class="vae-item vae-item--flagged" id="periode-{work.pk}"' in text
    # Each item flagged where it is: the period's proofs, and the field beside its label.
    assert text.count("badge--a-completer") == 2
    assert (
        '<div class="helptext" id="id_education_helptext"><span class="badge badge--a-completer">'
        "À compléter</span> Demandé par le secrétariat de la CPEF. Diplômes, titres et "
        "formations suivies, avec leur année.</div>"
    ) in text
    assert "Demandé par le secrétariat" not in text.split('id="id_motivation_helptext"')[1][:200]
    # Sent again: the flags are gone.
    services.run_transition(
        name="submit_recevabilite", candidacy=submitted, by=candidat, sworn=True
    )
    text = page_text(client.get(reverse("vae_request_edit", args=[submitted.pk])))
    assert "Compléments demandés" not in text and "badge--a-completer" not in text


# The candidacy page ------------------------------------------------------------------------


def test_the_candidacy_page_shows_submissions_and_decisions_with_their_letters(
    client,
    secretariat,
    candidat,
    gestionnaire,
    submitted,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(submitted, secretariat, "incomplet", items=["proof:identite"])
    services.run_transition(
        name="submit_recevabilite", candidacy=submitted, by=candidat, sworn=True
    )
    url = reverse("candidacy_detail", args=[submitted.pk])
    client.force_login(secretariat)
    text = page_text(client.get(url))
    assert f'href="{review_url(submitted)}">Examiner la demande</a>' in text
    client.force_login(candidat)
    text = page_text(client.get(url))
    section = text.split("Recevabilité : envois et décisions", 1)[1].split("</section>", 1)[0]
    assert section.count(f"demande envoyée par {candidat}") == 2
    assert "Demande de compléments" in section and "Pièce d'identité" in section
    assert f"expérience retenue : {4 * 365} jours" in section
    letter = Document.objects.get(kind="avis_recevabilite")
    assert reverse("document_download", args=[letter.pk]) in section
    assert review_url(submitted) not in text
    client.force_login(gestionnaire)
    assert review_url(submitted) not in page_text(client.get(url))


def test_each_decision_shows_its_letter_and_the_documents_list_the_latest_letter(
    client, secretariat, candidat, submitted, django_capture_on_commit_callbacks
):
    """A letter a decision: each beside its decision in the history of the request; among
    the official documents, the latest only (a long request would list dozens)."""
    with django_capture_on_commit_callbacks(execute=True):
        decide(submitted, secretariat, "incomplet", items=["proof:identite"])
    services.run_transition(
        name="submit_recevabilite", candidacy=submitted, by=candidat, sworn=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide(submitted, secretariat, "favorable", reason="Dossier complet.")
    first, latest = Document.objects.filter(kind="avis_recevabilite").order_by("generated_at")
    client.force_login(candidat)
    html = client.get(reverse("candidacy_detail", args=[submitted.pk])).content.decode()
    history = html.split('class="history recevabilite-history"', 1)[1].split("</ol>", 1)[0]
    listed = html.split('class="plain-list document-list"', 1)[1].split("</ul>", 1)[0]
    for letter in (first, latest):
        assert reverse("document_download", args=[letter.pk]) in history
    assert reverse("document_download", args=[latest.pk]) in listed
    assert reverse("document_download", args=[first.pk]) not in listed


def test_a_request_for_completion_is_not_shown_as_the_avis_once_sent_again(
    client, secretariat, candidat, submitted
):
    decide(submitted, secretariat, "incomplet", reason="Diplômes à préciser.")
    services.run_transition(
        name="submit_recevabilite", candidacy=submitted, by=candidat, sworn=True
    )
    client.force_login(secretariat)
    for name in ("candidacy_detail", "vae_request_edit"):
        text = page_text(client.get(reverse(name, args=[submitted.pk])))
        # In the history, as a request for completion; not as the request's avis.
        assert "Diplômes à préciser." in text
        assert "Avis de recevabilité</dt>" not in text, name
    decide(submitted, secretariat, "favorable", reason="Dossier complet.")
    for name in ("candidacy_detail", "vae_request_edit"):
        text = page_text(client.get(reverse(name, args=[submitted.pk])))
        assert "Avis de recevabilité</dt><dd>Dossier complet.</dd>" in text, name


def test_a_decisions_reason_is_shown_escaped_with_its_line_breaks(client, secretariat, submitted):
    decide(submitted, secretariat, "incomplet", reason="<b>Diplômes</b>\nà préciser.")
    client.force_login(secretariat)
    html = client.get(reverse("candidacy_detail", args=[submitted.pk])).content.decode()
    section = html.split('class="history recevabilite-history"', 1)[1].split("</ol>", 1)[0]
    assert "<q>&lt;b&gt;Diplômes&lt;/b&gt;<br>à préciser.</q>" in section
    assert "<b>Diplômes</b>" not in html


def test_the_candidacy_page_queries_do_not_grow_with_decisions(
    client, secretariat, candidat, submitted
):
    client.force_login(candidat)
    url = reverse("candidacy_detail", args=[submitted.pk])
    _more(submitted, periods=0, decisions=1, secretariat=secretariat, candidat=candidat)
    few = query_count(client, url)
    _more(submitted, periods=0, decisions=4, secretariat=secretariat, candidat=candidat)
    assert query_count(client, url) == few


# The candidate's dashboard -------------------------------------------------------------------


def test_the_candidates_dashboard_says_when_a_decision_is_due_then_what_is_asked(
    client, secretariat, candidat, submitted
):
    client.force_login(candidat)
    text = page_text(client.get(reverse("dashboard")))
    assert "Décision attendue au plus tard le 31/01/2099." in text
    assert "vous demande de compléter" not in text

    decide(submitted, secretariat, "incomplet", items=["field:education"])
    text = page_text(client.get(reverse("dashboard")))
    assert "Le secrétariat de la CPEF vous demande de compléter votre demande." in text
    assert (
        f'href="{reverse("vae_request_edit", args=[submitted.pk])}">Voir ce qui est demandé' in text
    )
    assert "Décision attendue" not in text


def test_an_ongoing_periods_days_stop_the_day_before_the_request_as_the_figure_does(
    client, secretariat, candidat, own_org
):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy)
    period = candidacy.vae_request.experiences.get()
    period.end_date = None  # still held on the request day
    period.save()
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    client.force_login(secretariat)
    response = client.get(review_url(candidacy))
    days = response.context["experience"].days
    assert [p.days_until_request for p in response.context["experiences"]] == [days]
    assert f'<td data-label="Jours avant la date de la demande">{days}</td>' in page_text(response)


def test_the_candidacy_page_shows_the_latest_submissions_and_decisions_and_links_to_all(
    client, secretariat, candidat, submitted
):
    _more(submitted, periods=0, decisions=4, secretariat=secretariat, candidat=candidat)
    # 5 submissions and 4 decisions: the page shows the latest 6 and says there are 9.
    client.force_login(secretariat)
    text = page_text(client.get(reverse("candidacy_detail", args=[submitted.pk])))
    section = text.split("Recevabilité : envois et décisions", 1)[1].split("</section>", 1)[0]
    assert "Les 6 derniers envois et décisions, sur 9 en tout." in section
    assert section.count(f"demande envoyée par {candidat}") == 3
    assert section.count("Demande de compléments") == 3
    history = reverse("candidacy_history", args=[submitted.pk])
    assert f'href="{history}#recevabilite"' in section
    full = page_text(client.get(history))
    section = full.split("Recevabilité : envois et décisions", 1)[1].split("</section>", 1)[0]
    assert section.count(f"demande envoyée par {candidat}") == 5
    assert section.count("Demande de compléments") == 4
