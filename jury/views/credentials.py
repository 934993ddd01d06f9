"""The verifiable credentials and what verifies them, public and without login: the issuer's
profile, its public keys, the revocation status lists and each certificate's credential
(jury/credentials.py; README « Verifiable credentials »).

All answer with `Access-Control-Allow-Origin: *`, so that a verifier running in a browser
can fetch them; a credential is looked up by its number under the same per-client limit as
the verification page.
"""

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import credentials, selectors
from ..forms_deliberation import VerifyForm
from .verify import WINDOW_SECONDS, _over_limit, _public


def _open(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(data, **kwargs):
    return _open(JsonResponse(data, json_dumps_params={"ensure_ascii": False}, **kwargs))


@require_GET
def issuer_profile(request):
    response = _json(credentials.issuer_profile())
    response["Content-Type"] = "application/ld+json"
    return response


@require_GET
def issuer_jwks(request):
    response = _json(credentials.jwks())
    response["Content-Type"] = "application/jwk-set+json"
    return response


@never_cache
@require_GET
def issuer_status_list(request, number):
    # Built fresh: a revocation shows at once, and the list costs one query.
    last = selectors.certificate_last_pk()
    if not 1 <= number <= last // credentials.STATUS_LIST_BITS + 1:
        raise Http404
    return _open(
        HttpResponse(credentials.signed_status_list(number), content_type=credentials.MEDIA_TYPE)
    )


@never_cache
@require_GET
def verify_credential(request, number):
    if _over_limit(request):
        response = _json({"error": "too_many_requests"}, status=429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return _public(response)
    form = VerifyForm({"number": number})
    certificate = (
        selectors.certificate_verify(number=form.cleaned_data["number"])
        if form.is_valid()
        else None
    )
    if certificate is None:
        return _public(_json({"error": "not_found"}, status=404))
    return _public(_json(credentials.enveloped_credential(certificate)))
