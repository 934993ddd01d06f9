"""The legal pages from a visitor's footer, the privacy summary before the VAE sign-up form,
the header's focus ring (3:1 against the header), and the session form's controls: every
field styled, the boxes to tick 24 px beside their labels. At 1366 and 320 px."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.jury.builders import planned_session

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1366, 320]


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_visitor_reads_the_privacy_notice_before_signing_up(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + "/vae/demande/")
    summary = page.get_by_role("region", name="Vos données personnelles")
    expect(summary).to_be_visible()
    first_field = page.locator("main form input:not([type=hidden])").first
    assert summary.bounding_box()["y"] < first_field.bounding_box()["y"]
    _no_sideways_scroll(page)

    summary.get_by_role("link", name=re.compile("Lire la notice complète")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos données personnelles")
    _no_sideways_scroll(page)

    footer = page.get_by_role("navigation", name="Informations légales et aide")
    for name, heading in [
        ("Mentions légales", "Mentions légales"),
        ("Accessibilité : partiellement conforme", "Déclaration d'accessibilité"),
        ("Aide et contact", "Aide et contact"),
    ]:
        footer.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        _no_sideways_scroll(page)


def test_the_header_focus_ring_contrasts_with_the_header_and_the_page(
    page, live_server, secretariat
):
    login(page, live_server, secretariat.email, PASSWORD)
    brand = page.locator(".brand")
    brand.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard: :focus-visible
    ring = brand.evaluate("e => getComputedStyle(e).outlineColor")
    header = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert _contrast(ring, header) >= 3

    link = page.locator("main a").first
    link.focus()
    page_ring = link.evaluate("e => getComputedStyle(e).outlineColor")
    body = page.locator("body").evaluate("e => getComputedStyle(e).backgroundColor")
    assert _contrast(page_ring, body) >= 3


@pytest.mark.parametrize("width", WIDTHS)
def test_the_session_form_controls_are_styled(page, live_server, secretariat, width):
    session = planned_session(by=secretariat)
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, secretariat.email, PASSWORD)
    page.goto(f"{live_server.url}/jury/sessions/{session.pk}/modifier/")
    url_field = page.locator("input[type=url]")
    text_field = page.locator("main input[type=text]").first
    for prop in ("borderTopWidth", "borderTopColor", "paddingLeft", "fontSize"):
        style = f"e => getComputedStyle(e).{prop}"
        assert url_field.evaluate(style) == text_field.evaluate(style), prop
    _no_sideways_scroll(page)

    page.goto(f"{live_server.url}/jury/sessions/{session.pk}/")
    boxes = page.locator("main input[type=checkbox]")
    assert boxes.count() >= 2
    for index in range(boxes.count()):
        box = boxes.nth(index)
        size = box.bounding_box()
        assert size["width"] >= 24 and size["height"] >= 24
        label = box.locator("xpath=ancestor::label[1]")
        label_box = label.bounding_box()
        # The label's text is on the same line, right beside the box.
        assert (
            abs((label_box["y"] + label_box["height"] / 2) - (size["y"] + size["height"] / 2)) < 24
        )
        assert label_box["x"] <= size["x"] < label_box["x"] + 8
    _no_sideways_scroll(page)
