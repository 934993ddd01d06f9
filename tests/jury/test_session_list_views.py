"""The list of jury sessions: each member sees theirs, the secretariat all, with progress."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jury import services
from jury.models import Deliberation
from tests.factories import DeliberationFactory, JurySessionFactory, SeatFactory
from tests.helpers import page_text, query_count

from .builders import SESSION_DAY, cheap_in_jury, planned_session

pytestmark = pytest.mark.django_db


def test_session_list_shows_a_member_only_their_sessions(client, secretariat, two_per_college):
    mine = planned_session(
        by=secretariat,
        members=[two_per_college["e1"], two_per_college["s1"]],
        president=two_per_college["e1"],
        date=SESSION_DAY,
        place="Lyon, salle A",
    )
    planned_session(
        by=secretariat,
        members=[two_per_college["e2"], two_per_college["s2"]],
        president=two_per_college["s2"],
        date=SESSION_DAY,
        place="Paris, salle B",
    )
    client.force_login(two_per_college["s1"].user)
    response = client.get(reverse("session_list"))
    assert [s.pk for s in response.context["page"]] == [mine.pk]
    text = page_text(response)
    assert "Lyon, salle A" in text and "Paris, salle B" not in text
    assert "Programmer une session" not in text

    client.force_login(secretariat)
    response = client.get(reverse("session_list"))
    assert len(response.context["page"]) == 2
    assert "Programmer une session" in page_text(response)


def test_session_list_shows_progress(client, secretariat, composed, own_org, two_per_college):
    for _ in range(2):
        services.session_add_candidacy(
            session=composed,
            by=secretariat,
            candidacy=cheap_in_jury(own_org),
        )
    Deliberation.objects.filter(pk=composed.deliberations.first().pk).update(
        decided_at=timezone.now(), outcome="certifie"
    )
    client.force_login(two_per_college["e1"].user)
    text = page_text(client.get(reverse("session_list")))
    assert "1 décidée sur 2" in text
    assert "CPEF, salle du conseil" in text and "Programmée" in text
    assert str(two_per_college["e1"].user) in text


def test_session_list_empty_state(client, secretariat, jury):
    client.force_login(jury)
    assert "Aucune session de jury ne vous est attribuée" in page_text(
        client.get(reverse("session_list"))
    )
    client.force_login(secretariat)
    assert "Aucune session programmée" in page_text(client.get(reverse("session_list")))


def _sessions(n, secretariat, president, own_org):
    for i in range(n):
        session = JurySessionFactory(
            date=SESSION_DAY - datetime.timedelta(days=i),
            place=f"Salle {i}",
            created_by=secretariat,
            president=president,
        )
        SeatFactory(session=session, member=president)
        DeliberationFactory(session=session, candidacy=cheap_in_jury(own_org))


@pytest.mark.parametrize("viewer", ["secretariat", "member"])
def test_session_list_query_count_is_constant(
    client, secretariat, two_per_college, own_org, viewer
):
    seated = two_per_college["e1"]
    client.force_login(secretariat if viewer == "secretariat" else seated.user)
    _sessions(2, secretariat, seated, own_org)
    few = query_count(client, reverse("session_list"))
    _sessions(10, secretariat, seated, own_org)
    assert len(client.get(reverse("session_list")).context["page"]) == 12
    assert query_count(client, reverse("session_list")) == few


def test_each_session_counts_its_own_candidacies_and_decisions(
    client, secretariat, django_assert_max_num_queries
):
    """Counted per session shown from the (session, decided_at) index: one query for the
    page, each session with its own figures."""
    sessions = []
    for total, decided in ((3, 1), (2, 2), (1, 0)):
        session = JurySessionFactory(created_by=secretariat)
        for n in range(total):
            DeliberationFactory(session=session, decided_at=timezone.now() if n < decided else None)
        sessions.append((session, total, decided))
    JurySessionFactory(created_by=secretariat)  # none inscribed
    client.force_login(secretariat)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("session_list"))
    shown = {s.pk: (s.candidacy_count, s.decided_count) for s in response.context["page"]}
    for session, total, decided in sessions:
        assert shown[session.pk] == (total, decided)
    text = page_text(response)
    assert "1 décidée sur 3" in text and "2 décidées sur 2" in text and "0 décidée sur 1" in text
    assert "aucune candidature inscrite" in text
