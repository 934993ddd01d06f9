"""The pages work under their Content-Security-Policy, which Chromium enforces: every
browser test fails on a violation reported in the console (conftest.policy_reports); here,
proof that such a report is caught, and a journey through the menu the app's script opens."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

from .conftest import login

pytestmark = pytest.mark.browser

VIOLATION = "violates the following Content Security Policy directive 'style-src 'self''"
INJECT = "document.body.insertAdjacentHTML('beforeend', '<p id=\"red\" style=\"color: red\">x</p>')"


def test_an_inline_style_is_blocked_and_reported(page: Page, live_server, policy_reports):
    page.goto(live_server.url + "/connexion/")
    with page.expect_console_message(lambda m: VIOLATION in m.text):
        page.evaluate(INJECT)
    expect(page.locator("#red")).not_to_have_css("color", "rgb(255, 0, 0)")
    assert any(VIOLATION in report for report in policy_reports)
    policy_reports.clear()  # the violation was this test's own doing


def test_the_menu_script_runs_under_the_csp(page: Page, live_server, secretariat, policy_reports):
    page.set_viewport_size({"width": 400, "height": 800})
    login(page, live_server, secretariat.email, PASSWORD)
    toggle = page.get_by_role("button", name="Menu")
    for link in ("Candidatures", "Jury", "Habilitations", "Organisations"):
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        page.get_by_role("navigation").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert policy_reports == []
