"""Thin Celery tasks of the core: ids in, call one service, retry on transient errors.

The `*_later` helpers enqueue them once the current transaction commits.
"""

import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import documents, emails, notifications, reminders

# A mail server or a storage that does not answer: try again later, waiting longer each
# time (60 s, 120 s, 240 s...).
RETRY_TRANSIENT = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": 60,
    "retry_backoff_max": 6 * 3600,
    "retry_jitter": False,
}


@shared_task(**RETRY_TRANSIENT, max_retries=5)
def send_invitation_email(invitation_id: int) -> None:
    emails.invitation_email_send(invitation_id=invitation_id)


@shared_task(**RETRY_TRANSIENT, max_retries=5)
def send_account_setup_email(user_id: int) -> None:
    emails.account_setup_email_send(user_id=user_id)


@shared_task(**RETRY_TRANSIENT, max_retries=5)
def send_password_reset_email(email: str) -> None:
    emails.password_reset_email_send(email=email)


def send_password_reset_email_later(email: str) -> None:
    """Queue the password reset e-mail for `email`, whether an account has it or not: the
    request does the same work either way (emails.password_reset_email_send)."""
    transaction.on_commit(lambda: send_password_reset_email.delay(email))


@shared_task(**RETRY_TRANSIENT, max_retries=3)
def generate_document(code: str, object_id: int, edition: int = 1) -> int | None:
    """Store the final PDF of one object once; a retried or repeated task stores nothing more."""
    document = documents.document_store_final(code=code, object_id=object_id, edition=edition)
    return document.pk if document is not None else None


def generate_document_later(code: str, obj, edition: int = 1) -> None:
    """Generate `obj`'s official document in the background once the transaction commits."""
    pk = obj.pk
    transaction.on_commit(lambda: generate_document.delay(code, pk, edition))


@shared_task(**RETRY_TRANSIENT, max_retries=emails.EMAIL_MAX_RETRIES)
def send_notification_email(notification_id: int) -> bool:
    """The e-mail copy of one notification, sent at most once (emails.notification_email_send).
    After the last retry the notification stays unsent, and `resend_unsent_emails` takes it up."""
    return emails.notification_email_send(notification_id=notification_id)


def send_emails_later(notifications) -> None:
    """Send the e-mail copies of notifications not yet e-mailed, once the transaction commits."""
    for pk in [n.pk for n in notifications if n.email_sent_at is None]:
        transaction.on_commit(lambda pk=pk: send_notification_email.delay(pk))


@shared_task(acks_late=True)
def resend_unsent_emails() -> int:
    """Send again the e-mails whose task gave up or never ran (emails.notifications_to_resend)."""
    pending = emails.notifications_to_resend(now=timezone.now())
    for pk in pending:
        send_notification_email.delay(pk)
    return len(pending)


@shared_task(acks_late=True)
def remind_expiring_habilitations() -> int:
    notified = reminders.habilitations_remind_expiring(day=timezone.localdate())
    send_emails_later(notified.notifications)
    return notified.occurrences


@shared_task(acks_late=True)
def remind_expiring_seal() -> int:
    notified = reminders.seal_remind_expiring(day=timezone.localdate())
    send_emails_later(notified.notifications)
    return notified.occurrences


@shared_task(acks_late=True)
def notify_account_locked(email: str, until: str, failures: int) -> int:
    """Tell the holder of the account locked by cqp.limits, if the e-mail has one."""
    notified = notifications.account_locked_notify(
        email=email, until=datetime.datetime.fromisoformat(until), failures=failures
    )
    send_emails_later(notified)
    return len(notified)
