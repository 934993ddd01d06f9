"""Sessions the secretariat can run: a start time and a place or a link, never in the past nor
where and when another one meets; edited and cancelled until it opens; its members convened
and told of each change with a calendar file, its candidates told of their session."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar

from candidates.models import Candidacy
from cqp.models import Notification
from jury import services
from jury.models import Deliberation, JurySession
from tests.candidates.builders import today
from tests.helpers import flash_messages, page_text

from .builders import (
    EMPLOYEURS,
    SALARIES,
    cheap_in_jury,
    cheap_on_agenda,
    fresh_session,
    member,
    open_session,
    planned_session,
    programmed,
)

pytestmark = pytest.mark.django_db

AFTERNOON = datetime.time(14, 30)


def _later(days=30) -> datetime.date:
    return today() + datetime.timedelta(days=days)


def _create(secretariat, **fields):
    values = {"date": _later(), "start_time": AFTERNOON, "place": "CPEF, salle A", **fields}
    return services.session_create(by=secretariat, **values)


def _edit(session, by, **fields):
    values = {
        "date": session.date,
        "start_time": session.start_time,
        "place": session.place,
        "video_link": session.video_link,
        **fields,
    }
    return services.session_edit(session=session, by=by, **values)


def _ics(message) -> Calendar:
    (attachment,) = message.attachments
    assert attachment.mimetype == "text/calendar"
    assert attachment.filename.endswith(".ics")
    return Calendar.from_ical(attachment.content)


def _event(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


# Programming ------------------------------------------------------------------------------


def test_a_session_in_the_past_is_refused_today_is_allowed(secretariat):
    with pytest.raises(ValidationError) as excinfo:
        _create(secretariat, date=today() - datetime.timedelta(days=1))
    assert excinfo.value.message_dict == {
        "date": ["Cette date est passée : choisissez aujourd'hui ou une date à venir."]
    }
    assert not JurySession.objects.exists()

    session = _create(secretariat, date=today(), start_time=datetime.time(0, 0))
    assert (session.date, session.start_time) == (today(), datetime.time(0, 0))


def test_two_sessions_at_the_same_date_time_and_place_are_refused(secretariat):
    first = _create(secretariat, place="CPEF, salle A")
    with pytest.raises(ValidationError) as excinfo:
        _create(secretariat, place="  cpef, SALLE a ")
    assert excinfo.value.message_dict == {
        "place": [
            f"Une autre session se tient déjà à ce lieu le {_later():%d/%m/%Y} à 14:30 : "
            "changez le lieu, la date ou l'heure."
        ]
    }
    # Another hour, another place, or by video only: no clash.
    _create(secretariat, start_time=datetime.time(16, 0))
    _create(secretariat, place="CPEF, salle B")
    _create(secretariat, place="", video_link="https://visio.exemple.fr/jury")
    # A cancelled session frees its room.
    services.session_cancel(session=first, by=secretariat, reason="Salle indisponible.")
    assert _create(secretariat, place="CPEF, salle A").state == "planned"


def test_the_create_page_refuses_a_past_date_next_to_the_field_and_keeps_input(client, secretariat):
    client.force_login(secretariat)
    past = today() - datetime.timedelta(days=3)
    response = client.post(
        reverse("session_create"),
        {"date": past.isoformat(), "start_time": "09:15", "place": "Lyon"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date": ["Cette date est passée : choisissez aujourd'hui ou une date à venir."]
    }
    content = response.content.decode()
    assert 'value="09:15"' in content and 'value="Lyon"' in content
    response = client.post(reverse("session_create"), {"date": _later(), "place": "Lyon"})
    assert response.context["form"].errors == {"start_time": ["Ce champ est obligatoire."]}
    assert not JurySession.objects.exists()


# Convocation ------------------------------------------------------------------------------


def test_members_are_convened_with_an_invitation_for_their_calendar(
    secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = planned_session(by=secretariat, date=_later(), place="CPEF, salle du conseil")
    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert session.start_time.strftime("%H:%M") in message.body
    calendar = _ics(message)
    event = _event(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]).startswith(f"jury-session-{session.pk}@")
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime.datetime.combine(
        session.date, session.start_time
    )
    assert str(event["LOCATION"]) == "CPEF, salle du conseil"
    assert str(event["URL"]).endswith(reverse("session_detail", args=[session.pk]))
    assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"


def test_a_member_taken_off_the_composition_is_told_with_a_cancelled_invitation(
    secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    president, leaving, staying = member(EMPLOYEURS), member(SALARIES), member(SALARIES)
    with django_capture_on_commit_callbacks(execute=True):
        session = planned_session(
            by=secretariat, members=[president, leaving, staying], date=_later()
        )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_compose(
            session=session, by=secretariat, members=[president, staying], president=president
        )
    # Only the member taken off hears of it; those still seated were convened already.
    assert [message.to for message in mailoutbox] == [[leaving.user.email]]
    message = mailoutbox[0]
    assert message.subject.startswith("Vous ne siégez plus à la session du jury du")
    calendar = _ics(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert _event(calendar)["SEQUENCE"] == 1 == fresh_session(session).sequence
    assert Notification.objects.filter(user=leaving.user, event="session_unseated").count() == 1
    # The same composition again: nobody taken off, nothing sent.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_compose(
            session=session, by=secretariat, members=[president, staying], president=president
        )
    assert mailoutbox == [] and fresh_session(session).sequence == 1


# Editing ----------------------------------------------------------------------------------


def test_an_edit_tells_the_members_with_a_new_version_and_the_candidates_their_new_date(
    secretariat, candidat, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = planned_session(by=secretariat, date=_later())
    uid = str(_event(_ics(mailoutbox[0]))["UID"])
    candidacy = cheap_in_jury(own_org, candidate__user=candidat)
    services.session_add_candidacy(session=session, by=secretariat, candidacy=candidacy)
    mailoutbox.clear()

    new_day = _later(45)
    with django_capture_on_commit_callbacks(execute=True):
        edited = _edit(
            session,
            secretariat,
            date=new_day,
            start_time=datetime.time(10, 0),
            video_link="https://visio.exemple.fr/jury",
        )
    assert (edited.date, edited.start_time, edited.sequence) == (
        new_day,
        datetime.time(10, 0),
        1,
    )
    by_address = {m.to[0]: m for m in mailoutbox}
    members = [s.member.user.email for s in session.seats.select_related("member__user")]
    assert sorted(by_address) == sorted([*members, candidat.email])
    event = _event(_ics(by_address[members[0]]))
    assert (str(event["UID"]), event["SEQUENCE"]) == (uid, 1)
    assert str(event["LOCATION"]) == "CPEF, salle du conseil, https://visio.exemple.fr/jury"
    told = by_address[candidat.email]
    assert told.subject == f"Votre dossier sera examiné par le jury le {new_day:%d/%m/%Y}"
    assert "à 10:00" in told.body
    assert told.attachments == []

    # The same values again: nothing written, nobody told.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _edit(fresh_session(session), secretariat)
    assert fresh_session(session).sequence == 1
    assert mailoutbox == []


def test_an_open_session_cannot_be_edited_nor_cancelled(secretariat):
    session = open_session(by=secretariat)
    with pytest.raises(ValidationError) as excinfo:
        _edit(session, secretariat, start_time=datetime.time(18, 0))
    assert excinfo.value.messages == ["La session est ouverte : elle ne peut plus être modifiée."]
    with pytest.raises(ValidationError) as excinfo:
        services.session_cancel(session=session, by=secretariat, reason="Trop tard.")
    assert excinfo.value.messages == ["La session est ouverte : elle ne peut plus être annulée."]
    assert fresh_session(session).state == "open"


def test_the_edit_page_changes_the_session_and_says_so(client, secretariat):
    session = programmed(by=secretariat, date=_later())
    client.force_login(secretariat)
    url = reverse("session_edit", args=[session.pk])
    response = client.get(url)
    assert 'value="CPEF, salle du conseil"' in response.content.decode()
    response = client.post(
        url,
        {
            "expected_state": "planned",
            "date": _later(40).isoformat(),
            "start_time": "13:45",
            "place": "Lyon",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("session_detail", args=[session.pk]), 302)]
    assert flash_messages(response) == [
        "Session modifiée : ses membres et les candidats inscrits en sont informés."
    ]
    session = fresh_session(session)
    assert (session.date, session.start_time, session.place) == (
        _later(40),
        datetime.time(13, 45),
        "Lyon",
    )


def test_the_edit_page_of_a_session_opened_meanwhile_says_so_and_changes_nothing(
    client, secretariat
):
    session = open_session(by=secretariat)
    client.force_login(secretariat)
    url = reverse("session_edit", args=[session.pk])
    assert "La session est ouverte : elle ne peut plus être modifiée." in page_text(client.get(url))
    response = client.post(
        url,
        {"expected_state": "planned", "date": _later(), "start_time": "13:45", "place": "Lyon"},
        follow=True,
    )
    assert "La session vient d'être modifiée par quelqu'un d'autre" in flash_messages(response)[0]
    assert fresh_session(session).place == "CPEF, salle du conseil"


# Cancellation -----------------------------------------------------------------------------


def test_a_cancellation_sends_the_candidacies_back_and_tells_members_and_candidates(
    secretariat, candidat, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    session = planned_session(by=secretariat, date=_later())
    candidacy = cheap_in_jury(own_org, candidate__user=candidat)
    services.session_add_candidacy(session=session, by=secretariat, candidacy=candidacy)
    mailoutbox.clear()

    with pytest.raises(ValidationError) as excinfo:
        services.session_cancel(session=session, by=secretariat, reason="  ")
    assert excinfo.value.message_dict == {"reason": ["Indiquez le motif de l'annulation."]}

    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session, by=secretariat, reason="Quorum impossible.")
    session = fresh_session(session)
    assert (session.state, session.cancellation_reason, session.sequence) == (
        "cancelled",
        "Quorum impossible.",
        1,
    )
    assert session.cancelled_at is not None
    assert not Deliberation.objects.filter(candidacy=candidacy).exists()
    assert Candidacy.objects.get(pk=candidacy.pk).state == "jury"

    by_address = {m.to[0]: m for m in mailoutbox}
    member_email = session.seats.select_related("member__user").first().member.user.email
    calendar = _ics(by_address[member_email])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert (_event(calendar)["SEQUENCE"], str(_event(calendar)["STATUS"])) == (1, "CANCELLED")
    told = by_address[candidat.email]
    assert told.subject == f"Session du jury du {session.date:%d/%m/%Y} annulée"
    assert "Quorum impossible." in told.body
    assert "Votre dossier attend une nouvelle session" in told.body

    # Nothing can join a cancelled session.
    with pytest.raises(ValidationError) as excinfo:
        services.session_add_candidacy(session=session, by=secretariat, candidacy=candidacy)
    assert excinfo.value.messages == ["La session est annulée."]


def test_the_cancel_page_says_what_will_happen_then_cancels(client, secretariat):
    session = programmed(by=secretariat, date=_later())
    cheap_on_agenda(session, secretariat=secretariat)
    cheap_on_agenda(session, secretariat=secretariat)
    client.force_login(secretariat)
    url = reverse("session_cancel", args=[session.pk])
    text = page_text(client.get(url))
    assert "Les 2 candidatures inscrites retournent dans la liste des dossiers en attente" in text

    response = client.post(url, {"expected_state": "planned", "reason": ""})
    assert response.context["form"].errors == {"reason": ["Ce champ est obligatoire."]}
    response = client.post(
        url, {"expected_state": "planned", "reason": "Salle fermée."}, follow=True
    )
    assert flash_messages(response) == [
        "Session annulée : ses candidatures attendent une nouvelle session."
    ]
    text = page_text(response)
    assert "Annulée le" in text and "Salle fermée." in text
    # One message: the action's (the page says what the session has become elsewhere).
    assert response.content.decode().count('class="message ') == 1
    assert fresh_session(session).state == "cancelled"
    assert "elle ne peut plus être annulée" in page_text(client.get(url))


# The candidate told of their session ------------------------------------------------------


def test_the_candidate_is_told_the_session_their_dossier_is_on(
    secretariat, candidat, gestionnaire, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    session = programmed(by=secretariat, date=_later(), start_time=datetime.time(9, 30))
    candidacy = cheap_in_jury(own_org, candidate__user=candidat)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_add_candidacy(session=session, by=secretariat, candidacy=candidacy)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_address) == sorted([candidat.email, gestionnaire.email])
    own = by_address[candidat.email]
    assert own.subject == f"Votre dossier sera examiné par le jury le {_later():%d/%m/%Y}"
    assert f"session du jury paritaire du {_later():%d/%m/%Y} à 09:30" in own.body
    assert Notification.objects.filter(event="candidacy_scheduled").count() == 2


def test_the_candidate_is_told_when_their_dossier_is_taken_off_a_session(
    secretariat, candidat, gestionnaire, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    session = programmed(by=secretariat, date=_later())
    candidacy = cheap_in_jury(own_org, candidate__user=candidat)
    deliberation = services.session_add_candidacy(
        session=session, by=secretariat, candidacy=candidacy
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_remove_candidacy(deliberation=deliberation, by=secretariat)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_address) == sorted([candidat.email, gestionnaire.email])
    own = by_address[candidat.email]
    assert own.subject == f"Votre dossier est retiré de la session du jury du {_later():%d/%m/%Y}"
    assert "il attend une nouvelle session" in own.body
    candidacy.refresh_from_db()
    assert candidacy.state == "jury"
