"""The public verification of a certificate or an attestation, from its number, without login.

It shows the holder's name, the certification, the kind of document, its date and whether
it is valid or revoked: nothing else about the person. Numbers are not guessable, and each
client may look up only `settings.VERIFY_RATE_LIMIT` of them a minute (django-ratelimit, keyed
on the client's address behind the trusted proxies: cqp.limits.client_address), so the page
cannot be used to list who holds the CQP.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from .. import presenters, selectors
from ..forms_deliberation import VerifyForm

WINDOW_SECONDS = 60


def _over_limit(request) -> bool:
    """Count this lookup against the client's minute; True once past the limit."""
    rate = f"{settings.VERIFY_RATE_LIMIT}/{WINDOW_SECONDS}s"
    return is_ratelimited(request, group="verify", key="ip", rate=rate, increment=True)


def _public(response):
    # Holders' names must not end up in search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def verify(request):
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("verify_number", number=form.cleaned_data["number"])
    return _public(render(request, "jury/verify.html", {"form": form}))


@never_cache
@require_GET
def verify_number(request, number):
    if _over_limit(request):
        response = render(request, "jury/verify_limited.html", status=429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return _public(response)
    # Typed in the address, the number gets the form's checks: a malformed one is named as such.
    form = VerifyForm({"number": number})
    valid = form.is_valid()
    certificate = (
        selectors.certificate_verify(number=form.cleaned_data["number"]) if valid else None
    )
    if certificate is None:
        return _public(
            render(
                request,
                "jury/verify_not_found.html",
                {"form": VerifyForm() if valid else form},
                status=404,
            )
        )
    return _public(
        render(request, "jury/verify_result.html", presenters.verification_context(certificate))
    )
