"""What the jury tells whom (cqp.notifications): the members of a session, its convocation,
changes, cancellation and closure; the candidates, the session their dossier is on; and the
revocation of a certificate. The e-mails to the members carry the session's calendar file
(jury.calendar)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidacy
from cqp import notifications
from cqp.models import User

from . import calendar
from .enums import CertificateKind, SessionState
from .models import Certificate, Deliberation, JurySession


def _membres_session(subject):
    if isinstance(subject, JurySession):
        return [seat.member.user for seat in subject.seats.select_related("member__user")]
    return []


notifications.register_recipients(notifications.MEMBRES_SESSION, _membres_session)

CONVENED = notifications.Message(
    key="session_convened",
    title=_("Convocation : jury paritaire du %(date)s"),
    body=_(
        "Vous siégez à la session du jury paritaire du %(date)s à %(time)s (%(where)s). "
        "L'invitation est jointe pour votre agenda."
    ),
)
CHANGED = notifications.Message(
    key="session_changed",
    title=_("Session du jury modifiée : désormais le %(date)s à %(time)s"),
    body=_(
        "La session du jury paritaire où vous siégez a changé : elle se tiendra le %(date)s "
        "à %(time)s (%(where)s). L'invitation mise à jour est jointe pour votre agenda."
    ),
)
CANCELLED = notifications.Message(
    key="session_cancelled",
    title=_("Session du jury du %(date)s annulée"),
    body=_(
        "La session du jury paritaire du %(date)s à %(time)s est annulée. Motif : %(reason)s "
        "L'annulation est jointe pour retirer la réunion de votre agenda."
    ),
)
SCHEDULED = notifications.Message(
    key="candidacy_scheduled",
    title=_("Dossier de %(name)s inscrit à la session du jury du %(date)s"),
    body=_(
        "Le dossier de %(name)s sera examiné par le jury paritaire lors de sa session du "
        "%(date)s à %(time)s."
    ),
    own_title=_("Votre dossier sera examiné par le jury le %(date)s"),
    own_body=_(
        "Votre dossier est inscrit à la session du jury paritaire du %(date)s à %(time)s. "
        "Vous n'avez pas à y assister : la décision du jury vous sera communiquée ici."
    ),
)
UNSEATED = notifications.Message(
    key="session_unseated",
    title=_("Vous ne siégez plus à la session du jury du %(date)s"),
    body=_(
        "Vous ne faites plus partie de la composition de la session du jury paritaire du "
        "%(date)s à %(time)s (%(where)s). L'annulation est jointe pour retirer la réunion de "
        "votre agenda."
    ),
)
TAKEN_OFF = notifications.Message(
    key="candidacy_taken_off",
    title=_("Dossier de %(name)s retiré de la session du jury du %(date)s"),
    body=_(
        "Le dossier de %(name)s a été retiré de l'ordre du jour de la session du jury "
        "paritaire du %(date)s : il attend une nouvelle session."
    ),
    own_title=_("Votre dossier est retiré de la session du jury du %(date)s"),
    own_body=_(
        "Votre dossier a été retiré de l'ordre du jour de la session du jury paritaire du "
        "%(date)s : il attend une nouvelle session, dont la date vous sera communiquée ici."
    ),
)
UNSCHEDULED = notifications.Message(
    key="candidacy_unscheduled",
    title=_("Session du jury du %(date)s annulée : dossier de %(name)s en attente"),
    body=_(
        "La session du jury paritaire du %(date)s, où le dossier de %(name)s était inscrit, "
        "est annulée. Motif : %(reason)s Le dossier attend une nouvelle session."
    ),
    own_title=_("Session du jury du %(date)s annulée"),
    own_body=_(
        "La session du jury paritaire du %(date)s, où votre dossier était inscrit, est "
        "annulée. Motif : %(reason)s Votre dossier attend une nouvelle session : sa date vous "
        "sera communiquée ici."
    ),
)
CLOSED = notifications.Message(
    key="session_closed",
    title=_("Session du jury du %(date)s close"),
    body=_(
        "La session du jury paritaire du %(date)s est close. Candidatures décidées : %(n)s. "
        "Son procès-verbal est disponible sur la page de la session."
    ),
)
REVOKED = notifications.Message(
    key="certificate_revoked",
    title=_("%(kind)s n° %(number)s révoqué"),
    body=_("Le document %(kind)s n° %(number)s de %(name)s a été révoqué. Motif : %(reason)s"),
)


def _session_values(session: JurySession) -> dict:
    return {
        "date": session.date,
        "time": session.start_time.strftime("%H:%M"),
        "where": ", ".join(filter(None, [session.place, session.video_link])),
    }


# The e-mails of these events carry the session's calendar file, built when each is sent
# (so a late one carries the session as it is then). Their key starts `session:<pk>:`.
CALENDAR_EVENTS = ("session_convened", "session_changed", "session_cancelled")


def _session_ics(notification, *, seated: bool) -> list[tuple[str, str, str]]:
    """The calendar file of the session named by `notification`'s key, for its user when
    they are seated on it (`seated`: the invitation, or its cancellation if the session is
    cancelled) or no longer are (not `seated`: the meeting withdrawn for them)."""
    kind, pk, *_rest = notification.key.split(":")
    session = JurySession.objects.filter(pk=int(pk)).first() if kind == "session" else None
    if session is None:
        return []
    if session.seats.filter(member__user=notification.user).exists() != seated:
        return []
    cancelled = None if seated else True
    return [calendar.session_ics(session, attendee=notification.user, cancelled=cancelled)]


def _calendar_attachment(notification) -> list[tuple[str, str, str]]:
    return _session_ics(notification, seated=True)


def _withdrawn_attachment(notification) -> list[tuple[str, str, str]]:
    return _session_ics(notification, seated=False)


notifications.register_attachments("session_unseated", _withdrawn_attachment)


for _event in CALENDAR_EVENTS:
    notifications.register_attachments(_event, _calendar_attachment)


def session_convened_notify(*, session_id: int) -> list:
    """Convene every member seated in a session; a member added later is convened then."""
    session = JurySession.objects.filter(pk=session_id, state=SessionState.PLANNED).first()
    if session is None:
        return []
    return notifications.notify(
        "session_convened",
        session,
        key=f"session:{session.pk}:convened",
        message=CONVENED,
        values=_session_values(session),
        url=reverse("session_detail", args=[session.pk]),
    )


def session_unseated_notify(*, session_id: int, user_ids: list[int]) -> list:
    """Tell the members taken off a session's composition, with the calendar file that
    withdraws the meeting (once per version of the session)."""
    session = JurySession.objects.filter(pk=session_id, state=SessionState.PLANNED).first()
    if session is None:
        return []
    told = []
    for user in User.objects.filter(pk__in=user_ids).exclude(
        pk__in=session.seats.values("member__user_id")
    ):
        told += notifications.notify(
            "session_unseated",
            user,
            key=f"session:{session.pk}:unseated:{session.sequence}",
            message=UNSEATED,
            values=_session_values(session),
            url=reverse("session_list"),
        )
    return told


def candidacy_taken_off_notify(*, candidacy_id: int, session_id: int) -> list:
    """Tell the candidate (and their organisation) that their dossier was taken off a
    session's agenda and waits for another one."""
    candidacy = Candidacy.objects.filter(pk=candidacy_id).select_related("candidate__user").first()
    session = JurySession.objects.filter(pk=session_id).first()
    if candidacy is None or session is None:
        return []
    return notifications.notify(
        "candidacy_unscheduled",
        candidacy,
        key=f"candidacy:{candidacy.pk}:taken-off:{session.pk}",
        message=TAKEN_OFF,
        values={**_session_values(session), "name": candidacy.candidate.user.get_full_name()},
        url=reverse("candidacy_detail", args=[candidacy.pk]),
    )


