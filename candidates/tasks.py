"""Thin Celery tasks for candidacies: ids in, load, send."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from cqp.services import notification_create
from cqp.tasks import send_templated_email


@shared_task(bind=True, acks_late=True, max_retries=5)
def notify_candidacy_created(self, candidacy_id: int, created_account: bool) -> None:
    from .models import Candidacy

    candidacy = (
        Candidacy.objects.select_related("candidate__user", "organisation", "certification")
        .filter(pk=candidacy_id)
        .first()
    )
    if candidacy is None:
        return
    user = candidacy.candidate.user
    context = {
        "candidacy": candidacy,
        "user": user,
        "url": settings.SITE_URL + reverse("candidacy_detail", args=[candidacy.pk]),
    }
    if created_account:
        context["setup_url"] = settings.SITE_URL + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    try:
        send_templated_email("candidacy_created", context, user.email)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(bind=True, acks_late=True, max_retries=5)
def notify_transition(self, log_id: int) -> None:
    """Tell the candidate their candidacy moved to another step."""
    from .models import TransitionLog

    entry = (
        TransitionLog.objects.select_related(
            "candidacy__candidate__user", "candidacy__certification"
        )
        .filter(pk=log_id)
        .first()
    )
    if entry is None:
        return
    candidacy = entry.candidacy
    path = reverse("candidacy_detail", args=[candidacy.pk])
    # The in-app notice first: keyed by the log entry, a retry never adds a second one.
    notification_create(
        user=candidacy.candidate.user,
        key=f"transition:{entry.pk}",
        subject=_("Votre candidature : %(label)s") % {"label": entry.transition_label},
        url=path,
    )
    context = {"candidacy": candidacy, "entry": entry, "url": settings.SITE_URL + path}
    try:
        send_templated_email("candidacy_transition", context, candidacy.candidate.user.email)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
