"""Who plays which role in the notification table (cqp.notifications) for a jury session."""

from cqp import notifications

from .models import JurySession


def _membres_session(subject):
    if isinstance(subject, JurySession):
        return [seat.member.user for seat in subject.seats.select_related("member__user")]
    return []


notifications.register_recipients(notifications.MEMBRES_SESSION, _membres_session)
