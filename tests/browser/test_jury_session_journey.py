"""A jury session from its programming to a decision, in a real browser, with a conflict of
interest: the secretariat programs the session (a past date refused first), seats the members
(who receive the invitation for their calendar, then its new version after an edit) and places
two dossiers at once from the instruction page; the president takes the attendance, opens the
session, sees who is recused, answers the conformity checklist and records a decision.

The session page and the deliberation dashboard are also read 320 px wide.
"""

import datetime
import re

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from cqp.models import MembershipRole
from jury.models import JurySession
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from tests.jury.builders import EMPLOYEURS, SALARIES, cheap_in_jury, member

from .conftest import label, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACE = "CPEF, salle du conseil"
# An organisation whose name is longer than a narrow screen is wide (the dashboard's filter).
LONG_NAME = "Centre de formation d'apprentis des métiers de la coiffure et de l'esthétique"
NARROW = {"width": 320, "height": 900}


def _calendars(outbox, email) -> list[Calendar]:
    """The calendar files sent to `email`, in order."""
    calendars = []
    for message in outbox:
        if message.to != [email]:
            continue
        for attachment in message.attachments:
            assert attachment.filename.endswith(".ics")
            calendars.append(Calendar.from_ical(attachment.content))
    return calendars


def _sequence(calendar: Calendar) -> int:
    (event,) = calendar.walk("VEVENT")
    return int(event["SEQUENCE"])


def _fits(page: Page, width: int = NARROW["width"]) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width} px wide"


