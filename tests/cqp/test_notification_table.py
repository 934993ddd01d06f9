"""The event → recipients table, the e-mail record and retries (cqp.notifications)."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidacy_services
from candidates import services_recevabilite
from candidates.tasks import notify_transition
from candidates.transitions import TRANSITIONS
from cqp import notifications, seal
from cqp.celery import app as celery_app
from cqp.models import Notification
from cqp.tasks import resend_unsent_emails, send_notification_email
from tests.candidates.builders import assign, candidacy_in, competence, vae_candidacy
from tests.factories import (
    CompetenceValidationFactory,
    HabilitationFactory,
    NotificationFactory,
    UserFactory,
)
from tests.helpers import add_years

pytestmark = pytest.mark.django_db


def recipients_of(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_every_transition_of_the_workflow_is_in_the_table():
    assert set(TRANSITIONS) <= set(notifications.EVENTS)
    # Every role of the table has someone to resolve it.
    roles = {role for event in notifications.EVENTS.values() for role in event.recipients}
    assert roles <= set(notifications._resolvers)


def test_recevabilite_submitted_reaches_the_candidate_and_the_secretariat_once(
    candidat, own_org, secretariat, gestionnaire, mailoutbox, django_capture_on_commit_callbacks
):
    candidacy = candidacy_in("recevabilite", candidat, own_org)
    with django_capture_on_commit_callbacks(execute=True):
        entry = candidacy_services.candidacy_log(
            candidacy=candidacy,
            by=candidat,
            action="submit_recevabilite",
            source="demande",
            target="recevabilite",
            comment="",
        )
        notify_transition.delay(entry.pk)
    assert recipients_of(mailoutbox) == sorted([candidat.email, secretariat.email])
    by_user = {n.user: n for n in Notification.objects.filter(key=f"transition:{entry.pk}")}
    assert set(by_user) == {candidat, secretariat}
    assert by_user[candidat].subject.startswith("Votre candidature :")
    assert "À faire" not in by_user[candidat].body
    assert "examiner la recevabilité" in by_user[secretariat].body
    assert all(n.email_sent_at is not None and n.email_attempts == 1 for n in by_user.values())

    # A retried task: nothing new in the application, no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        notify_transition.apply(args=[entry.pk])
    assert Notification.objects.filter(key=f"transition:{entry.pk}").count() == 2
    assert len(mailoutbox) == 2


def test_the_email_is_french_plain_text_and_html_with_the_link(
    settings, candidat, own_org, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    with django_capture_on_commit_callbacks(execute=True):
        services_recevabilite.recevabilite_decide(
            candidacy=candidacy,
            by=secretariat,
            outcome="defavorable",
            reason="Expérience insuffisante",
            expected_state="recevabilite",
        )
    [message] = mailoutbox
    assert message.to == [candidat.email]
    assert "non recevable" in message.subject.lower()
    url = f"http://testserver{reverse('candidacy_detail', args=[candidacy.pk])}"
    assert url in message.body
    assert "Expérience insuffisante" in message.body
    assert (
        "Le courrier « avis de recevabilité » est disponible sur la page de votre" in message.body
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{url}"' in html
    assert "Bonjour" in message.body


def test_next_actors_are_told_and_the_actor_is_not(
    candidat,
    own_org,
    gestionnaire,
    professionnel,
    evaluateur,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    candidacy = candidacy_in("evaluation", candidat, own_org)
    assign(candidacy, by=gestionnaire, professionnel=professionnel, evaluateur=evaluateur)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        candidacy_services.run_transition(
            name="withdraw", candidacy=candidacy, by=gestionnaire, comment="Départ"
        )
    # withdraw: the candidate, both evaluators and the gestionnaires — not the gestionnaire who acted.
    assert recipients_of(mailoutbox) == sorted(
        [candidat.email, professionnel.email, evaluateur.email]
    )


def test_sending_twice_sends_one_email(
    candidat, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    notification = NotificationFactory(
        user=candidat, key="test:1", event="withdraw", subject="Objet", body="Texte"
    )
    assert send_notification_email.apply(args=[notification.pk]).get() is True
    assert send_notification_email.apply(args=[notification.pk]).get() is False
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.email_attempts == 1


@pytest.mark.parametrize(
    "person", [{"is_active": False}, {"email": ""}], ids=["inactive", "without-address"]
)
def test_no_email_for_an_inactive_user_or_one_without_address(person, mailoutbox):
    notification = NotificationFactory(user=UserFactory(**person))
    assert send_notification_email.apply(args=[notification.pk]).get() is False
    assert mailoutbox == []
    notification.refresh_from_db()
    assert (notification.email_sent_at, notification.email_attempts, notification.email_error) == (
        None,
        0,
        "",
    )
    # The notice stays in the application, and the sweep does not take it up either.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        assert resend_unsent_emails.apply().get() == 0
    assert mailoutbox == []


@pytest.fixture
def eager_retries():
    """Let an eager task retry as a worker would, instead of raising at the first failure."""
    conf = celery_app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = previous


def test_a_failed_send_is_retried_and_never_lost(settings, candidat, mailoutbox, eager_retries):
    notification = NotificationFactory(
        user=candidat, key="test:2", event="withdraw", subject="Objet", body="Texte"
    )
    settings.EMAIL_BACKEND = "tests.cqp.mail_backends.UnreachableBackend"
    result = send_notification_email.apply(args=[notification.pk], throw=False)
    assert result.state == "FAILURE"
    assert isinstance(result.result, OSError)
    notification.refresh_from_db()
    assert notification.email_sent_at is None
    # The first try and every retry were counted (eagerly, the back-off does not wait).
    assert notification.email_attempts == 1 + send_notification_email.max_retries
    assert "injoignable" in notification.email_error
    assert Notification.objects.filter(pk=notification.pk).exists()  # still in the application

    # The mail server is back: the periodic sweep sends it, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        assert resend_unsent_emails.apply().get() == 1
        assert resend_unsent_emails.apply().get() == 0
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


def test_every_periodic_task_of_the_schedule_exists(settings):
    celery_app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in celery_app.tasks, name


def test_run_periodic_tasks_runs_each_task_of_the_schedule_once(
    settings,
    candidat,
    own_org,
    gestionnaire,
    professionnel,
    evaluateur,
    secretariat,
    mailoutbox,
    tmp_path,
):
    """One case for each periodic task, set up 61 days before the run (the actors'
    habilitations are granted today): each task does its job."""
    start = timezone.now()
    run = start + datetime.timedelta(days=61)
    with time_machine.travel(start, tick=False):
        waiting = candidacy_in("evaluation", candidat, own_org)
        assign(waiting, by=gestionnaire, professionnel=professionnel, evaluateur=evaluateur)
        CompetenceValidationFactory(
            candidate=waiting.candidate,
            competence=competence(1),
            validated_on=add_years(run.date(), -5) + datetime.timedelta(days=30),
        )  # it lapses 30 days after the run: within 6 months
        expiring = HabilitationFactory(
            user=UserFactory(email="bientot@exemple.fr"),
            valid_until=run.date() + datetime.timedelta(days=30),
            granted_by=secretariat,
        )
        # The seal's certificate expires 30 days after the run.
        settings.SEAL_KEY_FILE, settings.SEAL_CERT_FILE = tmp_path / "k.pem", tmp_path / "c.pem"
        seal.create_self_signed(
            settings.SEAL_KEY_FILE,
            settings.SEAL_CERT_FILE,
            common_name="Sceau",
            organisation="CPEF",
            valid_from=start,
            days=61 + 30,
        )
    with time_machine.travel(run - datetime.timedelta(hours=1), tick=False):
        lost = NotificationFactory(user=candidat)  # its e-mail task never ran
        # A VAE request whose decision is due 10 days after the run (submitted just now,
        # so not yet waiting for 60 days).
        vae = vae_candidacy(UserFactory(), None, state="recevabilite")
        vae.vae_request.submitted_on = run.date() - datetime.timedelta(days=50)
        vae.vae_request.decision_due_on = run.date() + datetime.timedelta(days=10)
        vae.vae_request.save()
    out = StringIO()
    with time_machine.travel(run, tick=False):
        call_command("run_periodic_tasks", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == list(settings.CELERY_BEAT_SCHEDULE)
    assert lines == [
        "remind-waiting-candidacies: 1",
        "remind-recevabilite-deadlines: 1",
        "remind-expiring-validations: 1",
        "remind-expiring-habilitations: 1",
        "remind-expiring-seal: 1",
        "resend-unsent-emails: 1",
        "warm-pilotage: 1",
    ]

    def reminded(event):
        return sorted(
            Notification.objects.filter(event=event).values_list("user__email", flat=True)
        )

    assert reminded("reminder_waiting") == sorted([professionnel.email, evaluateur.email])
    assert reminded("validation_expiring") == [candidat.email]
    assert reminded("recevabilite_due_soon") == [secretariat.email]
    assert reminded("habilitation_expiring") == sorted([expiring.user.email, secretariat.email])
    assert reminded("seal_expiring") == [secretariat.email]
    lost.refresh_from_db()
    assert lost.email_sent_at == run
    # The reminders' own e-mails leave after their commit; the lost one was sent now.
    assert [message.to for message in mailoutbox] == [[candidat.email]]


def test_a_vae_request_without_organisation_reaches_the_secretariat(
    candidat, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    candidacy = vae_candidacy(candidat, None, state="recevabilite")
    entry = candidacy_services.candidacy_log(
        candidacy=candidacy,
        by=candidat,
        action="submit_recevabilite",
        source="demande",
        target="recevabilite",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_transition.delay(entry.pk)
    notice = Notification.objects.get(user=secretariat)
    assert "(sans organisation)" in notice.body
    assert recipients_of(mailoutbox) == sorted([candidat.email, secretariat.email])


def test_an_email_whose_task_never_ran_is_sent_by_the_sweep(candidat, mailoutbox):
    notification = NotificationFactory(
        user=candidat, key="test:lost", event="withdraw", subject="Objet", body="Texte"
    )
    assert resend_unsent_emails.apply().get() == 0  # too recent: its task may be queued
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert resend_unsent_emails.apply().get() == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert resend_unsent_emails.apply().get() == 0  # sent: nothing left
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


def test_the_sweep_leaves_a_send_that_is_still_retrying_to_its_chain(candidat, mailoutbox):
    notification = NotificationFactory(
        user=candidat,
        key="test:retrying",
        event="withdraw",
        subject="Objet",
        body="Texte",
        email_attempts=3,  # its task failed three times and waits for its next retry
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        assert resend_unsent_emails.apply().get() == 0
    Notification.objects.filter(pk=notification.pk).update(
        email_attempts=1 + send_notification_email.max_retries  # the chain gave up
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=5)):
        assert resend_unsent_emails.apply().get() == 1
    assert len(mailoutbox) == 1