def session_changed_notify(*, session_id: int) -> list:
    """Tell the members of a session its new date, time or place (once per version), and
    the candidates on its agenda their dossier's new date."""
    session = JurySession.objects.filter(pk=session_id, state=SessionState.PLANNED).first()
    if session is None:
        return []
    told = notifications.notify(
        "session_changed",
        session,
        key=f"session:{session.pk}:changed:{session.sequence}",
        message=CHANGED,
        values=_session_values(session),
        url=reverse("session_detail", args=[session.pk]),
    )
    for deliberation in session.deliberations.filter(decided_at__isnull=True):
        told += candidacy_scheduled_notify(deliberation_id=deliberation.pk)
    return told


def session_cancelled_notify(*, session_id: int, candidacy_ids: list[int]) -> list:
    """Tell the members of a cancelled session (the calendar file cancels the meeting), and
    the candidates whose dossiers were on it that they wait for another session."""
    session = JurySession.objects.filter(pk=session_id, state=SessionState.CANCELLED).first()
    if session is None:
        return []
    values = {**_session_values(session), "reason": session.cancellation_reason}
    told = notifications.notify(
        "session_cancelled",
        session,
        key=f"session:{session.pk}:cancelled",
        message=CANCELLED,
        values=values,
        url=reverse("session_detail", args=[session.pk]),
    )
    for candidacy in Candidacy.objects.filter(pk__in=candidacy_ids).select_related(
        "candidate__user"
    ):
        told += notifications.notify(
            "candidacy_unscheduled",
            candidacy,
            key=f"candidacy:{candidacy.pk}:unscheduled:{session.pk}",
            message=UNSCHEDULED,
            values={**values, "name": candidacy.candidate.user.get_full_name()},
            url=reverse("candidacy_detail", args=[candidacy.pk]),
        )
    return told


def candidacy_scheduled_notify(*, deliberation_id: int) -> list:
    """Tell the candidate (and their organisation) the session their dossier is on, once
    per version of the session; nothing once the fiche is decided or gone."""
    deliberation = (
        Deliberation.objects.select_related("session", "candidacy__candidate__user")
        .filter(pk=deliberation_id, decided_at__isnull=True)
        .first()
    )
    if deliberation is None:
        return []
    session, candidacy = deliberation.session, deliberation.candidacy
    return notifications.notify(
        "candidacy_scheduled",
        candidacy,
        key=f"deliberation:{deliberation.pk}:scheduled:{session.sequence}",
        message=SCHEDULED,
        values={**_session_values(session), "name": candidacy.candidate.user.get_full_name()},
        url=reverse("candidacy_detail", args=[candidacy.pk]),
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
        "kind": CertificateKind(certificate.kind).label,
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
