"""The secretariat's instruction page in a browser, 320 px wide and with the keyboard only:
tick two waiting dossiers, keep the session offered (the next one), place them."""

import pytest
from playwright.sync_api import Page, expect

from tests.candidates.builders import DAY, today
from tests.factories import PASSWORD, UserFactory
from tests.jury.builders import cheap_in_jury, planned_session

from .conftest import label, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_places_two_dossiers_with_the_keyboard_on_a_narrow_screen(
    page: Page, live_server, secretariat, own_org
):
    session = planned_session(by=secretariat, date=today() + 14 * DAY)
    for last_name in ("Alpha", "Bravo", "Charlie"):
        user = UserFactory(first_name="Camille", last_name=last_name)
        cheap_in_jury(own_org, candidate__user=user)
    page.set_viewport_size({"width": 320, "height": 900})
    login(page, live_server, secretariat.email, PASSWORD)
    page.goto(live_server.url + "/jury/instruction/")
    expect(page.get_by_role("heading", name="Instruction des dossiers")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.get_by_label("Inscrire Camille Alpha").focus()
    page.keyboard.press("Space")
    page.get_by_label("Inscrire Camille Bravo").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label(label("Inscrire à la session"))).to_have_value(str(session.pk))
    page.get_by_role("button", name="Inscrire les candidatures cochées").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(
        f"2 candidatures inscrites à la session du {session.date:%d/%m/%Y}."
    )
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr").first).to_contain_text("Camille Charlie")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
