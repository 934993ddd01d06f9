"""Login and the secretariat's first screens, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from cqp.models import Habilitation, HabilitationKind, Organisation
from cqp.permissions import ROLE_LABELS
from tests.factories import PASSWORD, HabilitationFactory, UserFactory, valid_siret

from .conftest import label, login

pytestmark = pytest.mark.browser


def _field(page: Page, text: str):
    """The `.field` wrapper (label, help text, errors, input) of the control labelled `text`."""
    return page.locator(".field").filter(has=page.get_by_label(label(text)))


@pytest.mark.parametrize(
    ("actor", "role_label"),
    [
        ("secretariat", "Secrétariat CPEF"),
        ("jury", "Membre du jury"),
        ("gestionnaire", "Gestionnaire d'organisation"),
        ("candidat", "Candidat"),
        ("professionnel", "Professionnel du secteur"),
        ("evaluateur", "Évaluateur externe"),
    ],
)
def test_each_role_logs_in_and_lands_on_its_dashboard(
    request, page: Page, live_server, actor, role_label
):
    assert str(ROLE_LABELS[actor]) == role_label
    user = request.getfixturevalue(actor)

    login(page, live_server, user.email, PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour\b"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {user.first_name}")
    expect(page.get_by_role("heading", level=2, name=role_label, exact=True)).to_be_visible()
    expect(page.locator(".account__roles .badge--role")).to_have_text([role_label])


def test_wrong_password_shows_a_french_error_and_keeps_the_email(page: Page, live_server, candidat):
    login(page, live_server, candidat.email, PASSWORD + "-faux")

    # The error summary takes the focus, so that it is read first.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_text(["Adresse e-mail ou mot de passe incorrect."])
    expect(page).to_have_title(re.compile(r"^Erreur : Connexion"))
    expect(page).to_have_url(live_server.url + "/connexion/")
    expect(page.get_by_label(label("Adresse e-mail"))).to_have_value(candidat.email)
    expect(page.get_by_label(label("Mot de passe"))).to_have_value("")
    # Still anonymous: the dashboard sends back to the login page.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(re.escape(live_server.url + "/connexion/") + r"\?next="))


def test_repeated_wrong_passwords_lock_the_account_and_say_until_when(
    page: Page, live_server, candidat, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        login(page, live_server, candidat.email, PASSWORD + "-faux")
    locked = re.compile(
        r"^Trop de tentatives de connexion échouées : ce compte est verrouillé jusqu'au "
        r"\d\d/\d\d/\d{4} à \d\d:\d\d\. Pour le débloquer sans attendre, réinitialisez"
    )
    expect(page.locator("#error-summary li")).to_have_text(locked)
    expect(page.get_by_label(label("Adresse e-mail"))).to_have_value(candidat.email)
    # Even the right password is refused while the lock holds.
    login(page, live_server, candidat.email, PASSWORD)
    expect(page.locator("#error-summary li")).to_have_text(locked)
    expect(page).to_have_url(live_server.url + "/connexion/")


def test_secretariat_creates_an_organisation(page: Page, live_server, secretariat):
    good_siret = valid_siret(999)
    bad_siret = good_siret[:-1] + str((int(good_siret[-1]) + 1) % 10)
    name = "Centre de formation Navigateur"

    login(page, live_server, secretariat.email, PASSWORD)
    page.get_by_role("link", name="Créer une organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle organisation")

    page.get_by_label(label("Raison sociale")).fill(name)
    page.get_by_label(label("Type")).select_option(label="Entreprise")
    page.get_by_label(label("SIRET")).fill(bad_siret)
    page.get_by_role("button", name="Créer l'organisation").click()

    siret_field = _field(page, "SIRET")
    expect(siret_field).to_have_class(re.compile(r"\bfield--error\b"))
    expect(siret_field).to_contain_text(
        "Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas."
    )
    expect(page.get_by_label(label("Raison sociale"))).to_have_value(name)
    expect(page.get_by_label(label("SIRET"))).to_have_value(bad_siret)
    assert not Organisation.objects.filter(name=name).exists()

    page.get_by_label(label("SIRET")).fill(good_siret)
    page.get_by_role("button", name="Créer l'organisation").click()

    expect(page.get_by_role("status")).to_contain_text(f"L'organisation « {name} » a été créée.")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    organisation = Organisation.objects.get(siret=good_siret)
    assert (organisation.name, organisation.kind) == (name, "entreprise")
    expect(page).to_have_url(f"{live_server.url}/organisations/{organisation.slug}/")


def test_secretariat_revokes_a_habilitation(page: Page, live_server, secretariat):
    target = UserFactory(email="a.revoquer@exemple.fr", first_name="Rémi", last_name="Révoqué")
    bystander = UserFactory(
        email="reste.valide@exemple.fr", first_name="Valérie", last_name="Valide"
    )
    habilitation = HabilitationFactory(
        user=target, kind=HabilitationKind.EVALUATEUR, granted_by=secretariat
    )
    HabilitationFactory(user=bystander, kind=HabilitationKind.EVALUATEUR, granted_by=secretariat)

    login(page, live_server, secretariat.email, PASSWORD)
    page.goto(live_server.url + "/habilitations/")
    target_row = page.get_by_role("row").filter(has_text=target.email)
    bystander_row = page.get_by_role("row").filter(has_text=bystander.email)
    expect(target_row.locator(".badge")).to_have_text("Valide")

    target_row.get_by_role("link", name=re.compile(r"^Révoquer")).click()

    expect(page).to_have_url(f"{live_server.url}/habilitations/{habilitation.pk}/revoquer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Révoquer une habilitation")
    expect(page.locator(".confirm-box")).to_contain_text(
        "Vous allez révoquer l'habilitation « Évaluateur externe » de Rémi Révoqué."
    )

    page.get_by_role("button", name="Confirmer la révocation").click()
    reason_field = _field(page, "Motif de la révocation")
    expect(reason_field).to_have_class(re.compile(r"\bfield--error\b"))
    expect(reason_field).to_contain_text("Ce champ est obligatoire.")
    habilitation.refresh_from_db()
    assert habilitation.revoked_on is None

    page.get_by_label(label("Motif de la révocation")).fill("Quitte le secteur.")
    page.get_by_role("button", name="Confirmer la révocation").click()

    expect(page).to_have_url(live_server.url + "/habilitations/")
    expect(page.get_by_role("status")).to_contain_text("Habilitation de Rémi Révoqué révoquée.")
    expect(target_row.locator(".badge")).to_have_text("Révoquée")
    expect(target_row).to_contain_text("Quitte le secteur.")
    expect(target_row.get_by_role("link", name=re.compile(r"^Révoquer"))).to_have_count(0)
    expect(bystander_row.locator(".badge")).to_have_text("Valide")
    habilitation.refresh_from_db()
    assert habilitation.revoked_by == secretariat
    assert Habilitation.objects.filter(revoked_on__isnull=False).count() == 1


def test_menu_button_toggles_the_navigation_on_a_phone(page: Page, live_server, secretariat):
    page.set_viewport_size({"width": 375, "height": 667})
    login(page, live_server, secretariat.email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/")

    toggle = page.get_by_role("button", name="Menu")
    nav = page.locator("#menu-principal")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    link = page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Habilitations"
    )
    expect(link).to_be_visible()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
