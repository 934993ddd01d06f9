"""Limits on attempts: every way to authenticate, and the password reset requests.

Authentication is limited by django-axes. Its backend, first in AUTHENTICATION_BACKENDS,
refuses every `authenticate()` while a lock holds (the login page's as the back-office's), and
Django's `user_login_failed` signal counts each failure; the checks of the signed-in user's
password (a signature, a password change) go through `reauthentication`, which does the same.
`LoginLimits` is the policy axes applies (AXES_HANDLER):

- per account, whatever the address: AXES_FAILURE_LIMIT failures, each within
  AXES_COOLOFF_TIME of the previous one, lock the account for AXES_COOLOFF_TIME; each new lock
  lasts twice as long as the previous one while that one is remembered (a day after it ended),
  up to LOGIN_LOCKOUT_MAX. The holder is told (event `account_locked`); choosing a new password
  through the reset link lifts the lock. A success resets the count.
- per address: LOGIN_ADDRESS_FAILURE_LIMIT failures from one client address, whatever the
  accounts, hold that address back for AXES_COOLOFF_TIME; the other addresses are untouched.
  A success does not reset that count, or one valid account would let an address guess the
  others' passwords forever.

The counts live in the cache (Redis in production), keyed on a digest of the e-mail typed:
an address without an account is counted and locked alike, so that nothing tells them apart.
The client's address is `client_address`, which django-ratelimit uses too.
"""

import datetime
import hashlib
import ipaddress
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from axes.handlers.base import AbstractAxesHandler, AxesBaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from . import tasks

log = logging.getLogger(__name__)

# A lock is remembered this long after it ended: a new one within it lasts twice as long.
LOCK_MEMORY = datetime.timedelta(days=1)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXIES reverse proxies, the address
    the outermost of them received the request from.

    Each proxy appends to X-Forwarded-For the address it was connected from, so that address is
    the TRUSTED_PROXIES-th entry from the right; whatever the client wrote itself lies further
    left and is never read. A request that did not come through that many proxies (or whose
    entry is not an address) is taken at REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXIES
    forwarded = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if hops <= 0 or len(forwarded) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return remote


def _address_key(address) -> str:
    # An IPv6 client commonly holds a whole /64: it counts as one address.
    try:
        network = ipaddress.ip_network(address or "", strict=False)
    except ValueError:
        return f"address:{address or ''}"
    if network.version == 6:
        network = network.supernet(new_prefix=64)
    return f"address:{network.network_address}"


def _account_key(username) -> str:
    digest = hashlib.sha256(str(username or "").strip().lower().encode()).hexdigest()
    return f"account:{digest[:32]}"


def _seconds(duration: datetime.timedelta) -> int:
    return math.ceil(duration.total_seconds())


def _count(key: str, window: datetime.timedelta) -> int:
    """One more on `key`, which lasts `window` from its last increment; the count so far."""
    cache.add(key, 0, timeout=_seconds(window))
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
        cache.set(key, count, timeout=_seconds(window))
    cache.touch(key, timeout=_seconds(window))
    return count


def lock_duration(strikes: int) -> datetime.timedelta:
    """How long the `strikes`-th lock of an account in a row lasts: AXES_COOLOFF_TIME for the
    first, twice as long for each one since, up to LOGIN_LOCKOUT_MAX."""
    duration, longest = get_cool_off(), settings.LOGIN_LOCKOUT_MAX
    for _strike in range(strikes - 1):
        if duration >= longest:
            break
        duration *= 2
    return min(duration, longest)


@dataclass(frozen=True)
class Lock:
    """A lock that holds: the account's (`on_account`), or the client address's."""

    on_account: bool
    until: datetime.datetime

    def message(self) -> str:
        shown = timezone.localtime(self.until)
        values = {"day": f"{shown:%d/%m/%Y}", "time": f"{shown:%H:%M}"}
        if self.on_account:
            text = _(
                "Trop de tentatives de connexion échouées : ce compte est verrouillé jusqu'au "
                "%(day)s à %(time)s. Pour le débloquer sans attendre, réinitialisez votre mot "
                "de passe."
            )
        else:
            text = _(
                "Trop de tentatives de connexion échouées depuis votre adresse : réessayez après "
                "le %(day)s à %(time)s."
            )
        return text % values


def _lock(key: str, duration: datetime.timedelta, *, on_account: bool) -> Lock:
    # Up to the next minute: the time shown to the minute is when the lock has ended.
    until = math.ceil((timezone.now() + duration).timestamp() / 60) * 60
    lock = Lock(on_account, datetime.datetime.fromtimestamp(until, tz=datetime.UTC))
    cache.set(f"login:lock:{key}", until, timeout=_seconds(lock.until - timezone.now()))
    cache.delete(f"login:failures:{key}")  # a new count once the lock has ended
    return lock


