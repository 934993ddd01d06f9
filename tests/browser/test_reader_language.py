"""A candidate who reads the site in English: her notification and her candidacy's history
are in English, rendered from what happened; the référentiel stays French, marked as such
for screen readers. At 1366 and 320 px."""

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from candidates import services as candidacy_services
from tests.candidates.builders import parcours_candidacy
from tests.factories import PASSWORD, CandidacyFactory

from .conftest import login, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("width", [1366, 320])
def test_a_candidate_reading_in_english_gets_her_notices_and_history_in_english(
    page, live_server, candidat, own_org, secretariat, professionnel, width, tmp_path
):
    with transaction.atomic():
        followed = parcours_candidacy(candidat, own_org)
        candidacy_services.candidacy_assign(
            candidacy=followed, by=secretariat, professionnel=professionnel
        )
        withdrawn = CandidacyFactory(organisation=own_org, candidate__user=candidat)
    candidacy_services.run_transition(
        name="withdraw", candidacy=withdrawn, by=candidat, comment="Départ"
    )
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, candidat.email, PASSWORD)
    page.get_by_label("Langue").select_option("en")
    submit(page.get_by_role("button", name="Changer"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto(live_server.url + "/notifications/")
    expect(
        page.get_by_role(
            "link", name="Your application: Identification of prior skills → Withdrawn"
        )
    ).to_be_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=tmp_path / f"notifications-en-{width}.png", full_page=True)

    page.goto(live_server.url + f"/candidatures/{followed.pk}/historique/")
    expect(page.get_by_text(f"Industry professional: {professionnel}")).to_be_visible()
    meta = page.locator(".candidacy-meta [lang=fr]")
    expect(meta).to_have_text(followed.certification.title)
    _no_sideways_scroll(page)
    page.screenshot(path=tmp_path / f"history-en-{width}.png", full_page=True)
