from django.conf import settings
from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from .exceptions import ConcurrentChange


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
