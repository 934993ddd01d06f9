"""/pilotage/ in a browser: the secretariat sees every organisation's figures drawn (the
canvas Chart.js draws into, under the CSP) with their table; a gestionnaire sees their own
organisation's only, on a narrow screen, without sideways scroll."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates.enums import State
from tests.factories import PASSWORD
from tests.pilotage.builders import at, created, log

from .conftest import label, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history(own_org, other_org):
    today = timezone.localdate()
    for organisation, n in ((own_org, 1), (other_org, 2)):
        for _ in range(n):
            candidacy = created(
                at(today - datetime.timedelta(days=60)),
                organisation=organisation,
                state=State.PARCOURS,
            )
            log(
                candidacy,
                "complete_reperage",
                State.REPERAGE,
                State.PARCOURS,
                at(today - datetime.timedelta(days=40)),
            )


def test_the_secretariat_reads_a_chart_and_its_table(
    page: Page, live_server, secretariat, own_org, other_org
):
    _history(own_org, other_org)
    login(page, live_server, secretariat.email, PASSWORD)
    page.get_by_role("link", name="Pilotage", exact=True).click()
    expect(page.get_by_role("heading", name="Pilotage", level=1)).to_be_visible()
    figure = page.locator("#graphique-etapes")
    canvas = figure.locator("canvas[role='img']")
    expect(canvas).to_be_visible()
    expect(canvas).to_have_attribute(
        "aria-label",
        "Candidatures par étape aujourd'hui : Le nombre de candidatures à chaque étape du "
        "dispositif à ce jour. Les chiffres sont dans le tableau qui suit.",
    )
    # Chart.js (a deferred script) drew into it.
    page.wait_for_function(
        "() => window.Chart && !!Chart.getChart(document.querySelector('#graphique-etapes canvas'))"
    )
    table = figure.get_by_role("table", name="Candidatures par étape aujourd'hui")
    expect(table.get_by_role("row", name="Parcours de formation 3")).to_be_visible()
    flux = page.get_by_role("table", name="Entrées et sorties par mois")
    expect(flux.locator("tbody tr")).to_have_count(12)


def test_a_gestionnaire_sees_their_organisation_on_a_narrow_screen(
    page: Page, live_server, gestionnaire, own_org, other_org
):
    _history(own_org, other_org)
    page.set_viewport_size({"width": 320, "height": 800})
    login(page, live_server, gestionnaire.email, PASSWORD)
    page.goto(live_server.url + "/pilotage/")
    table = page.get_by_role("table", name="Candidatures par étape aujourd'hui")
    expect(table.get_by_role("row", name="Parcours de formation 1")).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && !!Chart.getChart(document.querySelector('#graphique-etapes canvas'))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    expect(page.get_by_label(label("Type d'organisation"))).to_have_count(0)
    # A period ending before it starts: said on the field, kept in the form.
    page.get_by_label(label("Du")).fill("2026-06-30")
    page.get_by_label(label("Au")).fill("2026-01-01")
    submit(page.get_by_role("button", name="Afficher"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("La date de fin (01/01/2026) est antérieure")
    expect(page.get_by_label(label("Du"))).to_have_value("2026-06-30")
