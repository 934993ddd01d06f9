"""Anyone, without an account, checks a PDF on the public verification page: the sealed
certificate as it was delivered is the original; a copy with one byte changed is not."""

import pytest
from playwright.sync_api import Page, expect

from cqp import documents
from tests.helpers import stored_bytes
from tests.jury.builders import certified

from .conftest import label, submit

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(page: Page, name: str, data: bytes) -> None:
    form = page.locator("#verifier-document form")
    form.get_by_label(label("Document PDF à vérifier")).set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": data}
    )
    submit(form.get_by_role("button", name="Vérifier le document"))


def test_a_visitor_checks_the_genuine_certificate_and_an_altered_copy(
    page: Page, live_server, secretariat
):
    certificate = certified(secretariat=secretariat)
    genuine = stored_bytes(documents.document_find("certificat", certificate))
    altered = bytearray(genuine)
    altered[genuine.index(b"stream", len(genuine) // 4) + 20] ^= 0x01

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/verifier/")
    expect(page.get_by_role("heading", name="Vérifier un document PDF")).to_be_visible()
    _upload(page, "certificat.pdf", genuine)
    result = page.locator(".verify-upload-result")
    expect(result).to_contain_text("Document authentique.")
    expect(result.get_by_role("link", name=certificate.number)).to_have_attribute(
        "href", f"/verifier/{certificate.number}/"
    )
    # Narrow screens: the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.set_viewport_size({"width": 1366, "height": 900})
    _upload(page, "certificat-retouche.pdf", bytes(altered))
    expect(result).to_contain_text("Document modifié.")
    expect(result).not_to_contain_text("Document authentique.")
    expect(result.get_by_role("link", name=certificate.number)).to_have_count(0)

    # Whatever is not a PDF is refused beside the field.
    form = page.locator("#verifier-document form")
    form.get_by_label(label("Document PDF à vérifier")).set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"Bonjour"}
    )
    submit(form.get_by_role("button", name="Vérifier le document"))
    expect(page.locator("#verifier-document")).to_contain_text(
        "Ce type de fichier n'est pas accepté. Formats acceptés : PDF."
    )
