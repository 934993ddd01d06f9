"""The secretariat's decisions on a VAE request: the items it can flag, the service that
records each decision with its transition, the guards, the second decision that loses, the
notification and the letter (« avis de recevabilité »)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from candidates import recevabilite, services
from candidates.experience import experience_summary
from candidates.models import RecevabiliteDecision
from cqp.exceptions import ConcurrentChange
from cqp.models import Document, Notification
from cqp.tasks import generate_document
from tests.candidates.builders import DAY, decide, refused, today, vae_candidacy, vae_ready
from tests.factories import UserFactory, VaeCandidacyFactory, VaeExperienceFactory
from tests.helpers import pdf_read, stored_bytes

pytestmark = pytest.mark.django_db

RECOURSE = "Recours gracieux auprès de la présidence de la CPEF, sous deux mois."


@pytest.fixture
def submitted(candidat, own_org):
    """A complete VAE request of `candidat`, submitted today (one period of four years)."""
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=4 * 365)
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    candidacy.vae_request.decision_due_on = today() + 60 * DAY
    candidacy.vae_request.save()
    return candidacy


def period(candidacy):
    return candidacy.vae_request.experiences.get()


# The items -----------------------------------------------------------------------------------


def test_items_cover_each_field_the_identity_a_missing_period_and_each_period(submitted):
    work = period(submitted)
    items = recevabilite.completion_items([work])
    assert [code for code, _label in items] == [
        "field:current_situation",
        "field:current_job_title",
        "field:education",
        "field:motivation",
        "proof:identite",
        "experiences",
        f"experience:{work.pk}",
        f"proof:experience:{work.pk}",
    ]
    labels = dict(items)
    assert labels["field:education"] == "Formation et diplômes"
    span = f"du {work.start_date:%d/%m/%Y} au {work.end_date:%d/%m/%Y}"
    assert labels[f"proof:experience:{work.pk}"] == (
        f"Justificatifs de la période Assistante de formation — Formapro ({span})"
    )


def test_items_stored_with_their_label_stay_readable_once_the_period_is_gone(submitted):
    work = period(submitted)
    stored = recevabilite.stored({f"experience:{work.pk}", "proof:identite"}, [work])
    assert [item["code"] for item in stored] == ["proof:identite", f"experience:{work.pk}"]
    pk = work.pk
    work.delete()
    assert recevabilite.labels(stored) == [
        "Pièce d'identité",
        f"Détails de la période Assistante de formation — Formapro (du {work.start_date:%d/%m/%Y} "
        f"au {work.end_date:%d/%m/%Y})",
    ]
    flags = recevabilite.flags(stored)
    assert flags["identity"] and flags["details"] == {pk} and not flags["proofs"]
    assert [item["anchor"] for item in flags["items"]] == ["justificatifs", f"periode-{pk}"]


def test_an_item_of_another_request_is_not_stored(submitted):
    with pytest.raises(ValueError, match="experience:999999"):
        recevabilite.stored({"experience:999999"}, [period(submitted)])


# The service -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "state", "transition"),
    [
        ("favorable", "recevable", "declare_recevable"),
        ("defavorable", "non_recevable", "declare_non_recevable"),
        ("incomplet", "demande", "request_completion"),
    ],
)
def test_each_outcome_takes_its_transition_and_records_the_decision(
    outcome, state, transition, submitted, secretariat
):
    expected_days = experience_summary(submitted)["experience"].days
    items = ["field:education", f"proof:experience:{period(submitted).pk}"]
    decision = decide(
        submitted,
        secretariat,
        outcome,
        reason=" Motif de la décision. ",
        items=items if outcome == "incomplet" else [],
        expected_state="recevabilite",
    )
    submitted.refresh_from_db()
    assert submitted.state == state
    assert submitted.recevabilite_reason == "Motif de la décision."
    assert submitted.logs.filter(transition=transition).count() == 1
    assert list(submitted.recevabilite_decisions.all()) == [decision]
    assert (decision.outcome, decision.reason, decision.decided_by) == (
        outcome,
        "Motif de la décision.",
        secretariat,
    )
    assert (decision.submitted_on, decision.experience_days) == (today(), expected_days)
    assert expected_days == 4 * 365
    if outcome == "incomplet":
        assert [item["code"] for item in decision.items] == items
        assert decision.items[0]["label"] == "Formation et diplômes"
    else:
        assert decision.items == []


@pytest.mark.parametrize("outcome", ["favorable", "defavorable"])
def test_a_decision_ends_the_deadline(submitted, secretariat, outcome):
    """Decided, a request has no decision due any more: it leaves the overdue count, which
    reads only the requests awaiting one."""
    submitted.vae_request.refresh_from_db()
    assert submitted.vae_request.decision_due_on is not None
    decide(submitted, secretariat, outcome)
    submitted.vae_request.refresh_from_db()
    assert submitted.vae_request.decision_due_on is None


def test_a_request_for_completion_keeps_partie_2_and_suspends_the_deadline(
    submitted, secretariat, candidat
):
    decide(submitted, secretariat, "incomplet", items=["proof:identite"])
    submitted.refresh_from_db()
    vae_request = submitted.vae_request
    assert vae_request.decision_due_on is None
    assert vae_request.education == "BTS assistant de gestion"
    assert vae_request.experiences.count() == 1
    # Back with the candidate, who edits partie 2 again, and submits it again.
    services.vae_request_update(candidacy=submitted, by=candidat, education="BTS et licence")
    services.run_transition(
        name="submit_recevabilite", candidacy=submitted, by=candidat, sworn=True
    )
    assert submitted.state == "recevabilite"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_request_for_completion_needs_a_reason(reason, submitted, secretariat):
    error = refused(
        submitted,
        lambda: decide(submitted, secretariat, "incomplet", reason=reason),
    )
    assert error.missing == ["le motif de la demande de compléments"]
    assert not RecevabiliteDecision.objects.exists()


def test_a_request_for_completion_needs_an_item(submitted, secretariat):
    error = refused(submitted, lambda: decide(submitted, secretariat, "incomplet", items=[]))
    assert error.missing == ["au moins un élément à compléter"]
    assert (
        error.message
        == "Impossible de demander des compléments : il manque au moins un élément à compléter."
    )
    submitted.vae_request.refresh_from_db()
    assert submitted.vae_request.decision_due_on == today() + 60 * DAY
    assert not RecevabiliteDecision.objects.exists()


def test_an_unknown_item_is_refused_next_to_the_checklist(submitted, secretariat):
    error = refused(
        submitted,
        lambda: decide(submitted, secretariat, "incomplet", items=["experience:0"]),
        error=ValidationError,
    )
    assert error.message_dict == {"items": ["Cet élément ne fait pas partie de la demande."]}
    assert not RecevabiliteDecision.objects.exists()


def test_a_second_decision_loses_and_is_told_who_decided_what(submitted, secretariat):
    decide(submitted, secretariat, "favorable", expected_state="recevabilite")
    other = UserFactory(first_name="Inès", last_name="Second", platform_role="secretariat")
    with pytest.raises(ConcurrentChange) as lost:
        decide(submitted, other, "defavorable", expected_state="recevabilite")
    assert lost.value.message == (
        f"Une décision vient d'être prise sur cette demande par {secretariat} : avis favorable "
        ": recevable. Rien n'a été enregistré de votre côté."
    )
    assert RecevabiliteDecision.objects.filter(candidacy=submitted).count() == 1
    assert submitted.logs.filter(transition="declare_non_recevable").count() == 0


def test_a_decision_on_a_request_withdrawn_meanwhile_says_so(submitted, secretariat, candidat):
    services.run_transition(name="withdraw", candidacy=submitted, by=candidat, comment="Départ")
    with pytest.raises(ConcurrentChange) as lost:
        decide(submitted, secretariat, "favorable", expected_state="recevabilite")
    assert "elle est maintenant à l'étape « Abandonnée »" in lost.value.message
    assert not RecevabiliteDecision.objects.exists()


def test_the_decision_is_append_only(submitted, secretariat):
    decision = decide(submitted, secretariat, "favorable")
    decision.reason = "Autre"
    with pytest.raises(PermissionError):
        decision.save()


# Notification and letter -------------------------------------------------------------------


def test_the_candidate_is_told_the_letter_is_on_their_candidacy(
    submitted, secretariat, candidat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(submitted, secretariat, "incomplet")
    notification = Notification.objects.get(user=candidat, event="request_completion")
    assert notification.subject == "Votre demande de VAE : des compléments sont demandés"
    assert "les éléments à compléter sont signalés dans votre partie 2" in notification.body
    assert "Le courrier « avis de recevabilité » est disponible" in notification.body
    assert notification.url == reverse("vae_request_edit", args=[submitted.pk])


def test_a_favorable_decision_tells_the_candidate_and_links_the_candidacy(
    submitted, secretariat, candidat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(submitted, secretariat, "favorable")
    notification = Notification.objects.get(user=candidat, event="declare_recevable")
    assert "Le courrier « avis de recevabilité » est disponible sur la page de votre" in (
        notification.body
    )
    assert notification.url == reverse("candidacy_detail", args=[submitted.pk])


@pytest.fixture
def named(candidat):
    candidat.first_name, candidat.last_name = "Éloïse", "Lefèvre-Duchêne"
    candidat.save()
    return candidat


def letter_of(decision) -> Document:
    return Document.objects.get(kind="avis_recevabilite", object_id=decision.pk)


def test_the_defavorable_letter_holds_the_identity_dates_decision_reason_and_recourse(
    named, submitted, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.RECEVABILITE_RECOURSE_TEXT = RECOURSE
    settings.RECEVABILITE_LETTER_PLACE = "Lyon"
    VaeExperienceFactory(
        request=submitted.vae_request,
        employer="Hôtel des Deux Rivières",
        job_title="Réceptionniste",
        start_date=datetime.date(2012, 1, 1),
        end_date=datetime.date(2013, 6, 30),
        is_relevant=False,
        working_time=60,
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(
            submitted, secretariat, "defavorable", reason="Expérience hors du champ du CQP."
        )
    text, pages = pdf_read(stored_bytes(letter_of(decision)))
    assert pages <= 3
    day = today().strftime("%d/%m/%Y")
    for expected in (
        "Avis de recevabilité de la demande de VAE",
        "Éloïse Lefèvre-Duchêne",
        named.email,
        f"Date de la demande {day}",
        f"Date de la décision {day}",
        "Avis défavorable : la demande n'est pas recevable.",
        "Expérience hors du champ du CQP.",
        "Assistante de formation — Formapro",
        "Réceptionniste — Hôtel des Deux Rivières",
        "temps partiel (60 %)",
        f"Expérience en rapport avec le CQP retenue : {experience_summary(submitted)['experience'].display()}",
        "Voies de recours",
        RECOURSE,
        f"Fait à Lyon, le {day}.",
        secretariat.get_full_name(),
    ):
        assert expected in text, expected


def test_the_incomplete_letter_lists_the_items_and_says_the_deadline_restarts(
    named, submitted, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.RECEVABILITE_RECOURSE_TEXT = RECOURSE
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(
            submitted,
            secretariat,
            "incomplet",
            reason="Attestation manquante.",
            items=["proof:identite", "field:motivation"],
        )
    text, _pages = pdf_read(stored_bytes(letter_of(decision)))
    assert "des compléments sont demandés" in text
    assert "Éléments à compléter : Motivation de la demande Pièce d'identité" in text
    assert "le délai d'examen par le secrétariat recommence à courir" in text
    assert RECOURSE not in text


def test_the_favorable_letter_says_what_comes_next(
    submitted, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(submitted, secretariat, "favorable", reason="Dossier complet.")
    text, _pages = pdf_read(stored_bytes(letter_of(decision)))
    assert "Avis favorable : la demande est recevable." in text
    assert "renseigner la partie 3" in text


def test_each_decision_has_its_letter_stored_once(
    submitted, secretariat, candidat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = decide(submitted, secretariat, "incomplet")
    services.run_transition(
        name="submit_recevabilite", candidacy=submitted, by=candidat, sworn=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = decide(submitted, secretariat, "favorable")
    stored = letter_of(first)
    # The task again (a retry): the same document.
    assert generate_document.delay("avis_recevabilite", first.pk).get() == stored.pk
    assert Document.objects.filter(kind="avis_recevabilite").count() == 2
    assert letter_of(second).pk != stored.pk


def test_the_letter_is_downloaded_by_its_candidate_not_by_another(
    client, submitted, secretariat, candidat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(submitted, secretariat, "favorable")
    url = reverse("document_download", args=[letter_of(decision).pk])
    client.force_login(candidat)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    other = VaeCandidacyFactory().candidate.user
    client.force_login(other)
    assert client.get(url).status_code == 404
