"""The dossier pages: the candidate's part (accounts, evidence files), downloads, and the
read-only dossier with the evaluators' independent opinions.

Every candidacy here enters `evaluation` through the real workflow (livret, plan, mise en
pratique, start_evaluation), which opens the dossier; C6 is validated beforehand, so the
dossier evaluates C1 to C5 and C6 stays outside its scope.
"""

import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidacy_services
from cqp.french import de
from cqp.models import HabilitationKind, MembershipRole
from cqp.uploads import MAX_SIZE
from evaluations import services
from evaluations.evidence import MAX_FILES_PER_COMPETENCE
from evaluations.models import CandidateAccount, CompetenceAssessment, EvaluationDossier, Evidence
from tests.candidates.builders import (
    DAY,
    candidacy_in,
    competence,
    habilitated,
    today,
    validate,
)
from tests.cqp.builders import GrowingBody, multipart, pdf_bytes
from tests.factories import PASSWORD, MembershipFactory
from tests.helpers import error_summary, flash_messages, page_text, query_count, stored_names

from .builders import settle, through_reperage_to_evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.media]

PDF = pdf_bytes()
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
TYPE_REFUSED = (
    "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, JPEG, PNG, DOCX, ODT, XLSX, ODS."
)
OUT_OF_SCOPE = "Cette compétence n'est pas évaluée dans ce dossier."
SAVED_ACCOUNT = "J'organise les sessions de formation et j'envoie les convocations."


def _section_html(response, comp) -> str:
    """The HTML of one competence's section of the page."""
    page = page_text(response)
    start = page.index(f'id="competence-{comp.pk}"')
    return page[start : page.index("</section>", start)]


def _section(response, comp) -> dict:
    return next(s for s in response.context["sections"] if s["competence"].pk == comp.pk)


