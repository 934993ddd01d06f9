"""Fetch and authorize a candidacy for the request's user: 404 for whoever may not see it,
the refusal page for whoever sees it but may not do this now."""

from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cqp.views.helpers import Refused, form_page

from . import selectors
from .models import Candidacy
from .presenters import candidacy_context

Predicate = Callable[[Candidacy, object], bool]


def candidacy_for(
    request,
    pk: int,
    *,
    has: Callable[[Candidacy], bool] | None = None,
    may: Predicate | None = None,
) -> Candidacy:
    """The candidacy `pk` if the user may see it and it `has` the page asked for (a livret,
    a VAE dossier...), else 404; with `may`, the refusal page unless the user may act."""
    candidacy = selectors.candidacy_get(user=request.user, pk=pk)
    if has is not None and not has(candidacy):
        raise Http404
    if may is not None:
        authorize(request, candidacy, may)
    return candidacy


def authorize(request, candidacy: Candidacy, may: Predicate, **texts) -> None:
    """The refusal page (with the candidacy's header) unless `may(candidacy, user)`."""
    if not may(candidacy, request.user):
        refuse(request, candidacy, **texts)


def refuse(request, candidacy: Candidacy, **texts):
    """The refusal page with the candidacy's header (`texts`: title, message, back_url, back_label)."""
    raise Refused(candidacy_context(request, candidacy), **texts)


def candidacy_form_page(request, candidacy: Candidacy, form, *, template: str, **options):
    """`cqp.views.helpers.form_page` on a candidacy's page (its header in the context);
    `options`: action, success, next_url, and `context` for the template."""
    context = candidacy_context(request, candidacy, **options.pop("context", {}))
    return form_page(request, form, template=template, context=context, **options)


@contextmanager
def refusal_on(request, candidacy: Candidacy):
    """A service's PermissionDenied inside becomes the refusal page with the candidacy's header."""
    try:
        yield
    except Refused:
        raise
    except PermissionDenied as error:
        raise Refused(candidacy_context(request, candidacy)) from error
