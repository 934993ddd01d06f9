"""Fetch and authorize an evaluation dossier, or one of its parts, for the request's user:
404 for whoever may not see the candidacy (or asks for another dossier's part), the refusal
page for whoever sees it but may not do this now.

The candidate's part refuses with its own page (why it cannot be changed, and the way back
to the dossier); the evaluators' pages refuse with the candidacy's header, like every other
candidacy page.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from candidates import access as candidacy_access
from candidates.presenters import candidacy_context
from cqp.views.helpers import Refused

from . import permissions, selectors
from .models import CompetenceAssessment, EvaluationDossier, Evidence
from .services import LOCKED_MESSAGE

CHANGE_REFUSED = _("Modification impossible")
NOT_YOURS = _("Vous ne pouvez pas modifier ce dossier d'évaluation.")
BACK_TO_DOSSIER = _("Voir le dossier d'évaluation")


def dossier_for(
    request, pk: int, *, cycle: int | None = None, may: permissions.Predicate | None = None
) -> EvaluationDossier:
    """The dossier of candidacy `pk` (its current cycle, or `cycle`) if the user may see the
    candidacy, else 404; with `may`, the candidacy's refusal page unless the user may act."""
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk, cycle=cycle)
    if may is not None:
        _authorize(request, dossier, may)
    return dossier


def assessment_for(
    request, pk: int, assessment_pk: int, *, may: permissions.Predicate
) -> tuple[EvaluationDossier, CompetenceAssessment]:
    """The dossier (404 for outsiders) and one of its assessments (404 for any other), then the
    candidacy's refusal page unless `may(dossier, user)`."""
    dossier = dossier_for(request, pk)
    assessment = get_object_or_404(dossier.assessments.all(), pk=assessment_pk)
    _authorize(request, dossier, may)
    return dossier, assessment


def _authorize(request, dossier: EvaluationDossier, may: permissions.Predicate) -> None:
    """The candidacy's refusal page unless `may(dossier, user)`; first, for a page posted
    after the candidacy moved on, its page with the message saying so."""
    candidacy_access.check_fresh(request, dossier.candidacy)
    if not may(dossier, request.user):
        candidacy_access.refuse(request, dossier.candidacy)


def evidence_of(dossier: EvaluationDossier, evidence_pk: int) -> Evidence:
    """A file of this very dossier: any other id is a 404, whoever owns it."""
    return get_object_or_404(dossier.evidence.select_related("competence"), pk=evidence_pk)


def authorize_change(request, dossier: EvaluationDossier) -> None:
    """The candidate's part: its refusal page unless the user may change it now (first, for
    a page posted after the candidacy moved on, its page with the message saying so)."""
    candidacy_access.check_fresh(request, dossier.candidacy)
    if not permissions.can_edit_candidate_part(dossier, request.user):
        refuse_change(request, dossier)


def refuse_change(request, dossier: EvaluationDossier) -> NoReturn:
    """The candidate's part cannot be changed: locked (transmitted or closed), or not theirs."""
    raise Refused(
        candidacy_context(request, dossier.candidacy, dossier=dossier),
        title=CHANGE_REFUSED,
        message=LOCKED_MESSAGE if dossier.is_locked else NOT_YOURS,
        back_url=reverse("dossier_detail", args=[dossier.candidacy_id]),
        back_label=BACK_TO_DOSSIER,
    )


@contextmanager
def change_refusal_on(request, dossier: EvaluationDossier) -> Iterator[None]:
    """A service's PermissionDenied inside becomes the candidate's part refusal page (unless
    it was a race lost: candidates.access.race_lost_on)."""
    try:
        with candidacy_access.race_lost_on(request, dossier.candidacy):
            yield
    except Refused:
        raise
    except PermissionDenied:
        refuse_change(request, dossier)
