"""The calendar file (.ics, RFC 5545 / iTIP RFC 5546) of a jury session, attached to the
e-mails that convene its members, tell them of a change, or cancel it.

One meeting per session: its UID never changes, its SEQUENCE is the session's `sequence`
(raised by each change of date, time or place), so that a calendar replaces the meeting it
holds instead of adding another; METHOD:CANCEL once the session is cancelled.
"""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from cqp.models import User

from .enums import SessionState
from .models import JurySession

# How long a sitting is planned for in the members' calendars.
SESSION_LENGTH = datetime.timedelta(hours=3)


def session_uid(session: JurySession) -> str:
    return f"jury-session-{session.pk}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def session_ics(
    session: JurySession, *, attendee: User, cancelled: bool | None = None
) -> tuple[str, str, str]:
    """(filename, content, mimetype) of the session's meeting as seen by `attendee`: an
    invitation (METHOD:REQUEST), or its cancellation (METHOD:CANCEL) when the session is
    cancelled or `cancelled` says so (a member no longer seated on it)."""
    if cancelled is None:
        cancelled = session.state == SessionState.CANCELLED
    start = datetime.datetime.combine(
        session.date, session.start_time, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    url = settings.SITE_URL + reverse("session_detail", args=[session.pk])
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", start + SESSION_LENGTH)
    event.add("summary", str(session))
    event.add("location", ", ".join(filter(None, [session.place, session.video_link])))
    event.add("url", url)
    event.add("description", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or address)
    event.add("organizer", organizer)
    guest = vCalAddress(f"mailto:{attendee.email}")
    guest.params["cn"] = vText(attendee.get_full_name() or attendee.email)
    guest.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", guest)

    calendar = Calendar()
    calendar.add("prodid", "-//CPEF//CQP jury//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return (f"session-{session.date:%Y-%m-%d}.ics", calendar.to_ical().decode(), "text/calendar")
