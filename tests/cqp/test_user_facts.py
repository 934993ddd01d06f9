"""The facts each page asks about the signed-in person, read with the person in one query
(cqp.user_facts, cqp.backends.FactsModelBackend), give the same answers as reading them one
by one, and a page that reads asks nothing more of them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cqp.backends import FactsModelBackend
from cqp.context_processors import unread_badge
from cqp.models import HabilitationKind, MembershipRole, User
from cqp.permissions import (
    read_memo,
    user_habilitations,
    user_memberships,
    user_roles,
)
from tests.factories import (
    CandidateFactory,
    HabilitationFactory,
    MembershipFactory,
    NotificationFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    """A gestionnaire of two organisations, candidate too, with a current habilitation and a
    revoked one, and three unread notifications of four."""
    user = UserFactory()
    for name in ("Organisme Alpha", "Organisme Bêta"):
        MembershipFactory(
            user=user, organisation=OrganisationFactory(name=name), role=MembershipRole.GESTIONNAIRE
        )
    CandidateFactory(user=user)
    today = datetime.date.today()
    HabilitationFactory(
        user=user,
        kind=HabilitationKind.EVALUATEUR,
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=300),
    )
    HabilitationFactory(
        user=user,
        kind=HabilitationKind.PROFESSIONNEL,
        valid_from=today - datetime.timedelta(days=400),
        valid_until=today + datetime.timedelta(days=30),
        revoked_on=today - datetime.timedelta(days=2),
    )
    for _ in range(3):
        NotificationFactory(user=user)
    NotificationFactory(user=user, read_at=datetime.datetime.now(datetime.UTC))
    return user


def signed_in(user):
    """The user as the authentication backend reads it for a request."""
    with CaptureQueriesContext(connection) as captured:
        loaded = FactsModelBackend().get_user(user.pk)
    assert len(captured) == 1
    return loaded


def test_the_facts_read_with_the_user_are_those_read_one_by_one(person):
    loaded = signed_in(person)
    fresh = User.objects.get(pk=person.pk)
    with read_memo():
        with CaptureQueriesContext(connection) as captured:
            answers = (
                sorted((m.organisation.name, m.role) for m in user_memberships(loaded)),
                sorted(user_habilitations(loaded)),
                user_roles(loaded),
                unread_badge(loaded),
            )
        assert len(captured) == 0
    expected = (
        sorted((m.organisation.name, m.role) for m in user_memberships(fresh)),
        sorted(user_habilitations(fresh)),
        user_roles(fresh),
        unread_badge(fresh),
    )
    assert answers == expected
    assert answers[0] == [
        ("Organisme Alpha", MembershipRole.GESTIONNAIRE),
        ("Organisme Bêta", MembershipRole.GESTIONNAIRE),
    ]
    assert MembershipRole.CANDIDAT in answers[2]
    assert answers[3]["unread_notifications"] == 3
    # Dates come back as dates, the revocation too.
    assert {kind: revoked for kind, _from, _until, revoked in answers[1]} == {
        HabilitationKind.EVALUATEUR: None,
        HabilitationKind.PROFESSIONNEL: datetime.date.today() - datetime.timedelta(days=2),
    }


def test_a_person_with_nothing_has_empty_facts():
    loaded = signed_in(UserFactory())
    with read_memo():
        assert user_memberships(loaded) == []
        assert user_habilitations(loaded) == []
        assert user_roles(loaded) == []
        assert unread_badge(loaded)["unread_notifications"] == 0


def test_the_unread_count_read_with_the_user_stops_past_ninety_nine():
    user = UserFactory()
    NotificationFactory.create_batch(105, user=user)
    with read_memo():
        assert unread_badge(signed_in(user)) == {
            "unread_notifications": 100,
            "unread_notifications_label": "99+",
        }


def test_a_form_sent_reads_the_facts_again(person):
    """A page that reads answers from the facts of the request's start; a form sent (no read
    memo) reads them again, and sees a habilitation revoked since."""
    loaded = signed_in(person)
    today = datetime.date.today()
    person.habilitations.update(revoked_on=today)

    def revocations():
        return {kind: revoked for kind, _from, _until, revoked in user_habilitations(loaded)}

    with read_memo():
        assert revocations()[HabilitationKind.EVALUATEUR] is None
    assert revocations()[HabilitationKind.EVALUATEUR] == today


def test_an_inactive_user_is_not_signed_in(person):
    person.is_active = False
    person.save()
    assert FactsModelBackend().get_user(person.pk) is None


def test_a_page_reads_the_session_and_the_person_in_two_queries_at_most(client, person):
    """The header (roles, organisations, unread count) costs nothing beyond the user's own
    query: the notifications page asks only for its own rows besides."""
    client.force_login(person)
    client.get(reverse("notification_list"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("notification_list"))
    assert response.status_code == 200
    tables = [q["sql"] for q in captured.captured_queries]
    assert not any('FROM "cqp_membership"' in sql.split("(SELECT")[0] for sql in tables)
    assert not any(sql.startswith('SELECT "cqp_habilitation"') for sql in tables)
    assert not any(sql.startswith('SELECT 1 AS "a" FROM "candidates_candidate"') for sql in tables)
    body = response.content.decode()
    assert "Organisme Alpha" in body and "Organisme Bêta" in body
    assert 'class="badge badge--count">3<' in body
