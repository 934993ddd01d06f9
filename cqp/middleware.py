import datetime
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from . import typography
from .exceptions import ConcurrentChange
from .permissions import read_memo


class ChosenLanguageMiddleware(LocaleMiddleware):
    """French unless the user chose another language with the switch (cookie).

    The browser's Accept-Language is deliberately ignored: the platform is French, and
    English is an explicit choice.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            language = translation.get_supported_language_variant(chosen)
        except LookupError:
            language = translation.get_supported_language_variant(settings.LANGUAGE_CODE)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# The session's clock: its login time, and the time of its last request, written back at most
# once a SEEN_RESOLUTION (seconds) so that a session is not saved at every request.
STARTED_AT = "session_started_at"
SEEN_AT = "session_seen_at"
SEEN_RESOLUTION = 60


def _duration(seconds: int) -> str:
    """« 30 minutes », « 12 heures », in the active language."""
    now = timezone.now()
    return timesince(now - datetime.timedelta(seconds=seconds), now)


@receiver(user_logged_in)
def session_clock_start(sender, request, user, **kwargs):
    request.session[STARTED_AT] = request.session[SEEN_AT] = time.time()


class SessionTimeoutMiddleware:
    """Ends a session SESSION_IDLE_TIMEOUT seconds after its last request, or
    SESSION_ABSOLUTE_TIMEOUT seconds after its login whatever the activity (OWASP ASVS 3.3.2),
    and sends to the login page, which says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self._ended(request.session, time.time())
            if ended:
                logout(request)
                messages.info(request, ended)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def _ended(session, now: float) -> str:
        """Why the session has ended ("" while it holds); records this request's time."""
        started, seen = session.setdefault(STARTED_AT, now), session.setdefault(SEEN_AT, now)
        if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
            return _(
                "Votre session a atteint sa durée maximale de %(duration)s : reconnectez-vous."
            ) % {"duration": _duration(settings.SESSION_ABSOLUTE_TIMEOUT)}
        if now - seen > settings.SESSION_IDLE_TIMEOUT:
            return _(
                "Votre session a pris fin après %(duration)s sans activité : reconnectez-vous."
            ) % {"duration": _duration(settings.SESSION_IDLE_TIMEOUT)}
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return ""


class FrenchTypographyMiddleware:
    """A page in French gets the non-breaking spaces of French punctuation in its text
    (cqp.typography.french_html): once here, for every page, instead of in each template."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.FRENCH_TYPOGRAPHY
            and getattr(request, "LANGUAGE_CODE", "").startswith("fr")
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            charset = response.charset
            response.content = typography.french_html(response.content.decode(charset)).encode(
                charset
            )
        return response


class PrivatePagesMiddleware:
    """Every response to a signed-in user may hold personal data: no cache keeps it, neither
    the browser's (back button after logout, shared computer) nor a proxy's.

    Django offers this per view (`never_cache`); here it follows from who asks, for every
    page, including those added later. Static files are served before this (WhiteNoise).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ReadMemoMiddleware:
    """A page that only reads (GET, HEAD) asks each permission question once
    (cqp.permissions.memoised): the user's habilitations valid today, their object
    permissions on a candidacy, the organisations they manage."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with read_memo():
            return self.get_response(request)


class ConcurrentChangeMiddleware:
    """A page posted after someone else changed its object (a race lost, or a page left open):
    whatever view it reached, the user goes back to the object's page (`back_url`, named by
    the view's access helper), where the message says what the object is now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, ConcurrentChange) and exception.back_url):
            return None
        messages.error(request, exception.message)
        return redirect(exception.back_url)
