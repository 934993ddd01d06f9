"""Mandates: a member is seated only on a session dated within their mandate; the mandating
organisation and the substitute belong to the member's college."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jury import services
from jury.models import JuryMember, MandatingOrganisation, Seat
from tests.candidates.builders import today
from tests.helpers import flash_messages

from .builders import EMPLOYEURS, SALARIES, fresh_session, member, programmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return today() + datetime.timedelta(days=30)


@pytest.fixture
def session(secretariat, day):
    return programmed(by=secretariat, date=day)


def _mandate(m: JuryMember, start, end) -> JuryMember:
    m.mandate_start, m.mandate_end = start, end
    m.save()
    return m


def _post(client, session, members, president):
    return client.post(
        reverse("session_compose", args=[session.pk]),
        {"members": [m.pk for m in members], "president": president.pk},
    )


def test_a_member_whose_mandate_has_ended_is_not_seated(client, secretariat, session, day):
    president = member(EMPLOYEURS)
    ended = _mandate(
        member(SALARIES, first_name="Paul", last_name="Ancien"),
        day - datetime.timedelta(days=400),
        day - datetime.timedelta(days=1),
    )
    client.force_login(secretariat)
    response = _post(client, session, [president, ended], president)
    assert response.status_code == 200
    [error] = response.context["compose_form"].errors["members"]
    assert error == (
        f"Mandat non valable à la date de la session ({day:%d/%m/%Y}) : le mandat de "
        f"Paul Ancien a pris fin le {day - datetime.timedelta(days=1):%d/%m/%Y}."
    )
    assert not Seat.objects.exists()

    # Its last day still counts.
    _mandate(ended, day - datetime.timedelta(days=400), day)
    response = _post(client, session, [president, ended], president)
    assert response.status_code == 302
    assert set(fresh_session(session).seats.values_list("member_id", flat=True)) == {
        president.pk,
        ended.pk,
    }


def test_moving_a_composed_session_past_a_members_mandate_is_refused(secretariat, session, day):
    president = member(EMPLOYEURS)
    seated = _mandate(
        member(SALARIES, first_name="Lucie", last_name="Brunet"),
        day - datetime.timedelta(days=400),
        day + datetime.timedelta(days=5),
    )
    services.session_compose(
        session=session, by=secretariat, members=[president, seated], president=president
    )
    session = fresh_session(session)
    later = day + datetime.timedelta(days=6)
    with pytest.raises(ValidationError) as refusal:
        services.session_edit(
            session=session,
            by=secretariat,
            date=later,
            start_time=session.start_time,
            place=session.place,
        )
    assert refusal.value.message_dict["date"] == [
        f"Mandat non valable à la date de la session ({later:%d/%m/%Y}) : le mandat de "
        f"Lucie Brunet a pris fin le {day + datetime.timedelta(days=5):%d/%m/%Y}."
    ]
    assert fresh_session(session).date == day
    # Within the mandate, the session moves.
    within = day + datetime.timedelta(days=5)
    services.session_edit(
        session=session,
        by=secretariat,
        date=within,
        start_time=session.start_time,
        place=session.place,
    )
    assert fresh_session(session).date == within


def test_a_mandate_not_yet_begun_or_not_recorded_is_refused(secretariat, session, day):
    president = member(EMPLOYEURS)
    later = _mandate(
        member(SALARIES, first_name="Léa", last_name="Future"),
        day + datetime.timedelta(days=1),
        day + datetime.timedelta(days=900),
    )
    unrecorded = _mandate(member(SALARIES, first_name="Marc", last_name="Sans"), None, None)
    with pytest.raises(ValidationError) as error:
        services.session_compose(
            session=session,
            by=secretariat,
            members=[president, later, unrecorded],
            president=president,
        )
    [message] = error.value.message_dict["members"]
    assert (
        f"le mandat de Léa Future ne commence que le {day + datetime.timedelta(days=1):%d/%m/%Y}"
        in message
    )
    assert "Marc Sans n'a pas de mandat enregistré" in message
    assert not Seat.objects.exists()


def test_the_composition_form_shows_each_mandate(client, secretariat, session):
    organisation = MandatingOrganisation.objects.create(
        name="Fédération de la formation", college=EMPLOYEURS
    )
    m = member(EMPLOYEURS, first_name="Anne", last_name="Mandat")
    m.mandating_organisation = organisation
    m.save()
    client.force_login(secretariat)
    response = client.get(reverse("session_detail", args=[session.pk]))
    assert "Anne Mandat — Fédération de la formation, mandat du 01/01/2000 au 31/12/2099" in (
        response.content.decode()
    )


def test_the_mandating_organisation_and_the_substitute_are_of_the_members_college(db):
    organisation = MandatingOrganisation.objects.create(name="Union", college=SALARIES)
    m = member(EMPLOYEURS)
    m.mandating_organisation = organisation
    m.substitute = member(SALARIES)
    with pytest.raises(ValidationError) as error:
        m.full_clean()
    assert error.value.message_dict["mandating_organisation"] == [
        "Cette organisation mandate des représentants de l'autre collège."
    ]
    assert error.value.message_dict["substitute"] == [
        "Le suppléant doit appartenir au même collège."
    ]
    m.mandating_organisation = None
    m.substitute = member(EMPLOYEURS)
    m.full_clean()


def test_a_mandate_cannot_end_before_it_begins(db):
    m = member(EMPLOYEURS)
    m.mandate_start, m.mandate_end = datetime.date(2026, 1, 1), datetime.date(2025, 1, 1)
    with pytest.raises(ValidationError) as error:
        m.full_clean()
    assert "La fin du mandat précède son début." in error.value.messages


def test_the_secretariat_keeps_the_list_of_mandating_organisations_in_the_back_office(
    client, secretariat
):
    secretariat.is_staff = True
    secretariat.is_superuser = True
    secretariat.save()
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:jury_mandatingorganisation_add"),
        {"name": "Confédération des salariés", "college": SALARIES},
        follow=True,
    )
    assert response.status_code == 200
    assert flash_messages(response)
    assert MandatingOrganisation.objects.get().college == SALARIES
