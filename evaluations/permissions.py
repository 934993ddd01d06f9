"""Who may do what on an evaluation dossier."""

from collections.abc import Callable

from candidates import permissions as candidacy_permissions
from candidates.enums import Pathway, State
from candidates.permissions import evaluator_role
from cqp.models import User

from .models import EvaluationDossier

# A rule on what a user may do with a dossier, now.
Predicate = Callable[[EvaluationDossier, User], bool]


def _open(dossier: EvaluationDossier) -> bool:
    return (
        not dossier.is_locked
        and dossier.candidacy.state == State.EVALUATION
        and dossier.cycle == dossier.candidacy.cycle
    )


def is_evaluator(dossier: EvaluationDossier, user: User) -> bool:
    """The candidacy's acting professionnel or évaluateur: who sees the evaluators' pages."""
    return evaluator_role(dossier.candidacy, user) is not None


def can_edit_candidate_part(dossier: EvaluationDossier, user: User) -> bool:
    return _open(dossier) and candidacy_permissions.is_the_candidate(dossier.candidacy, user)


def can_assess(dossier: EvaluationDossier, user: User) -> bool:
    return _open(dossier) and is_evaluator(dossier, user)


def can_transmit(dossier: EvaluationDossier, user: User) -> bool:
    return _open(dossier) and candidacy_permissions.is_acting_evaluateur(dossier.candidacy, user)


def can_resume_parcours(dossier: EvaluationDossier, user: User) -> bool:
    return (
        _open(dossier)
        and dossier.candidacy.pathway == Pathway.PARCOURS
        and is_evaluator(dossier, user)
    )
