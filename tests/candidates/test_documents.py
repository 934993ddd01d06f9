"""The candidacy's official PDFs: the livret de repérage and the dossier de VAE (parties 2 and 3).

Each stored PDF is rendered once per test and every assertion on its text is grouped on it:
rendering takes a noticeable fraction of a second.
"""

import datetime
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import documents as candidate_documents
from candidates import services
from candidates.experience import required_days
from candidates.models import ReperageEntry, VaeRequest
from candidates.templatetags.candidacy_items import document_items
from cqp.models import Competence, Document
from cqp.tasks import generate_document
from evaluations import services as evaluation_services
from tests.candidates.builders import (
    assign,
    candidacy_in,
    competence,
    decide,
    fill_livret,
    today,
    vae_ready,
)
from tests.factories import (
    DocumentFactory,
    ParcoursActionFactory,
    ReperageEntryFactory,
    VaeActivityFactory,
    VaeExperienceFactory,
    VaeProofFactory,
)
from tests.helpers import page_text, pdf_pages, pdf_text, stored_bytes

pytestmark = pytest.mark.django_db

CERTIFICATION = "CQP Assistant(e) de formation"
LIVRET = "Livret de repérage des compétences acquises et des besoins en formation"
DOSSIER_VAE = "Dossier de VAE — parties 2 et 3"


def _competence_titles(candidacy) -> list[str]:
    return list(
        Competence.objects.filter(certification=candidacy.certification)
        .order_by("number")
        .values_list("title", flat=True)
    )


def _assert_every_page_names(pages, *, candidate):
    for number, text in enumerate(pages, start=1):
        assert candidate in text, number
        assert CERTIFICATION in text, number
        assert f"Page {number} sur {len(pages)}" in text


@pytest.fixture
def named_candidat(candidat):
    candidat.first_name, candidat.last_name = "Éloïse", "Lefèvre-Duchêne"
    candidat.save()
    return candidat


@pytest.fixture
def parcours(named_candidat, own_org, secretariat, professionnel, evaluateur):
    candidacy = candidacy_in("reperage", named_candidat, own_org)
    return assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)


@pytest.fixture
def vae(named_candidat, own_org, secretariat, professionnel, evaluateur):
    candidacy = candidacy_in("demande", named_candidat, own_org)
    return assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)


def _livret_ready(candidacy):
    """Every element assessed but C6.8; C2 to develop, with a planned training action."""
    fill_livret(candidacy, to_develop={2}, unassessed={"C6.8"})
    ReperageEntry.objects.filter(
        candidacy=candidacy, element__competence__number=2, element__number=1
    ).update(
        comment="Gère déjà les fichiers de présence ; efficace avec les financeurs.",
        training_need="Formation « logistique des sessions » à prévoir.",
    )
    ParcoursActionFactory(
        candidacy=candidacy,
        competence=competence(2),
        provider="Centre de formation de Saint-Étienne",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 27),
    )


