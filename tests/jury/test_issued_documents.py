"""The certificate, the attestation and the procès-verbal as the CPEF issues them: the
issuer's identity (name, address) in the header, the registration code and level, the
signatories' blocks, « Fait à <ville de l'émetteur> », the holder's civil identity, and
PDF/A. `DOCUMENTS_PDF_DIR=/tmp/pdfs pytest …` keeps the PDFs to look at them."""

import datetime
import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from cqp import documents, emails, services_registry
from cqp.models import Certification, Issuer
from jury import documents as jury_documents
from jury.models import Certificate
from tests.candidates.builders import today
from tests.factories import InvitationFactory
from tests.helpers import add_years, pdf_read

from .builders import ALL, EMPLOYEURS, SALARIES, cheap_on_agenda, fiche, member, open_session
from .builders import record as record_decision
from .test_certificate_identity import _holder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def issuer():
    issuer = Issuer.current()
    issuer.name = "Commission paritaire de l'emploi et de la formation des organismes de formation"
    issuer.short_name = "CPEF-OF"
    issuer.street = "12 rue des Archives"
    issuer.postal_code = "69002"
    issuer.city = "Lyon"
    issuer.president_name = "Marc Aubry"
    issuer.president_title = "Président de la CPEF"
    issuer.vice_president_name = "Nadia Benali"
    issuer.vice_president_title = "Vice-présidente de la CPEF"
    issuer.save()
    return issuer


@pytest.fixture
def registered(secretariat):
    services_registry.certification_registry_update(
        certification=Certification.objects.get(code="CQP-AF"),
        by=secretariat,
        registry="RNCP",
        registry_code="RNCP38912",
        registry_level=4,
    )


def _render(code, obj) -> tuple[str, int, bytes]:
    data, pages = documents.render_pdf(documents.get_kind(code), obj)
    if os.environ.get("DOCUMENTS_PDF_DIR"):
        Path(os.environ["DOCUMENTS_PDF_DIR"], f"{code}.pdf").write_bytes(data)
    text, counted = pdf_read(data)
    assert counted == pages
    return text, pages, data


def _decide(deliberation, capture, **decisions):
    with capture(execute=True):
        record_decision(deliberation, decisions=fiche(**decisions))
    return Certificate.objects.get(deliberation=deliberation)


def _assert_issuer(text):
    assert "Commission paritaire de l'emploi et de la formation des organismes de formation" in text
    assert "12 rue des Archives, 69002 Lyon" in text


def _assert_signatories(text, signed_on):
    assert f"Fait à Lyon, le {signed_on.day} " in text
    assert "Fait à CPEF" not in text
    for line in (
        "Président de la CPEF",
        "Marc Aubry",
        "Vice-présidente de la CPEF",
        "Nadia Benali",
    ):
        assert line in text


def test_the_certificate_is_a_one_page_diploma_signed_by_the_issuer(
    on_agenda, secretariat, registered, django_capture_on_commit_callbacks
):
    deliberation = on_agenda()
    _holder(
        deliberation.candidacy,
        secretariat,
        civility="madame",
        birth_name="Lambert",
        used_name="Moreau",
        first_names="Inès Claire",
        birth_date=datetime.date(1991, 3, 14),
        birth_place="Lyon",
    )
    certificate = _decide(deliberation, django_capture_on_commit_callbacks, validated=ALL)

    text, pages, _data = _render("certificat", certificate)
    assert pages == 1
    _assert_issuer(text)
    assert "Certificat de qualification professionnelle" in text
    assert "Madame Inès Claire MOREAU" in text
    assert "née LAMBERT le 14/03/1991 à Lyon" in text
    assert "Certification enregistrée au RNCP sous le numéro RNCP38912, niveau 4" in text
    assert "Sur décision du jury paritaire réuni le " in text
    assert certificate.number in text
    _assert_signatories(text, certificate.issued_on)
    for word in ("Candidat(e)", "président(e)", "né(e)"):
        assert word not in text


