"""The secretariat sets the certifying body's identity like a person would: from the
référentiels page to the form, a refused SVG logo explained beside its field, then a PNG
logo and the signatories recorded; the next certificate preview prints them. The page fits
a phone's width. `ISSUER_SCREENSHOTS=/tmp/shots pytest …` keeps screenshots to look at."""

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from cqp.models import Issuer
from tests.factories import PASSWORD

from .conftest import label, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page: Page, name: str) -> None:
    if os.environ.get("ISSUER_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["ISSUER_SCREENSHOTS"], name)), full_page=True)


def _png(tmp_path) -> Path:
    path = tmp_path / "logo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (200, 120), (29, 58, 110)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_the_secretariat_sets_the_issuer_and_its_logo(
    page: Page, live_server, secretariat, tmp_path
):
    login(page, live_server, secretariat.email, PASSWORD)
    page.goto(live_server.url + "/referentiel/")
    page.get_by_role("link", name="Modifier l'organisme certificateur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisme certificateur")

    page.get_by_label(label("Ville")).fill("Lyon")
    page.get_by_label(label("Nom du président ou de la présidente")).fill("Marc Aubry")
    page.get_by_label(label("Nom du vice-président ou de la vice-présidente")).fill("Nadia Benali")
    svg = tmp_path / "logo.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    page.get_by_label(label("Logo")).set_input_files(str(svg))
    submit(page.get_by_role("button", name="Enregistrer l'organisme certificateur"))

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(
        "Logo : Ce type de fichier n'est pas accepté. Formats acceptés : PNG, JPEG."
    )
    _shot(page, "issuer-refused-1366.png")
    assert not Issuer.objects.exists()

    page.get_by_label(label("Logo")).set_input_files(str(_png(tmp_path)))
    submit(page.get_by_role("button", name="Enregistrer l'organisme certificateur"))

    expect(
        page.get_by_text("L'identité de l'organisme certificateur est mise à jour.")
    ).to_be_visible()
    expect(page.get_by_text("Marc Aubry (Président de la CPEF)")).to_be_visible()
    issuer = Issuer.current()
    assert (issuer.city, issuer.president_name, issuer.vice_president_name) == (
        "Lyon",
        "Marc Aubry",
        "Nadia Benali",
    )
    assert issuer.logo.name.endswith(".png")

    page.goto(live_server.url + "/emetteur/modifier/")
    expect(page.get_by_text("Un logo est enregistré")).to_be_visible()
    _shot(page, "issuer-form-1366.png")
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    _shot(page, "issuer-form-320.png")
