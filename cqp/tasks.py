"""Thin Celery tasks: ids in, load, act."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def send_templated_email(template: str, context: dict, to: str) -> None:
    """Render emails/<template>_subject.txt, .txt and .html in the site's language and send them."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    send_mail(subject, text, None, [to], html_message=html)


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
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    try:
        send_templated_email(
            "account_setup", {"user": user, "url": settings.SITE_URL + path}, user.email
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
