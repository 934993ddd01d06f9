"""The public check of an uploaded PDF (/verifier/document/): the sealed original, an altered
copy, a file that is not one of ours, and whatever is not a PDF, each answered in French,
without login, and nothing stored."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from weasyprint import HTML

from cqp import documents, seal, uploads
from cqp.models import Document, Issuer
from jury import services
from tests.helpers import page_text, stored_bytes, stored_names

from .builders import certified

pytestmark = [pytest.mark.django_db, pytest.mark.media]

ORIGINAL = "Document authentique."
ALTERED = "Document modifié."
UNKNOWN = "Document inconnu."


@pytest.fixture
def certificate(secretariat):
    issuer = Issuer.current()
    issuer.name = "CPEF de la branche"
    issuer.save()
    return certified(secretariat=secretariat)


def _sealed_pdf(certificate) -> bytes:
    return stored_bytes(documents.document_find(certificate.kind, certificate))


def _post(client, data: bytes, name="document.pdf"):
    upload = SimpleUploadedFile(name, data, "application/pdf")
    return client.post(reverse("verify_upload"), {"document": upload})


def _altered(pdf: bytes) -> bytes:
    """One byte changed in a content stream: the file still opens, the text is the same."""
    altered = bytearray(pdf)
    altered[pdf.index(b"stream", len(pdf) // 4) + 20] ^= 0x01
    return bytes(altered)


def _stored_count() -> tuple[int, list]:
    """The stored documents, and every file in the media storage (where uploads are stored)."""
    return Document.objects.count(), stored_names()


def test_the_sealed_original_is_recognised_with_what_it_is(client, certificate):
    before = _stored_count()
    response = _post(client, _sealed_pdf(certificate))
    assert response.status_code == 200
    text = page_text(response)
    assert ORIGINAL in text
    assert (
        "Ce fichier est l'original, sans aucune modification, d'un document scellé par "
        "l'organisme certificateur (CPEF de la branche)" in text
    )
    assert "Certificat de qualification professionnelle" in text
    assert certificate.number in text
    assert reverse("verify_number", args=[certificate.number]) in response.content.decode()
    assert _stored_count() == before
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_answer_never_shows_email_birth_date_or_organisation(client, certificate):
    candidacy = certificate.deliberation.candidacy
    person = candidacy.candidate
    text = page_text(_post(client, _sealed_pdf(certificate)))
    assert ORIGINAL in text
    assert person.user.email not in text
    assert candidacy.organisation.name not in text
    if person.birth_date:
        assert person.birth_date.strftime("%d/%m/%Y") not in text


def test_a_revoked_original_says_so(client, certificate, secretariat):
    services.certificate_revoke(certificate=certificate, by=secretariat, reason="Fraude établie.")
    text = page_text(_post(client, _sealed_pdf(certificate)))
    assert ORIGINAL in text
    assert "Attention : ce document a été révoqué le" in text


def test_one_byte_changed_is_an_altered_copy(client, certificate):
    pdf = _altered(_sealed_pdf(certificate))
    response = _post(client, pdf)
    assert response.status_code == 200
    text = page_text(response)
    assert ALTERED in text
    assert "il a été modifié après avoir été scellé : ce n'est pas l'original" in text
    assert ORIGINAL not in text
    assert certificate.number not in text


def test_a_pdf_that_is_not_ours_is_unknown(client, certificate, settings, tmp_path):
    text = page_text(_post(client, HTML(string="<p>Certificat</p>").write_pdf()))
    assert UNKNOWN in text
    assert (
        "Ce fichier n'est pas un document scellé par l'organisme certificateur (CPEF de la branche)"
        in text
    )
    # Sealed, but by another key: not ours either.
    ours = settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = tmp_path / "k.pem", tmp_path / "c.pem"
    seal.create_self_signed(
        settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE, common_name="Faux", organisation="Faux"
    )
    forged = seal.seal_pdf(
        HTML(string="<p>Certificat</p>").write_pdf(), signer_name="F", reason="F", location="F"
    )
    settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = ours
    assert UNKNOWN in page_text(_post(client, forged))


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Ce type de fichier n'est pas accepté."),
        ("faux.pdf", b"Bonjour, je suis un PDF.", "Ce type de fichier n'est pas accepté."),
        ("casse.pdf", b"%PDF-1.7\n%%EOF garbage", "Ce fichier n'est pas un PDF lisible"),
        ("vide.pdf", b"", "Le fichier est vide."),
    ],
    ids=["an image", "text", "a broken PDF", "empty"],
)
def test_what_is_not_a_readable_pdf_gets_a_clear_answer(client, name, data, error):
    before = _stored_count()
    response = _post(client, data, name=name)
    assert response.status_code == 200
    text = page_text(response)
    assert error in text
    for verdict in (ORIGINAL, ALTERED, UNKNOWN):
        assert verdict not in text
    assert _stored_count() == before


def test_no_file_gets_a_clear_answer(client):
    response = client.post(reverse("verify_upload"), {})
    assert "Choisissez le fichier PDF à vérifier." in page_text(response)


def test_a_file_too_large_is_not_read(client):
    data = b"%PDF-1.7\n" + b"0" * uploads.MAX_SIZE
    response = _post(client, data)
    assert response.status_code == 200
    assert "Le fichier dépasse la taille maximale de 15 Mo : il n'a pas été reçu." in page_text(
        response
    )


def test_the_file_is_read_in_memory_whatever_its_size(client):
    # Beyond FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), Django would write it to a temporary file.
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Padding": "0" * (3 * 1024 * 1024)})
    writer.write(buffer)
    response = _post(client, buffer.getvalue())
    assert UNKNOWN in page_text(response)
    assert isinstance(response.wsgi_request.FILES["document"], InMemoryUploadedFile)


def test_checks_are_limited_per_client(client, settings, one_rate_window):
    settings.VERIFY_UPLOAD_RATE_LIMIT = 2
    pdf = HTML(string="<p>x</p>").write_pdf()
    assert [_post(client, pdf).status_code for _ in range(3)] == [200, 200, 429]
    response = _post(client, pdf)
    assert response["Retry-After"] == "60"
    assert "Trop de vérifications en peu de temps" in page_text(response)


def test_the_verification_page_offers_the_upload(client):
    response = client.get(reverse("verify"))
    html = response.content.decode()
    assert 'action="/verifier/document/#verifier-document"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept=".pdf"' in html
    assert "Vérifier un document PDF" in page_text(response)


def test_the_digest_alone_does_not_make_an_original(client, certificate):
    """A stored document of an unsealed kind (a livret) with the same bytes is not certified."""
    pdf = HTML(string="<p>Livret</p>").write_pdf()
    Document.objects.filter(pk=documents.document_find(certificate.kind, certificate).pk).update(
        kind="livret", sha256=hashlib.sha256(pdf).hexdigest()
    )
    assert UNKNOWN in page_text(_post(client, pdf))


def test_the_answer_takes_a_few_queries(client, certificate, django_assert_max_num_queries):
    pdf = _sealed_pdf(certificate)
    # The stored document, its certificate, the issuer's name.
    with django_assert_max_num_queries(3):
        response = _post(client, pdf)
    assert ORIGINAL in page_text(response)