def test_the_certificate_names_a_holder_without_civility_without_agreement(
    on_agenda, secretariat, django_capture_on_commit_callbacks
):
    deliberation = on_agenda()
    _holder(
        deliberation.candidacy,
        secretariat,
        civility="",
        first_names="Camille",
        birth_name="Roux",
        birth_date=datetime.date(1988, 1, 2),
        birth_place="Nantes",
    )
    certificate = _decide(deliberation, django_capture_on_commit_callbacks, validated=ALL)

    text, _pages, _data = _render("certificat", certificate)
    assert (
        "certifie que Camille ROUX date de naissance : 02/01/1988, lieu de naissance : Nantes"
        in text
    )
    assert "(e)" not in text.replace("Assistant(e)", "")


def test_the_attestation_lists_what_is_validated_until_when_and_what_remains(
    on_agenda, secretariat, registered, django_capture_on_commit_callbacks
):
    deliberation = on_agenda(non_acquises={3, 5})
    certificate = _decide(
        deliberation,
        django_capture_on_commit_callbacks,
        validated=[1, 2, 4, 6],
        not_validated=[3, 5],
    )
    assert certificate.kind == "attestation"

    text, pages, _data = _render("attestation", certificate)
    assert pages <= 2
    _assert_issuer(text)
    assert "RNCP38912 (niveau 4)" in text
    validated_on, until = today().strftime("%d/%m/%Y"), add_years(today(), 5).strftime("%d/%m/%Y")
    validated, remaining = text.split("Compétences restant à valider", 1)
    for number in (1, 2, 4, 6):
        assert f"C{number} " in validated
    assert validated.count(f"{validated_on} {until}") == 4
    assert "C3 " in remaining and "C5 " in remaining
    assert "C3 " not in validated.split("Compétences validées", 1)[1]
    _assert_signatories(text, certificate.issued_on)
    assert "candidat(e)" not in text


def test_the_pv_has_the_issuer_an_attendance_line_per_member_present_and_the_decisions(
    secretariat,
):
    president = member(EMPLOYEURS, first_name="Claire", last_name="Perrin")
    salarie = member(SALARIES, first_name="Hugo", last_name="Martin")
    session = open_session(by=secretariat, members=[president, salarie], president=president)
    for _ in range(2):
        record_decision(cheap_on_agenda(session, secretariat=secretariat), decisions=fiche(ALL))

    text, _pages, _data = _render("proces_verbal", session)
    _assert_issuer(text)
    assert "(président(e)" not in text and "Président(e)" not in text
    sheet = text[text.index("Feuille d'émargement") :]
    assert sheet.count("Signature : ____") == 2
    assert "Claire Perrin" in sheet and "Hugo Martin" in sheet
    assert text.count("Délivrance totale du CQP") == 2


PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def test_documents_are_pdf_a_3b_with_their_fonts_embedded(
    on_agenda, django_capture_on_commit_callbacks
):
    certificate = _decide(on_agenda(), django_capture_on_commit_callbacks, validated=ALL)
    _text, _pages, data = _render("certificat", certificate)

    reader = PdfReader(io.BytesIO(data))
    descriptions = reader.xmp_metadata.rdf_root.getElementsByTagNameNS(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"
    )
    declared = {
        (d.getAttributeNS(PDFAID, "part"), d.getAttributeNS(PDFAID, "conformance"))
        for d in descriptions
        if d.hasAttributeNS(PDFAID, "part")
    }
    assert declared == {("3", "B")}
    assert "/OutputIntents" in reader.trailer["/Root"]
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in fonts.values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert (
            "/FontFile2" in descendant["/FontDescriptor"]
            or "/FontFile3" in descendant["/FontDescriptor"]
        )


def test_the_certificate_and_the_e_mails_link_to_the_site_url(
    on_agenda, django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.SITE_URL = "http://127.0.0.1:8123"
    certificate = _decide(on_agenda(), django_capture_on_commit_callbacks, validated=ALL)
    text, _pages, data = _render("certificat", certificate)
    assert f"http://127.0.0.1:8123/verifier/{certificate.number}/" in text.replace(" ", "")
    # The QR code encodes the same address.
    assert jury_documents.verification_url(certificate) == (
        f"http://127.0.0.1:8123/verifier/{certificate.number}/"
    )

    invitation = InvitationFactory()
    emails.invitation_email_send(invitation_id=invitation.pk)
    assert f"http://127.0.0.1:8123/invitation/{invitation.token}/" in mailoutbox[-1].body
