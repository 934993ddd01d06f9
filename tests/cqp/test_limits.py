"""One limiter for every way to authenticate (cqp.limits, on django-axes): the login page, the
back-office login and the signature's password (tests/evaluations) count the same failures.

Per account whatever the address, with a lock that lengthens at each new lock and a notice to
the holder; per address without locking the other addresses; the client's address read from
X-Forwarded-For only through the configured number of trusted proxies.
"""

import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from cqp.limits import client_address
from cqp.models import Notification
from tests.factories import PASSWORD, UserFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

LOGIN = "/connexion/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "Trop de tentatives de connexion échouées : ce compte est verrouillé jusqu'au {until}."
ADDRESS_LOCKED = (
    "Trop de tentatives de connexion échouées depuis votre adresse : réessayez après le {until}."
)
PROXY = "10.0.0.1"
ATTACKER = "198.51.100.66"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def _login(client, email, password, *, url=LOGIN, **extra):
    return client.post(url, {"username": email, "password": password}, **extra)


def _via_proxy(forwarded_for: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff(db):
    return UserFactory(email="back-office@exemple.fr", is_staff=True)


# One lock for every login page --------------------------------------------------------------


def test_admin_login_locks_the_account_and_tells_it_in_french(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            assert _login(client, staff.email, "mauvais", url=ADMIN_LOGIN).status_code == 200
        response = _login(client, staff.email, "mauvais", url=ADMIN_LOGIN)
        assert response.status_code == 429
        assert response["Retry-After"] == str(15 * 60)
        page = page_text(response)
        assert LOCKED.format(until="02/03/2026 à 09:15") in page
        assert f'value="{staff.email}"' in page

        response = _login(client, staff.email, PASSWORD, url=ADMIN_LOGIN)
        assert response.status_code == 429
        assert not _logged_in(client)
        # The same lock on the main login page.
        assert _login(client, staff.email, PASSWORD).status_code == 429
        assert not _logged_in(client)


def test_main_and_admin_login_failures_add_up(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert _login(client, staff.email, "mauvais").status_code == 200
    assert _login(client, staff.email, "mauvais", url=ADMIN_LOGIN).status_code == 429
    assert _login(client, staff.email, PASSWORD, url=ADMIN_LOGIN).status_code == 429
    assert not _logged_in(client)


def test_admin_login_with_the_right_password_before_any_lock(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _login(client, staff.email, "mauvais", url=ADMIN_LOGIN)
    response = _login(client, staff.email, PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 302
    assert _logged_in(client)


def test_the_current_password_of_a_password_change_counts_like_a_login(client, candidat, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client.force_login(candidat)
    new = "Nouveau-secret-2026"
    data = {"old_password": "mauvais", "new_password1": new, "new_password2": new}
    assert client.post(reverse("password_change"), data).status_code == 200
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 429
    [error] = response.context["form"].errors["old_password"]
    assert error.startswith("Trop de tentatives de connexion échouées : ce compte est verrouillé")
    response = client.post(reverse("password_change"), {**data, "old_password": PASSWORD})
    assert response.status_code == 429
    candidat.refresh_from_db()
    assert candidat.check_password(PASSWORD)


# Per account, whatever the address ----------------------------------------------------------


def test_account_lock_holds_whatever_the_address(client, candidat, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        _login(client, candidat.email, "mauvais", REMOTE_ADDR=f"198.51.100.{n + 1}")
    response = _login(client, candidat.email, PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert "ce compte est verrouillé" in page_text(response)
    assert not _logged_in(client)


def test_account_lock_ignores_the_case_of_the_address(client, candidat, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _login(client, candidat.email.upper(), "mauvais")
    _login(client, f" {candidat.email} ", "mauvais")
    assert _login(client, candidat.email, PASSWORD).status_code == 429


def test_each_new_lock_of_an_account_lasts_twice_as_long_up_to_the_maximum(
    client, candidat, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    settings.LOGIN_LOCKOUT_MAX = datetime.timedelta(minutes=40)

    def lock_at(moment) -> str:
        with time_machine.travel(moment, tick=False):
            _login(client, candidat.email, "mauvais")
            response = _login(client, candidat.email, "mauvais")
        assert response.status_code == 429
        return re.search(r"verrouillé jusqu'au ([^.]+)\.", page_text(response)).group(1)

    def right_password_at(moment) -> int:
        with time_machine.travel(moment, tick=False):
            return _login(client, candidat.email, PASSWORD).status_code

    assert lock_at(START) == "02/03/2026 à 09:15"
    assert right_password_at(START + datetime.timedelta(minutes=14)) == 429
    second = START + datetime.timedelta(minutes=16)
    assert lock_at(second) == "02/03/2026 à 09:46"  # 30 minutes
    assert right_password_at(second + datetime.timedelta(minutes=29)) == 429
    third = second + datetime.timedelta(minutes=31)
    assert lock_at(third) == "02/03/2026 à 10:27"  # 60 minutes, capped at 40
    assert right_password_at(third + datetime.timedelta(minutes=41)) == 302


def test_the_lock_is_forgotten_a_day_after_it_ended(client, candidat, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    for moment, until in [
        (START, "02/03/2026 à 09:15"),
        (START + datetime.timedelta(days=1, minutes=16), "03/03/2026 à 09:31"),
    ]:
        with time_machine.travel(moment, tick=False):
            _login(client, candidat.email, "mauvais")
            response = _login(client, candidat.email, "mauvais")
        assert LOCKED.format(until=until) in page_text(response)


# The account holder's notice ----------------------------------------------------------------


def test_the_holder_is_told_of_the_lock_in_the_application_and_by_email(
    client, candidat, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.AXES_FAILURE_LIMIT = 2
    with (
        time_machine.travel(START, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for _ in range(2):
            _login(client, candidat.email, "mauvais", REMOTE_ADDR=ATTACKER)
        # Refused while locked: not a new lock, nothing more to tell.
        _login(client, candidat.email, PASSWORD)
    notification = Notification.objects.get(user=candidat)
    assert notification.event == "account_locked"
    assert notification.subject == "Votre compte a été verrouillé après des échecs de connexion"
    assert (
        "2 mots de passe erronés d'affilée ont été saisis pour votre compte : il est "
        "verrouillé jusqu'au 02/03/2026 à 09:15." in notification.body
    )
    assert notification.url == reverse("password_reset")
    assert [message.to for message in mailoutbox] == [[candidat.email]]
    assert "verrouillé jusqu'au 02/03/2026 à 09:15" in mailoutbox[0].body


def test_a_lock_on_an_address_without_account_tells_nobody_and_looks_the_same(
    client, candidat, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.AXES_FAILURE_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            response = _login(client, "personne@exemple.fr", "mauvais")
    assert response.status_code == 429
    assert "ce compte est verrouillé" in page_text(response)
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_choosing_a_new_password_lifts_the_lock(
    client, candidat, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        _login(client, candidat.email, "mauvais")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": candidat.email})
    link = re.search(r"https?://[^/]+(/mot-de-passe/reinitialiser/\S+/)", mailoutbox[-1].body)
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    new = "Nouveau-secret-2026"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert _login(client, candidat.email, new).status_code == 302


def test_the_back_office_command_lifts_a_lock(client, candidat, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        _login(client, candidat.email, "mauvais")
    call_command("axes_reset_username", candidat.email.upper(), stdout=io.StringIO())
    assert _login(client, candidat.email, PASSWORD).status_code == 302


# Per address, without locking the others ----------------------------------------------------


def test_address_limit_holds_that_address_only(client, candidat, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    with time_machine.travel(START, tick=False):
        # One failure for each of four accounts: below every account's limit.
        for n in range(4):
            _login(client, f"essai{n}@exemple.fr", "mauvais", REMOTE_ADDR=ATTACKER)
        response = _login(client, candidat.email, PASSWORD, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert ADDRESS_LOCKED.format(until="02/03/2026 à 09:15") in page_text(response)
    assert not _logged_in(client)
    assert _login(client, candidat.email, PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_a_success_does_not_reset_the_address_count(client, candidat, settings):
    """Otherwise one valid account would let an address guess the others' passwords forever."""
    settings.AXES_FAILURE_LIMIT = 10
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for n in range(2):
        _login(client, f"essai{n}@exemple.fr", "mauvais", REMOTE_ADDR=ATTACKER)
    assert _login(client, candidat.email, PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 302
    client.logout()
    _login(client, "essai2@exemple.fr", "mauvais", REMOTE_ADDR=ATTACKER)
    assert _login(client, candidat.email, PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 429


def test_an_address_lock_ends_after_the_window(client, candidat, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    with time_machine.travel(START, tick=False):
        for n in range(2):
            _login(client, f"essai{n}@exemple.fr", "mauvais", REMOTE_ADDR=ATTACKER)
    with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
        assert _login(client, candidat.email, PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 302


# The client's address -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, PROXY),
        (0, "203.0.113.5", PROXY),  # no trusted proxy: the header is the client's word
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),  # what the client wrote is ignored
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "2001:db8::7", "2001:db8::7"),
        (1, None, PROXY),  # did not come through the proxy
        (2, "203.0.113.5", PROXY),  # through fewer proxies than configured
        (1, "pas-une-adresse", PROXY),
    ],
)
def test_client_address_reads_x_forwarded_for_through_trusted_proxies_only(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra)
    assert client_address(request) == expected


def test_behind_the_trusted_proxy_one_users_failures_do_not_lock_the_others(
    client, candidat, gestionnaire, settings
):
    settings.TRUSTED_PROXIES = 1
    settings.AXES_FAILURE_LIMIT = 10
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for n in range(3):
        _login(client, f"essai{n}@exemple.fr", "mauvais", **_via_proxy("198.51.100.7"))
    assert _login(client, candidat.email, PASSWORD, **_via_proxy("198.51.100.7")).status_code == 429
    response = _login(client, gestionnaire.email, PASSWORD, **_via_proxy("203.0.113.8"))
    assert response.status_code == 302


def test_spoofed_x_forwarded_for_does_not_escape_the_address_limit(client, candidat, settings):
    settings.AXES_FAILURE_LIMIT = 10
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    # No trusted proxy: a new header at every attempt changes nothing.
    for n in range(3):
        _login(
            client,
            f"essai{n}@exemple.fr",
            "mauvais",
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    extra = {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": "192.0.2.99"}
    assert _login(client, candidat.email, PASSWORD, **extra).status_code == 429
    # Behind one trusted proxy, what the client wrote before the proxy's entry changes nothing.
    settings.TRUSTED_PROXIES = 1
    other = "198.51.100.77"
    for n in range(3):
        _login(client, f"autre{n}@exemple.fr", "mauvais", **_via_proxy(f"192.0.2.{n}, {other}"))
    response = _login(client, candidat.email, PASSWORD, **_via_proxy(f"192.0.2.99, {other}"))
    assert response.status_code == 429
