"""Who may do what on an evaluation dossier."""

from candidates import permissions as candidacy_permissions
from candidates.enums import Pathway, State
from candidates.permissions import evaluator_role


def _open(dossier) -> bool:
    return (
        not dossier.is_locked
        and dossier.candidacy.state == State.EVALUATION
        and dossier.cycle == dossier.candidacy.cycle
    )


def can_edit_candidate_part(dossier, user) -> bool:
    return _open(dossier) and candidacy_permissions.is_the_candidate(dossier.candidacy, user)


def can_assess(dossier, user) -> bool:
    return _open(dossier) and evaluator_role(dossier.candidacy, user) is not None


def can_transmit(dossier, user) -> bool:
    return _open(dossier) and candidacy_permissions.is_acting_evaluateur(dossier.candidacy, user)


def can_resume_parcours(dossier, user) -> bool:
    return (
        _open(dossier)
        and dossier.candidacy.pathway == Pathway.PARCOURS
        and evaluator_role(dossier.candidacy, user) is not None
    )
