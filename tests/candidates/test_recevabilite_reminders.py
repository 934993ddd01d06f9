"""The secretariat is reminded of a VAE request awaiting its decision 15 days before its due
date and on the day, once each per due date; a resubmission's new due date reminds again."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from candidates import services
from candidates.reminders import recevabilite_deadlines_remind
from candidates.tasks import remind_recevabilite_deadlines
from cqp.models import Notification
from tests.factories import SecretariatFactory

from .builders import REASON, decide, vae_candidacy, vae_ready

pytestmark = pytest.mark.django_db

D = datetime.date
SUBMITTED = datetime.datetime(2026, 11, 29, 9, 0, tzinfo=datetime.UTC)  # due on 2027-01-29
DUE = D(2027, 1, 29)


@pytest.fixture
def submitted(candidat, own_org, secretariat):
    with time_machine.travel(SUBMITTED, tick=False):
        candidacy = vae_candidacy(candidat, own_org)
        vae_ready(candidacy, days=4 * 365)
        services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        )
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.decision_due_on == DUE
    return candidacy


def run_on(day, capture=None) -> int:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)), tick=False):
        if capture is None:
            return remind_recevabilite_deadlines.apply().get()
        with capture(execute=True):
            return remind_recevabilite_deadlines.apply().get()


def events() -> list[tuple[str, str]]:
    reminders = Notification.objects.filter(event__startswith="recevabilite_")
    return sorted(reminders.values_list("event", "user__email"))


def test_nothing_before_15_days_ahead(submitted):
    assert run_on(DUE - datetime.timedelta(days=16)) == 0
    assert not Notification.objects.filter(event__startswith="recevabilite_").exists()


def test_the_secretariat_is_reminded_15_days_ahead_then_on_the_day_once_each(
    submitted, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    other = SecretariatFactory(email="secretariat2@exemple.fr")
    capture = django_capture_on_commit_callbacks
    assert run_on(D(2027, 1, 14), capture=capture) == 1
    reminders = Notification.objects.filter(event="recevabilite_due_soon")
    assert sorted(reminders.values_list("user__email", flat=True)) == sorted(
        [secretariat.email, other.email]
    )
    notice = reminders.get(user=secretariat)
    name = submitted.candidate.user.get_full_name()
    assert notice.subject == f"Demande de VAE de {name} : décision attendue le 29/01/2027"
    assert "envoyée le 29/11/2026" in notice.body and "À faire :" in notice.body
    assert notice.url == reverse("recevabilite_review", args=[submitted.pk])
    assert len(mailoutbox) == 2
    # The following days, up to the eve of the due date, add nothing.
    for day in (D(2027, 1, 15), D(2027, 1, 28)):
        run_on(day, capture=capture)
    assert Notification.objects.filter(event="recevabilite_due_soon").count() == 2
    assert len(mailoutbox) == 2

    run_on(DUE, capture=capture)
    due = Notification.objects.filter(event="recevabilite_due")
    assert due.count() == 2
    assert "l'échéance est atteinte" in due.get(user=secretariat).body
    assert len(mailoutbox) == 4
    run_on(DUE + datetime.timedelta(days=1), capture=capture)
    run_on(DUE + datetime.timedelta(days=20), capture=capture)
    assert Notification.objects.filter(event__startswith="recevabilite_").count() == 4
    assert len(mailoutbox) == 4
    # The candidate is never told.
    assert not Notification.objects.filter(
        user=submitted.candidate.user, event__startswith="recevabilite_"
    ).exists()


def test_a_missed_run_still_reminds_once_the_due_date_is_past(submitted, secretariat):
    recevabilite_deadlines_remind(day=DUE + datetime.timedelta(days=3))
    assert events() == [("recevabilite_due", secretariat.email)]


def test_a_decided_request_is_not_reminded(submitted, secretariat):
    decide(submitted, secretariat, "favorable", reason="Complet")
    assert recevabilite_deadlines_remind(day=DUE).occurrences == 0
    assert not Notification.objects.filter(event__startswith="recevabilite_").exists()


def test_a_resubmission_with_its_new_due_date_reminds_again(submitted, secretariat, candidat):
    recevabilite_deadlines_remind(day=D(2027, 1, 14))
    with time_machine.travel(datetime.datetime(2027, 1, 20, 9, tzinfo=datetime.UTC), tick=False):
        decide(submitted, secretariat, "incomplet", reason=REASON)
        # Sent back for completion: no reminder while the candidate completes it.
        assert recevabilite_deadlines_remind(day=DUE).occurrences == 0
    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC), tick=False):
        services.run_transition(
            name="submit_recevabilite", candidacy=submitted, by=candidat, sworn=True
        )
    submitted.vae_request.refresh_from_db()
    assert submitted.vae_request.decision_due_on == D(2027, 4, 1)
    recevabilite_deadlines_remind(day=D(2027, 3, 17))
    recevabilite_deadlines_remind(day=D(2027, 4, 1))
    assert events() == [
        ("recevabilite_due", secretariat.email),
        ("recevabilite_due_soon", secretariat.email),
        ("recevabilite_due_soon", secretariat.email),
    ]
    name = submitted.candidate.user.get_full_name()
    assert set(
        Notification.objects.filter(event="recevabilite_due_soon").values_list("subject", flat=True)
    ) == {
        f"Demande de VAE de {name} : décision attendue le 29/01/2027",
        f"Demande de VAE de {name} : décision attendue le 01/04/2027",
    }
