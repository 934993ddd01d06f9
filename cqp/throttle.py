"""Login throttling: too many failures for one address, or from one client, lock for a while.

`hit` is the counter underneath, for any other action limited per time window."""

import hashlib

from django.conf import settings
from django.core.cache import cache

# One client may try a few addresses (a typo in the e-mail), but not dozens.
PER_CLIENT_FACTOR = 4


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _keys(request, email: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    ip = _client_ip(request)
    return f"login-fail:acct:{digest}:{ip}", f"login-fail:ip:{ip}"


def is_locked(request, email: str) -> bool:
    account_key, client_key = _keys(request, email)
    limit = settings.LOGIN_THROTTLE_ATTEMPTS
    return (
        cache.get(account_key, 0) >= limit or cache.get(client_key, 0) >= limit * PER_CLIENT_FACTOR
    )


def hit(key: str, window: int) -> int:
    """Count one more hit on `key`, whose count lasts `window` seconds from its first hit;
    the count so far."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def record_failure(request, email: str) -> None:
    for key in _keys(request, email):
        hit(key, settings.LOGIN_THROTTLE_WINDOW)


def reset(request, email: str) -> None:
    cache.delete(_keys(request, email)[0])
