"""Official documents and notifications in a real browser.

A candidacy reaches `jury` through the real services, is decided in an open session that
the president then closes (tasks run eagerly after each commit: every PDF is stored on the
way). Then, in the browser: the candidate reads their notifications and downloads their
certificate from the candidacy page; the president downloads the procès-verbal and the
ZIP of the session's dossiers; a gestionnaire of another organisation gets the French 404
page for the certificate's address; the professionnel previews a draft livret.
"""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cqp.models import Document, MembershipRole
from jury import services as jury_services
from jury.models import Certificate
from tests.candidates.builders import assign, candidacy_in
from tests.factories import PASSWORD, MembershipFactory
from tests.jury.builders import ALL, candidacy_in_jury, fiche, open_session, place, record

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decided(own_org, secretariat, professionnel, evaluateur):
    candidat = MembershipFactory(
        organisation=own_org,
        role=MembershipRole.CANDIDAT,
        user__first_name="Élise",
        user__last_name="Fèvre",
        user__email="elise@exemple.fr",
    ).user
    candidacy = candidacy_in_jury(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )
    session = open_session(by=secretariat)
    deliberation = record(place(session, candidacy, by=secretariat), decisions=fiche(ALL))
    president = session.president.user
    jury_services.session_close(session=session, by=president)
    return candidacy, session, Certificate.objects.get(deliberation=deliberation), president


def _download(page: Page, name: str):
    with page.expect_download() as info:
        page.get_by_role("link", name=name).first.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_documents_and_notifications_journey(
    live_server, new_page, decided, outsider, professionnel, own_org, secretariat
):
    candidacy, session, certificate, president = decided

    # The candidate: unread notices in the header, the list, then their certificate.
    page = new_page()
    login(page, live_server, "elise@exemple.fr", PASSWORD)
    header_link = page.get_by_role("link", name="Notifications")
    expect(header_link.locator(".badge--count")).to_be_visible()
    header_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(
        page.get_by_role("link", name="Votre candidature : Jury paritaire → Certification obtenue")
    ).to_be_visible()
    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(page.get_by_role("status")).to_contain_text("marquées comme lues")
    expect(page.get_by_role("link", name="Notifications").locator(".badge--count")).to_have_count(0)

    page.goto(f"{live_server.url}/candidatures/{candidacy.pk}/")
    documents = page.get_by_role("region", name="Documents officiels")
    for title in ("Dossier de suivi et d'évaluation", "Fiche de décision", "Certificat"):
        expect(documents).to_contain_text(title)
    expect(documents).not_to_contain_text("Procès-verbal")
    name, data = _download(page, "Télécharger — Certificat de qualification professionnelle")
    stored = Document.objects.get(kind="certificat", object_id=certificate.pk)
    assert name.endswith(".pdf")
    assert hashlib.sha256(data).hexdigest() == stored.sha256
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    # The diploma names the holder by their legal name (the demo's builders declare one).
    assert candidacy.candidate.legal_name in text and certificate.number in text

    # The president: the procès-verbal and every dossier of the session in one ZIP.
    pres = new_page()
    login(pres, live_server, president.email, PASSWORD)
    pres.goto(f"{live_server.url}/jury/sessions/{session.pk}/")
    _name, pv = _download(pres, "Télécharger le procès-verbal (PDF)")
    assert pv.startswith(b"%PDF")
    zip_name, archive = _download(pres, "Télécharger tous les dossiers (ZIP)")
    assert zip_name.endswith(".zip")
    members = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    # The candidacy's documents in its folder, the procès-verbal at the root.
    folder = f"Fevre-Elise-{candidacy.pk}/"
    assert f"{folder}fiche-de-decision-du-jury.pdf" in members
    assert f"{folder}certificat-de-qualification-professionnelle.pdf" in members
    assert "proces-verbal-de-la-session-du-jury-paritaire.pdf" in members
    assert all(m.startswith(folder) or "/" not in m for m in members)

    # Another organisation's gestionnaire: the address answers the French 404 page.
    other = new_page()
    login(other, live_server, outsider.email, PASSWORD)
    response = other.goto(f"{live_server.url}/documents/{stored.pk}/")
    assert response.status == 404
    expect(other.get_by_role("heading", level=1)).to_have_text("Page introuvable")

    # The professionnel previews a livret still in progress: a draft marked PROJET.
    draft = candidacy_in("reperage", MembershipFactory(organisation=own_org).user, own_org)
    assign(draft, by=secretariat, professionnel=professionnel)
    pro = new_page()
    login(pro, live_server, professionnel.email, PASSWORD)
    pro.goto(f"{live_server.url}/candidatures/{draft.pk}/reperage/")
    href = pro.get_by_role("link", name="Aperçu PDF").get_attribute("href")
    preview = pro.request.get(live_server.url + href)
    assert preview.status == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert "PROJET" in PdfReader(io.BytesIO(preview.body())).pages[0].extract_text()
    assert not Document.objects.filter(kind="livret", object_id=draft.pk).exists()
