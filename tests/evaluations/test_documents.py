"""The dossier de suivi et d'évaluation as an official PDF: its content, when it is stored
(at each transmission to the jury, never before), who may download or preview it.

The dossier is filled through the real services: the candidate's accounts and evidence,
the evaluators' observations, opinions, joint results and signatures.
"""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Candidacy
from cqp.documents import get_kind, render_pdf
from cqp.models import Document, Issuer
from cqp.tasks import generate_document
from evaluations import documents, services
from tests.candidates.builders import competence, today
from tests.cqp.builders import pdf_bytes
from tests.factories import ParcoursActionFactory
from tests.helpers import pdf_read, pdf_text

from .builders import NON_ACQUISE, assessment, dossier_of, opinions, parcours_in_evaluation, sign

pytestmark = pytest.mark.django_db

CODE = "dossier_evaluation"
CERTIFICATION = "CQP Assistant(e) de formation"
ACCOUNT = (
    "J'ai conçu le planning des sessions « Bureautique » et coordonné l'accueil des stagiaires."
)
OBSERVED = "Accueil d'un groupe de douze stagiaires : émargement, consignes de sécurité."
GENERAL = "Entretien de synthèse : la candidate décrit son rôle auprès des formateurs."
DISAGREEMENT = "Après échange, l'évaluation retient une compétence non acquise (suivi incomplet)."
PDF = pdf_bytes()


def _named(user, first_name, last_name):
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    return user


