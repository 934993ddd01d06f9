"""E-mails: rendering, and the sending services the tasks of cqp.tasks call.

Every send raises OSError when the mail server is unreachable: the task retries it.
"""

import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Mod
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import typography
from .models import Invitation, Notification, User
from .notifications import email_attachments

# A notification's e-mail is tried 1 + EMAIL_MAX_RETRIES times by one chain of its task.
EMAIL_MAX_RETRIES = 8


def send_templated_email(
    template: str, context: dict, to: str, attachments: list[tuple] | None = None
) -> None:
    """Render emails/<template>_subject.txt, .txt and .html in the site's language, with
    French typography (cqp.typography), and send them, with `attachments` ((filename, content, mimetype) each) if any."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    if settings.FRENCH_TYPOGRAPHY and settings.LANGUAGE_CODE.startswith("fr"):
        subject = typography.french_text(subject)
        text = typography.french_text(text)
        html = typography.french_html(html)
    message = EmailMultiAlternatives(subject, text, None, [to], attachments=attachments)
    message.attach_alternative(html, "text/html")
    message.send()


def password_setup_url(user: User) -> str:
    """The absolute link where `user` chooses a password (a one-time reset token)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def invitation_email_send(*, invitation_id: int) -> None:
    """The invitation e-mail, while the invitation is still pending."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return
    url = settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])
    send_templated_email("invitation", {"invitation": invitation, "url": url}, invitation.email)


def account_setup_email_send(*, user_id: int) -> None:
    """The e-mail of a new account, with the link to choose a password."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    send_templated_email(
        "account_setup", {"user": user, "url": password_setup_url(user)}, user.email
    )


def password_reset_email_send(*, email: str) -> None:
    """The link to choose a new password, to the active account with this e-mail if there is
    one (and it has a password: not one of an external sign-in)."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    send_templated_email(
        "password_reset", {"user": user, "url": password_setup_url(user)}, user.email
    )


def notification_email_send(*, notification_id: int) -> bool:
    """The e-mail copy of one notification, sent at most once: True if sent now.

    The row is locked while sending, and marked sent in the same transaction: a retried or
    duplicated task finds it sent and does nothing (False), as for an inactive user or one
    without an address. A failed send is counted and its OSError raised again.
    """
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
                "notification",
                {"notification": notification, "user": user, "url": url},
                user.email,
                attachments=email_attachments(notification),
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
    raise error


def notifications_to_resend(*, now: datetime.datetime) -> list[int]:
    """The notifications whose e-mail is still unsent half an hour after their creation and
    whose task gave up (a whole chain of retries failed: mail server down for hours) or never
    ran (its message was lost), within NOTIFICATION_EMAIL_RESEND_DAYS.

    One still retrying is left to its chain, so that chains never pile up; a task merely late
    in the queue is harmless: whichever runs first sends, the other finds it sent.
    """
    return list(
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
