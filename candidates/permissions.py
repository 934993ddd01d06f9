"""Who may act on a candidacy, in which capacity, and who may manage it.

Predicates only, with django-fsm's signature `(candidacy, user) -> bool`. An assigned
professionnel or évaluateur acts only while they hold the django-guardian object
permission granted at assignment *and* a habilitation of that kind valid today.
"""

import datetime
import json

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from guardian.models import UserObjectPermission

from cqp.models import HabilitationKind
from cqp.permissions import (
    habilitation_kinds_valid_on,
    in_read_memo,
    managed_organisation_ids,
    memoised,
)
from cqp.permissions import is_jury as _is_jury
from cqp.permissions import is_secretariat as _is_secretariat
from cqp.utils import CompiledQuery, JSONRows

from .enums import Capacity, Pathway, State

PERMISSION_BY_KIND = {
    HabilitationKind.PROFESSIONNEL: "candidates.act_as_professionnel",
    HabilitationKind.EVALUATEUR: "candidates.act_as_evaluateur",
}


def is_habilitated(user, kind: str, day: datetime.date) -> bool:
    """An active user holding a habilitation of this kind valid on that day (the user's
    habilitations read once per page)."""
    return user is not None and user.is_active and kind in habilitation_kinds_valid_on(user, day)


# The codenames guardian's get_user_perms reads, compiled once (cqp.utils.CompiledQuery):
# every page of a candidacy asks for them.
_object_permissions = CompiledQuery(
    UserObjectPermission,
    lambda user_pk, content_type_pk, candidacy_pk: UserObjectPermission.objects.filter(
        user_id=user_pk, content_type_id=content_type_pk, object_pk=candidacy_pk
    ).values_list("permission__codename", flat=True),
    keys=3,
)


def assigned_permissions() -> JSONRows:
    """An annotation of a candidacy query: the object permissions its assigned professionnel
    and évaluateur hold on it (`user_id`, `codename`), as JSON, read with the candidacy by
    the candidacy's pages (candidates.selectors.candidacy_get): the only users whose object
    permissions are ever asked (`_acting`)."""
    return JSONRows(
        UserObjectPermission.objects.filter(
            Q(user_id=OuterRef("professionnel_id")) | Q(user_id=OuterRef("evaluateur_id")),
            # The content type's id read in the query (once), not compiled in: a test
            # database's may change between tests. With it, guardian's (user,
            # content type, object) index answers.
            content_type_id=Subquery(
                ContentType.objects.filter(app_label="candidates", model="candidacy").values("pk")
            ),
            object_pk=Cast(OuterRef("pk"), CharField()),
        ).values(
            "user_id",
            # Each row's permission by its key: joined, PostgreSQL hashed every permission.
            codename=Subquery(
                Permission.objects.filter(pk=OuterRef("permission_id"))
                .order_by()
                .values("codename")
            ),
        )
    )


def _has_object_perm(user, perm: str, candidacy) -> bool:
    """django-guardian's `user.has_perm(perm, candidacy)`, the user's permissions on the
    candidacy read once per page, in one query, or with the candidacy on its pages while
    reading (`assigned_permissions`; a write reads them again): the project grants object
    permissions to users only, never to groups (guardian's checker would read the groups'
    too)."""
    if user.is_superuser:
        return True
    known = getattr(candidacy, "assigned_permissions", None)
    if known is not None and in_read_memo():
        codenames = {row["codename"] for row in json.loads(known) if row["user_id"] == user.pk}
    else:
        codenames = memoised(
            ("object_perms", user.pk, candidacy.pk),
            lambda: set(
                _object_permissions(
                    user.pk, ContentType.objects.get_for_model(candidacy).pk, candidacy.pk
                )
            ),
        )
    return perm.split(".", 1)[1] in codenames


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _acting(candidacy, user, kind: str) -> bool:
    if not _active(user):
        return False
    assigned = (
        candidacy.professionnel_id
        if kind == HabilitationKind.PROFESSIONNEL
        else candidacy.evaluateur_id
    )
    return (
        assigned == user.pk
        and _has_object_perm(user, PERMISSION_BY_KIND[kind], candidacy)
        and is_habilitated(user, kind, timezone.localdate())
    )


