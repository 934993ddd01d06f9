"""Reads for the exports and the list of holders, scoped to the requesting user.

Who may see what: the secretariat every organisation; a gestionnaire the holders of the
organisations they manage; nobody else any holder (404).
"""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from cqp.models import MembershipRole
from cqp.permissions import is_secretariat, managed_organisation_ids, user_memberships
from jury.models import Certificate, JurySession

from .models import ExportRecord

VALID, REVOKED = "valide", "revoque"


def may_steer(user) -> bool:
    """The secretariat and the gestionnaires: who sees the holders and may export. No query
    (the memberships are read once per request, and the page header has read them)."""
    return is_secretariat(user) or any(
        m.role == MembershipRole.GESTIONNAIRE for m in user_memberships(user)
    )


def holder_queryset(*, user) -> QuerySet[Certificate]:
    """Every certificate and attestation the user may see; 404 for who sees no holder."""
    qs = Certificate.objects.all()
    if is_secretariat(user):
        return qs
    # The organisations managed, from the memberships read once per request: no query to
    # know whether there is any, and their ids written in the query, whose planner then
    # knows how many candidacies each holds (a subquery is planned for an average one).
    managed = sorted(managed_organisation_ids(user))
    if not managed:
        raise Http404
    # The certificate's own organisation (its candidacy's): one index, no join.
    return qs.filter(organisation_id__in=managed)


def holder_list(
    *,
    user,
    kind: str = "",
    session: JurySession | None = None,
    session_date: datetime.date | None = None,
    organisation=None,
    status: str = "",
    q: str = "",
) -> QuerySet[Certificate]:
    """The certificates and attestations the user sees, filtered (`session_date`: the day
    the session sat), the latest first, with their holder, organisation, certification and
    session (one query per page)."""
    qs = holder_queryset(user=user).select_related(
        "deliberation__candidacy__candidate__user",
        "deliberation__candidacy__organisation",
        "deliberation__candidacy__certification",
        "deliberation__session",
    )
    if kind:
        qs = qs.filter(kind=kind)
    if session is not None:
        qs = qs.filter(session=session)
    if session_date is not None:
        qs = qs.filter(session__date=session_date)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if status == VALID:
        qs = qs.filter(revoked_at__isnull=True)
    elif status == REVOKED:
        qs = qs.filter(revoked_at__isnull=False)
    for word in q.split():
        person = "deliberation__candidacy__candidate__"
        qs = qs.filter(
            Q(number__icontains=word)
            | Q(**{f"{person}user__last_name__icontains": word})
            | Q(**{f"{person}user__first_name__icontains": word})
            | Q(**{f"{person}birth_name__icontains": word})
            | Q(**{f"{person}used_name__icontains": word})
            | Q(**{f"{person}first_names__icontains": word})
        )
    return qs.order_by("-issued_on", "-pk")


def register_holders(*, session: JurySession) -> list[Certificate]:
    """The holders of the session's certificates and attestations not revoked, with their
    identity and certification, by name (one query; a session holds a few dozen)."""
    return list(
        Certificate.objects.filter(deliberation__session=session, revoked_at__isnull=True)
        .select_related(
            "deliberation__candidacy__candidate__user",
            "deliberation__candidacy__certification",
            "deliberation__session",
        )
        .order_by(
            "deliberation__candidacy__candidate__birth_name",
            "deliberation__candidacy__candidate__user__last_name",
            "pk",
        )
    )


def export_list(*, dataset: str = "") -> QuerySet[ExportRecord]:
    """Every export, the latest first, with who made it (for the secretariat)."""
    qs = ExportRecord.objects.select_related("user")
    if dataset:
        qs = qs.filter(dataset=dataset)
    return qs.order_by("-started_at", "-pk")
