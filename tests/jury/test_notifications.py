"""The jury's events in the notification table: convocation, closure, revocation."""

import pytest

from cqp.models import Notification
from jury import services
from jury.models import Certificate

from .builders import (
    ALL,
    SALARIES,
    candidacy_in_jury,
    fiche,
    fresh_session,
    member,
    open_session,
    place,
    planned_session,
    record,
)

pytestmark = pytest.mark.django_db


def emails(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_members_are_convened_once_and_a_member_added_later_then(
    secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = planned_session(by=secretariat)
    members = [seat.member for seat in session.seats.select_related("member__user")]
    assert emails(mailoutbox) == sorted(m.user.email for m in members)
    assert all("Convocation" in m.subject for m in mailoutbox)
    assert session.date.strftime("%d/%m/%Y") in mailoutbox[0].body

    newcomer = member(SALARIES, email="nouveau@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.session_compose(
            session=session, by=secretariat, members=[*members, newcomer], president=members[0]
        )
    assert len(mailoutbox) == 3
    assert mailoutbox[-1].to == ["nouveau@exemple.fr"]
    assert Notification.objects.filter(event="session_convened").count() == 3


def test_closing_tells_the_secretariat_and_revoking_tells_the_candidate_and_gestionnaires(
    secretariat,
    candidat,
    gestionnaire,
    own_org,
    professionnel,
    evaluateur,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    candidacy = candidacy_in_jury(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )
    session = open_session(by=secretariat)
    deliberation = place(session, candidacy, by=secretariat)
    record(deliberation, decisions=fiche(validated=ALL))
    president = fresh_session(session).president.user
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(session=fresh_session(session), by=president)
    closed = Notification.objects.get(event="session_closed")
    assert closed.user == secretariat
    assert "procès-verbal" in closed.body
    assert emails(mailoutbox) == [secretariat.email]

    mailoutbox.clear()
    certificate = Certificate.objects.get(deliberation=deliberation)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(
            certificate=certificate, by=secretariat, reason="Fraude avérée."
        )
    assert emails(mailoutbox) == sorted([candidat.email, gestionnaire.email])
    assert "Fraude avérée." in mailoutbox[0].body
