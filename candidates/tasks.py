"""Thin Celery tasks of the candidacy workflow: ids in, call one service, retry on
transient errors, send the e-mail copies of the notifications it made."""

from celery import shared_task
from django.utils import timezone

from cqp.tasks import RETRY_TRANSIENT, send_emails_later

from . import notifications, reminders


@shared_task(**RETRY_TRANSIENT, max_retries=5)
def notify_candidacy_created(candidacy_id: int, created_account: bool) -> None:
    notifications.candidacy_created_email_send(
        candidacy_id=candidacy_id, created_account=created_account
    )


@shared_task(**RETRY_TRANSIENT, max_retries=5)
def notify_transition(log_id: int) -> None:
    send_emails_later(notifications.transition_notify(log_id=log_id))


@shared_task(acks_late=True)
def remind_waiting_candidacies() -> int:
    notified = reminders.waiting_candidacies_remind(now=timezone.now())
    send_emails_later(notified.notifications)
    return notified.occurrences


@shared_task(acks_late=True)
def remind_recevabilite_deadlines() -> int:
    notified = reminders.recevabilite_deadlines_remind(day=timezone.localdate())
    send_emails_later(notified.notifications)
    return notified.occurrences


@shared_task(acks_late=True)
def remind_expiring_validations() -> int:
    notified = reminders.validations_remind(day=timezone.localdate())
    send_emails_later(notified.notifications)
    return notified.occurrences
