"""Thin Celery tasks of the jury: ids in, load, notify (cqp.notifications)."""

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext as _

from cqp import notifications


def _where(session) -> str:
    return session.place or session.video_link or ""


@shared_task(acks_late=True)
def notify_session_convened(session_id: int) -> None:
    """Convene every member seated in a session; a member added later is convened then."""
    from .models import JurySession

    session = JurySession.objects.filter(pk=session_id).first()
    if session is None:
        return
    values = {"date": session.date.strftime("%d/%m/%Y"), "where": _where(session)}
    notifications.notify(
        "session_convened",
        session,
        key=f"session:{session.pk}:convened:{session.date:%Y%m%d}",
        title=lambda role: _("Convocation : jury paritaire du %(date)s") % values,
        body=lambda role: (
            _("Vous siégez à la session du jury paritaire du %(date)s (%(where)s).") % values
        ),
        url=reverse("session_detail", args=[session.pk]),
    )


@shared_task(acks_late=True)
def notify_session_closed(session_id: int, by_id: int | None = None) -> None:
    from cqp.models import User

    from .models import JurySession

    session = JurySession.objects.filter(pk=session_id).first()
    if session is None:
        return
    values = {"date": session.date.strftime("%d/%m/%Y"), "n": session.deliberations.count()}
    notifications.notify(
        "session_closed",
        session,
        key=f"session:{session.pk}:closed",
        title=lambda role: _("Session du jury du %(date)s close") % values,
        body=lambda role: (
            _(
                "La session du jury paritaire du %(date)s est close (%(n)s candidature(s) "
                "décidée(s)). Son procès-verbal est disponible sur la page de la session."
            )
            % values
        ),
        url=reverse("session_detail", args=[session.pk]),
        actor=User.objects.filter(pk=by_id).first() if by_id else None,
    )


@shared_task(acks_late=True)
def notify_certificate_revoked(certificate_id: int) -> None:
    from .models import Certificate

    certificate = (
        Certificate.objects.select_related(
            "deliberation__candidacy__candidate__user",
            "deliberation__candidacy__certification",
            "deliberation__candidacy__organisation",
            "revoked_by",
        )
        .filter(pk=certificate_id, revoked_at__isnull=False)
        .first()
    )
    if certificate is None:
        return
    candidacy = certificate.deliberation.candidacy
    values = {
        "kind": certificate.get_kind_display(),
        "number": certificate.number,
        "name": candidacy.candidate.user.get_full_name(),
        "reason": certificate.revocation_reason,
    }
    notifications.notify(
        "certificate_revoked",
        candidacy,
        key=f"certificate:{certificate.pk}:revoked",
        title=lambda role: _("%(kind)s n° %(number)s révoqué") % values,
        body=lambda role: (
            _("Le document %(kind)s n° %(number)s de %(name)s a été révoqué. Motif : %(reason)s")
            % values
        ),
        url=reverse("candidacy_detail", args=[candidacy.pk]),
        actor=certificate.revoked_by,
    )
