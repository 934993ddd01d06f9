"""The public verification of a certificate or an attestation, from its number, without login.

It shows the holder's name, the certification, the kind of document, its date and whether
it is valid or revoked: nothing else about the person. Numbers are not guessable, and each
client may look up only `settings.VERIFY_RATE_LIMIT` of them a minute (django-ratelimit, keyed
on the client's address behind the trusted proxies: cqp.limits.client_address), so the page
cannot be used to list who holds the CQP.

`verify_upload` answers whether an uploaded PDF is the sealed original of one of our documents
(cqp.documents.document_authenticate: its digest and its seal). The file is read in memory,
judged by cqp.uploads, and forgotten; VERIFY_UPLOAD_RATE_LIMIT files a minute per client.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from cqp import documents, uploads
from cqp.models import Issuer

from .. import presenters, selectors
from ..forms_deliberation import VerifyForm
from ..forms_verify import VerifyUploadForm

WINDOW_SECONDS = 60


def _over_limit(request, group="verify", limit=None) -> bool:
    """Count this lookup against the client's minute; True once past the limit."""
    rate = f"{limit or settings.VERIFY_RATE_LIMIT}/{WINDOW_SECONDS}s"
    return is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)


def _limited(request):
    response = render(request, "jury/verify_limited.html", status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return _public(response)


def _public(response):
    # Holders' names must not end up in search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def verify(request):
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("verify_number", number=form.cleaned_data["number"])
    context = {"form": form, "upload_form": VerifyUploadForm()}
    return _public(render(request, "jury/verify.html", context))


@never_cache
@require_GET
def verify_number(request, number):
    if _over_limit(request):
        return _limited(request)
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


# The upload handlers are set before CSRF reads the body (Django's documented pattern).
@csrf_exempt
@never_cache
@require_POST
def verify_upload(request):
    if _over_limit(request, group="verify_upload", limit=settings.VERIFY_UPLOAD_RATE_LIMIT):
        return _limited(request)
    uploads.memory_only(request)
    return _verify_upload(request)


@csrf_protect
def _verify_upload(request):
    form = VerifyUploadForm(request.POST, request.FILES, refused=uploads.refusals(request))
    context = {"form": VerifyForm(), "upload_form": form}
    if form.is_valid():
        found = documents.document_authenticate(form.cleaned_data["document"].read())
        certificate = selectors.certificate_of_document(found.document) if found.document else None
        context["upload_result"] = {
            "verdict": found.verdict,
            "document": found.document,
            "kind_label": documents.get_kind(found.document.kind).label if found.document else "",
            "certificate": certificate,
            "signed_at": found.verification.signed_at,
            "issuer": Issuer.current().name,
        }
    return _public(render(request, "jury/verify.html", context))
