import re

import pytest
from celery.signals import task_prerun
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.helpers import page_text

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
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert (
            client.post(LOGIN, {"username": candidat.email, "password": "mauvais"}).status_code
            == 200
        )
    # The failure that reaches the limit is told so at once.
    response = client.post(LOGIN, {"username": candidat.email, "password": "mauvais"})
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    response = client.post(LOGIN, {"username": candidat.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert f'value="{candidat.email}"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_throttle_is_per_account_and_a_success_resets_it(
    client, candidat, gestionnaire, settings
):
    settings.AXES_FAILURE_LIMIT = 3
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
    assert "Votre session est fermée : à bientôt." in response.content.decode()
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


def test_password_reset_by_email_full_journey(
    client, candidat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
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
    response = client.post(LOGIN, {"username": candidat.email, "password": "Reinit-2026-xyz!"})
    assert response.status_code == 302


def test_password_reset_unknown_email_sends_nothing_and_says_the_same(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "inconnu@exemple.fr"})
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_password_reset_email_is_sent_by_the_task_queue_after_commit(
    client, candidat, mailoutbox, django_capture_on_commit_callbacks
):
    started = []

    def record(task=None, **kwargs):
        started.append(task.name)

    task_prerun.connect(record, weak=False)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("password_reset"), {"email": candidat.email})
        assert response["Location"] == reverse("password_reset_done")
        # Nothing is sent inside the request.
        assert (mailoutbox, started) == ([], [])
        for callback in callbacks:
            callback()
    finally:
        task_prerun.disconnect(record)
    assert started == ["cqp.tasks.send_password_reset_email"]
    assert [message.to for message in mailoutbox] == [[candidat.email]]


def test_password_reset_does_the_same_work_for_a_known_and_an_unknown_address(
    client, candidat, django_capture_on_commit_callbacks
):
    """What the request does cannot tell whether the address has an account: the same
    queries, one task queued after commit, the same answer."""

    def request(email):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks() as callbacks,
        ):
            response = client.post(reverse("password_reset"), {"email": email})
        return response.status_code, response["Location"], len(queries), len(callbacks)

    assert request(candidat.email) == request("inconnu@exemple.fr")
    assert request("inconnu@exemple.fr")[3] == 1


def _reset(client, email, address):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_is_limited_per_email_whatever_the_address(client, candidat, settings):
    settings.PASSWORD_RESET_EMAIL_LIMIT = 2
    assert _reset(client, candidat.email, "198.51.100.1").status_code == 302
    assert _reset(client, candidat.email.upper(), "198.51.100.2").status_code == 302
    response = _reset(client, candidat.email, "203.0.113.9")
    assert response.status_code == 429
    page = page_text(response)
    assert (
        "Trop de demandes de réinitialisation pour cette adresse e-mail : réessayez dans une "
        "heure." in page
    )
    assert f'value="{candidat.email}"' in page
    # The same limit for an address without account: nothing tells them apart.
    for address in ["198.51.100.1", "198.51.100.2"]:
        assert _reset(client, "inconnu@exemple.fr", address).status_code == 302
    assert _reset(client, "inconnu@exemple.fr", "203.0.113.9").status_code == 429
    # Another e-mail from the same address is not held back.
    assert _reset(client, "autre@exemple.fr", "203.0.113.9").status_code == 302


def test_password_reset_is_limited_per_address(client, settings):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 2
    for n in range(2):
        assert _reset(client, f"essai{n}@exemple.fr", "198.51.100.7").status_code == 302
    response = _reset(client, "essai9@exemple.fr", "198.51.100.7")
    assert response.status_code == 429
    assert (
        "Trop de demandes de réinitialisation depuis votre adresse : réessayez dans une heure."
        in (page_text(response))
    )
    assert _reset(client, "essai9@exemple.fr", "203.0.113.9").status_code == 302


@pytest.mark.parametrize(
    ("password", "error"),
    [
        (
            "Court-2026!",
            "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.",
        ),
        ("qwerty123456", "Ce mot de passe est trop courant."),
    ],
)
def test_passwords_need_twelve_characters_and_not_a_common_one(password, error):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password)
    assert excinfo.value.messages == [error]


def test_the_demo_password_is_still_valid():
    validate_password("Demo-CQP-2026!")


def test_pages_are_french_by_default_and_english_on_request(client, candidat):
    client.force_login(candidat)
    response = client.get(reverse("dashboard"))
    assert '<html lang="fr">' in response.content.decode()
    assert "Tableau de bord" in response.content.decode()
    response = client.post("/langue/setlang/", {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Dashboard" in content and "Tableau de bord" not in content
