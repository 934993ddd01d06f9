"""A form refused by the CSRF check (a page left open past its session, a session closed in
another tab): a French page in the site's layout, 403, nothing of what was posted, and the
way back."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import page_text

pytestmark = pytest.mark.django_db

EXPIRED = (
    "Votre envoi n'a pas été pris en compte : la page était restée ouverte trop longtemps, "
    "ou votre session a pris fin entre-temps. Par sécurité, rien n'a été enregistré."
)
POSTED = "Texte-confidentiel-42 <b>gras</b>"


@pytest.fixture
def browser():
    """A client that checks CSRF tokens, as a browser's requests are."""
    return Client(enforce_csrf_checks=True)


def test_a_form_without_its_token_gets_the_french_page_with_the_way_back(browser, secretariat):
    browser.force_login(secretariat)
    came_from = "http://testserver" + reverse("organisation_create")
    response = browser.post(
        reverse("organisation_create"),
        {"name": POSTED, "csrfmiddlewaretoken": "expire"},
        HTTP_REFERER=came_from,
    )
    assert response.status_code == 403
    page = page_text(response)
    assert "<title>Formulaire expiré — CQP Assistant(e) de formation</title>" in page
    assert EXPIRED in page
    assert f'<a href="{came_from}">Revenir à la page</a>' in page
    assert "Se déconnecter" in page  # the site's layout, for the signed-in user
    assert "Texte-confidentiel-42" not in page and "expire" not in page.replace("expiré", "")


def test_the_way_back_never_leads_to_another_site(browser, secretariat):
    browser.force_login(secretariat)
    response = browser.post(
        reverse("notifications_mark_read"), HTTP_REFERER="https://evil.example/phishing"
    )
    assert response.status_code == 403
    page = page_text(response)
    assert "evil.example" not in page
    assert f'<a href="{reverse("dashboard")}">Retour au tableau de bord</a>' in page


def test_after_the_session_ended_the_page_offers_to_sign_in_again(browser):
    came_from = "http://testserver" + reverse("login")
    response = browser.post(
        reverse("login"),
        {"username": "candidat@exemple.fr", "password": POSTED},
        HTTP_REFERER=came_from,
    )
    assert response.status_code == 403
    page = page_text(response)
    assert EXPIRED in page
    assert "Reconnectez-vous, puis recommencez votre saisie." in page
    assert "Se reconnecter" in page
    assert "Texte-confidentiel-42" not in page and "candidat@exemple.fr" not in page
