import pytest
from django.urls import reverse

from candidates import services as candidacy_services
from candidates.tasks import notify_transition
from cqp.models import Notification
from cqp.notifications import notification_create
from tests.factories import CandidacyFactory, NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn(own_org, candidat, django_capture_on_commit_callbacks):
    candidacy = CandidacyFactory(organisation=own_org, candidate__user=candidat)
    with django_capture_on_commit_callbacks(execute=True):
        candidacy_services.run_transition(
            name="withdraw", candidacy=candidacy, by=candidat, comment="Départ"
        )
    return candidacy


def test_a_transition_notifies_the_candidate_in_the_application_once(
    withdrawn, candidat, mailoutbox
):
    notification = Notification.objects.get(user=candidat)
    assert notification.subject == "Votre candidature : Repérage des acquis → Abandonnée"
    assert notification.url == reverse("candidacy_detail", args=[withdrawn.pk])
    assert notification.read_at is None
    log = withdrawn.logs.get(transition="withdraw")
    notify_transition.apply(args=[log.pk])  # a retried task
    assert Notification.objects.filter(user=candidat).count() == 1


def test_header_shows_the_unread_count_and_the_list_marks_them_read(client, withdrawn, candidat):
    client.force_login(candidat)
    response = client.get(reverse("dashboard"))
    assert response.context["unread_notifications"] == 1
    assert 'class="badge badge--count">1<' in response.content.decode()
    page = client.get(reverse("notification_list"))
    assert [n.subject for n in page.context["page"]] == [
        "Votre candidature : Repérage des acquis → Abandonnée"
    ]
    response = client.post(reverse("notifications_mark_read"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Toutes vos notifications sont marquées comme lues."
    ]
    assert response.context["unread_notifications"] == 0
    assert client.get(reverse("notifications_mark_read")).status_code == 405


def test_notifications_are_private(client, withdrawn, outsider):
    client.force_login(outsider)
    page = client.get(reverse("notification_list"))
    assert list(page.context["page"]) == []
    assert "Aucune notification pour le moment." in page.content.decode()
    client.post(reverse("notifications_mark_read"))
    assert Notification.objects.get().read_at is None


def test_notification_list_query_count_is_constant(client, candidat, django_assert_max_num_queries):
    client.force_login(candidat)
    for n in range(3):
        notification_create(user=candidat, key=f"k{n}", subject=f"Sujet {n}")
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("notification_list"))
    baseline = len(captured)
    for n in range(3, 30):
        notification_create(user=candidat, key=f"k{n}", subject=f"Sujet {n}")
    with django_assert_max_num_queries(baseline):
        client.get(reverse("notification_list"))


def test_the_list_shows_each_notice_in_full(client, candidat):
    NotificationFactory(
        user=candidat,
        key="test:body",
        subject="Convocation",
        body="Vous siégez le 12/01/2027.\n\nÀ faire : siéger.",
    )
    client.force_login(candidat)
    content = client.get(reverse("notification_list")).content.decode()
    assert "Convocation" in content
    assert "<p>Vous siégez le 12/01/2027.</p>" in content
    assert "À faire : siéger." in content


def test_the_header_counts_unread_notices_up_to_99_then_says_99_plus(client, candidat):
    client.force_login(candidat)
    Notification.objects.bulk_create(
        NotificationFactory.build(user=candidat, key=f"n{n}") for n in range(99)
    )
    page = client.get(reverse("notification_list")).content.decode()
    assert 'class="badge badge--count">99<' in page
    NotificationFactory(user=candidat, key="n99")
    NotificationFactory(user=candidat, key="n100")
    response = client.get(reverse("notification_list"))
    assert response.context["unread_notifications"] == 100  # counted no further
    assert 'class="badge badge--count">99+<' in response.content.decode()


def test_the_unread_count_stops_at_a_hundred_rows(candidat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cqp.context_processors import unread_badge

    with CaptureQueriesContext(connection) as captured:
        unread_badge(candidat)
    (query,) = captured.captured_queries
    assert "LIMIT 100" in query["sql"]
    assert 'read_at" IS NULL' in query["sql"]
