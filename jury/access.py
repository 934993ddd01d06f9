"""Fetch and authorize the jury's objects for the request's user: 404 (from the selectors)
for whoever may not see them, the refusal page, with the way back to the session, for whoever
sees them but may not do this now."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from candidates import services as candidacy_services
from cqp.models import User
from cqp.views.helpers import Refused, back_on_change, form_page, moved_meanwhile

from . import selectors, services
from .models import Certificate, Deliberation, JurySession

BACK_TO_SESSION = _("Retour à la session")


def session_for(
    request, pk: int, *, may: Callable[[User, JurySession], bool] | None = None
) -> JurySession:
    """The session `pk` if the user sits on it or is the secretariat, else 404; with `may`,
    the refusal page unless the user may act on it."""
    session = selectors.session_get(user=request.user, pk=pk)
    if may is not None and not may(request.user, session):
        raise _refusal(session)
    return session


def deliberation_for(
    request,
    pk: int,
    *,
    session: JurySession | None = None,
    may: Callable[[User, Deliberation], bool] | None = None,
) -> Deliberation:
    """The fiche `pk` of a session the user sees (of `session`, when given), else 404; with
    `may`, the refusal page unless the user may act on it (first, for a fiche posted after
    its candidacy moved on, the fiche with the message saying so)."""
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    if session is not None and deliberation.session_id != session.pk:
        raise Http404
    if may is not None:
        if request.method == "POST":
            with back_to_fiche(deliberation):
                candidacy_services.check_expected(
                    state=deliberation.candidacy.state,
                    expected_state=request.POST.get("expected_state"),
                )
        if not may(request.user, deliberation):
            raise _refusal(deliberation.session)
    return deliberation


def back_to_fiche(deliberation: Deliberation):
    """A ConcurrentChange inside goes back to the fiche, which shows what was recorded."""
    return back_on_change(reverse("deliberation_detail", args=[deliberation.pk]))


def certificate_for(request, pk: int) -> Certificate:
    """The certificate `pk` issued by a session the user sees, else 404."""
    return selectors.certificate_get(user=request.user, pk=pk)


def _refusal(session: JurySession) -> Refused:
    """The refusal page, with the way back to the session."""
    return Refused(
        back_url=reverse("session_detail", args=[session.pk]), back_label=BACK_TO_SESSION
    )


@contextmanager
def refusal_on(session: JurySession) -> Iterator[None]:
    """A service's PermissionDenied inside becomes the refusal page of the session."""
    try:
        yield
    except Refused:
        raise
    except PermissionDenied as error:
        raise _refusal(session) from error


def session_form_page(request, session: JurySession, form, *, action: Callable, **options):
    """`cqp.views.helpers.form_page` on a page of the session: a refusal from the service is
    the session's refusal page. `options`: success, next_url, template, context."""

    def guarded(data: dict):
        with refusal_on(session):
            return action(data)

    return form_page(request, form, action=guarded, **options)


def back_to_session(session: JurySession):
    """A ConcurrentChange inside goes back to the session's page, with its message."""
    return back_on_change(reverse("session_detail", args=[session.pk]))


def _seen(request, session: JurySession) -> str:
    """The state the session's page was shown at (its forms carry it), else the one the
    session is at as this request starts."""
    return request.POST.get("expected_state") or session.state


def check_session_fresh(request, session: JurySession) -> None:
    """A form of the session's page posted once the session has moved on (opened, closed):
    ConcurrentChange, on the session's page."""
    with back_to_session(session):
        services.session_check_expected(state=session.state, expected_state=_seen(request, session))


def session_race_on(request, session: JurySession):
    """A service's ValidationError inside, when the session has meanwhile left the state
    the user saw it at, was a race lost: ConcurrentChange, on the session's page."""
    check = services.session_check_expected
    back_url = reverse("session_detail", args=[session.pk])
    return moved_meanwhile(
        session, ValidationError, seen=_seen(request, session), check=check, back_url=back_url
    )
