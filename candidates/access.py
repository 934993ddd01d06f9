"""Fetch and authorize a candidacy for the request's user: 404 for whoever may not see it,
the refusal page for whoever sees it but may not do this now, and the candidacy's page with
a message for whoever acts on a step it has left since they saw it.

Every form of a candidacy's pages carries the step it was shown at (`expected_state`,
templates/candidates/includes/seen_state.html): posted after the candidacy moved on, it
is answered as what it is, someone else's change (ConcurrentChange), not as a refusal.
"""

from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from cqp.views.helpers import Refused, back_on_change, form_page, moved_meanwhile

from . import selectors, services
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
    """The refusal page (with the candidacy's header) unless `may(candidacy, user)`; first,
    for a page posted after the candidacy moved on, its page with the message saying so."""
    check_fresh(request, candidacy)
    if not may(candidacy, request.user):
        refuse(request, candidacy, **texts)


def refuse(request, candidacy: Candidacy, **texts):
    """The refusal page with the candidacy's header (`texts`: title, message, back_url, back_label)."""
    raise Refused(candidacy_context(request, candidacy), **texts)


def seen_state(request, candidacy: Candidacy) -> str:
    """The step the user saw the candidacy at: the one their page posted, else the one it
    is at as this request starts."""
    return request.POST.get("expected_state") or candidacy.state


def check_fresh(request, candidacy: Candidacy) -> None:
    """A POST from a page shown at another step than the candidacy's: ConcurrentChange."""
    if request.method == "POST":
        with back_to_candidacy(candidacy):
            services.check_expected(
                state=candidacy.state, expected_state=request.POST.get("expected_state")
            )


def back_to_candidacy(candidacy: Candidacy):
    """A ConcurrentChange inside goes back to the candidacy's page, with its message."""
    return back_on_change(reverse("candidacy_detail", args=[candidacy.pk]))


def race_lost_on(request, candidacy: Candidacy):
    """A service's PermissionDenied inside, when the candidacy has meanwhile left the step
    the user saw it at, was a race lost: ConcurrentChange, like the service's own, back to
    the candidacy's page."""
    back_url = reverse("candidacy_detail", args=[candidacy.pk])
    seen = seen_state(request, candidacy)
    return moved_meanwhile(
        candidacy, PermissionDenied, seen=seen, check=services.check_expected, back_url=back_url
    )


@contextmanager
def refusal_on(request, candidacy: Candidacy):
    """A service's PermissionDenied inside becomes the refusal page with the candidacy's
    header (unless it was a race lost: `race_lost_on`)."""
    try:
        with race_lost_on(request, candidacy):
            yield
    except Refused:
        raise
    except PermissionDenied as error:
        raise Refused(candidacy_context(request, candidacy)) from error


def candidacy_form_page(request, candidacy: Candidacy, form, *, template: str, action, **options):
    """`cqp.views.helpers.form_page` on a candidacy's page (its header in the context), its
    service run under `refusal_on`; `options`: success, next_url, and `context`."""
    context = candidacy_context(request, candidacy, **options.pop("context", {}))

    def guarded(data: dict):
        with refusal_on(request, candidacy):
            return action(data)

    return form_page(request, form, template=template, context=context, action=guarded, **options)