def _upload(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def people(candidat, professionnel, evaluateur):
    _named(candidat, "Anaïs", "Lefèvre")
    _named(professionnel, "Benoît", "Mercier")
    _named(evaluateur, "Hélène", "Garçon")


@pytest.fixture
def candidacy(people, candidat, own_org, secretariat, professionnel, evaluateur):
    return parcours_in_evaluation(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )


@pytest.fixture
def complete(candidacy, candidat, professionnel, evaluateur):
    """The dossier ready to transmit: C1 told, evidenced and observed; C2 settled after a
    disagreement; a situation about the whole dossier; every result co-signed."""
    dossier = dossier_of(candidacy)
    services.account_save(dossier=dossier, by=candidat, competence=competence(1), text=ACCOUNT)
    services.evidence_add(
        dossier=dossier, by=candidat, competence=competence(1), upload=_upload("planning.pdf")
    )
    services.observation_add(
        dossier=dossier,
        by=professionnel,
        kind="observee",
        date=today(),
        context="Accueil en centre de formation",
        observed=OBSERVED,
        competence=competence(1),
    )
    services.observation_add(
        dossier=dossier,
        by=evaluateur,
        kind="analysee",
        date=today(),
        context="Entretien",
        observed=GENERAL,
    )
    for number in range(1, 7):
        eva = NON_ACQUISE if number == 2 else "acquise"
        opinions(dossier, number, professionnel=professionnel, evaluateur=evaluateur, eva=eva)
    services.final_set(
        assessment=assessment(dossier, 2), by=evaluateur, result=NON_ACQUISE, comment=DISAGREEMENT
    )
    for number in range(1, 7):
        sign(dossier, number, professionnel, evaluateur)
    dossier.refresh_from_db()
    return dossier


def _transmit(dossier, evaluateur, capture):
    with capture(execute=True):
        services.dossier_transmit(dossier=dossier, by=evaluateur)
    dossier.refresh_from_db()
    return dossier


def _stored(dossier):
    return list(Document.objects.filter(kind=CODE, object_id=dossier.pk).order_by("edition"))


def test_transmission_stores_the_whole_dossier_once(
    client,
    complete,
    candidat,
    evaluateur,
    outsider,
    django_capture_on_commit_callbacks,
):
    assert _stored(complete) == []

    dossier = _transmit(complete, evaluateur, django_capture_on_commit_callbacks)

    [document] = _stored(dossier)
    assert document.edition == 1
    assert document.title == "Dossier de suivi et d'évaluation — Anaïs Lefèvre"
    data = document.file.read()
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    # A cover page, then one page (or more) per competence.
    assert 7 <= document.pages <= 20
    text, pages = pdf_read(data)
    assert pages == document.pages
    for expected in [
        "Dossier de suivi et d'évaluation",
        "Anaïs Lefèvre",
        CERTIFICATION,
        "Formapro Test",
        "Benoît Mercier",
        "Hélène Garçon",
        ACCOUNT,
        "Accueil en centre de formation",
        OBSERVED,
        GENERAL,
        "Situation observée",
        "Situation analysée",
        "planning.pdf",
        "Avis pro",
        "Avis éval",
        DISAGREEMENT,
        "Non acquise",
        f"Page 1 sur {document.pages}",
        f"Page {document.pages} sur {document.pages}",
    ]:
        assert expected in text, expected
    for number in range(1, 7):
        comp = competence(number)
        assert f"{comp.code}. {comp.title}" in text
        for element in comp.elements.all():
            assert " ".join(element.title.split()) in text
    # Both evaluators signed every result (signed name and date: 12 signatures).
    assert text.count(f"Benoît Mercier, le {today():%d/%m/%Y}") == 6
    assert text.count(f"Hélène Garçon, le {today():%d/%m/%Y}") == 6
    # The candidate's header is repeated on every page.
    assert text.count("Anaïs Lefèvre") >= document.pages
    assert "PROJET" not in text

    # Running the task again (a retry, a duplicate) stores nothing more.
    assert generate_document(CODE, dossier.pk, 1) == document.pk
    assert _stored(dossier) == [document]

    url = reverse("document_download", args=[document.pk])
    for user in (candidat, evaluateur):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == data
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_before_transmission_only_a_draft(
    client, complete, candidat, evaluateur, outsider, django_capture_on_commit_callbacks
):
    # The task refuses a dossier that is not transmitted.
    assert generate_document(CODE, complete.pk, 1) is None
    assert _stored(complete) == []

    client.force_login(candidat)
    page = client.get(reverse("dossier_detail", args=[complete.candidacy_id]))
    preview_url = reverse("document_preview", args=[CODE, complete.pk])
    assert preview_url in page.content.decode()
    assert page.context["pdf_document"] is None

    response = client.get(preview_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "PROJET" in text
    assert "Anaïs Lefèvre" in text
    assert ACCOUNT in text
    assert "non transmis" in text
    assert _stored(complete) == []

    client.force_login(outsider)
    assert client.get(preview_url).status_code == 404


def test_draft_keeps_a_lone_opinion_secret(client, candidacy, professionnel, candidat):
    dossier = dossier_of(candidacy)
    services.opinion_give(
        assessment=assessment(dossier, 1),
        by=professionnel,
        opinion=NON_ACQUISE,
        comment="Organisation encore fragile",
    )
    client.force_login(candidat)
    text = pdf_text(client.get(reverse("document_preview", args=[CODE, dossier.pk])).content)
    assert "avis donné" in text
    assert "Organisation encore fragile" not in text
    assert "Non acquise" not in text


def test_returned_dossier_transmitted_again_is_a_new_edition(
    client, complete, candidacy, secretariat, evaluateur, django_capture_on_commit_callbacks
):
    dossier = _transmit(complete, evaluateur, django_capture_on_commit_callbacks)
    [first] = _stored(dossier)
    first_sha = first.sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_reopen(
            candidacy=candidacy, by=secretariat, reason="Signature du livret manquante."
        )
    dossier.refresh_from_db()
    assert dossier.transmitted_at is None

    # While reopened: a draft to preview, and the first transmission still downloadable.
    client.force_login(evaluateur)
    detail = reverse("dossier_detail", args=[candidacy.pk])
    page = client.get(detail)
    assert page.context["pdf_preview"] is True
    assert page.context["pdf_document"] == first
    html = page.content.decode()
    assert reverse("document_preview", args=[CODE, dossier.pk]) in html
    assert reverse("document_download", args=[first.pk]) in html

    dossier = _transmit(dossier, evaluateur, django_capture_on_commit_callbacks)

    assert [d.edition for d in _stored(dossier)] == [1, 2]
    first.refresh_from_db()
    assert first.sha256 == first_sha
    second = _stored(dossier)[1]
    assert second.sha256 == hashlib.sha256(second.file.read()).hexdigest()
    assert documents.transmission_edition(dossier) == 2
    page = client.get(detail)
    assert page.context["pdf_preview"] is False
    assert page.context["pdf_document"] == second
    html = page.content.decode()
    assert reverse("document_download", args=[second.pk]) in html
    assert reverse("document_download", args=[first.pk]) not in html
    assert reverse("document_preview", args=[CODE, dossier.pk]) not in html
    assert client.get(reverse("assessment", args=[candidacy.pk])).context["pdf_document"] == second


def test_queries_do_not_grow_with_the_dossier(candidacy, candidat, professionnel):
    dossier = dossier_of(candidacy)
    kind = get_kind(CODE)

    def fill(observations, files):
        for i in range(observations):
            services.observation_add(
                dossier=dossier,
                by=professionnel,
                kind="observee",
                date=today(),
                context=f"Contexte n°{i}",
                observed="Observé.",
                competence=competence(1 + i % 6),
            )
        for number in range(1, 7):
            services.account_save(
                dossier=dossier, by=candidat, competence=competence(number), text="Récit"
            )
            for _ in range(files):
                services.evidence_add(
                    dossier=dossier,
                    by=candidat,
                    competence=competence(number),
                    upload=_upload("piece.pdf"),
                )

    issuer = Issuer.current()  # read once per render by cqp.documents.render_pdf

    def queries():
        # The template's queries count too (lazy relations): rendered to HTML, not to PDF.
        with CaptureQueriesContext(connection) as captured:
            context = kind.context(dossier)
            html = render_to_string(
                kind.template,
                {**context, "document_title": "x", "issuer": issuer},
            )
        return len(captured), html

    fill(observations=1, files=1)
    few, _html = queries()
    fill(observations=12, files=2)
    many, html = queries()
    assert many == few
    assert html.count("Contexte n°") == 13


def test_the_dossier_shows_the_parcours_followed_and_the_mise_en_pratique(candidacy):
    ParcoursActionFactory(
        candidacy=candidacy,
        competence=competence(4),
        kind="formation",
        provider="Centre de formation de Saint-Étienne",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 27),
        done=True,
    )
    ParcoursActionFactory(
        candidacy=candidacy,
        competence=competence(5),
        provider="Tutrice : Mme Vidal",
        start_date=datetime.date(2026, 4, 1),
        done=False,
    )
    # A later cycle's action is not this dossier's parcours.
    ParcoursActionFactory(candidacy=candidacy, cycle=2, provider="Cycle suivant")
    Candidacy.objects.filter(pk=candidacy.pk).update(
        practice_confirmed_on=datetime.date(2026, 5, 4),
        practice_note="Gestion complète de trois sessions inter-entreprises.",
    )

    data, _pages = render_pdf(get_kind(CODE), dossier_of(candidacy))

    text = pdf_text(data)
    parcours = text[text.index("Parcours suivi") : text.index("Compétences évaluées")]
    c4, c5 = competence(4), competence(5)
    assert (
        f"C4 {c4.title} Action de formation — Centre de formation de Saint-Étienne "
        "02/03/2026 27/03/2026 Oui"
    ) in parcours
    assert f"C5 {c5.title}" in parcours and "Tutrice : Mme Vidal 01/04/2026 — Non" in parcours
    assert "Cycle suivant" not in text
    assert (
        "Mise en pratique en entreprise Mise en pratique confirmée le 04/05/2026 par le "
        "professionnel du secteur. Gestion complète de trois sessions inter-entreprises."
    ) in parcours
    assert "Candidat(e)" not in text