class LoginLimits(AbstractAxesHandler, AxesBaseHandler):
    """The policy of the module's docstring, as a django-axes handler (AXES_HANDLER).

    Axes sets `request.axes_*` (the client's address, whether the request is locked out)
    before calling it; the lock that holds is left in `request.login_lock` for its message.
    """

    @staticmethod
    def _keys(request, credentials) -> tuple[str, str]:
        username = (credentials or {}).get("username")
        return _account_key(username), _address_key(request.axes_ip_address)

    def is_locked(self, request, credentials=None) -> bool:
        request.login_lock = None
        for on_account, key in zip((True, False), self._keys(request, credentials), strict=True):
            until = cache.get(f"login:lock:{key}")
            if until is not None:
                until = datetime.datetime.fromtimestamp(until, tz=datetime.UTC)
                request.login_lock = Lock(on_account, until)
                return True
        return False

    def get_failures(self, request, credentials=None) -> int:
        account, _address = self._keys(request, credentials)
        return cache.get(f"login:failures:{account}", 0)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Count a failure against the account and the address; lock either at its limit."""
        if request is None:  # authenticate() called outside a request: nothing to count
            return
        request.axes_credentials = credentials
        if request.axes_locked_out:  # refused by a lock: neither counted nor lengthening it
            return
        account, address = self._keys(request, credentials)
        window = get_cool_off(request)
        failures = _count(f"login:failures:{account}", window)
        request.axes_failures_since_start = failures
        log.warning("Failed authentication, %d in a row for that account.", failures)
        locks = []
        if failures >= get_failure_limit(request, credentials):
            locks.append(self._lock_account(account, credentials.get("username"), failures))
        if _count(f"login:failures:{address}", window) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            locks.append(_lock(address, window, on_account=False))
            log.warning("Client address locked out until %s.", locks[-1].until)
        if locks:
            request.axes_locked_out, request.login_lock = True, locks[0]
            user_locked_out.send(
                "axes",
                request=request,
                username=credentials.get("username"),
                ip_address=request.axes_ip_address,
            )

    @staticmethod
    def _lock_account(account: str, username, failures: int) -> Lock:
        """Lock the account, twice as long as its previous lock if remembered; its holder is
        told by a task after commit (the answer takes as long whether the account exists)."""
        strikes = _count(f"login:strikes:{account}", LOCK_MEMORY)
        duration = lock_duration(strikes)
        cache.touch(f"login:strikes:{account}", timeout=_seconds(duration + LOCK_MEMORY))
        lock = _lock(account, duration, on_account=True)
        log.warning("Account locked out until %s (lock %d in a row).", lock.until, strikes)
        email, until = str(username or ""), lock.until.isoformat()
        transaction.on_commit(lambda: tasks.notify_account_locked.delay(email, until, failures))
        return lock

    def user_logged_in(self, sender, request, user, **kwargs):
        account, _address = self._keys(request, {"username": user.get_username()})
        cache.delete(f"login:failures:{account}")

    def user_logged_out(self, sender, request, user, **kwargs):
        """Nothing to count."""

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        """Lift the lock and count of an account and/or an address (`manage.py
        axes_reset_username`, `axes_reset_ip`; a new password chosen through the reset link).
        An account's past locks stay remembered. The number of entries removed."""
        keys = []
        if username is not None:
            keys.append(_account_key(username))
        if ip_address is not None:
            keys.append(_address_key(ip_address))
        return sum(
            bool(cache.delete(f"login:{kind}:{key}"))
            for key in keys
            for kind in ("lock", "failures")
        )


def lock_message(request: HttpRequest) -> str:
    """The French message of the lock that refused this request's authentication."""
    lock = getattr(request, "login_lock", None)
    if lock is None:  # refused by axes for another reason (a blacklisted address)
        return _("Trop de tentatives de connexion échouées : réessayez plus tard.")
    return lock.message()


def account_unlock(user) -> None:
    """Lift `user`'s account lock (they chose a new password through the reset link)."""
    AxesProxyHandler.reset_attempts(username=user.get_username())


@contextmanager
def reauthentication(request: HttpRequest, *, field: str | None = None) -> Iterator[None]:
    """Around a check of the signed-in user's password (a signature, a password change).

    Refused while a lock holds; a ValidationError (on `field`, when given) counts as a failed
    authentication and, when that failure locks, becomes the lock's message. The answer to a
    refused request is a 429 (AxesMiddleware, `lockout_response`).
    """
    credentials = {"username": request.user.get_username()}

    def refusal():
        request.axes_locked_out, request.axes_credentials = True, credentials
        message = lock_message(request)
        return ValidationError({field: message} if field else message, code="locked")

    if not AxesProxyHandler.is_allowed(request, credentials):
        raise refusal()
    try:
        yield
    except ValidationError as error:
        if field is not None and field not in getattr(error, "error_dict", {}):
            raise
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if request.axes_locked_out:
            raise refusal() from error
        raise


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page the view rendered (its form tells of the lock and keeps
    what was typed), answered as 429 Too Many Requests, with the lock's remaining time."""
    if original_response is None:  # axes' own decorators, which no view uses
        original_response = HttpResponse(lock_message(request), content_type="text/plain")
    elif original_response.status_code != 200:
        return original_response
    original_response.status_code = 429
    lock = getattr(request, "login_lock", None)
    if lock is not None:
        left = _seconds(lock.until - timezone.now())
        original_response["Retry-After"] = str(max(left, 1))
    return original_response


def password_reset_refusal(request: HttpRequest, *, email: str) -> str:
    """Why a password reset request for `email` is refused now ("" when it is not): more than
    PASSWORD_RESET_ADDRESS_LIMIT requests this hour from the client's address, or
    PASSWORD_RESET_EMAIL_LIMIT for that e-mail (counted whether an account has it or not)."""
    from_address = is_ratelimited(
        request,
        group="password_reset:address",
        key="ip",
        rate=f"{settings.PASSWORD_RESET_ADDRESS_LIMIT}/h",
        increment=True,
    )
    for_email = is_ratelimited(
        request,
        group="password_reset:email",
        key=lambda _group, _request: _account_key(email),
        rate=f"{settings.PASSWORD_RESET_EMAIL_LIMIT}/h",
        increment=True,
    )
    if from_address:
        return _(
            "Trop de demandes de réinitialisation depuis votre adresse : réessayez dans une heure."
        )
    if for_email:
        return _(
            "Trop de demandes de réinitialisation pour cette adresse e-mail : réessayez dans une "
            "heure."
        )
    return ""
