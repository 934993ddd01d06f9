"""Writes on the shared core. Each service authorizes, validates, then acts atomically."""

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DownloadLog, Habilitation, Invitation, Membership, Organisation, User
from .permissions import can_manage_habilitations, can_manage_members, can_manage_organisations
from .tasks import send_account_setup_email, send_invitation_email


def organisation_create(
    *, by: User, name: str, kind: str, siret: str, city: str = ""
) -> Organisation:
    if not can_manage_organisations(by):
        raise PermissionDenied
    organisation = Organisation(name=name, kind=kind, siret=siret, city=city)
    organisation.full_clean()
    organisation.save()
    return organisation


def organisation_update(*, organisation: Organisation, by: User, **fields) -> Organisation:
    if not can_manage_organisations(by):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation


def _overlapping(*, user: User, kind: str, start: datetime.date, end: datetime.date, exclude=None):
    qs = Habilitation.objects.filter(
        user=user, kind=kind, valid_from__lte=end, valid_until__gte=start, revoked_on__isnull=True
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def habilitation_grant(
    *,
    by: User,
    email: str,
    kind: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
    first_name: str = "",
    last_name: str = "",
) -> Habilitation:
    """Grant a habilitation, creating the person's account when they are new.

    Side effect: a new account receives, after commit, an e-mail to choose a password.
    """
    if not can_manage_habilitations(by):
        raise PermissionDenied
    if valid_until < valid_from:
        raise ValidationError(
            {"valid_until": _("La fin de validité doit être postérieure ou égale au début.")}
        )
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            if not (first_name and last_name):
                raise ValidationError(
                    {
                        "first_name": _(
                            "Personne inconnue : indiquez son prénom pour créer son compte."
                        ),
                        "last_name": _(
                            "Personne inconnue : indiquez son nom pour créer son compte."
                        ),
                    }
                )
            user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
            transaction.on_commit(lambda: send_account_setup_email.delay(user.pk))
        clash = _overlapping(user=user, kind=kind, start=valid_from, end=valid_until)
        if clash is not None:
            raise ValidationError(
                _(
                    "%(person)s a déjà une habilitation de ce type du %(start)s au %(end)s, "
                    "qui chevauche cette période : renouvelez-la plutôt."
                )
                % {
                    "person": user,
                    "start": clash.valid_from.strftime("%d/%m/%Y"),
                    "end": clash.valid_until.strftime("%d/%m/%Y"),
                }
            )
        return Habilitation.objects.create(
            user=user, kind=kind, valid_from=valid_from, valid_until=valid_until, granted_by=by
        )


def habilitation_renew(
    *, habilitation: Habilitation, by: User, valid_until: datetime.date
) -> Habilitation:
    """Renew a habilitation with a new period that follows the current one (or starts today)."""
    if not can_manage_habilitations(by):
        raise PermissionDenied
    with transaction.atomic():
        habilitation = Habilitation.objects.select_for_update().get(pk=habilitation.pk)
        if habilitation.revoked_on is not None:
            raise ValidationError(
                _(
                    "Une habilitation révoquée ne peut pas être renouvelée : accordez-en une nouvelle."
                )
            )
        if Habilitation.objects.filter(renewal_of=habilitation).exists():
            raise ValidationError(_("Cette habilitation a déjà été renouvelée."))
        start = max(habilitation.valid_until + datetime.timedelta(days=1), timezone.localdate())
        if valid_until < start:
            raise ValidationError(
                {
                    "valid_until": _(
                        "Le renouvellement commence le %(start)s : choisissez une date de fin ultérieure."
                    )
                    % {"start": start.strftime("%d/%m/%Y")}
                }
            )
        return Habilitation.objects.create(
            user=habilitation.user,
            kind=habilitation.kind,
            valid_from=start,
            valid_until=valid_until,
            granted_by=by,
            renewal_of=habilitation,
        )


def habilitation_revoke(*, habilitation: Habilitation, by: User, reason: str) -> Habilitation:
    """Revoke from today: the person can no longer act as of today."""
    if not can_manage_habilitations(by):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la révocation.")})
    with transaction.atomic():
        habilitation = Habilitation.objects.select_for_update().get(pk=habilitation.pk)
        if habilitation.revoked_on is not None:
            raise ValidationError(_("Cette habilitation est déjà révoquée."))
        habilitation.revoked_on = timezone.localdate()
        habilitation.revoked_by = by
        habilitation.revocation_reason = reason
        habilitation.save(update_fields=["revoked_on", "revoked_by", "revocation_reason"])
    return habilitation


def invitation_create(*, organisation: Organisation, by: User, email: str, role: str) -> Invitation:
    """Invite someone to join the organisation. Side effect: the invitation e-mail, after commit."""
    if not can_manage_members(by, organisation):
        raise PermissionDenied
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, role=role
    ).exists():
        raise ValidationError(
            {"email": _("Cette personne est déjà membre de l'organisation avec ce rôle.")}
        )
    now = timezone.now()
    if organisation.invitations.filter(
        email__iexact=email, role=role, accepted_at__isnull=True, expires_at__gt=now
    ).exists():
        raise ValidationError(
            {"email": _("Une invitation est déjà en attente pour cette adresse et ce rôle.")}
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=by,
            expires_at=now + datetime.timedelta(days=settings.INVITATION_VALIDITY_DAYS),
        )
        transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk))
    return invitation


def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> User:
    """Accept an invitation: as the logged-in user whose address it is, or by creating the account."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending:
            raise ValidationError(_("Cette invitation n'est plus valable."))
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(
                    _(
                        "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation."
                    )
                )
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                first_name=first_name,
                last_name=last_name,
            )
        elif user.email.lower() != invitation.email.lower():
            raise PermissionDenied
        Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return user


def notifications_mark_read(*, user: User) -> int:
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


class Downloaded(NamedTuple):
    """One object a user has just downloaded, as the download log names it."""

    obj: models.Model  # the stored document, the draft's subject, the evidence file
    title: str
    candidacy_pk: int | None  # None for a document of no one candidacy (a procès-verbal)


def downloads_record(*, by: User, kind: str, items: Iterable[Downloaded]) -> list[DownloadLog]:
    """Record that `by` has just downloaded each of `items` (`kind`: a DownloadKind).

    Side effect: one append-only DownloadLog entry per item, in one INSERT.
    """
    now = timezone.now()
    return DownloadLog.objects.bulk_create(
        DownloadLog(
            user=by,
            downloaded_at=now,
            kind=kind,
            content_type=ContentType.objects.get_for_model(item.obj),
            object_id=item.obj.pk,
            title=item.title[:300],
            candidacy_pk=item.candidacy_pk,
        )
        for item in items
    )
