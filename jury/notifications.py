"""What the jury tells whom (cqp.notifications): the members of a session, its convocation
and closure, and the revocation of a certificate."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cqp import notifications
from cqp.models import User

from .models import Certificate, JurySession


def _membres_session(subject):
    if isinstance(subject, JurySession):
        return [seat.member.user for seat in subject.seats.select_related("member__user")]
    return []


notifications.register_recipients(notifications.MEMBRES_SESSION, _membres_session)

CONVENED = notifications.Message(
    title=_("Convocation : jury paritaire du %(date)s"),
    body=_("Vous siégez à la session du jury paritaire du %(date)s (%(where)s)."),
)
CLOSED = notifications.Message(
    title=_("Session du jury du %(date)s close"),
    body=_(
        "La session du jury paritaire du %(date)s est close (%(n)s candidature(s) "
        "décidée(s)). Son procès-verbal est disponible sur la page de la session."
    ),
)
REVOKED = notifications.Message(
    title=_("%(kind)s n° %(number)s révoqué"),
    body=_("Le document %(kind)s n° %(number)s de %(name)s a été révoqué. Motif : %(reason)s"),
)


def _session_values(session: JurySession) -> dict:
    return {
        "date": session.date.strftime("%d/%m/%Y"),
        "where": session.place or session.video_link or "",
    }


def session_convened_notify(*, session_id: int) -> list:
    """Convene every member seated in a session; a member added later is convened then."""
    session = JurySession.objects.filter(pk=session_id).first()
    if session is None:
        return []
    return notifications.notify(
        "session_convened",
        session,
        key=f"session:{session.pk}:convened:{session.date:%Y%m%d}",
        message=CONVENED,
        values=_session_values(session),
        url=reverse("session_detail", args=[session.pk]),
    )


def session_closed_notify(*, session_id: int, by_id: int | None = None) -> list:
    session = JurySession.objects.filter(pk=session_id).first()
    if session is None:
        return []
    return notifications.notify(
        "session_closed",
        session,
        key=f"session:{session.pk}:closed",
        message=CLOSED,
        values={**_session_values(session), "n": session.deliberations.count()},
        url=reverse("session_detail", args=[session.pk]),
        actor=User.objects.filter(pk=by_id).first() if by_id else None,
    )


def certificate_revoked_notify(*, certificate_id: int) -> list:
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
        return []
    candidacy = certificate.deliberation.candidacy
    values = {
        "kind": certificate.get_kind_display(),
        "number": certificate.number,
        "name": candidacy.candidate.user.get_full_name(),
        "reason": certificate.revocation_reason,
    }
    return notifications.notify(
        "certificate_revoked",
        candidacy,
        key=f"certificate:{certificate.pk}:revoked",
        message=REVOKED,
        values=values,
        url=reverse("candidacy_detail", args=[candidacy.pk]),
        actor=certificate.revoked_by,
    )
