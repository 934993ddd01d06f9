"""The civil identity in a browser: once their dossier is transmitted, the candidate fills in
their identity from their dashboard (an error first, then corrected); the secretariat opens it
from the instruction page, marks it checked, and places the dossier on the next session."""

import pytest
from playwright.sync_api import expect

from candidates.models import Candidate
from tests.candidates.builders import DAY, today
from tests.factories import PASSWORD, UserFactory
from tests.jury.builders import cheap_in_jury, planned_session

from .conftest import label, login, shoot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_IDENTITY = {
    **dict.fromkeys(("civility", "birth_name", "used_name", "first_names", "birth_place"), ""),
    **dict.fromkeys(("birth_date", "identity_declared_at", "identity_checked_at"), None),
}


def test_the_candidate_declares_and_the_secretariat_checks_then_places(
    new_page, live_server, secretariat, own_org
):
    session = planned_session(by=secretariat, date=today() + 14 * DAY)
    user = UserFactory(first_name="Inès", last_name="Moreau")
    candidacy = cheap_in_jury(own_org, candidate__user=user)
    Candidate.objects.filter(pk=candidacy.candidate_id).update(**NO_IDENTITY)

    # The candidate: the next step on the dashboard, the form, an error, then saved.
    page = new_page()
    login(page, live_server, user.email, PASSWORD)
    expect(page.locator(".identity-request")).to_contain_text(
        "Étape suivante : renseignez votre état civil."
    )
    submit(page.get_by_role("link", name="Renseigner mon état civil"))
    expect(page.get_by_role("heading", name="État civil", exact=True)).to_be_visible()
    page.get_by_label(label("Civilité")).select_option("madame")
    page.get_by_label(label("Nom de naissance")).fill("Lambert")
    page.get_by_label(label("Nom d'usage")).fill("Moreau")
    page.get_by_label(label("Prénoms")).fill("Inès Claire")
    page.get_by_label(label("Date de naissance")).fill(f"{today().year + 1}-03-14")
    page.get_by_label(label("Commune de naissance")).fill("Lyon")
    submit(page.get_by_role("button", name="Enregistrer l'état civil"))
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("La date de naissance ne peut pas être dans le futur.")
    expect(page.get_by_label(label("Nom d'usage"))).to_have_value("Moreau")
    shoot(page, "identity-error")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label(label("Date de naissance"))).to_be_focused()
    page.get_by_label(label("Date de naissance")).fill("1991-03-14")
    submit(page.get_by_role("button", name="Enregistrer l'état civil"))
    expect(page.locator(".messages")).to_contain_text(
        "Votre état civil est enregistré. Le secrétariat de la CPEF le vérifiera avant le jury."
    )

    # The secretariat: the instruction names it, the page checks it, the dossier is placed.
    desk = new_page()
    login(desk, live_server, secretariat.email, PASSWORD)
    desk.goto(live_server.url + "/jury/instruction/")
    row = desk.locator("tbody tr").filter(has_text="Inès Moreau")
    expect(row).to_contain_text("pas encore vérifié par le secrétariat")
    submit(row.get_by_role("link", name="Vérifier l'état civil"))
    expect(desk.get_by_label(label("Nom de naissance"))).to_have_value("Lambert")
    shoot(desk, "identity-secretariat")
    submit(desk.get_by_role("button", name="Marquer l'état civil comme vérifié"))
    expect(desk.locator(".messages")).to_contain_text("État civil vérifié pour Inès Moreau.")
    submit(desk.get_by_role("link", name="Retour à l'instruction des dossiers"))
    row = desk.locator("tbody tr").filter(has_text="Inès Moreau")
    expect(row.locator("li", has_text="État civil du candidat")).to_contain_text("conforme")
    row.get_by_label("Inscrire Inès Moreau").check()
    submit(desk.get_by_role("button", name="Inscrire les candidatures cochées"))
    expect(desk.locator(".messages")).to_contain_text(
        f"1 candidature inscrite à la session du {session.date:%d/%m/%Y}."
    )

    # The candidate now reads it, and may no longer change it.
    page.goto(live_server.url + f"/candidatures/{candidacy.pk}/etat-civil/")
    expect(page.locator("main")).to_contain_text(
        "Votre état civil a été vérifié par le secrétariat de la CPEF"
    )
    expect(page.get_by_role("button", name="Enregistrer l'état civil")).to_have_count(0)
    shoot(page, "identity-checked")
