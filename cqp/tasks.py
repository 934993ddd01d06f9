"""Thin Celery tasks: ids in, load, act."""

import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db.models import F
from django.db.models.functions import Mod
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def send_templated_email(template: str, context: dict, to: str) -> None:
    """Render emails/<template>_subject.txt, .txt and .html in the site's language and send them."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    send_mail(subject, text, None, [to], html_message=html)


def password_setup_url(user) -> str:
    """The absolute link where `user` chooses a password (a one-time reset token)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def send_invitation_email(self, invitation_id: int) -> None:
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return
    url = settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])
    try:
        send_templated_email("invitation", {"invitation": invitation, "url": url}, invitation.email)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def send_account_setup_email(self, user_id: int) -> None:
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    try:
        send_templated_email(
            "account_setup", {"user": user, "url": password_setup_url(user)}, user.email
        )
    except OSError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(bind=True, acks_late=True, max_retries=3)
def generate_document(self, code: str, object_id: int, edition: int = 1) -> int | None:
    """Store the final PDF of one object once; a retried or repeated task stores nothing more."""
    from .documents import document_store, get_kind

    kind = get_kind(code)
    obj = kind.model._default_manager.filter(pk=object_id).first()
    if obj is None or not kind.is_final(obj):
        return None
    try:
        return document_store(code, obj, edition).pk
    except OSError as exc:  # the storage is unavailable: try again later
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


EMAIL_MAX_RETRIES = 8


@shared_task(bind=True, acks_late=True, max_retries=EMAIL_MAX_RETRIES)
def send_notification_email(self, notification_id: int) -> bool:
    """The e-mail copy of one notification, sent at most once.

    The row is locked while sending, and marked sent in the same transaction: a retried
    or duplicated task finds it sent and does nothing. A failed send is counted and
    retried with exponential back-off; after the last retry the notification stays
    unsent in the database, where `resend_unsent_emails` picks it up again.
    """
    from django.db import transaction

    from .models import Notification

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_sent_at is not None:
            return False
        user = notification.user
        if not user.is_active or not user.email:
            return False
        url = settings.SITE_URL + notification.url if notification.url.startswith("/") else ""
        try:
            send_templated_email(
                "notification", {"notification": notification, "user": user, "url": url}, user.email
            )
        except OSError as exc:
            error = exc
        else:
            notification.email_sent_at = timezone.now()
            notification.email_attempts += 1
            notification.email_error = ""
            notification.save(update_fields=["email_sent_at", "email_attempts", "email_error"])
            return True
    Notification.objects.filter(pk=notification_id).update(
        email_attempts=F("email_attempts") + 1, email_error=str(error)[:300]
    )
    raise self.retry(exc=error, countdown=60 * 2**self.request.retries)


@shared_task(acks_late=True)
def resend_unsent_emails() -> int:
    """Send again the e-mails still unsent half an hour after their notification whose task
    gave up (a whole chain of retries failed: mail server down for hours) or never ran (its
    message was lost). One still retrying is left to its chain, so that chains never pile
    up; a task merely late in the queue is harmless: whichever runs first sends, the other
    finds it sent."""
    from .models import Notification

    now = timezone.now()
    pending = (
        Notification.objects.filter(
            email_sent_at__isnull=True,
            created_at__gte=now - datetime.timedelta(days=settings.NOTIFICATION_EMAIL_RESEND_DAYS),
            created_at__lte=now - datetime.timedelta(minutes=30),
            user__is_active=True,
        )
        .exclude(user__email="")
        # Every chain makes 1 + EMAIL_MAX_RETRIES attempts: a multiple means none is running.
        .annotate(position=Mod("email_attempts", EMAIL_MAX_RETRIES + 1))
        .filter(position=0)
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in pending:
        send_notification_email.delay(pk)
        count += 1
    return count


@shared_task(acks_late=True)
def remind_expiring_habilitations() -> int:
    """Tell the holder and the secretariat of each habilitation ending within the warning
    period, once per habilitation and end date (a renewal starts a new one)."""
    from django.utils.translation import gettext as _

    from . import notifications, selectors

    today = timezone.localdate()
    count = 0
    expiring = selectors.habilitations_expiring(
        within_days=settings.REMINDER_HABILITATION_DAYS, day=today
    )
    for habilitation in expiring:
        values = {
            "person": habilitation.user.get_full_name() or habilitation.user.email,
            "kind": habilitation.get_kind_display(),
            "day": habilitation.valid_until.strftime("%d/%m/%Y"),
        }

        def title(role, values=values):
            if role == notifications.TITULAIRE:
                return _("Votre habilitation de %(kind)s expire le %(day)s") % values
            return _("Habilitation de %(person)s (%(kind)s) : fin le %(day)s") % values

        def body(role, values=values):
            if role == notifications.TITULAIRE:
                text = _(
                    "Votre habilitation de %(kind)s par la CPEF prend fin le %(day)s. Après cette "
                    "date, vous ne pourrez plus évaluer de candidat sans renouvellement."
                )
            else:
                text = _("L'habilitation de %(kind)s de %(person)s prend fin le %(day)s.")
            return text % values

        notifications.notify(
            "habilitation_expiring",
            habilitation,
            key=f"reminder:habilitation:{habilitation.pk}:{habilitation.valid_until:%Y%m%d}",
            title=title,
            body=body,
            # The holder has no access to the list: both see the habilitation on their dashboard.
            url=reverse("dashboard"),
        )
        count += 1
    return count
