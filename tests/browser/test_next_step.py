"""The next step in a browser (issue 17, defect 1): the gestionnaire of a candidacy without
a professionnel is sent to assign one; the professionnel is offered the start of the
evaluation only once its guard passes, never a confirmation the service would refuse."""

import re

import pytest
from playwright.sync_api import expect

from tests.candidates.builders import assign, candidacy_in
from tests.factories import PASSWORD

from .conftest import label, login, shoot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_next_step_leads_each_person_to_what_they_can_do_now(
    new_page, live_server, gestionnaire, candidat, own_org, secretariat, professionnel, evaluateur
):
    candidacy = candidacy_in("parcours", candidat, own_org)
    detail = f"{live_server.url}/candidatures/{candidacy.pk}/"

    # The gestionnaire: nobody is assigned, so the next step is to assign them.
    page = new_page()
    login(page, live_server, gestionnaire.email, PASSWORD)
    page.goto(detail)
    step = page.locator(".next-step")
    expect(step).to_contain_text("un évaluateur externe affecté à la candidature")
    shoot(page, "next-step-gestionnaire")
    step.get_by_role("link", name="Affecter les intervenants").first.click()
    expect(page).to_have_url(f"{detail}intervenants/")
    page.get_by_label(label("Professionnel du secteur")).select_option(str(professionnel.pk))
    page.get_by_label(label("Évaluateur externe")).select_option(str(evaluateur.pk))
    submit(page.get_by_role("button", name=re.compile("^Enregistrer")))
    expect(page.locator(".next-step")).not_to_contain_text("affecté à la candidature")

    # The professionnel: the practice first; the start's confirmation offers no button yet.
    page = new_page()
    login(page, live_server, professionnel.email, PASSWORD)
    page.goto(f"{detail}action/start_evaluation/")
    expect(page.locator(".confirm-refused")).to_contain_text(
        "Impossible de lancer l'évaluation pour le moment. Il manque :"
    )
    expect(page.get_by_role("button", name=re.compile("^Confirmer"))).to_have_count(0)
    expect(page.get_by_text("l'évaluation des compétences commence")).to_have_count(0)
    page.get_by_role("link", name="Confirmer la mise en pratique").click()
    page.get_by_label(re.compile("^Mise en pratique")).fill("Trois sessions organisées seule.")
    submit(page.get_by_role("button", name=re.compile("^Confirmer")))
    expect(page).to_have_url(detail)
    step = page.locator(".next-step")
    expect(step).to_contain_text("vous pouvez lancer l'évaluation des compétences")
    shoot(page, "next-step-professionnel")
    step.get_by_role("link", name="Lancer l'évaluation").click()
    submit(page.get_by_role("button", name="Confirmer : lancer l'évaluation"))
    expect(page.get_by_role("status")).to_contain_text("Évaluation des compétences")
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"


def test_the_candidate_sees_her_next_step_before_withdrawing(
    new_page, live_server, candidat, own_org, secretariat, professionnel, evaluateur
):
    candidacy = assign(
        candidacy_in("reperage", candidat, own_org),
        by=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )
    page = new_page()
    login(page, live_server, candidat.email, PASSWORD)
    page.goto(f"{live_server.url}/candidatures/{candidacy.pk}/")
    expect(page.locator(".next-step")).to_contain_text("mène l'entretien de repérage")
    expect(page.locator(".button--danger")).to_have_count(0)
    expect(page.locator(".other-actions").get_by_role("link")).to_have_text(
        ["Abandonner la candidature"]
    )
    shoot(page, "next-step-candidate")
