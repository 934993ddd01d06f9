"""The secretariat's recevabilité queue in a browser, 320 px wide: the filter works without
JavaScript, keeps its choice, and each request says where it stands against its due date."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.candidates.builders import candidate_of
from tests.factories import PASSWORD, UserFactory, VaeCandidacyFactory

from .conftest import label, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _waiting(last_name, *, submitted_days_ago, due_in_days):
    user = UserFactory(first_name="Camille", last_name=last_name)
    candidacy = VaeCandidacyFactory(
        candidate=candidate_of(user), organisation=None, state="recevabilite"
    )
    today = timezone.localdate()
    candidacy.vae_request.submitted_on = today - datetime.timedelta(days=submitted_days_ago)
    candidacy.vae_request.decision_due_on = today + datetime.timedelta(days=due_in_days)
    candidacy.vae_request.save()
    return candidacy


def test_the_secretariat_filters_the_queue_on_a_narrow_screen(page: Page, live_server, secretariat):
    _waiting("Retard", submitted_days_ago=70, due_in_days=-4)
    _waiting("Bientôt", submitted_days_ago=50, due_in_days=10)
    _waiting("Tranquille", submitted_days_ago=2, due_in_days=58)
    page.set_viewport_size({"width": 320, "height": 800})
    login(page, live_server, secretariat.email, PASSWORD)
    page.goto(live_server.url + "/recevabilite/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Camille Retard")
    expect(rows.nth(0)).to_contain_text("en retard de 4 jours")
    expect(rows.nth(0)).to_contain_text("déposée il y a 70 jours")
    expect(rows.nth(1)).to_contain_text("à échéance sous 15 jours")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.get_by_label(label("Demandes affichées")).select_option(label="À échéance sous 15 jours")
    submit(page.get_by_role("button", name="Afficher"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Camille Bientôt")
    expect(page.get_by_label(label("Demandes affichées"))).to_have_value("bientot")

    page.get_by_label(label("Demandes affichées")).select_option(label="Nouvelles soumissions")
    submit(page.get_by_role("button", name="Afficher"))
    expect(page.locator(".empty-state")).to_have_text(
        "Aucune demande renvoyée après une demande de compléments."
    )
