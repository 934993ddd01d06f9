"""What every view shares: the one refusal page, the CSRF failure page, running a service
from a form, and answering a page posted after someone else changed its object.

Each app has one fetch-and-authorize helper per object type (`candidates/access.py`,
`evaluations/access.py`, `jury/access.py`): it answers 404 to whoever may not see the
object, and raises `Refused` for whoever sees it but may not do this now.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..exceptions import ConcurrentChange
from ..utils import apply_service_error


class Refused(PermissionDenied):
    """The user sees the object but may not do this now: the refusal page (403), with the
    object's page context (its header) and, optionally, its own title, message and way back."""

    def __init__(self, context: dict | None = None, **texts):
        super().__init__(texts.get("message", ""))
        self.context = {**(context or {}), **texts}


@contextmanager
def back_on_change(url: str) -> Iterator[None]:
    """A ConcurrentChange raised inside goes back to `url`, unless it already names its page
    (cqp.middleware.ConcurrentChangeMiddleware shows its message there)."""
    try:
        yield
    except ConcurrentChange as error:
        error.back_url = error.back_url or url
        raise


@contextmanager
def moved_meanwhile(
    obj: Model, refusal: type[Exception], *, seen: str, check: Callable[..., None], back_url: str
) -> Iterator[None]:
    """A `refusal` raised inside, once `obj` (a candidacy, a session) has left the state the
    user saw it at (`seen`), was a race lost: `check(state=, expected_state=)`, given its
    state read afresh, raises the ConcurrentChange that says so, back to `back_url`."""
    with back_on_change(back_url):
        try:
            yield
        except refusal:
            now = type(obj).objects.values_list("state", flat=True).get(pk=obj.pk)
            check(state=now, expected_state=seen)
            raise


def refused(request, exception=None):
    """The refusal page; Django's handler403, so that a bare PermissionDenied raised by a
    service also ends here. Nothing was changed."""
    context = exception.context if isinstance(exception, Refused) else {}
    return render(request, "refused.html", context, status=403)


def bad_request(request, exception=None):
    """A request that could not be read, in French on the refusal page: Django's handler400."""
    if isinstance(exception, MultiPartParserError):
        # Django's parser gives up on a form whose file part has over 1 KiB of headers: a file
        # name far longer than any file system allows (those are read, and shortened).
        texts = {
            "title": _("Le formulaire n'a pas pu être lu"),
            "message": _(
                "Le nom du fichier joint est sans doute trop long : renommez le fichier avec un "
                "nom plus court, puis joignez-le à nouveau."
            ),
        }
    else:
        texts = {
            "title": _("Requête incorrecte"),
            "message": _("La requête envoyée n'a pas pu être comprise."),
        }
    return render(request, "refused.html", texts, status=400)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (settings.CSRF_FAILURE_VIEW): most often a page left
    open past the end of its session, or a session closed in another tab. Says so in French,
    shows nothing of what was posted, and offers the page the form came from when it is one
    of this site's (else the dashboard, or the login page once signed out)."""
    came_from = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        came_from = ""
    return render(request, "csrf_failure.html", {"back_url": came_from}, status=403)


def form_page(
    request,
    form,
    *,
    action: Callable[[dict], object],
    success: str | Callable[[object], str],
    next_url: str | Callable[[object], str],
    template: str,
    context: dict | None = None,
):
    """A form page that runs one service.

    GET, or a POST the form rejects: the page, with what was typed kept. A valid POST runs
    `action(form.cleaned_data)`: its ValidationError comes back next to the fields (or at
    the top), a refusal (PermissionDenied) is the refusal page with this page's context;
    success is a message and a redirect to `next_url`. `success` and `next_url` may be functions
    of what the service returned.
    """
    context = {**(context or {}), "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except Refused:
            raise
        except PermissionDenied as error:
            raise Refused(context) from error
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(next_url(result) if callable(next_url) else next_url)
    return render(request, template, context)
