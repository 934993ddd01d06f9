"""The download log: every download of an official document, of its draft or of an evidence
file is recorded (who, when, what, of which candidacy), shown to the secretariat only on the
candidacy's page, and never rewritten."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from candidates.presenters import DOWNLOADS_SHOWN
from cqp.models import Document, DownloadLog
from evaluations.models import Evidence
from evaluations.services import dossier_open
from tests.candidates.builders import assign
from tests.factories import (
    CandidacyFactory,
    CertificateFactory,
    DeliberationFactory,
    DocumentFactory,
    DownloadLogFactory,
    EvidenceFactory,
    JuryMemberFactory,
    JurySessionFactory,
    SeatFactory,
)
from tests.helpers import page_text, query_count, refused_by_the_database
from tests.jury.builders import cheap_on_agenda

pytestmark = [pytest.mark.django_db, pytest.mark.media]

SECTION = "Consultations des documents"


@pytest.fixture
def assigned(candidat, own_org, secretariat, professionnel, evaluateur):
    """`assigned(state)`: a parcours candidacy of `candidat`, both evaluators assigned."""

    def build(state="reperage"):
        candidacy = CandidacyFactory(organisation=own_org, candidate__user=candidat, state=state)
        return assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)

    return build


@pytest.fixture
def candidacy(assigned):
    return assigned()


@pytest.fixture
def evidence(assigned):
    dossier = dossier_open(candidacy=assigned("evaluation"))
    return EvidenceFactory(dossier=dossier, original_name="bilan.pdf")


def _entries() -> list[tuple]:
    return list(
        DownloadLog.objects.order_by("pk").values_list(
            "user", "kind", "content_type", "object_id", "title", "candidacy_pk"
        )
    )


def _type(model) -> int:
    return ContentType.objects.get_for_model(model).pk


# Each download records exactly one entry --------------------------------------------------


def _download(client, user, url) -> list[tuple]:
    """The log's entries once `user` has downloaded `url`."""
    client.force_login(user)
    assert client.get(url).status_code == 200
    return _entries()


@pytest.mark.parametrize("role", ["secretariat", "gestionnaire", "candidat", "professionnel"])
def test_a_document_download_records_who_what_and_the_candidacy(client, actors, candidacy, role):
    document = DocumentFactory(kind="livret", subject=candidacy, title="Livret de Jeanne")
    before = timezone.now()
    entries = _download(client, actors[role], reverse("document_download", args=[document.pk]))
    what = (_type(Document), document.pk, "Livret de Jeanne")
    assert entries == [(actors[role].pk, "document", *what, candidacy.pk)]
    assert before <= DownloadLog.objects.get().downloaded_at <= timezone.now()


def _subject(code, candidacy):
    """An object of that kind of document, and the pk of the candidacy it belongs to."""
    vae = CandidacyFactory(pathway="vae")
    dossier = dossier_open(candidacy=CandidacyFactory(state="evaluation"))
    deliberation = DeliberationFactory()
    certificate = CertificateFactory(deliberation=deliberation)
    return {
        "livret": (candidacy, candidacy.pk),
        "dossier_vae": (vae, vae.pk),
        "dossier_evaluation": (dossier, dossier.candidacy_id),
        "fiche_decision": (deliberation, deliberation.candidacy_id),
        "certificat": (certificate, deliberation.candidacy_id),
        "proces_verbal": (deliberation.session, None),
    }[code]


@pytest.mark.parametrize(
    "code",
    [
        "livret",
        "dossier_vae",
        "dossier_evaluation",
        "fiche_decision",
        "certificat",
        "proces_verbal",
    ],
)
def test_the_entry_names_the_candidacy_of_every_kind_of_document(
    client, secretariat, candidacy, code
):
    subject, candidacy_pk = _subject(code, candidacy)
    document = DocumentFactory(kind=code, subject=subject)
    client.force_login(secretariat)
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 200
    # A procès-verbal belongs to a session, not to one candidacy: logged, on no candidacy page.
    assert DownloadLog.objects.get().candidacy_pk == candidacy_pk


def test_a_draft_preview_is_recorded_as_a_preview_of_its_subject(client, candidat, candidacy):
    client.force_login(candidat)
    response = client.get(reverse("document_preview", args=["livret", candidacy.pk]))
    assert response.status_code == 200
    entry = DownloadLog.objects.get()
    assert (entry.user, entry.kind, entry.content_type_id, entry.object_id, entry.candidacy_pk) == (
        candidat,
        "apercu",
        _type(candidacy),
        candidacy.pk,
        candidacy.pk,
    )
    assert entry.title.startswith("Livret de repérage")


@pytest.mark.parametrize("role", ["secretariat", "candidat", "evaluateur"])
def test_an_evidence_download_records_the_file_and_its_candidacy(client, actors, evidence, role):
    entries = _download(client, actors[role], reverse("evidence_download", args=[evidence.pk]))
    what = (_type(Evidence), evidence.pk, "bilan.pdf")
    assert entries == [(actors[role].pk, "piece", *what, evidence.dossier.candidacy_id)]


