"""Thin Celery tasks of the jury: ids in, call one service (jury.notifications), send the
e-mail copies of the notifications it made."""

from celery import shared_task

from cqp.tasks import send_emails_later

from . import notifications


@shared_task(acks_late=True)
def notify_session_convened(session_id: int) -> None:
    send_emails_later(notifications.session_convened_notify(session_id=session_id))


@shared_task(acks_late=True)
def notify_session_closed(session_id: int, by_id: int | None = None) -> None:
    send_emails_later(notifications.session_closed_notify(session_id=session_id, by_id=by_id))


@shared_task(acks_late=True)
def notify_certificate_revoked(certificate_id: int) -> None:
    send_emails_later(notifications.certificate_revoked_notify(certificate_id=certificate_id))


@shared_task(acks_late=True)
def notify_session_unseated(session_id: int, user_ids: list[int]) -> None:
    send_emails_later(
        notifications.session_unseated_notify(session_id=session_id, user_ids=user_ids)
    )


@shared_task(acks_late=True)
def notify_candidacy_taken_off(candidacy_id: int, session_id: int) -> None:
    send_emails_later(
        notifications.candidacy_taken_off_notify(candidacy_id=candidacy_id, session_id=session_id)
    )


@shared_task(acks_late=True)
def notify_session_changed(session_id: int) -> None:
    send_emails_later(notifications.session_changed_notify(session_id=session_id))


@shared_task(acks_late=True)
def notify_session_cancelled(session_id: int, candidacy_ids: list[int]) -> None:
    send_emails_later(
        notifications.session_cancelled_notify(session_id=session_id, candidacy_ids=candidacy_ids)
    )


@shared_task(acks_late=True)
def notify_candidacy_scheduled(deliberation_id: int) -> None:
    send_emails_later(notifications.candidacy_scheduled_notify(deliberation_id=deliberation_id))