def _pdf(name="planning.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# Set-up -----------------------------------------------------------------------------------


def in_evaluation(candidat, organisation, *, secretariat, professionnel, evaluateur):
    """A parcours candidacy driven to `evaluation` by its services; C6 validated last year."""
    return through_reperage_to_evaluation(
        candidat,
        organisation,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
        before=lambda c: validate(c.candidate, 6, validated_on=today() - 365 * DAY),
    )


@pytest.fixture
def candidacy(candidat, own_org, secretariat, professionnel, evaluateur):
    return in_evaluation(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )


@pytest.fixture
def dossier(candidacy):
    return EvaluationDossier.objects.get(candidacy=candidacy, cycle=1)


@pytest.fixture
def c1():
    return competence(1)


@pytest.fixture
def candidate_client(client, candidat):
    client.force_login(candidat)
    return client


@pytest.fixture
def with_work(dossier, candidat, c1):
    """The candidate has saved an account and joined one file for C1."""
    services.account_save(dossier=dossier, by=candidat, competence=c1, text=SAVED_ACCOUNT)
    return services.evidence_add(
        dossier=dossier, by=candidat, competence=c1, upload=_pdf("planning.pdf")
    )


def _urls(candidacy, comp=None, evidence=None) -> dict:
    pk = candidacy.pk
    return {
        "detail": reverse("dossier_detail", args=[pk]),
        "mine": reverse("candidate_dossier", args=[pk]),
        "account": reverse("account_save", args=[pk, (comp or competence(1)).pk]),
        "add": reverse("evidence_add", args=[pk]),
        "delete": reverse("evidence_delete", args=[pk, evidence.pk]) if evidence else None,
    }


def transmit(dossier, *, professionnel, evaluateur):
    """Every competence in scope « acquise » and co-signed, then the évaluateur transmits."""
    settle(dossier, professionnel=professionnel, evaluateur=evaluateur)
    return services.dossier_transmit(dossier=dossier, by=evaluateur)


# The candidate's part ---------------------------------------------------------------------


def test_dossier_opens_with_the_competences_still_to_validate(dossier):
    assert [c.code for c in dossier.competences.order_by("number")] == [
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
    ]


def test_candidate_page_shows_one_section_per_competence_in_scope(candidate_client, candidacy):
    response = candidate_client.get(_urls(candidacy)["mine"])
    assert response.status_code == 200
    assert [s["competence"].code for s in response.context["sections"]] == [
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
    ]
    page = page_text(response)
    assert "Activités et situations professionnelles qui montrent cette compétence" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx,.odt,.xlsx,.ods"' in page
    assert f'id="competence-{competence(6).pk}"' not in page


def test_candidate_saves_an_account(candidate_client, candidacy, dossier, c1):
    response = candidate_client.post(_urls(candidacy)["account"], {"text": f"  {SAVED_ACCOUNT} "})
    assert response.status_code == 302
    assert response.url == f"{_urls(candidacy)['mine']}#competence-{c1.pk}"
    assert CandidateAccount.objects.get(dossier=dossier, competence=c1).text == SAVED_ACCOUNT
    page = candidate_client.get(response.url)
    assert flash_messages(page) == ["Récit enregistré."]
    assert SAVED_ACCOUNT in _section_html(page, c1)


def test_account_line_breaks_count_once_as_the_browser_counts_them(
    candidate_client, candidacy, dossier, c1
):
    # 800 lines: 4,800 characters for the browser's maxlength, 5,600 bytes of CRLF.
    text = "ligne\r\n" * 799 + "ligne"
    response = candidate_client.post(_urls(candidacy)["account"], {"text": text})
    assert response.status_code == 302
    stored = CandidateAccount.objects.get(dossier=dossier, competence=c1).text
    assert stored == text.replace("\r\n", "\n") and len(stored) == 4799


def test_account_too_long_is_refused_beside_its_field_and_kept(
    candidate_client, candidacy, dossier, c1, with_work
):
    text = "x" * 5001
    response = candidate_client.post(_urls(candidacy)["account"], {"text": text})
    assert response.status_code == 200
    assert "au plus 5000 caractères (actuellement 5001)" in _section_html(response, c1)
    assert _section(response, c1)["account_form"]["text"].value() == text
    assert CandidateAccount.objects.get(dossier=dossier, competence=c1).text == SAVED_ACCOUNT
    title, links, items = error_summary(response)
    assert title.startswith("Erreur : Mon dossier d'évaluation")
    assert links == [f"id_c{c1.pk}_text"]
    assert len(items) == 1 and "au plus 5000 caractères" in items[0]
    assert f"Rien n'a été enregistré pour la compétence {c1.code}" in page_text(response)


def test_account_of_a_competence_outside_the_scope_is_not_found(candidate_client, candidacy):
    url = _urls(candidacy, comp=competence(6))["account"]
    assert candidate_client.post(url, {"text": "Hors périmètre"}).status_code == 404
    assert not CandidateAccount.objects.exists()


def test_candidate_uploads_a_pdf_stored_outside_the_static_tree(
    candidate_client, candidacy, dossier, c1
):
    response = candidate_client.post(
        _urls(candidacy)["add"],
        {"competence": c1.pk, "file": _pdf("Planning des sessions 2025.pdf")},
    )
    assert response.status_code == 302
    assert response.url == f"{_urls(candidacy)['mine']}#competence-{c1.pk}"
    evidence = Evidence.objects.get(dossier=dossier)
    assert (evidence.competence, evidence.original_name) == (c1, "Planning des sessions 2025.pdf")
    assert (evidence.content_type, evidence.size) == ("application/pdf", len(PDF))
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    folder, name = evidence.file.name.rsplit("/", 1)
    assert folder == f"evidence/{candidacy.pk}"
    media_root = Path(django_settings.MEDIA_ROOT).resolve()
    assert not media_root.is_relative_to(Path(django_settings.BASE_DIR).resolve() / "static")
    assert not media_root.is_relative_to(Path(django_settings.STATIC_ROOT).resolve())
    # A random stored name with the detected extension; the original name is only data.
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", name)
    assert stored_names() == [evidence.file.name]
    with evidence.file.open("rb") as handle:
        assert handle.read() == PDF
    page = candidate_client.get(response.url)
    assert flash_messages(page) == ["Pièce « Planning des sessions 2025.pdf » ajoutée."]
    section = _section_html(page, c1)
    assert "Planning des sessions 2025.pdf" in section
    assert reverse("evidence_download", args=[evidence.pk]) in section
    assert reverse("evidence_delete", args=[candidacy.pk, evidence.pk]) in section
    assert "1 Ko" in section


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd.pdf", "..\\..\\..\\etc\\passwd.pdf", "C:\\Windows\\Temp\\passwd.pdf"],
)
def test_upload_name_with_a_path_keeps_only_the_file_name(
    candidate_client, candidacy, dossier, c1, filename
):
    body, content_type = multipart({"competence": c1.pk}, filename=filename, content=PDF)
    response = candidate_client.post(_urls(candidacy)["add"], body, content_type=content_type)
    assert response.status_code == 302
    evidence = Evidence.objects.get(dossier=dossier)
    assert evidence.original_name == "passwd.pdf"
    assert stored_names("evidence/") == [evidence.file.name]
    assert evidence.file.name.startswith(f"evidence/{candidacy.pk}/")