def test_the_sessions_zip_records_each_document_it_holds(client, secretariat):
    session = JurySessionFactory()
    held = []
    for _ in range(2):
        candidacy = cheap_on_agenda(session, secretariat=secretariat).candidacy
        livret = DocumentFactory(kind="livret", subject=candidacy)
        dossier = DocumentFactory(kind="dossier_evaluation", subject=candidacy.dossiers.get())
        held += [(livret.pk, candidacy.pk), (dossier.pk, candidacy.pk)]
    client.force_login(secretariat)
    response = client.get(reverse("session_dossiers_zip", args=[session.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entries = DownloadLog.objects.values_list("user", "kind", "object_id", "candidacy_pk")
    assert sorted(entries) == sorted(
        (secretariat.pk, "document", pk, candidacy_pk) for pk, candidacy_pk in held
    )


# A refused download records nothing -------------------------------------------------------


def test_refused_downloads_record_nothing(client, outsider, candidacy, evidence):
    document = DocumentFactory(kind="livret", subject=candidacy)
    client.force_login(outsider)
    for url in [
        reverse("document_download", args=[document.pk]),
        reverse("document_preview", args=["livret", candidacy.pk]),
        reverse("evidence_download", args=[evidence.pk]),
        reverse("document_download", args=[document.pk + 1000]),
        reverse("evidence_download", args=[evidence.pk + 1000]),
    ]:
        assert client.get(url).status_code == 404, url
    assert _entries() == []


def test_a_missing_file_records_nothing(client, candidat, candidacy, evidence):
    document = DocumentFactory(kind="livret", subject=candidacy)
    document.file.delete(save=False)
    evidence.file.delete(save=False)
    client.force_login(candidat)
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404
    assert _entries() == []


# The candidacy's page shows them to the secretariat only ----------------------------------


def _on_jury_session(candidacy, jury):
    session = JurySessionFactory()
    SeatFactory(session=session, member=JuryMemberFactory(user=jury))
    DeliberationFactory(session=session, candidacy=candidacy)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("secretariat", True),
        ("jury", False),
        ("gestionnaire", False),
        ("candidat", False),
        ("professionnel", False),
        ("evaluateur", False),
    ],
)
def test_only_the_secretariat_sees_the_downloads_of_a_candidacy(
    client, actors, candidacy, role, sees
):
    _on_jury_session(candidacy, actors["jury"])
    DownloadLogFactory(candidacy_pk=candidacy.pk, title="Livret téléchargé")
    client.force_login(actors[role])
    response = client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert (SECTION in text, "Livret téléchargé" in text) == (sees, sees)


def test_the_section_lists_the_latest_downloads_newest_first_with_their_count(
    client, secretariat, candidacy
):
    start = timezone.now() - datetime.timedelta(days=1)
    for minutes in range(DOWNLOADS_SHOWN + 5):
        DownloadLogFactory(
            candidacy_pk=candidacy.pk,
            title=f"Document {minutes}",
            downloaded_at=start + datetime.timedelta(minutes=minutes),
        )
    DownloadLogFactory(candidacy_pk=CandidacyFactory().pk, title="Ailleurs")
    client.force_login(secretariat)
    response = client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    shown = response.context["downloads"]
    assert [e.title for e in shown["latest"]] == [
        f"Document {m}" for m in range(DOWNLOADS_SHOWN + 4, 4, -1)
    ]
    assert shown["count"] == DOWNLOADS_SHOWN + 5
    assert "Les 20 téléchargements les plus récents, sur 25 en tout." in page_text(response)


def test_the_section_says_when_nothing_was_downloaded(client, secretariat, candidacy):
    client.force_login(secretariat)
    text = page_text(client.get(reverse("candidacy_detail", args=[candidacy.pk])))
    assert "Aucun document téléchargé pour le moment." in text


def test_the_candidacy_page_takes_as_many_queries_at_5_and_50_downloads(
    client, secretariat, candidacy, django_assert_num_queries
):
    url = reverse("candidacy_detail", args=[candidacy.pk])
    client.force_login(secretariat)
    DownloadLogFactory.create_batch(5, candidacy_pk=candidacy.pk)
    baseline = query_count(client, url)
    DownloadLogFactory.create_batch(45, candidacy_pk=candidacy.pk)
    with django_assert_num_queries(baseline):
        client.get(url)


# Append-only --------------------------------------------------------------------------------


def test_the_log_cannot_be_rewritten(candidacy):
    entry = DownloadLogFactory(candidacy_pk=candidacy.pk, title="Original")
    rewrites = [
        entry.save,
        entry.delete,
        lambda: DownloadLog.objects.filter(pk=entry.pk).update(title="Réécrit"),
        lambda: DownloadLog.objects.all().delete(),
    ]
    for rewrite in rewrites:
        with pytest.raises(PermissionError), transaction.atomic():
            rewrite()
    refused_by_the_database("UPDATE cqp_downloadlog SET title = 'Réécrit' WHERE id = %s", entry.pk)
    refused_by_the_database("DELETE FROM cqp_downloadlog WHERE id = %s", entry.pk)
    # Its foreign keys are checked at commit, and TRUNCATE refuses a table with checks
    # pending whatever its triggers: checked now, so that only the trigger can refuse.
    refused_by_the_database("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE cqp_downloadlog CASCADE")
    assert DownloadLog.objects.filter(pk=entry.pk, title="Original").exists()
