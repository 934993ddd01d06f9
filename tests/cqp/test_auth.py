import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/connexion/"


def test_login_lands_on_dashboard(client, candidat):
    response = client.post(LOGIN, {"username": candidat.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_login_wrong_password_gives_french_error_and_keeps_email(client, candidat):
    response = client.post(LOGIN, {"username": candidat.email, "password": "mauvais"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Adresse e-mail ou mot de passe incorrect." in content
    assert f'value="{candidat.email}"' in content
    assert "_auth_user_id" not in client.session


def test_login_inactive_account_is_told_so_only_with_the_right_password(client):
    user = UserFactory(is_active=False)
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert "Ce compte est désactivé" in response.content.decode()
    response = client.post(LOGIN, {"username": user.email, "password": "mauvais"})
    content = response.content.decode()
    assert "Ce compte est désactivé" not in content
    assert "Adresse e-mail ou mot de passe incorrect." in content


def test_login_is_throttled_after_repeated_failures(client, candidat, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    for _ in range(3):
        assert (
            client.post(LOGIN, {"username": candidat.email, "password": "mauvais"}).status_code
            == 200
        )
    response = client.post(LOGIN, {"username": candidat.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_throttle_is_per_account_and_a_success_resets_it(
    client, candidat, gestionnaire, settings
):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    for _ in range(2):
        client.post(LOGIN, {"username": candidat.email, "password": "mauvais"})
    assert client.post(LOGIN, {"username": candidat.email, "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(2):
        assert (
            client.post(LOGIN, {"username": candidat.email, "password": "mauvais"}).status_code
            == 200
        )
    for _ in range(3):
        client.post(LOGIN, {"username": gestionnaire.email, "password": "mauvais"})
    assert client.post(LOGIN, {"username": candidat.email, "password": PASSWORD}).status_code == 302


def test_login_empty_fields_are_reported_next_to_the_field(client):
    response = client.post(LOGIN, {"username": "", "password": ""})
    form = response.context["form"]
    assert form.errors["username"] == ["Ce champ est obligatoire."]
    assert form.errors["password"] == ["Ce champ est obligatoire."]


def test_logout_is_a_post_with_a_message(client, candidat):
    client.force_login(candidat)
    assert client.get("/deconnexion/").status_code == 405
    response = client.post("/deconnexion/", follow=True)
    assert "Vous êtes déconnecté(e)." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_change_with_success_message(client, candidat):
    client.force_login(candidat)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "faux",
            "new_password1": "Nouveau-mot-2026!",
            "new_password2": "Nouveau-mot-2026!",
        },
    )
    assert "old_password" in response.context["form"].errors
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Nouveau-mot-2026!",
            "new_password2": "Nouveau-mot-2026!",
        },
        follow=True,
    )
    assert "Votre mot de passe a été modifié." in response.content.decode()
    candidat.refresh_from_db()
    assert candidat.check_password("Nouveau-mot-2026!")


def test_password_reset_by_email_full_journey(client, candidat, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": candidat.email.upper()})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [candidat.email]
    assert message.subject == "Réinitialisation de votre mot de passe — plateforme CQP"
    assert message.alternatives[0].mimetype == "text/html"
    link = re.search(r"https?://[^/]+(/mot-de-passe/reinitialiser/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Reinit-2026-xyz!", "new_password2": "Reinit-2026-xyz!"}
    )
    assert response["Location"] == reverse("password_reset_complete")
    assert client.login(username=candidat.email, password="Reinit-2026-xyz!")


def test_password_reset_unknown_email_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "inconnu@exemple.fr"})
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_pages_are_french_by_default_and_english_on_request(client, candidat):
    client.force_login(candidat)
    response = client.get(reverse("dashboard"))
    assert '<html lang="fr">' in response.content.decode()
    assert "Tableau de bord" in response.content.decode()
    response = client.post("/langue/setlang/", {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Dashboard" in content and "Tableau de bord" not in content
