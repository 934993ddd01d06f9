"""The pages work under their Content-Security-Policy, which Chromium enforces: every
browser test fails on a violation reported in the console (conftest.policy_reports), the
menu's script included (test_login.test_menu_button_toggles_the_navigation_on_a_phone).
Here, proof that such a report is caught."""

import pytest
from playwright.sync_api import Page, expect

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
