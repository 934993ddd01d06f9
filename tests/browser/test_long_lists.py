"""A long list, as the secretariat reads it: the count stops at its bound and says so, the
pages stay usable with the keyboard (issue 16)."""

import os

import pytest
from playwright.sync_api import expect

from candidates import selectors
from cqp import utils
from tests.factories import PASSWORD, CandidacyFactory

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screenshots(page, name: str) -> None:
    """With CQP_SCREENSHOTS set (a folder), the page at 1,366 and 320 px wide."""
    if shots := os.environ.get("CQP_SCREENSHOTS"):
        for width in (1366, 320):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})


def _first_page_then_the_next(page, says: str, name: str):
    """The first page of a list whose count stopped at its bound: what it says of the
    count, « Page 1 sur plus de 2 » and 20 rows; then the next page, by the keyboard. The
    rows' locator."""
    expect(page.get_by_text(says)).to_be_visible()
    expect(page.get_by_text("Page 1 sur plus de 2")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(20)
    _screenshots(page, name)
    page.get_by_role("link", name="Suivante »").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return rows


def test_a_long_candidacy_list_says_plus_de_and_pages_on(
    page, live_server, secretariat, own_org, monkeypatch
):
    monkeypatch.setattr(utils, "COUNT_BOUND", 30)
    for _ in range(45):
        CandidacyFactory(organisation=own_org)
    login(page, live_server, secretariat.email, PASSWORD)
    page.goto(live_server.url + "/candidatures/")

    rows = _first_page_then_the_next(page, "Plus de 30 résultats", "long-list")
    expect(page.get_by_text("Page 2 sur plus de 2")).to_be_visible()
    expect(rows).to_have_count(10)
    expect(page.get_by_role("link", name="« Précédente")).to_be_visible()


def test_a_broad_search_says_more_follow_and_counts_as_the_reader_goes(
    page, live_server, gestionnaire, own_org, monkeypatch
):
    """A search matching too many people to start from them (« ma » at 100,000) counts a
    page beyond the one shown: « plus de 40 » on the first page, the exact count once the
    reader is within reach of the end."""
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES_FIRST", 0)  # every search is broad
    for _ in range(45):
        CandidacyFactory(organisation=own_org, candidate__user__last_name="Garnier")
    login(page, live_server, gestionnaire.email, PASSWORD)
    page.goto(live_server.url + "/candidatures/")
    page.get_by_role("searchbox", name="Candidat").fill("garn")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()

    says = "Plus de 40 résultats : les pages suivantes montrent"
    rows = _first_page_then_the_next(page, says, "broad-search")
    expect(page.get_by_text("45 résultats")).to_be_visible()
    expect(page.get_by_text("Page 2 sur 3")).to_be_visible()
    expect(rows).to_have_count(20)
    with page.expect_navigation():
        page.get_by_role("link", name="Suivante »").click()
    expect(page.get_by_text("Page 3 sur 3")).to_be_visible()
    expect(rows).to_have_count(5)