def _huge():
    return _pdf("enorme.pdf", PDF.ljust(MAX_SIZE + 1, b"0"))


REFUSALS = {
    "renamed-executable": (lambda: _pdf("cv.pdf", EXECUTABLE), TYPE_REFUSED),
    "disguised-page": (lambda: _pdf("page.pdf", b"<html><script></script></html>"), TYPE_REFUSED),
    "oversized": (_huge, "Le fichier dépasse la taille maximale de 15 Mo"),
    "empty": (lambda: _pdf("vide.pdf", b""), "Le fichier est vide."),
    "missing": (lambda: None, "Choisissez un fichier."),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refused_upload_shows_the_message_beside_that_file_field_and_loses_nothing(
    case, candidate_client, candidacy, dossier, c1, with_work
):
    make, message = REFUSALS[case]
    c2 = competence(2)
    data = {"competence": c2.pk, "text": "Brouillon non enregistré du récit C2"}
    upload = make()
    if upload is not None:
        data["file"] = upload
    response = candidate_client.post(_urls(candidacy)["add"], data)
    assert response.status_code == 200
    [error] = _section(response, c2)["evidence_form"].errors["file"]
    assert error.startswith(message)
    section = _section_html(response, c2)
    # Beside the file field, and announced with it by screen readers.
    assert re.search(
        rf'<ul class="errorlist" id="id_c{c2.pk}_file_error"><li>{re.escape(message)}', section
    )
    assert f'aria-describedby="id_c{c2.pk}_file_helptext id_c{c2.pk}_file_error"' in section
    assert message not in _section_html(response, c1)
    # The text typed beside the file comes back; what was saved is untouched.
    assert "Brouillon non enregistré du récit C2" in _section_html(response, c2)
    assert SAVED_ACCOUNT in _section_html(response, c1)
    assert "planning.pdf" in _section_html(response, c1)
    assert list(Evidence.objects.filter(dossier=dossier)) == [with_work]
    assert stored_names("evidence/") == [with_work.file.name]
    assert CandidateAccount.objects.get(dossier=dossier, competence=c1).text == SAVED_ACCOUNT


def test_eleventh_file_for_one_competence_is_refused_beside_its_field(
    candidate_client, candidacy, dossier, candidat, c1
):
    for n in range(MAX_FILES_PER_COMPETENCE):
        services.evidence_add(dossier=dossier, by=candidat, competence=c1, upload=_pdf(f"{n}.pdf"))
    page = candidate_client.get(_urls(candidacy)["mine"])
    assert "supprimez-en un pour en joindre un autre" in _section_html(page, c1)
    response = candidate_client.post(
        _urls(candidacy)["add"], {"competence": c1.pk, "file": _pdf("onzieme.pdf")}
    )
    assert response.status_code == 200
    message = "Vous avez déjà joint 10 fichiers pour cette compétence : c'est le maximum."
    assert _section(response, c1)["evidence_form"].errors["file"] == [message]
    assert message in _section_html(response, c1)
    assert Evidence.objects.filter(dossier=dossier, competence=c1).count() == 10
    assert len(stored_names("evidence/")) == 10
    # Another competence still takes files.
    other = {"competence": competence(2).pk, "file": _pdf("autre.pdf")}
    assert candidate_client.post(_urls(candidacy)["add"], other).status_code == 302


@pytest.mark.parametrize("value", ["C6", "not-a-number", ""])
def test_upload_for_a_competence_outside_the_scope_is_refused_at_the_top(
    value, candidate_client, candidacy, dossier, with_work
):
    posted = competence(6).pk if value == "C6" else value
    response = candidate_client.post(
        _urls(candidacy)["add"], {"competence": posted, "file": _pdf("hors.pdf")}
    )
    assert response.status_code == 200
    assert response.context["stray_errors"] == [OUT_OF_SCOPE]
    # Nothing on the page to link it to: the summary says it without a link.
    title, links, items = error_summary(response)
    assert title.startswith("Erreur : ")
    assert (links, items) == ([], [OUT_OF_SCOPE])
    assert list(Evidence.objects.filter(dossier=dossier)) == [with_work]
    assert stored_names("evidence/") == [with_work.file.name]


# Bad input beside a file: nothing is stored, nothing typed is lost ---------------------------

NOT_JOINED = "Le fichier n'a pas été joint : corrigez le récit, puis choisissez-le à nouveau."
DRAFT = "Brouillon du récit C2, tapé à côté du fichier"


def _nothing_stored(dossier, *, kept=()):
    assert list(Evidence.objects.filter(dossier=dossier)) == list(kept)
    assert stored_names("evidence/") == [e.file.name for e in kept]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (f"{DRAFT} avec un caractère nul \x00 au milieu", "Le caractère nul n’est pas autorisé."),
        (
            "x" * 5001,
            "Assurez-vous que cette valeur comporte au plus 5000 caractères (actuellement 5001).",
        ),
    ],
    ids=["nul-byte", "over-5000-characters"],
)
def test_a_text_refused_beside_a_valid_file_stores_neither_and_keeps_the_text(
    candidate_client, candidacy, dossier, text, error
):
    c2 = competence(2)
    response = candidate_client.post(
        _urls(candidacy)["add"], {"competence": c2.pk, "text": text, "file": _pdf("planning.pdf")}
    )
    assert response.status_code == 200
    section = _section(response, c2)
    assert section["account_form"].errors["text"] == [error]
    assert section["account_form"]["text"].value() == text
    assert section["evidence_form"].errors["file"] == [NOT_JOINED]
    html = _section_html(response, c2)
    assert f'<ul class="errorlist" id="id_c{c2.pk}_text_error"><li>{error}' in html
    assert f'<ul class="errorlist" id="id_c{c2.pk}_file_error"><li>{NOT_JOINED}' in html
    title, links, _items = error_summary(response)
    assert title.startswith("Erreur : ")
    assert links == [f"id_c{c2.pk}_text", f"id_c{c2.pk}_file"]
    assert not flash_messages(response)
    _nothing_stored(dossier)
    assert not CandidateAccount.objects.filter(dossier=dossier).exists()