def test_a_session_programmed_composed_and_deliberated_with_a_recused_member(
    page: Page, new_page, live_server, secretariat, own_org, mailoutbox
):
    today = timezone.localdate()
    day = today.strftime("%d/%m/%Y")
    alice = cheap_in_jury(
        own_org, candidate__user=UserFactory(first_name="Alice", last_name="Aubert")
    )
    bruno = cheap_in_jury(
        OrganisationFactory(name=LONG_NAME),
        candidate__user=UserFactory(first_name="Bruno", last_name="Blanc"),
    )
    president = member(EMPLOYEURS, first_name="Paul", last_name="Patron")
    emma = member(EMPLOYEURS, first_name="Emma", last_name="Entreprise")
    sam = member(SALARIES, first_name="Sam", last_name="Syndic")
    sara = member(SALARIES, first_name="Sara", last_name="Salarié")
    seated = (president, emma, sam, sara)
    # Emma and Sam belong to Alice's organisation: recused on her candidacy, one per college
    # (so that the parity still holds for it).
    for recused in (emma, sam):
        MembershipFactory(organisation=own_org, user=recused.user, role=MembershipRole.GESTIONNAIRE)

    # (1) The secretariat programs the session: a past date is refused next to the field.
    login(page, live_server, secretariat.email, PASSWORD)
    page.goto(live_server.url + "/jury/sessions/nouvelle/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmer une session")
    date_field = page.get_by_label(label("Date de la session"))
    date_field.fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_label(label("Heure de début")).fill("23:00")
    page.get_by_label(label("Lieu")).fill(PLACE)
    submit(page.get_by_role("button", name="Programmer"))
    date_group = page.locator(".field").filter(has=page.get_by_label(label("Date de la session")))
    expect(date_group.locator(".errorlist")).to_have_text(
        "Cette date est passée : choisissez aujourd'hui ou une date à venir."
    )
    expect(page.get_by_label(label("Heure de début"))).to_have_value("23:00")
    expect(page.get_by_label(label("Lieu"))).to_have_value(PLACE)
    assert not JurySession.objects.exists()
    page.get_by_label(label("Date de la session")).fill(today.isoformat())
    submit(page.get_by_role("button", name="Programmer"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Session du {day} programmée : composez-la maintenant."
    )
    session = JurySession.objects.get()

    # Seated: each member is convened with the invitation for their calendar.
    compose = page.get_by_role("region", name="Composer la session")
    for m in seated:
        name = m.user.get_full_name()
        compose.get_by_role("checkbox", name=re.compile(rf"^{name} — mandat du ")).check()
    compose.get_by_label(label("Présidence de la séance")).select_option(
        label="Paul Patron (Collège employeurs)"
    )
    submit(compose.get_by_role("button", name="Enregistrer la composition"))
    expect(page.get_by_role("status")).to_contain_text("Composition de la session enregistrée.")
    for m in seated:
        (invitation,) = _calendars(mailoutbox, m.user.email)
        assert str(invitation["METHOD"]) == "REQUEST"
        assert _sequence(invitation) == 0

    # The secretariat moves the session: the members get a newer version of the invitation.
    page.get_by_role("link", name="Modifier la session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier la session")
    page.get_by_label(label("Heure de début")).fill("23:30")
    submit(page.get_by_role("button", name="Enregistrer les modifications"))
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("region", name="Informations")).to_contain_text("23:30")
    for m in seated:
        first, edited = _calendars(mailoutbox, m.user.email)
        assert str(edited["METHOD"]) == "REQUEST"
        assert _sequence(edited) > _sequence(first)

    # Both dossiers are placed at once from the instruction page.
    page.get_by_role("region", name="Ordre du jour").get_by_role(
        "link", name=re.compile("^Inscrire des candidatures")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Instruction des dossiers")
    for candidacy in (alice, bruno):
        page.get_by_role("checkbox", name=f"Inscrire {candidacy.candidate}").check()
    expect(page.get_by_label(label("Inscrire à la session"))).to_have_value(str(session.pk))
    submit(page.get_by_role("button", name="Inscrire les candidatures cochées"))
    expect(page.get_by_role("status")).to_contain_text(
        f"2 candidatures inscrites à la session du {day}."
    )

    # The session page fits a 320 px screen, its agenda stacked.
    page.set_viewport_size(NARROW)
    page.goto(f"{live_server.url}/jury/sessions/{session.pk}/")
    agenda = page.get_by_role("region", name="Ordre du jour")
    expect(agenda.locator("tbody tr")).to_have_count(2)
    _fits(page)

    # (2) The president takes the attendance: nobody is ticked, the status follows the boxes.
    pres = new_page()
    login(pres, live_server, president.user.email, PASSWORD)
    pres.goto(f"{live_server.url}/jury/sessions/{session.pk}/")
    opening = pres.get_by_role("region", name="Ouvrir la session")
    present = opening.get_by_role("group", name=label("Membres présents"))
    status = opening.locator("[data-quorum-status]")
    for m in seated:
        expect(
            present.get_by_role("checkbox", name=m.user.get_full_name(), exact=True)
        ).not_to_be_checked()
    expect(status).to_have_text(
        "La session ne peut pas être ouverte sans Paul Patron, qui la préside."
    )
    present.get_by_role("checkbox", name="Paul Patron", exact=True).check()
    expect(status).to_have_text(
        "Quorum non atteint : aucun représentant du collège salariés n'est présent."
    )
    present.get_by_role("checkbox", name="Sam Syndic", exact=True).check()
    expect(status).to_have_text("Le quorum est atteint : la session peut être ouverte.")
    present.get_by_role("checkbox", name="Sara Salarié", exact=True).check()
    expect(status).to_have_text(
        "Quorum non atteint : la parité n'est pas respectée (1 représentant des employeurs, 2 représentants des salariés)."
    )
    present.get_by_role("checkbox", name="Emma Entreprise", exact=True).check()
    expect(status).to_have_text("Le quorum est atteint : la session peut être ouverte.")
    submit(opening.get_by_role("button", name="Ouvrir la session"))
    expect(pres.get_by_role("status")).to_contain_text(
        "La session est ouverte : les présences sont enregistrées."
    )
    expect(pres.locator("h1 .badge--state")).to_have_text("Ouverte")

    # The deliberation dashboard shows who is recused on which candidacy.
    pres.get_by_role("link", name="Tableau des délibérations").click()
    expect(pres.get_by_role("heading", level=1)).to_have_text(f"Délibérations — session du {day}")
    row_alice = pres.locator("tbody tr").filter(has_text="Alice Aubert")
    row_bruno = pres.locator("tbody tr").filter(has_text="Bruno Blanc")
    recusals = row_alice.locator(".jury-recusals li")
    expect(recusals).to_have_count(2)
    expect(recusals.filter(has_text="Emma Entreprise")).to_contain_text(
        "membre de l'organisation de la candidature"
    )
    expect(recusals.filter(has_text="Sam Syndic")).to_be_visible()
    expect(row_bruno).to_contain_text("aucune")

    # The conformity checklist, every point ticked, and the decision.
    pres.get_by_role("link", name="Décider — Alice Aubert", exact=True).click()
    expect(pres.get_by_role("heading", level=1)).to_have_text("Fiche de décision — Alice Aubert")
    fiche_recusals = pres.get_by_role("region", name="Récusations")
    expect(fiche_recusals.locator(".jury-recusals li")).to_have_count(2)
    checks = pres.locator(".jury-check input[type=checkbox]")
    expect(checks).to_have_count(4)
    for n in range(4):
        checks.nth(n).check()
    expect(pres.locator(".jury-check input[type=checkbox]:checked")).to_have_count(4)
    submit(pres.get_by_role("button", name="Enregistrer la décision"))
    expect(pres.get_by_role("status")).to_contain_text(
        "Décision enregistrée : Certification obtenue."
    )

    # The decided fiche still says who was recused, and why.
    pres.get_by_role("link", name=re.compile("^Fiche de décision — Alice Aubert")).click()
    fiche_recusals = pres.get_by_role("region", name="Récusations")
    expect(
        fiche_recusals.locator(".jury-recusals li").filter(has_text="Emma Entreprise")
    ).to_contain_text("membre de l'organisation de la candidature")
    expect(fiche_recusals).to_contain_text("Sam Syndic")

    # The deliberation dashboard fits a 320 px screen, its filters included.
    pres.set_viewport_size(NARROW)
    pres.goto(f"{live_server.url}/jury/sessions/{session.pk}/deliberations/")
    expect(pres.locator(".jury-progress")).to_have_text("1 décidée sur 2")
    _fits(pres)
