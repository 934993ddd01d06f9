"""The jury paritaire in a real browser: the secretariat programs and composes a session and
puts three candidacies on its agenda; the president records attendance (a quorum refused,
then granted), opens the session and decides each fiche; the certified candidate sees the
outcome, and anyone can verify the certificate number.

The three candidacies reach `jury` through the real evaluation services
(tests/jury/builders.py); everything from the session's creation on happens in the browser.
tests/conftest.py loads the référentiel again after the live server's flush.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates.models import Candidacy, CompetenceValidation
from cqp.models import MembershipRole
from jury.enums import CertificateKind
from jury.models import Certificate, JurySession
from tests.factories import PASSWORD, MembershipFactory
from tests.jury.builders import EMPLOYEURS, SALARIES, candidacy_in_jury, member

from .conftest import label, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACE = "CPEF, salle du conseil"
NON_CONFORMITY = "Le livret de repérage n'est pas signé par le tuteur."


def _candidate(org, first_name, last_name):
    return MembershipFactory(
        organisation=org,
        role=MembershipRole.CANDIDAT,
        user__first_name=first_name,
        user__last_name=last_name,
        user__email=f"{first_name.lower()}@exemple.fr",
    ).user


@pytest.fixture
def candidacies(own_org, secretariat, professionnel, evaluateur):
    """A: all « acquise »; B: C5 and C6 « non acquise »; C: all « acquise »."""
    people = {"A": ("Alice", "Aubert"), "B": ("Bruno", "Blanc"), "C": ("Chloé", "Caron")}
    non_acquises = {"A": (), "B": (5, 6), "C": ()}
    return {
        key: candidacy_in_jury(
            _candidate(own_org, *name),
            own_org,
            secretariat=secretariat,
            professionnel=professionnel,
            evaluateur=evaluateur,
            non_acquises=non_acquises[key],
        )
        for key, name in people.items()
    }


@pytest.fixture
def members():
    return {
        "president": member(EMPLOYEURS, first_name="Paul", last_name="Patron"),
        "employeur": member(EMPLOYEURS, first_name="Emma", last_name="Entreprise"),
        "salarie1": member(SALARIES, first_name="Sam", last_name="Syndic"),
        "salarie2": member(SALARIES, first_name="Sara", last_name="Salarié"),
    }


def _name(user) -> str:
    return user.get_full_name()


def _competence(page: Page, code: str):
    """The fieldset of one competence on the fiche, named by its legend « C1 Title »."""
    return page.get_by_role("group", name=re.compile(rf"^{code} "))


def _row(page: Page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))


def _decide(page: Page, candidacy) -> None:
    name = str(candidacy.candidate)
    page.get_by_role("link", name=f"Décider — {name}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Fiche de décision — {name}")
    expect(page.locator(".jury-check input[type=checkbox]:checked")).to_have_count(4)


def test_jury_session_from_programming_to_public_verification(
    page: Page, new_page, live_server, secretariat, members, candidacies
):
    today = timezone.localdate()
    day = today.strftime("%d/%m/%Y")
    session_name = f"Session du {day}"
    a, b, c = candidacies["A"], candidacies["B"], candidacies["C"]
    president = members["president"].user

    # (1) The secretariat programs, composes and fills the session.
    login(page, live_server, secretariat.email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Jury", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions du jury")
    expect(page.get_by_text("Aucune session programmée pour le moment.")).to_be_visible()
    page.get_by_role("link", name="Programmer une session").click()
    page.get_by_label(label("Date de la session")).fill(today.isoformat())
    page.get_by_label(label("Heure de début")).fill("23:30")
    page.get_by_label(label("Lieu")).fill(PLACE)
    page.get_by_role("button", name="Programmer").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"{session_name} programmée : composez-la maintenant."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(session_name)
    expect(page.locator("h1 .badge--state")).to_have_text("Programmée")

    compose = page.get_by_role("region", name="Composer la session")
    for m in members.values():
        # Each member with their mandate.
        compose.get_by_role("checkbox", name=re.compile(rf"^{_name(m.user)} — mandat du ")).check()
    compose.get_by_label(label("Présidence de la séance")).select_option(
        label=f"{_name(president)} (Collège employeurs)"
    )
    compose.get_by_role("button", name="Enregistrer la composition").click()
    expect(page.get_by_role("status")).to_contain_text("Composition de la session enregistrée.")
    seated = page.get_by_role("region", name="Membres du jury").get_by_role("listitem")
    expect(seated).to_have_count(4)
    expect(seated.filter(has_text=_name(president))).to_contain_text("préside la séance")

    # The dossiers are placed from the instruction page, pre-filtered on the session.
    page.get_by_role("region", name="Ordre du jour").get_by_role(
        "link", name=re.compile("^Inscrire des candidatures")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Instruction des dossiers")
    expect(page.get_by_text(f"session visée, le {day}")).to_be_visible()
    for candidacy in (a, b, c):
        page.get_by_role("checkbox", name=f"Inscrire {candidacy.candidate}").check()
    expect(page.get_by_label(label("Inscrire à la session"))).to_have_value(
        str(JurySession.objects.get().pk)
    )
    page.get_by_role("button", name="Inscrire les candidatures cochées").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"3 candidatures inscrites à la session du {day}."
    )
    expect(page.get_by_text("Aucun dossier transmis au jury n'attend de session.")).to_be_visible()
    page.goto(f"{live_server.url}/jury/sessions/{JurySession.objects.get().pk}/")
    agenda = page.get_by_role("region", name="Ordre du jour")
    expect(agenda.get_by_role("row")).to_have_count(4)  # header + three candidacies
    session = JurySession.objects.get()

    # (2) The president opens the session from their dashboard, after a quorum refused.
    pres = new_page()
    login(pres, live_server, president.email, PASSWORD)
    expect(pres).to_have_url(live_server.url + "/")
    panel_item = pres.locator(".jury-sessions li")
    expect(panel_item).to_contain_text("vous présidez")
    expect(panel_item).to_contain_text(re.compile(r"0 décidées? sur 3"))
    panel_item.get_by_role("link", name=session_name).click()
    expect(pres).to_have_url(f"{live_server.url}/jury/sessions/{session.pk}/deliberations/")
    expect(pres.get_by_role("heading", level=1)).to_have_text(f"Délibérations — session du {day}")
    expect(pres.get_by_text("Vous présidez cette session")).to_be_visible()
    pres.locator(".breadcrumb").get_by_role("link", name=session_name).click()
    expect(pres).to_have_url(f"{live_server.url}/jury/sessions/{session.pk}/")

    opening = pres.get_by_role("region", name="Ouvrir la session")
    present = opening.get_by_role("group", name=label("Membres présents"))
    # Nobody is ticked beforehand; the page says, as boxes are ticked, what is missing.
    status = opening.locator("[data-quorum-status]")
    expect(status).to_have_text(
        "La session ne peut pas être ouverte sans Paul Patron, qui la préside."
    )
    for m in members.values():
        expect(present.get_by_role("checkbox", name=_name(m.user), exact=True)).not_to_be_checked()
    keys = [k for k in members if not k.startswith("salarie")]
    for key in keys:
        present.get_by_role("checkbox", name=_name(members[key].user), exact=True).check()
    expect(status).to_have_text(
        "Quorum non atteint : aucun représentant du collège salariés n'est présent."
    )
    opening.get_by_role("button", name="Ouvrir la session").click()
    opening = pres.get_by_role("region", name="Ouvrir la session")
    present = opening.get_by_role("group", name=label("Membres présents"))
    expect(present.locator(".errorlist")).to_have_text(
        "Quorum non atteint : aucun représentant du collège salariés n'est présent."
    )
    expect(pres.locator("h1 .badge--state")).to_have_text("Programmée")
    for m in members.values():
        present.get_by_role("checkbox", name=_name(m.user), exact=True).check()
    expect(opening.locator("[data-quorum-status]")).to_have_text(
        "Le quorum est atteint : la session peut être ouverte."
    )
    opening.get_by_role("button", name="Ouvrir la session").click()
    expect(pres.get_by_role("status")).to_contain_text(
        "La session est ouverte : les présences sont enregistrées."
    )
    expect(pres.locator("h1 .badge--state")).to_have_text("Ouverte")
    expect(
        pres.get_by_role("region", name="Membres du jury").locator(".badge--valide")
    ).to_have_count(4)
    expect(pres.get_by_role("region", name="Ouvrir la session")).to_have_count(0)

    # (3) The deliberations, fiche by fiche.
    pres.get_by_role("link", name="Tableau des délibérations").click()
    expect(pres.locator(".jury-progress")).to_have_text(re.compile(r"^0 décidées? sur 3$"))
    expect(pres.get_by_role("link", name=re.compile(r"^Décider — "))).to_have_count(3)

    # A: conforme, every decision pre-filled « Validée ».
    _decide(pres, a)
    for n in range(1, 7):
        expect(
            _competence(pres, f"C{n}").get_by_role("radio", name="Validée", exact=True)
        ).to_be_checked()
    pres.get_by_role("button", name="Enregistrer la décision").click()
    expect(pres.get_by_role("status")).to_contain_text(
        "Décision enregistrée : Certification obtenue."
    )
    expect(pres).to_have_url(f"{live_server.url}/jury/sessions/{session.pk}/deliberations/")
    certificate = Certificate.objects.get(deliberation__candidacy=a)
    row_a = _row(pres, str(a.candidate))
    expect(row_a.locator(".badge--certifie")).to_have_text("Certification obtenue")
    expect(row_a).to_contain_text(
        f"Certificat de qualification professionnelle n° {certificate.number}"
    )
    expect(pres.locator(".jury-progress")).to_have_text("1 décidée sur 3")

    # B: conforme, C1–C4 pre-filled « Validée », C5–C6 « Non validée ».
    _decide(pres, b)
    for n in range(1, 7):
        decision = "Validée" if n <= 4 else "Non validée"
        expect(
            _competence(pres, f"C{n}").get_by_role("radio", name=decision, exact=True)
        ).to_be_checked()
    pres.get_by_role("button", name="Enregistrer la décision").click()
    expect(pres.get_by_role("status")).to_contain_text(
        "Décision enregistrée : Validation partielle."
    )
    attestation = Certificate.objects.get(deliberation__candidacy=b)
    row_b = _row(pres, str(b.candidate))
    expect(row_b.locator(".badge--partiel")).to_have_text("Validation partielle")
    expect(row_b).to_contain_text(f"Attestation de validation partielle n° {attestation.number}")

    # C: « pièces » unticked, with the reason → back to the evaluation. Every item of the
    # checklist is pre-ticked from the computed checks.
    _decide(pres, c)
    pieces = pres.locator("#check-pieces")
    expect(pres.locator(".jury-check input[type=checkbox]:checked")).to_have_count(4)
    pieces.get_by_role("checkbox").uncheck()
    pres.get_by_role("button", name="Enregistrer la décision").click()
    expect(pieces.locator(".errorlist")).to_contain_text("Précisez ce qui n'est pas conforme")
    expect(pieces.get_by_role("checkbox")).not_to_be_checked()
    pieces.get_by_label(label("Observation")).fill(NON_CONFORMITY)
    pres.get_by_role("button", name="Enregistrer la décision").click()
    expect(pres.get_by_role("status")).to_contain_text(
        "Décision enregistrée : Dossier non conforme."
    )
    expect(_row(pres, str(c.candidate)).locator(".badge--non_conforme")).to_have_text(
        "Dossier non conforme"
    )
    expect(pres.locator(".jury-progress")).to_have_text("3 décidées sur 3")
    expect(pres.get_by_role("link", name=re.compile(r"^Décider — "))).to_have_count(0)

    # The president closes the session, which becomes read-only.
    pres.locator(".breadcrumb").get_by_role("link", name=re.compile(r"^Session du ")).click()
    expect(pres).to_have_url(f"{live_server.url}/jury/sessions/{session.pk}/")
    pres.get_by_role("link", name="Clore la session").click()
    pres.get_by_role("button", name="Clore définitivement la session").click()
    expect(pres.get_by_role("status")).to_contain_text("La session est close")
    expect(pres.locator("h1 .badge--state")).to_have_text("Clôturée")
    expect(pres.get_by_role("link", name="Clore la session")).to_have_count(0)

    # (4) Candidate A sees the outcome and the certificate number on their candidacy page.
    cand = new_page()
    login(cand, live_server, a.candidate.user.email, PASSWORD)
    expect(cand).to_have_url(live_server.url + "/")
    card = cand.locator(".card").filter(has=cand.locator(".badge--state"))
    expect(card.locator(".badge--state")).to_have_text("Certification obtenue")
    card.get_by_role("link", name=a.certification.title).click()
    expect(cand).to_have_url(f"{live_server.url}/candidatures/{a.pk}/")
    outcome = cand.get_by_role("region", name="Jury paritaire")
    expect(outcome.get_by_role("heading", level=3)).to_have_text(f"Décision du jury du {day}")
    expect(outcome.locator(".badge--certifie")).to_have_text("Certification obtenue")
    expect(outcome).to_contain_text(
        f"Certificat de qualification professionnelle n° {certificate.number} du {day}"
    )
    expect(outcome.get_by_role("link", name="page de vérification publique")).to_have_attribute(
        "href", f"/verifier/{certificate.number}/"
    )

    # (5) An anonymous visitor verifies the number; an unknown one is not found.
    visitor = new_page()
    visitor.goto(f"{live_server.url}/verifier/{certificate.number}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Vérification d'un certificat")
    expect(visitor.locator(".verify-status")).to_contain_text(
        "Valide — ce certificat a été délivré"
    )
    details = visitor.locator("dl.details")
    expect(details).to_contain_text(certificate.number)
    expect(details.locator("dt:text-is('Titulaire') + dd")).to_have_text(
        a.candidate.user.get_full_name()
    )
    expect(details).to_contain_text("Certificat de qualification professionnelle")
    visitor.goto(f"{live_server.url}/verifier/CQP-0000-0000-0000-0000/")
    expect(visitor.get_by_role("alert")).to_have_text("Aucun certificat ne correspond à ce numéro.")
    expect(visitor.locator(".verify-status")).to_have_count(0)

    # The database agrees with what people saw.
    a, b, c = (Candidacy.objects.get(pk=x.pk) for x in (a, b, c))
    assert (a.state, b.state, c.state) == ("certifie", "partiel", "evaluation")
    assert certificate.kind == CertificateKind.CERTIFICAT and certificate.issued_on == today
    assert attestation.kind == CertificateKind.ATTESTATION and attestation.issued_on == today
    assert not Certificate.objects.filter(deliberation__candidacy=c).exists()
    feb_29 = (today.month, today.day) == (2, 29)
    five_years = today.replace(year=today.year + 5, **({"day": 28} if feb_29 else {}))
    validations_b = CompetenceValidation.objects.filter(candidate=b.candidate)
    assert sorted(v.competence.number for v in validations_b) == [1, 2, 3, 4]
    assert {(v.validated_on, v.valid_until) for v in validations_b} == {(today, five_years)}
    assert CompetenceValidation.objects.filter(candidate=a.candidate).count() == 6
    assert not CompetenceValidation.objects.filter(candidate=c.candidate).exists()
