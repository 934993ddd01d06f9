"""Reads scoped to the requesting user. Anything out of scope is a 404."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import (
    Certification,
    Competence,
    DownloadLog,
    Habilitation,
    HabilitationStatus,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from .permissions import is_secretariat


def organisation_list(*, user, kind: str = "", q: str = "") -> QuerySet[Organisation]:
    """Organisations the user may see: all for the secretariat, their own otherwise."""
    qs = Organisation.objects.all()
    if not is_secretariat(user):
        # A subquery, not a join: one row an organisation, whatever the user's roles there.
        qs = qs.filter(pk__in=Membership.objects.filter(user=user).values("organisation"))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(siret__startswith=q.replace(" ", "")) | Q(city__icontains=q)
        )
    return qs.order_by("name", "pk")


def organisation_get(*, user, slug: str) -> Organisation:
    return get_object_or_404(organisation_list(user=user), slug=slug)


def managed_organisation_list(*, user) -> QuerySet[Organisation]:
    """Organisations whose members the user manages (secretariat: all)."""
    qs = Organisation.objects.all()
    if not is_secretariat(user):
        # A subquery, not a join, so that annotations over memberships count them all.
        managed = Membership.objects.filter(user=user, role=MembershipRole.GESTIONNAIRE)
        qs = qs.filter(pk__in=managed.values("organisation"))
    return qs.order_by("name")


def managed_organisation_get(*, user, slug: str) -> Organisation:
    return get_object_or_404(managed_organisation_list(user=user), slug=slug)


def member_list(*, organisation: Organisation) -> list[dict]:
    """One row per member of the organisation with all their roles there (2 queries)."""
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email", "role")
    )
    rows: dict[int, dict] = {}
    for membership in memberships:
        row = rows.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        row["roles"].append(membership.get_role_display())
    return list(rows.values())


def pending_invitation_list(*, organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def invitation_get_pending(*, token: str) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), token=token)
    if not invitation.is_pending:
        raise Http404
    return invitation


def habilitation_status_filter(status: str, day: datetime.date) -> Q:
    not_revoked = Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
    return {
        HabilitationStatus.VALID: Q(valid_from__lte=day, valid_until__gte=day) & not_revoked,
        HabilitationStatus.UPCOMING: Q(valid_from__gt=day) & not_revoked,
        HabilitationStatus.EXPIRED: Q(valid_until__lt=day) & not_revoked,
        HabilitationStatus.REVOKED: Q(revoked_on__lte=day),
    }[status]


def habilitation_list(
    *, user, kind: str = "", status: str = "", q: str = "", day: datetime.date | None = None
) -> QuerySet[Habilitation]:
    """All habilitations for the secretariat; a person's own otherwise."""
    qs = Habilitation.objects.select_related("user", "granted_by", "revoked_by", "renewed_by")
    if not is_secretariat(user):
        qs = qs.filter(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(habilitation_status_filter(status, day or timezone.localdate()))
    if q:
        qs = qs.filter(
            Q(user__email__icontains=q)
            | Q(user__last_name__icontains=q)
            | Q(user__first_name__icontains=q)
        )
    # The key last: two habilitations alike in all the rest keep their order from one page
    # to the next (neither shown twice, nor missed).
    return qs.order_by("user__last_name", "user__first_name", "kind", "-valid_until", "pk")


def habilitation_get(*, user, pk: int) -> Habilitation:
    if not is_secretariat(user):
        raise Http404
    return get_object_or_404(habilitation_list(user=user), pk=pk)


def habilitations_expiring(
    *, within_days: int, day: datetime.date | None = None
) -> QuerySet[Habilitation]:
    day = day or timezone.localdate()
    return (
        Habilitation.objects.valid_on(day)
        .filter(
            valid_until__lte=day + datetime.timedelta(days=within_days), renewed_by__isnull=True
        )
        .select_related("user")
        .order_by("valid_until")
    )


def habilitated_users(*, kind: str, day: datetime.date) -> QuerySet[User]:
    """Users holding a habilitation of this kind valid on that day."""
    valid = Habilitation.objects.valid_on(day).filter(kind=kind)
    return User.objects.filter(is_active=True, habilitations__in=valid).distinct()


def certification_list() -> QuerySet[Certification]:
    return Certification.objects.annotate(
        competence_count=Count("competences", distinct=True),
        element_count=Count("competences__elements", distinct=True),
    ).order_by("code")


def certification_get(*, code: str) -> Certification:
    """The certification `code`, else 404 (a NUL byte, which PostgreSQL text cannot hold,
    included)."""
    if "\x00" in code:
        raise Http404
    competences = Competence.objects.prefetch_related("elements").order_by("number")
    return get_object_or_404(
        Certification.objects.prefetch_related(
            Prefetch("competences", queryset=competences), "activity_blocks"
        ),
        code=code,
    )


def notification_list(*, user):
    return user.notifications.all().order_by("-created_at", "-pk")


def download_list(*, candidacy_pk: int) -> QuerySet[DownloadLog]:
    """Who downloaded the documents and evidence files of one candidacy, newest first."""
    return DownloadLog.objects.filter(candidacy_pk=candidacy_pk).select_related("user")
