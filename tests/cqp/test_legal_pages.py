"""The public legal pages, linked from every page's footer."""

import pytest
from django.urls import reverse

from cqp.models import Issuer
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

LEGAL_PAGES = ["legal_notice", "privacy_notice", "accessibility_statement", "help_contact"]


@pytest.fixture
def issuer():
    return Issuer.objects.create(
        name="Commission paritaire de test",
        short_name="CPT",
        street="1 rue de l'Essai",
        postal_code="69001",
        city="Lyon",
        email="secretariat@cpt.example",
        phone="04 00 00 00 00",
        president_name="Claire Martin",
        president_title="Présidente de la CPT",
        vice_president_name="Paul Durand",
    )


@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_a_legal_page_is_public_and_names_the_issuer(client, issuer, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    content = page_text(response)
    assert "Commission paritaire de test" in content
    assert 'href="mailto:secretariat@cpt.example"' in content


@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_every_page_footer_links_to_the_legal_pages(client, candidat, name):
    client.force_login(candidat)
    content = page_text(client.get(reverse("dashboard")))
    footer = content[content.index('<footer class="site-footer">') :]
    assert f'href="{reverse(name)}"' in footer


def test_the_anonymous_login_page_links_to_the_legal_pages(client):
    footer = page_text(client.get(reverse("login")))
    assert (
        f'href="{reverse("accessibility_statement")}">Accessibilité : partiellement conforme'
        in (footer)
    )


def test_mentions_legales_name_publisher_director_and_host(client, issuer, settings):
    settings.HOSTING_PROVIDER = "Hébergeur SAS, 2 rue du Serveur, 59000 Lille, 03 00 00 00 00"
    content = page_text(client.get(reverse("legal_notice")))
    assert "1 rue de l'Essai<br>" in content and "69001 Lyon" in content
    assert "Claire Martin, Présidente de la CPT" in content
    assert "Hébergeur SAS, 2 rue du Serveur, 59000 Lille" in content


def test_mentions_legales_say_when_the_host_is_not_set(client, issuer, settings):
    settings.HOSTING_PROVIDER = ""
    content = page_text(client.get(reverse("legal_notice")))
    assert "L'hébergeur n'est pas encore renseigné : demandez-le à l'éditeur." in content


def test_privacy_notice_says_what_why_how_long_who_and_rights(client, issuer):
    content = page_text(client.get(reverse("privacy_notice")))
    for heading in (
        "Quelles données",
        "Pourquoi, et sur quelle base légale",
        "Combien de temps",
        "Qui les reçoit",
        "Vos droits, et comment les exercer",
    ):
        assert f">{heading}</h2>" in content
    assert "le cookie de session (au plus 12 heures)" in content
    assert "article L. 6113-8 du code du travail" in content
    assert "Commission nationale de l'informatique et des libertés (CNIL)" in content


def test_accessibility_statement_in_the_rgaa_form(client, issuer):
    content = page_text(client.get(reverse("accessibility_statement")))
    assert "La plateforme est partiellement conforme avec le référentiel général" in content
    # What tests/browser/test_walk.py checks, as it checks it.
    assert (
        "à 1366 pixels de large, axe-core 4.14.1 applique ses règles des WCAG 2.1 niveaux A et "
        "AA (wcag2a, wcag2aa, wcag21a, wcag21aa)"
    ) in content
    assert "à 320 pixels de large, la page ne doit pas défiler horizontalement" in content
    assert "avec la touche Tab, à 320 et à 1366 pixels de large" in content
    assert "sous onze comptes et en visiteur non connecté" in content
    # And what it does not.
    assert "la version anglaise, les documents PDF et les courriels" in content
    assert "la visibilité et le contraste de l'indicateur de focus" in content
    assert "la pertinence des textes alternatifs" in content
    assert "Outils pour évaluer l'accessibilité" in content
    assert "Cette déclaration a été établie le 29 novembre 2026." in content
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in content


def test_help_page_says_who_to_ask(client, issuer):
    content = page_text(client.get(reverse("help_contact")))
    assert "Adressez-vous d'abord au gestionnaire de votre organisme" in content
    assert f'href="{reverse("password_reset")}"' in content
    assert f'href="{reverse("verify")}"' in content


def test_the_legal_pages_read_in_english(client, issuer, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("privacy_notice"))
    assert response.status_code == 200
    assert '<html lang="en">' in page_text(response)


def test_vae_signup_shows_the_privacy_summary_before_the_form(client):
    content = page_text(client.get(reverse("vae_signup")))
    summary = content.index('id="privacy-summary-title"')
    assert summary < content.index('<form method="post"', content.index("<main"))
    assert f'href="{reverse("privacy_notice")}"' in content[summary:]
    assert "Vous pouvez y accéder, les faire corriger ou supprimer." in content


def test_the_accessibility_statement_follows_the_walk(client, issuer):
    """The statement says what tests/browser/test_walk.py runs: read from its source (and
    the axe-core version from scripts/vendor-axe.sh), so that changing one without the other
    fails here."""
    import re  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    root = Path(__file__).resolve().parents[2]
    walk = (root / "tests" / "browser" / "test_walk.py").read_text()
    vendor = (root / "scripts" / "vendor-axe.sh").read_text()
    content = page_text(client.get(reverse("accessibility_statement")))

    version = re.search(r'^VERSION="([\d.]+)"', vendor, re.M).group(1)
    assert f"axe-core {version} applique" in content
    tags = re.search(r"^AXE_TAGS = \[(.*)\]$", walk, re.M).group(1).replace('"', "")
    assert f"({tags})" in content
    wide = re.search(r'^WIDE = \{"width": (\d+)', walk, re.M).group(1)
    narrow = re.search(r'^NARROW = \{"width": (\d+)', walk, re.M).group(1)
    assert f"à {wide} pixels de large, axe-core" in content
    assert f"à {narrow} pixels de large, la page ne doit pas défiler" in content
    expected = walk[walk.index("EXPECTED = {") : walk.index("\n}\n", walk.index("EXPECTED = {"))]
    accounts = len(re.findall(r'^    "[\w.]+@demo\.cqp\.fr": ', expected, re.M))
    assert accounts == 11
    assert "\n    None: " in expected
    assert "sous onze comptes et en visiteur non connecté" in content