def is_acting_professionnel(candidacy, user) -> bool:
    return _acting(candidacy, user, HabilitationKind.PROFESSIONNEL)


def is_acting_evaluateur(candidacy, user) -> bool:
    return _acting(candidacy, user, HabilitationKind.EVALUATEUR)


def is_the_candidate(candidacy, user) -> bool:
    return _active(user) and candidacy.candidate.user_id == user.pk


def is_secretariat(candidacy, user) -> bool:
    return _is_secretariat(user)


def is_jury(candidacy, user) -> bool:
    # The jury app narrows this to the president of a session holding a quorum.
    return _is_jury(user)


def is_gestionnaire_of(candidacy, user) -> bool:
    return (
        _active(user)
        and candidacy.organisation_id is not None
        and candidacy.organisation_id in managed_organisation_ids(user)
    )


# The predicate of each capacity in which someone may act on a candidacy.
CAPACITIES = {
    Capacity.CANDIDAT: is_the_candidate,
    Capacity.PROFESSIONNEL: is_acting_professionnel,
    Capacity.EVALUATEUR: is_acting_evaluateur,
    Capacity.SECRETARIAT: is_secretariat,
    Capacity.JURY: is_jury,
    Capacity.GESTIONNAIRE: is_gestionnaire_of,
}


def capacity_of(candidacy, user, capacities) -> Capacity | None:
    """The first of `capacities` in which `user` may act on the candidacy, if any."""
    return next((c for c in capacities if CAPACITIES[c](candidacy, user)), None)


def evaluator_role(candidacy, user) -> Capacity | None:
    """The professionnel or évaluateur capacity of a user acting on the candidacy, if any."""
    return capacity_of(candidacy, user, (Capacity.PROFESSIONNEL, Capacity.EVALUATEUR))


def may_take(candidacy, name: str, user) -> bool:
    """The state allows this transition and the user may take it (guards not checked)."""
    meta = getattr(candidacy, name)._django_fsm
    return meta.has_transition(candidacy.state) and meta.has_transition_perm(
        candidacy, candidacy.state, user
    )


def can_manage(candidacy, user) -> bool:
    """Assign evaluators, see the whole file: the secretariat and the organisation's gestionnaire."""
    return _is_secretariat(user) or is_gestionnaire_of(candidacy, user)


def can_edit_reperage(candidacy, user) -> bool:
    return candidacy.state == State.REPERAGE and is_acting_professionnel(candidacy, user)


def can_edit_plan(candidacy, user) -> bool:
    return candidacy.state in {State.REPERAGE, State.PARCOURS} and is_acting_professionnel(
        candidacy, user
    )


def can_confirm_practice(candidacy, user) -> bool:
    return candidacy.state == State.PARCOURS and is_acting_professionnel(candidacy, user)


def can_edit_vae_request(candidacy, user) -> bool:
    return candidacy.state == State.DEMANDE and is_the_candidate(candidacy, user)


def can_edit_vae_activities(candidacy, user) -> bool:
    return candidacy.state == State.RECEVABLE and is_the_candidate(candidacy, user)


def has_livret(candidacy) -> bool:
    """Only the parcours pathway has a livret de repérage."""
    return candidacy.pathway == Pathway.PARCOURS


def has_plan(candidacy) -> bool:
    """A parcours plan exists on the parcours pathway, and for a VAE continued in a parcours
    after a partial validation (its later cycles)."""
    return candidacy.pathway == Pathway.PARCOURS or candidacy.cycle > 1


# The civil identity printed on a certificate: the candidate and the secretariat only.


def can_see_identity(candidacy, user) -> bool:
    return is_the_candidate(candidacy, user) or _is_secretariat(user)


def can_edit_identity(candidate, user) -> bool:
    """The candidate until the secretariat has checked it; the secretariat always."""
    if _is_secretariat(user):
        return True
    return _active(user) and candidate.user_id == user.pk and candidate.identity_checked_at is None


def can_check_identity(user) -> bool:
    return _is_secretariat(user)
