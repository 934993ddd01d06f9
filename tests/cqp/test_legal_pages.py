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
    assert "axe-core avec les règles WCAG 2.1 niveaux A et AA" in content
    assert "à 1366 et à 320 pixels de large" in content
    assert "la pertinence des textes alternatifs" in content
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
