"""Sessions end after SESSION_IDLE_TIMEOUT without a request, and SESSION_ABSOLUTE_TIMEOUT after
the login whatever the activity (cqp.middleware.SessionTimeoutMiddleware)."""

import datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import PASSWORD
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
DASHBOARD = "/"


def _at(minutes: float):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def _expired_to_login(client, response, message) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={DASHBOARD}"
    assert "_auth_user_id" not in client.session
    assert message in page_text(client.get(response["Location"]))


def test_defaults_suit_staff_handling_personal_data():
    assert (django_settings.SESSION_IDLE_TIMEOUT, django_settings.SESSION_ABSOLUTE_TIMEOUT) == (
        30 * 60,
        12 * 60 * 60,
    )
    assert django_settings.SESSION_COOKIE_AGE == django_settings.SESSION_ABSOLUTE_TIMEOUT


def test_a_session_ends_after_thirty_idle_minutes(client, candidat):
    with _at(0):
        assert (
            client.post(
                reverse("login"), {"username": candidat.email, "password": PASSWORD}
            ).status_code
            == 302
        )
    with _at(29):
        assert client.get(DASHBOARD).status_code == 200
    with _at(29 + 29):
        assert client.get(DASHBOARD).status_code == 200
    with _at(29 + 29 + 31):
        response = client.get(DASHBOARD)
    _expired_to_login(
        client,
        response,
        "Votre session a pris fin après 30\u00a0minutes sans activité : reconnectez-vous.",
    )


def test_a_session_ends_after_twelve_hours_even_when_active(client, candidat, settings):
    settings.SESSION_IDLE_TIMEOUT = 3 * 60 * 60
    with _at(0):
        client.force_login(candidat)
    for hours in range(2, 12, 2):
        with _at(hours * 60):
            assert client.get(DASHBOARD).status_code == 200
    with _at(12 * 60 - 1):
        assert client.get(DASHBOARD).status_code == 200
    with _at(12 * 60 + 1):
        response = client.get(DASHBOARD)
    _expired_to_login(
        client,
        response,
        "Votre session a atteint sa durée maximale de 12\u00a0heures : reconnectez-vous.",
    )


def test_a_new_login_starts_a_new_session_clock(client, candidat):
    with _at(0):
        client.force_login(candidat)
    with _at(40):
        assert client.get(DASHBOARD).status_code == 302
    with _at(41):
        client.force_login(candidat)
    with _at(60):
        assert client.get(DASHBOARD).status_code == 200
