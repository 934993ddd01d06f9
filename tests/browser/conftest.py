"""Headless Chromium, driven through Playwright's sync API, against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django refuses ORM calls
there unless DJANGO_ALLOW_ASYNC_UNSAFE is set: it is set here so that these tests also run
outside `make test`. Factories called by the tests are committed (the live server implies
`transactional_db`), so the server thread sees them.
"""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

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

# Fail fast rather than hang on a missing element; pages are local and quick.
expect.set_options(timeout=10_000)


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


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def new_page(browser):
    """`new_page()`: a page in a browser context of its own (one person logged in per context)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(locale="fr-FR", accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def label(text: str) -> re.Pattern:
    """A form label exactly `text`, French style: Django appends a (non-breaking) " :"."""
    return re.compile(rf"^{re.escape(text)}[\s\u00a0]*:?$")


def login(page: Page, live_server, email: str, password: str) -> None:
    """Fill and submit the login form like a person would."""
    page.goto(live_server.url + "/connexion/")
    page.get_by_label(label("Adresse e-mail")).fill(email)
    page.get_by_label(label("Mot de passe")).fill(password)
    page.get_by_role("button", name="Se connecter").click()