def _complete(candidacy, professionnel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.run_transition(name="complete_reperage", candidacy=candidacy, by=professionnel)


# Livret de repérage ------------------------------------------------------------------------


def test_livret_is_stored_once_when_the_reperage_is_completed(
    parcours, professionnel, own_org, django_capture_on_commit_callbacks
):
    _livret_ready(parcours)
    # Not before: a refused completion (C6.8 not assessed) stores nothing, nor does the task.
    with pytest.raises(services.GuardFailed):
        _complete(parcours, professionnel, django_capture_on_commit_callbacks)
    assert generate_document.delay("livret", parcours.pk).get() is None
    assert not Document.objects.exists()

    ReperageEntryFactory(
        candidacy=parcours, element=competence(6).elements.get(number=8), status="acquis"
    )
    _complete(parcours, professionnel, django_capture_on_commit_callbacks)

    document = Document.objects.get()
    assert (document.kind, document.object_id, document.edition) == ("livret", parcours.pk, 1)
    assert document.title == f"{LIVRET} — Éloïse Lefèvre-Duchêne"
    data = stored_bytes(document)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    pages = pdf_pages(data)
    assert document.pages == len(pages)
    assert 2 <= len(pages) <= 12
    _assert_every_page_names(pages, candidate="Éloïse Lefèvre-Duchêne")
    text = " ".join(pages)
    assert LIVRET in text
    assert own_org.name in text
    assert str(professionnel) in text
    for title in _competence_titles(parcours):
        assert title in text
    first_of_c2 = competence(2).elements.get(number=1)
    assert f"C2.1 {first_of_c2.title}" in text
    assert "Gère déjà les fichiers de présence ; efficace avec les financeurs." in text
    assert "Formation « logistique des sessions » à prévoir." in text
    assert "À développer" in text and "Acquis" in text
    assert "Parcours de formation (cycle 1)" in text
    assert "Centre de formation de Saint-Étienne" in text
    assert "du 02/03/2026 au 27/03/2026" in text
    assert "Repérage réalisé par" in text
    # The issuer's identity heads it; the candidate, the professionnel and the employer sign.
    assert "Commission paritaire nationale de l'emploi" in text
    assert "10 rue de la Formation, 75010 Paris" in text
    signatures = text[text.index("Repérage réalisé par") :]
    assert (
        f"La personne candidate Éloïse Lefèvre-Duchêne Date et signature "
        f"Le professionnel du secteur {professionnel} Date et signature "
        f"L'employeur {own_org.name} Date, signature et cachet"
    ) in signatures
    assert "Candidat(e)" not in text
    assert "PROJET" not in text

    # Once: the task run again returns the stored document and stores nothing more.
    assert generate_document.delay("livret", parcours.pk).get() == document.pk
    assert Document.objects.count() == 1


def test_livret_download_for_the_candidate_and_the_gestionnaire_only(
    client, parcours, professionnel, named_candidat, gestionnaire, outsider, evaluateur
):
    fill_livret(parcours, to_develop={2})
    services.run_transition(name="complete_reperage", candidacy=parcours, by=professionnel)
    # Stored directly (no on-commit execution): the download reads the stored bytes.
    document = generate_document.delay("livret", parcours.pk).get()
    document = Document.objects.get(pk=document)
    url = reverse("document_download", args=[document.pk])
    for user in (named_candidat, gestionnaire, professionnel, evaluateur):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == stored_bytes(document)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_livret_preview_before_completion_is_a_draft_and_stores_nothing(
    client, parcours, professionnel, outsider
):
    fill_livret(parcours, to_develop={3}, unassessed={"C1.1"})
    url = reverse("document_preview", args=["livret", parcours.pk])
    client.force_login(professionnel)
    page = page_text(client.get(reverse("reperage_edit", args=[parcours.pk])))
    assert f'href="{url}"' in page and "Aperçu PDF" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    _assert_every_page_names(pages, candidate="Éloïse Lefèvre-Duchêne")
    text = " ".join(pages)
    assert "PROJET" in text and "repérage en cours" in text and "non renseigné" in text
    assert not Document.objects.exists()
    # Whoever may not see the candidacy, or asks for the VAE kind of a parcours, gets 404.
    assert (
        client.get(reverse("document_preview", args=["dossier_vae", parcours.pk])).status_code
        == 404
    )
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_livret_context_queries_do_not_grow_with_the_livret(parcours):
    with CaptureQueriesContext(connection) as empty:
        candidate_documents.livret_context(parcours)
    _livret_ready(parcours)
    ParcoursActionFactory(candidacy=parcours, competence=competence(2), provider="Tuteur")
    with CaptureQueriesContext(connection) as full:
        context = candidate_documents.livret_context(parcours)
    assert len(full) == len(empty)
    assert sum(len(row["elements"]) for row in context["competences"]) == 45
    assert len(context["plan"]) == 2


# Dossier de VAE ----------------------------------------------------------------------------


def _add_activities(candidacy):
    for n in range(1, 7):
        VaeActivityFactory(
            candidacy=candidacy,
            competence=competence(n),
            title=f"Activité C{n} : coordination des sessions",
            description=f"J'ai organisé l'accueil des stagiaires et les fiches d'émargement ({n}).",
            context="Formapro, 2021-2024",
        )


def test_dossier_vae_is_stored_once_when_partie_3_is_submitted(
    client,
    vae,
    named_candidat,
    secretariat,
    gestionnaire,
    outsider,
    own_org,
    django_capture_on_commit_callbacks,
):
    vae_ready(vae)
    hotel = VaeExperienceFactory(
        request=vae.vae_request,
        employer="Hôtel des Deux Rivières",
        job_title="Réceptionniste",
        start_date=today() - datetime.timedelta(days=4000),
        end_date=today() - datetime.timedelta(days=3500),
        is_relevant=False,
        activities="Accueil de la clientèle, facturation.",
    )
    VaeProofFactory(request=vae.vae_request, experience=hotel, kind="bulletin_salaire")
    with django_capture_on_commit_callbacks(execute=True):
        services.run_transition(
            name="submit_recevabilite", candidacy=vae, by=named_candidat, sworn=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        decide(vae, secretariat, "favorable", reason="Expérience conforme au référentiel.")
    # Not before partie 3 is submitted (the decision's own letter aside).
    assert not Document.objects.exclude(kind="avis_recevabilite").exists()
    assert generate_document.delay("dossier_vae", vae.pk).get() is None

    _add_activities(vae)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_services.vae_activities_submit(candidacy=vae, by=named_candidat)

    document = Document.objects.get(kind="dossier_vae")
    assert (document.kind, document.object_id) == ("dossier_vae", vae.pk)
    assert document.title == f"{DOSSIER_VAE} — Éloïse Lefèvre-Duchêne"
    data = stored_bytes(document)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    pages = pdf_pages(data)
    assert document.pages == len(pages)
    assert 2 <= len(pages) <= 12
    _assert_every_page_names(pages, candidate="Éloïse Lefèvre-Duchêne")
    text = " ".join(pages)
    assert DOSSIER_VAE in text
    assert "Partie 2 — demande de recevabilité" in text
    assert "BTS assistant de gestion" in text and "Faire reconnaître mon expérience." in text
    assert f"Date de la demande {today():%d/%m/%Y}" in text
    assert "Assistante de formation — Formapro" in text
    assert "Réceptionniste — Hôtel des Deux Rivières" in text
    required = required_days(3, on=today())
    assert f"Expérience en rapport avec le CQP : 3 ans et 0 mois ({required} jours)" in text
    assert f"minimum requis : 3 ans, soit {required} jours à cette date (atteint)" in text
    assert "Demande déclarée recevable" in text and "Expérience conforme au référentiel." in text
    sworn_at = timezone.localtime(VaeRequest.objects.get(candidacy=vae).sworn_at)
    assert (
        f"Déclaration sur l'honneur faite le {sworn_at:%d/%m/%Y} à {sworn_at:%-H} h "
        f"{sworn_at:%M} : « Je déclare sur l'honneur l'exactitude des informations"
    ) in text
    assert "Partie 3 — activités réalisées" in text
    for title in _competence_titles(vae):
        assert title in text
    for n in range(1, 7):
        assert f"Activité C{n} : coordination des sessions" in text
        assert f"J'ai organisé l'accueil des stagiaires et les fiches d'émargement ({n})." in text
    assert "PROJET" not in text

    assert generate_document.delay("dossier_vae", vae.pk).get() == document.pk
    assert Document.objects.filter(kind="dossier_vae").count() == 1

    url = reverse("document_download", args=[document.pk])
    for user in (named_candidat, gestionnaire, secretariat):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_dossier_vae_preview_links_and_draft(client, vae, named_candidat, outsider):
    vae_ready(vae)
    url = reverse("document_preview", args=["dossier_vae", vae.pk])
    client.force_login(named_candidat)
    for page_name in ("vae_request_edit", "vae_activities"):
        page = page_text(client.get(reverse(page_name, args=[vae.pk])))
        assert f'href="{url}"' in page and "Aperçu PDF" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "PROJET" in text and "Éloïse Lefèvre-Duchêne" in text
    assert "pas encore envoyée" in text and "Aucune activité décrite pour cette compétence." in text
    assert not Document.objects.exists()
    assert client.get(reverse("document_preview", args=["livret", vae.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_dossier_vae_context_queries_do_not_grow_with_the_dossier(vae):
    with CaptureQueriesContext(connection) as empty:
        candidate_documents.dossier_vae_context(vae)
    vae_ready(vae)
    for year in range(2, 6):
        VaeExperienceFactory(
            request=vae.vae_request,
            employer=f"Employeur {year}",
            job_title="Assistante",
            start_date=datetime.date(2010 + year, 1, 1),
            end_date=datetime.date(2010 + year, 6, 30),
        )
    _add_activities(vae)
    with CaptureQueriesContext(connection) as full:
        context = candidate_documents.dossier_vae_context(vae)
    assert len(full) == len(empty)
    assert len(context["experiences"]) == 5
    assert sum(len(section["activities"]) for section in context["sections"]) == 6


# The candidacy page ------------------------------------------------------------------------


def test_candidacy_page_lists_the_official_documents(
    client, parcours, professionnel, named_candidat, django_capture_on_commit_callbacks
):
    url = reverse("candidacy_detail", args=[parcours.pk])
    client.force_login(named_candidat)
    page = page_text(client.get(url))
    assert "Documents officiels" in page
    assert "Aucun document officiel pour le moment." in page
    fill_livret(parcours, to_develop={2})
    _complete(parcours, professionnel, django_capture_on_commit_callbacks)
    document = Document.objects.get(kind="livret")
    with CaptureQueriesContext(connection) as one:
        page = page_text(client.get(url))
    assert "Aucun document officiel pour le moment." not in page
    assert document.title in page
    assert f'href="{reverse("document_download", args=[document.pk])}"' in page
    assert f"SHA-256 : {document.sha256}" in page
    assert f"{document.pages} pages" in page
    # A second edition replaces the first in the list, at no extra query.
    DocumentFactory(
        kind="livret",
        content_type=document.content_type,
        object_id=parcours.pk,
        edition=2,
        title="Seconde édition",
        file=document.file.name,
        sha256="0" * 64,
        size=document.size,
        pages=1,
    )
    with CaptureQueriesContext(connection) as two:
        page = page_text(client.get(url))
    assert len(two) == len(one)
    assert "Seconde édition" in page and document.title not in page
    assert "1 page," in page


def test_the_documents_written_in_python_escape_their_title_and_count_their_pages():
    moment = timezone.make_aware(datetime.datetime(2026, 3, 29, 23, 30))
    one = Document(pk=7, title="<b>Livret</b>", pages=1, size=2048, sha256="ab" * 32)
    two = Document(pk=8, title="Dossier", pages=2, size=10, sha256="cd" * 32)
    one.generated_at = two.generated_at = moment
    html = document_items([one, two])
    assert "<strong>&lt;b&gt;Livret&lt;/b&gt;</strong> — généré le 29/03/2026, 1 page, 2,0" in html
    assert "généré le 29/03/2026, 2 pages, 10" in html
    assert f'<a href="{reverse("document_download", args=[7])}">Télécharger' in html
    assert '<span class="visually-hidden"> — &lt;b&gt;Livret&lt;/b&gt;</span>' in html
    assert "SHA-256 : " + "ab" * 32 in html
