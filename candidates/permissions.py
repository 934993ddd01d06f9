"""Who may take each transition, and who may manage a candidacy.

Transition permissions have django-fsm's signature `(candidacy, user) -> bool`. An
assigned professionnel or évaluateur acts only while they hold the django-guardian object
permission granted at assignment *and* a habilitation of that kind valid today.
"""

from django.utils import timezone

from cqp.models import Habilitation, HabilitationKind, MembershipRole
from cqp.permissions import is_jury as _is_jury
from cqp.permissions import is_secretariat as _is_secretariat

PERMISSION_BY_KIND = {
    HabilitationKind.PROFESSIONNEL: "candidates.act_as_professionnel",
    HabilitationKind.EVALUATEUR: "candidates.act_as_evaluateur",
}


def is_habilitated(user, kind, day) -> bool:
    """An active user holding a habilitation of this kind valid on that day."""
    return (
        user is not None
        and user.is_active
        and Habilitation.objects.valid_on(day).filter(user=user, kind=kind).exists()
    )


def _acting(candidacy, user, kind) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    assigned = (
        candidacy.professionnel_id
        if kind == HabilitationKind.PROFESSIONNEL
        else candidacy.evaluateur_id
    )
    return (
        assigned == user.pk
        and user.has_perm(PERMISSION_BY_KIND[kind], candidacy)
        and is_habilitated(user, kind, timezone.localdate())
    )


def is_acting_professionnel(candidacy, user) -> bool:
    return _acting(candidacy, user, HabilitationKind.PROFESSIONNEL)


def is_acting_evaluateur(candidacy, user) -> bool:
    return _acting(candidacy, user, HabilitationKind.EVALUATEUR)


def is_acting_professionnel_or_evaluateur(candidacy, user) -> bool:
    return is_acting_professionnel(candidacy, user) or is_acting_evaluateur(candidacy, user)


def is_the_candidate(candidacy, user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and candidacy.candidate.user_id == user.pk
    )


def is_secretariat(candidacy, user) -> bool:
    return _is_secretariat(user)


def is_jury(candidacy, user) -> bool:
    # The jury app narrows this to the president of a session holding a quorum.
    return _is_jury(user)


def is_secretariat_or_jury(candidacy, user) -> bool:
    return _is_secretariat(user) or _is_jury(user)


def is_gestionnaire_of(candidacy, user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and candidacy.organisation_id is not None
        and user.memberships.filter(
            organisation_id=candidacy.organisation_id, role=MembershipRole.GESTIONNAIRE
        ).exists()
    )


def may_continue_after_partial(candidacy, user) -> bool:
    return (
        is_the_candidate(candidacy, user)
        or is_acting_professionnel(candidacy, user)
        or _is_secretariat(user)
    )


def may_withdraw(candidacy, user) -> bool:
    return (
        is_the_candidate(candidacy, user)
        or is_gestionnaire_of(candidacy, user)
        or _is_secretariat(user)
    )


def can_manage(candidacy, user) -> bool:
    """Assign evaluators, see the whole file: the secretariat and the organisation's gestionnaire."""
    return _is_secretariat(user) or is_gestionnaire_of(candidacy, user)


def can_edit_reperage(candidacy, user) -> bool:
    return candidacy.state == "reperage" and is_acting_professionnel(candidacy, user)


def can_edit_plan(candidacy, user) -> bool:
    return candidacy.state in {"reperage", "parcours"} and is_acting_professionnel(candidacy, user)


def can_confirm_practice(candidacy, user) -> bool:
    return candidacy.state == "parcours" and is_acting_professionnel(candidacy, user)


def can_edit_vae_request(candidacy, user) -> bool:
    return candidacy.state == "demande" and is_the_candidate(candidacy, user)


def can_edit_vae_activities(candidacy, user) -> bool:
    return candidacy.state == "recevable" and is_the_candidate(candidacy, user)
