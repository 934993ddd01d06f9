"""The public pages every page's footer links to: mentions légales, the privacy notice, the
accessibility statement and help. Open to everyone, signed in or not; they say who answers
for the platform (the issuer, `Issuer.current()`) and how to reach them."""

import datetime

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..models import Issuer

# The day the accessibility statement was written from the audit walk (tests/browser): a new
# audit, a new date.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 29)


def _legal_page(request, template: str, **context):
    return render(
        request,
        f"cqp/legal/{template}.html",
        {"issuer": Issuer.current(), "hosting_provider": settings.HOSTING_PROVIDER, **context},
    )


@require_safe
def legal_notice(request):
    return _legal_page(request, "legal_notice")


@require_safe
def privacy_notice(request):
    return _legal_page(
        request,
        "privacy_notice",
        session_hours=settings.SESSION_ABSOLUTE_TIMEOUT // 3600,
    )


@require_safe
def accessibility_statement(request):
    return _legal_page(
        request, "accessibility_statement", statement_date=ACCESSIBILITY_STATEMENT_DATE
    )


@require_safe
def help_contact(request):
    return _legal_page(request, "help_contact")