def test_a_refused_text_and_a_refused_file_are_both_told(candidate_client, candidacy, dossier):
    c2 = competence(2)
    data = {"competence": c2.pk, "text": "x" * 5001, "file": _pdf("cv.pdf", EXECUTABLE)}
    response = candidate_client.post(_urls(candidacy)["add"], data)
    section = _section(response, c2)
    assert section["account_form"].errors["text"] == [
        "Assurez-vous que cette valeur comporte au plus 5000 caractères (actuellement 5001)."
    ]
    assert section["evidence_form"].errors["file"] == [TYPE_REFUSED]
    _nothing_stored(dossier)


def test_the_service_checks_the_text_and_the_file_together_before_storing(dossier, candidat):
    c2 = competence(2)
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(
            dossier=dossier, by=candidat, competence=c2, upload=_pdf(), text=f"{DRAFT}\x00"
        )
    assert refused.value.message_dict == {
        "file": [NOT_JOINED],
        "text": ["Le caractère nul n’est pas autorisé."],
    }
    _nothing_stored(dossier)
    assert not CandidateAccount.objects.filter(dossier=dossier).exists()


def test_the_account_service_refuses_what_the_database_cannot_store(dossier, candidat, c1):
    with pytest.raises(ValidationError) as refused:
        services.account_save(dossier=dossier, by=candidat, competence=c1, text=f"{DRAFT}\x00")
    assert refused.value.message_dict == {"text": ["Le caractère nul n’est pas autorisé."]}
    assert not CandidateAccount.objects.filter(dossier=dossier).exists()


