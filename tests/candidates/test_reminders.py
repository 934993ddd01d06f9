"""The celery beat reminders, with frozen time: the right people, once."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from candidates.models import CompetenceValidation
from candidates.tasks import remind_expiring_validations, remind_waiting_candidacies
from cqp.models import Habilitation, HabilitationKind, Notification
from cqp.tasks import remind_expiring_habilitations
from tests.candidates.builders import (
    assign,
    candidacy_in,
    candidate_of,
    competence,
    decide,
    vae_candidacy,
)
from tests.factories import CompetenceValidationFactory, HabilitationFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen_at_start():
    """Every test starts at START, before any fixture runs (autouse fixtures come first):
    the habilitations of the conftest actors are granted around that day, and each test
    travels on from there."""
    with time_machine.travel(START, tick=False):
        yield


def reminded(event) -> list[str]:
    return sorted(Notification.objects.filter(event=event).values_list("user__email", flat=True))


@pytest.fixture
def waiting(candidat, own_org, gestionnaire, professionnel, evaluateur, secretariat):
    """On START: one candidacy in evaluation, one VAE request waiting for the secretariat."""
    evaluation = candidacy_in("evaluation", candidat, own_org)
    assign(evaluation, by=gestionnaire, professionnel=professionnel, evaluateur=evaluateur)
    vae = vae_candidacy(UserFactory(email="vae@exemple.fr"), own_org, state="recevabilite")
    return evaluation, vae


def test_no_reminder_before_60_days(waiting, mailoutbox):
    with time_machine.travel(START + datetime.timedelta(days=59), tick=False):
        assert remind_waiting_candidacies.apply().get() == 0
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_after_60_days_whoever_the_candidacy_waits_on_is_reminded_once(
    waiting, professionnel, evaluateur, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    evaluation, vae = waiting
    with time_machine.travel(START + datetime.timedelta(days=61), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert remind_waiting_candidacies.apply().get() == 2
        # The evaluation waits on both evaluators; the VAE request on the secretariat.
        assert reminded("reminder_waiting") == sorted(
            [professionnel.email, evaluateur.email, secretariat.email]
        )
        assert len(mailoutbox) == 3
        notice = Notification.objects.get(event="reminder_waiting", user=professionnel)
        assert "61 jours" in notice.subject
        assert notice.url == reverse("candidacy_detail", args=[evaluation.pk])
        # The next day's run reminds nobody again.
        with django_capture_on_commit_callbacks(execute=True):
            remind_waiting_candidacies.apply()
    with (
        time_machine.travel(START + datetime.timedelta(days=62), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        remind_waiting_candidacies.apply()
    assert Notification.objects.filter(event="reminder_waiting").count() == 3
    assert len(mailoutbox) == 3


def test_a_new_step_starts_a_new_waiting_period(waiting, secretariat, candidat, own_org):
    _evaluation, vae = waiting
    with time_machine.travel(START + datetime.timedelta(days=61), tick=False):
        remind_waiting_candidacies.apply()
        decide(vae, secretariat, "favorable")
    with time_machine.travel(START + datetime.timedelta(days=100), tick=False):
        remind_waiting_candidacies.apply()
    # Recevable since day 61: 39 days, no reminder to the candidate yet.
    assert not Notification.objects.filter(event="reminder_waiting", user=vae.candidate.user)
    with time_machine.travel(START + datetime.timedelta(days=122), tick=False):
        remind_waiting_candidacies.apply()
    assert (
        Notification.objects.filter(event="reminder_waiting", user=vae.candidate.user).count() == 1
    )


def test_final_and_partial_candidacies_wait_on_nobody(candidat, own_org):
    candidacy_in("certifie", candidat, own_org)
    candidacy_in("partiel", UserFactory(), own_org)
    candidacy_in("abandonne", UserFactory(), own_org)
    with time_machine.travel(START + datetime.timedelta(days=400), tick=False):
        assert remind_waiting_candidacies.apply().get() == 0


def test_the_secretariat_dashboard_flags_waiting_candidacies(client, waiting, secretariat):
    evaluation, _vae = waiting
    with time_machine.travel(START + datetime.timedelta(days=30), tick=False):
        client.force_login(secretariat)
        response = client.get(reverse("dashboard"))
        assert "en attente depuis trop longtemps." in (response.content.decode())
    with time_machine.travel(START + datetime.timedelta(days=61), tick=False):
        client.force_login(secretariat)
        response = client.get(reverse("dashboard"))
    content = response.content.decode()
    assert "2 candidatures attendent une action" in content
    assert reverse("candidacy_detail", args=[evaluation.pk]) in content


# Habilitations -----------------------------------------------------------------------------


def test_habilitations_expiring_within_60_days_remind_the_holder_and_the_secretariat(
    client, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    today = datetime.date(2026, 3, 1)
    soon = HabilitationFactory(
        user=UserFactory(email="bientot@exemple.fr"),
        kind=HabilitationKind.EVALUATEUR,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=today + datetime.timedelta(days=30),
        granted_by=secretariat,
    )
    HabilitationFactory(  # later than 60 days
        user=UserFactory(email="plus-tard@exemple.fr"),
        valid_from=datetime.date(2025, 1, 1),
        valid_until=today + datetime.timedelta(days=90),
        granted_by=secretariat,
    )
    revoked = HabilitationFactory(
        user=UserFactory(email="revoquee@exemple.fr"),
        valid_from=datetime.date(2025, 1, 1),
        valid_until=today + datetime.timedelta(days=20),
        granted_by=secretariat,
    )
    Habilitation.objects.filter(pk=revoked.pk).update(revoked_on=datetime.date(2026, 2, 1))
    with (
        time_machine.travel(datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remind_expiring_habilitations.apply().get() == 1
        remind_expiring_habilitations.apply()  # the next run
    assert reminded("habilitation_expiring") == sorted(["bientot@exemple.fr", secretariat.email])
    assert len(mailoutbox) == 2
    holder = Notification.objects.get(user=soon.user)
    assert "31/03/2026" in holder.subject
    # Each one's link opens a page they may see.
    for notice in Notification.objects.filter(event="habilitation_expiring"):
        client.force_login(notice.user)
        assert client.get(notice.url).status_code == 200


# Competence validations --------------------------------------------------------------------


def test_validations_expiring_within_6_months_remind_the_candidate_and_expired_are_marked(
    candidat, mailoutbox, django_capture_on_commit_callbacks
):
    candidate = candidate_of(candidat)
    today = datetime.date(2026, 6, 10)

    def validation(number, valid_until):
        return CompetenceValidationFactory(
            candidate=candidate,
            competence=competence(number),
            validated_on=valid_until.replace(year=valid_until.year - 5),
            valid_until=valid_until,
        )

    soon = validation(1, datetime.date(2026, 11, 30))  # within 6 months
    later = validation(2, datetime.date(2027, 1, 15))  # beyond
    expired = validation(3, datetime.date(2026, 6, 9))  # yesterday
    with (
        time_machine.travel(datetime.datetime(2026, 6, 10, 8, 0, tzinfo=datetime.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remind_expiring_validations.apply().get() == 2
        assert remind_expiring_validations.apply().get() == 1  # only the reminder, again
    notices = Notification.objects.filter(user=candidat)
    assert sorted(notices.values_list("event", flat=True)) == [
        "validation_expired",
        "validation_expiring",
    ]
    expiring = notices.get(event="validation_expiring")
    assert competence(1).title in expiring.body
    assert "30/11/2026" in expiring.body
    assert len(mailoutbox) == 2
    for item in (soon, later, expired):
        item.refresh_from_db()
    assert expired.expired_on == today
    assert soon.expired_on is None and later.expired_on is None


def test_the_candidate_sees_the_expired_validation_marked(client, candidat, own_org):
    candidacy_in("partiel", candidat, own_org)
    CompetenceValidationFactory(
        candidate=candidate_of(candidat),
        competence=competence(4),
        validated_on=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2025, 1, 1),
        expired_on=datetime.date(2025, 1, 2),
    )
    client.force_login(candidat)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Mes compétences validées" in content
    assert competence(4).title in content
    assert "expirée" in content


def test_a_certified_candidate_is_not_told_about_the_validations_behind_the_cqp(candidat, own_org):
    candidacy_in("certifie", candidat, own_org)
    for number, valid_until in ((1, datetime.date(2026, 8, 1)), (2, datetime.date(2026, 6, 1))):
        CompetenceValidationFactory(
            candidate=candidate_of(candidat),
            competence=competence(number),
            validated_on=valid_until.replace(year=valid_until.year - 5),
            valid_until=valid_until,
        )
    with time_machine.travel(datetime.datetime(2026, 6, 10, 8, 0, tzinfo=datetime.UTC), tick=False):
        assert remind_expiring_validations.apply().get() == 0
    assert not Notification.objects.exists()
    assert not CompetenceValidation.objects.filter(expired_on__isnull=False).exists()
