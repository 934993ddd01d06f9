"""Headless Chromium, driven through Playwright's sync API, against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django refuses ORM calls
there unless DJANGO_ALLOW_ASYNC_UNSAFE is set: it is set here so that these tests also run
outside `make test`. Factories called by the tests are committed (the live server implies
`transactional_db`), so the server thread sees them.

Every browser wait is bounded here, by TIMEOUT_MS: tests wait on what the page shows
(`expect`, `submit`, `expect_download`), never for a fixed time.
"""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Locator, Page, expect, sync_playwright  # noqa: E402
from weasyprint import HTML  # noqa: E402

BROWSER_DIR = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# The only browser timeout of the suite: for an action (click, fill...), an expectation on
# the page, a page load, a download, a request made by the test. Pages are local, but
# `make test` runs two workers on machines with as few as two cores, maybe beside other
# work; and with tasks eager, a POST may render an official PDF before it answers (seconds
# under load). A passing wait returns as soon as the page shows what is expected: only a
# failure costs this long.
TIMEOUT_MS = 60_000

expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session", autouse=True)
def _weasyprint_warmed_up():
    """WeasyPrint's first rendering in a process loads its fonts: done once here, before any
    timed action, rather than inside the first request that renders an official PDF."""
    HTML(string="<p style=\"font-family: 'DejaVu Sans'\">Préchauffage</p>").write_pdf()


# How Chromium reports, in the console, what the pages' Content-Security-Policy blocked
# ("Refused to apply inline style because it violates...") or a Permissions-Policy it reads
# wrong ("Error with Permissions-Policy header: ...").
POLICY_REPORT = re.compile(r"Content Security Policy|Permissions-Policy")


@pytest.fixture
def policy_reports():
    """What the console reported against the headers' policies, on every page of the test:
    a page that breaks the CSP fails the test that shows it."""
    reported = []
    yield reported
    assert reported == [], "the browser blocked or ignored part of a page (CSP)"


@pytest.fixture
def new_page(browser, policy_reports):
    """`new_page()`: a page in a browser context of its own (one person logged in per context)."""
    contexts = []

    def watch(message) -> None:
        if POLICY_REPORT.search(message.text):
            policy_reports.append(f"{message.type}: {message.text} ({message.location['url']})")

    def make() -> Page:
        context = browser.new_context(locale="fr-FR", accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", watch)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def label(text: str) -> re.Pattern:
    """A form label exactly `text`, French style: Django appends a (non-breaking) " :"."""
    return re.compile(rf"^{re.escape(text)}[\s\u00a0]*:?$")


def submit(button: Locator) -> None:
    """Click a button that posts a form, and wait for the page the server answers with.

    What follows then reads the answer, not the page the click left, which may still show
    the same message from an earlier submission.
    """
    with button.page.expect_navigation():
        button.click()


def login(page: Page, live_server, email: str, password: str) -> None:
    """Fill and submit the login form like a person would; returns on the page it answers."""
    page.goto(live_server.url + "/connexion/")
    page.get_by_label(label("Adresse e-mail")).fill(email)
    page.get_by_label(label("Mot de passe")).fill(password)
    submit(page.get_by_role("button", name="Se connecter"))


# Where the screenshots go when asked for (to look at the page as a user would).
SHOTS = os.environ.get("SCREENSHOTS_DIR")


def shoot(page: Page, name: str) -> None:
    """The page at 1366 and 320 px: no sideways scroll; screenshots when SCREENSHOTS_DIR is set."""
    for width in (1366, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