def test_a_name_as_long_as_a_file_system_allows_is_shortened_keeping_its_extension(
    candidate_client, candidacy, dossier, c1
):
    # 255 characters, the longest name Windows, macOS or Linux give a file; 506 bytes in UTF-8.
    filename = "é" * 251 + ".pdf"
    body, content_type = multipart({"competence": c1.pk}, filename=filename, content=PDF)
    response = candidate_client.post(_urls(candidacy)["add"], body, content_type=content_type)
    assert response.status_code == 302
    evidence = Evidence.objects.get(dossier=dossier)
    assert evidence.original_name == "é" * 150 + ".pdf"
    assert flash_messages(candidate_client.get(response.url)) == [
        f"Pièce « {evidence.original_name} » ajoutée : son nom, trop long, a été raccourci."
    ]


@pytest.fixture
def guarded_client(candidat, candidacy):
    """The candidate's browser as in production, with its CSRF token: the CSRF middleware
    reads the body (and so runs the upload handlers) before the view."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(candidat)
    client.get(_urls(candidacy)["mine"])
    return client, client.cookies["csrftoken"].value


def test_a_name_too_long_to_be_read_is_refused_in_french(guarded_client, candidacy, dossier):
    client, token = guarded_client
    body, content_type = multipart(
        {"csrfmiddlewaretoken": token, "competence": competence(1).pk},
        filename="a" * 1000 + ".pdf",
        content=PDF,
    )
    response = client.post(_urls(candidacy)["add"], body, content_type=content_type)
    assert response.status_code == 400
    page = page_text(response)
    assert "Bad Request" not in page
    assert "Le formulaire n'a pas pu être lu" in page
    assert (
        "Le nom du fichier joint est sans doute trop long : renommez le fichier avec un nom plus "
        "court, puis joignez-le à nouveau. Rien n'a été modifié."
    ) in page
    _nothing_stored(dossier)


def test_a_200_mb_upload_is_refused_without_being_read(guarded_client, candidacy, dossier):
    client, token = guarded_client
    c2 = competence(2)
    body, content_type = GrowingBody.upload(
        {"csrfmiddlewaretoken": token, "competence": c2.pk, "text": DRAFT},
        file_size=200 * 1024 * 1024,
    )
    response = client.post(
        _urls(candidacy)["add"],
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
    )
    assert response.status_code == 200
    # The fields and the file's first chunk at most.
    assert body.consumed <= 128 * 1024
    section = _section(response, c2)
    assert section["evidence_form"].errors["file"] == [
        "Le fichier dépasse la taille maximale de 15 Mo : il n'a pas été reçu."
    ]
    assert section["account_form"]["text"].value() == DRAFT
    _nothing_stored(dossier)


def test_candidate_deletes_a_file_after_confirming(
    candidate_client, candidacy, dossier, c1, with_work, django_capture_on_commit_callbacks
):
    url = _urls(candidacy, evidence=with_work)["delete"]
    name = with_work.file.name
    confirm = candidate_client.get(url)
    assert confirm.status_code == 200
    assert "planning.pdf" in page_text(confirm)
    assert Evidence.objects.filter(pk=with_work.pk).exists() and default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = candidate_client.post(url)
    assert response.status_code == 302
    assert response.url == f"{_urls(candidacy)['mine']}#competence-{c1.pk}"
    assert not Evidence.objects.filter(pk=with_work.pk).exists()
    assert not default_storage.exists(name)
    assert flash_messages(candidate_client.get(response.url)) == ["Pièce supprimée."]


@pytest.mark.parametrize("role", ["professionnel", "evaluateur", "gestionnaire", "secretariat"])
def test_others_cannot_change_the_candidate_part(
    role, client, actors, candidacy, dossier, c1, with_work
):
    client.force_login(actors[role])
    urls = _urls(candidacy, evidence=with_work)
    assert client.get(urls["mine"]).url == urls["detail"]
    assert client.post(urls["account"], {"text": "Réécrit"}).status_code == 403
    assert client.post(urls["add"], {"competence": c1.pk, "file": _pdf("x.pdf")}).status_code == 403
    assert client.get(urls["delete"]).status_code == 403
    assert client.post(urls["delete"]).status_code == 403
    assert CandidateAccount.objects.get(dossier=dossier, competence=c1).text == SAVED_ACCOUNT
    assert list(Evidence.objects.filter(dossier=dossier)) == [with_work]
    assert default_storage.exists(with_work.file.name)


# Downloads --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["candidat", "professionnel", "evaluateur", "gestionnaire", "secretariat"]
)
def test_download_by_those_who_see_the_candidacy(role, client, actors, with_work):
    client.force_login(actors[role])
    response = client.get(reverse("evidence_download", args=[with_work.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="planning.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_download_keeps_an_accented_original_name(candidate_client, dossier, candidat, c1):
    evidence = services.evidence_add(
        dossier=dossier, by=candidat, competence=c1, upload=_pdf("Relevé d'activités.pdf")
    )
    response = candidate_client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Relev%C3%A9%20d%27activit%C3%A9s.pdf"
    )
    response.close()


def test_download_is_not_found_for_outsiders(
    client, outsider, other_org, secretariat, with_work, dossier
):
    # The outsider is a gestionnaire of another organisation; the other candidate has
    # their own candidacy there; the free évaluateur is habilitated but not assigned.
    other_candidate = MembershipFactory(organisation=other_org, role=MembershipRole.CANDIDAT).user
    candidacy_in("reperage", other_candidate, other_org)
    free_evaluateur = habilitated(HabilitationKind.EVALUATEUR, by=secretariat)
    url = reverse("evidence_download", args=[with_work.pk])
    pages = _urls(dossier.candidacy)
    for user in (outsider, other_candidate, free_evaluateur):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(pages["detail"]).status_code == 404
        assert client.get(pages["mine"]).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(secretariat)
    assert client.get(reverse("evidence_download", args=[with_work.pk + 1000])).status_code == 404


@pytest.fixture
def other_candidacy(own_org, secretariat, professionnel, evaluateur):
    """A second candidate of the same organisation, with the same evaluators and one file."""
    other = MembershipFactory(organisation=own_org, role=MembershipRole.CANDIDAT).user
    candidacy = in_evaluation(
        other, own_org, secretariat=secretariat, professionnel=professionnel, evaluateur=evaluateur
    )
    dossier = EvaluationDossier.objects.get(candidacy=candidacy)
    evidence = services.evidence_add(
        dossier=dossier, by=other, competence=competence(1), upload=_pdf("confidentiel.pdf")
    )
    return candidacy, evidence


def test_a_file_of_another_candidacy_is_not_found_through_this_candidacy(
    candidate_client, candidacy, with_work, other_candidacy
):
    other, evidence = other_candidacy
    through_mine = reverse("evidence_delete", args=[candidacy.pk, evidence.pk])
    assert candidate_client.get(through_mine).status_code == 404
    assert candidate_client.post(through_mine).status_code == 404
    through_theirs = reverse("evidence_delete", args=[other.pk, evidence.pk])
    assert candidate_client.post(through_theirs).status_code == 404
    assert candidate_client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert default_storage.exists(evidence.file.name)


def test_a_missing_file_on_disk_is_not_found(candidate_client, with_work):
    default_storage.delete(with_work.file.name)
    response = candidate_client.get(reverse("evidence_download", args=[with_work.pk]))
    assert response.status_code == 404


# After transmission -----------------------------------------------------------------------


def test_after_transmission_the_candidate_changes_nothing(
    candidate_client, candidacy, dossier, c1, with_work, professionnel, evaluateur
):
    transmit(dossier, professionnel=professionnel, evaluateur=evaluateur)
    candidacy.refresh_from_db()
    assert candidacy.state == "jury"
    urls = _urls(candidacy, evidence=with_work)
    account = candidate_client.post(urls["account"], {"text": "Trop tard"})
    assert account.status_code == 403
    assert "Le dossier a été transmis au jury" in page_text(account)
    assert (
        candidate_client.post(
            urls["add"], {"competence": c1.pk, "file": _pdf("tardif.pdf")}
        ).status_code
        == 403
    )
    assert candidate_client.get(urls["delete"]).status_code == 403
    assert candidate_client.post(urls["delete"]).status_code == 403
    assert CandidateAccount.objects.get(dossier=dossier, competence=c1).text == SAVED_ACCOUNT
    assert list(Evidence.objects.filter(dossier=dossier)) == [with_work]
    assert default_storage.exists(with_work.file.name)
    # The page itself now leads to the read-only dossier.
    assert candidate_client.get(urls["mine"]).url == urls["detail"]
    detail = candidate_client.get(urls["detail"])
    assert "Transmis au jury le" in page_text(detail)
    assert urls["mine"] not in page_text(detail)
    # Evidence stays downloadable.
    response = candidate_client.get(reverse("evidence_download", args=[with_work.pk]))
    assert response.status_code == 200
    response.close()


# The read-only dossier --------------------------------------------------------------------


def test_detail_hides_each_opinion_until_both_are_given(
    client, actors, candidacy, dossier, c1, professionnel, evaluateur
):
    assessment = CompetenceAssessment.objects.get(dossier=dossier, competence=c1)
    services.opinion_give(
        assessment=assessment,
        by=evaluateur,
        opinion="non_acquise",
        comment="Les convocations partent trop tard.",
    )
    url = _urls(candidacy)["detail"]
    for role in ("candidat", "professionnel", "gestionnaire", "secretariat"):
        client.force_login(actors[role])
        section = _section_html(client.get(url), c1)
        assert "Les convocations partent trop tard." not in section, role
        assert "Non acquise" not in section, role
        assert re.search(r"Avis de l'évaluateur externe</dt>\s*<dd>avis donné</dd>", section)
        assert re.search(r"Avis du professionnel du secteur</dt>\s*<dd>en attente</dd>", section)

    services.opinion_give(
        assessment=assessment, by=professionnel, opinion="acquise", comment="Autonome au quotidien."
    )
    client.force_login(actors["candidat"])
    section = _section_html(client.get(url), c1)
    assert "Les convocations partent trop tard." in section
    assert "Autonome au quotidien." in section
    assert "Non acquise" in section and "Acquise" in section
    assert "avis donné" not in section and "en attente" not in section


def test_detail_shows_the_joint_result_signatures_and_status(
    candidate_client, candidacy, dossier, c1, professionnel, evaluateur
):
    url = _urls(candidacy)["detail"]
    assert "Ouvert depuis le" in page_text(candidate_client.get(url))
    transmit(dossier, professionnel=professionnel, evaluateur=evaluateur)
    dossier.refresh_from_db()
    page = candidate_client.get(url)
    section = _section_html(page, c1)
    assert "Acquise" in section and "pas encore arrêté" not in section
    assessment = CompetenceAssessment.objects.get(dossier=dossier, competence=c1)
    for name, at in (
        (assessment.professionnel_signed_name, assessment.professionnel_signed_at),
        (assessment.evaluateur_signed_name, assessment.evaluateur_signed_at),
    ):
        assert f"{name}, le {timezone.localtime(at):%d/%m/%Y à %H:%M}" in section
    transmitted = timezone.localtime(dossier.transmitted_at)
    assert f"Transmis au jury le {transmitted:%d/%m/%Y à %H:%M}" in page_text(page)


def test_detail_links_each_role_to_its_own_page(client, actors, candidacy):
    urls = _urls(candidacy)
    assessment_url = reverse("assessment", args=[candidacy.pk])
    client.force_login(actors["candidat"])
    page = client.get(urls["detail"])
    assert page.context["can_edit"] and urls["mine"] in page_text(page)
    assert page.context["assessment_url"] is None
    for role in ("professionnel", "evaluateur"):
        client.force_login(actors[role])
        page = client.get(urls["detail"])
        assert page.context["assessment_url"] == assessment_url
        assert assessment_url in page_text(page) and urls["mine"] not in page_text(page)
    client.force_login(actors["gestionnaire"])
    page = client.get(urls["detail"])
    assert page.context["assessment_url"] is None and not page.context["can_edit"]


def test_candidacy_pages_link_to_the_evaluation(candidate_client, candidacy):
    page = candidate_client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    assert f'href="{_urls(candidacy)["detail"]}"' in page_text(page)


def test_candidacy_pages_do_not_link_to_the_evaluation_before_it(
    client, candidat, own_org, secretariat, professionnel, evaluateur
):
    candidacy = candidacy_in("parcours", candidat, own_org)
    client.force_login(candidat)
    assert _urls(candidacy)["detail"] not in page_text(
        client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    )
    # And there is no dossier to show yet.
    assert client.get(_urls(candidacy)["detail"]).status_code == 404
    assert client.get(_urls(candidacy)["mine"]).status_code == 404


@pytest.mark.parametrize(
    ("cycle", "status"),
    [("1", 200), ("2", 404), ("0", 404), ("abc", 404), ("²", 404), ("99999999999", 404)],
)
def test_detail_cycle_parameter(candidate_client, candidacy, cycle, status):
    response = candidate_client.get(_urls(candidacy)["detail"], {"cycle": cycle})
    assert response.status_code == status


def test_detail_lists_earlier_cycles(
    candidate_client, candidacy, dossier, c1, professionnel, evaluateur
):
    for assessment in CompetenceAssessment.objects.filter(dossier=dossier):
        opinion = "non_acquise" if assessment.competence_id == c1.pk else "acquise"
        for user in (professionnel, evaluateur):
            assessment = services.opinion_give(assessment=assessment, by=user, opinion=opinion)
        for user in (professionnel, evaluateur):
            assessment = services.assessment_sign(assessment=assessment, by=user, password=PASSWORD)
    services.dossier_resume_parcours(dossier=dossier, by=evaluateur)
    candidacy.refresh_from_db()
    candidacy_services.practice_confirm(candidacy=candidacy, by=professionnel, note="Reprise.")
    services.evaluation_start(candidacy=candidacy, by=professionnel)
    url = _urls(candidacy)["detail"]
    latest = candidate_client.get(url)
    assert latest.context["dossier"].cycle == 2
    assert latest.context["cycles"] == [1, 2]
    assert [c.code for c in latest.context["competences"]] == ["C1"]
    assert f"{url}?cycle=1" in page_text(latest)
    first = candidate_client.get(url, {"cycle": 1})
    assert "Clos le" in page_text(first)
    assert [c.code for c in first.context["competences"]] == ["C1", "C2", "C3", "C4", "C5"]


def test_detail_and_candidate_page_queries_do_not_grow_with_the_files(
    client, candidacy, dossier, candidat, evaluateur
):
    def add_files(per_competence):
        for comp in dossier.competences.all():
            for n in range(per_competence):
                services.evidence_add(
                    dossier=dossier, by=candidat, competence=comp, upload=_pdf(f"{n}.pdf")
                )

    urls = _urls(candidacy)
    add_files(1)
    client.force_login(evaluateur)
    detail_one = query_count(client, urls["detail"])
    client.force_login(candidat)
    mine_one = query_count(client, urls["mine"])
    add_files(5)
    assert Evidence.objects.filter(dossier=dossier).count() == 30
    client.force_login(evaluateur)
    assert query_count(client, urls["detail"]) == detail_one
    client.force_login(candidat)
    assert query_count(client, urls["mine"]) == mine_one


def test_the_account_heading_is_written_for_the_reader(client, actors, candidacy):
    urls = _urls(candidacy)
    client.force_login(actors["candidat"])
    assert "<h4>Votre récit</h4>" in page_text(client.get(urls["detail"]))
    # « d'Hélène », « de Paul »: the elision of cqp.french (a random name may start with a
    # mute h, which a list of vowels missed).
    of_name = de(actors["candidat"].get_full_name())
    for role in ("professionnel", "gestionnaire"):
        client.force_login(actors[role])
        text = page_text(client.get(urls["detail"]))
        assert f"<h4>Récit {of_name}</h4>" in text
        assert "Récit du candidat" not in text
