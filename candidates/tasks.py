"""Thin Celery tasks for candidacies: ids in, load, send."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cqp import notifications
from cqp.tasks import password_setup_url, send_templated_email
from cqp.utils import add_months


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
        context["setup_url"] = password_setup_url(user)
    try:
        send_templated_email("candidacy_created", context, user.email)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(bind=True, acks_late=True, max_retries=5)
def notify_transition(self, log_id: int) -> None:
    """Tell the candidate, and whoever must act next, that a candidacy moved (cqp.notifications)."""
    from .models import TransitionLog

    entry = (
        TransitionLog.objects.select_related(
            "actor",
            "candidacy__candidate__user",
            "candidacy__certification",
            "candidacy__organisation",
            "candidacy__professionnel",
            "candidacy__evaluateur",
        )
        .filter(pk=log_id)
        .first()
    )
    if entry is None:
        return
    candidacy = entry.candidacy
    name = candidacy.candidate.user.get_full_name()
    label = entry.transition_label
    comment = f"\n\n{_('Commentaire :')} {entry.comment}" if entry.comment else ""

    def title(role):
        if role == notifications.CANDIDAT:
            return _("Votre candidature : %(label)s") % {"label": label}
        return _("%(name)s : %(label)s") % {"name": name, "label": label}

    def body(role):
        if role == notifications.CANDIDAT:
            text = _("Votre candidature au %(title)s a changé d'étape : %(label)s.")
        else:
            text = _("La candidature de %(name)s (%(organisation)s) au %(title)s : %(label)s.")
        values = {
            "name": name,
            "organisation": _organisation_name(candidacy),
            "title": candidacy.certification.title,
            "label": label,
        }
        return text % values + comment

    # Keyed by the log entry: a retried task neither adds a notice nor sends an e-mail twice.
    notifications.notify(
        entry.transition,
        candidacy,
        key=f"transition:{entry.pk}",
        title=title,
        body=body,
        url=reverse("candidacy_detail", args=[candidacy.pk]),
        actor=entry.actor,
    )


@shared_task(acks_late=True)
def remind_waiting_candidacies() -> int:
    """Remind whoever a candidacy waits on when it has not moved for REMINDER_WAITING_DAYS,
    once per waiting period (a new step starts a new period)."""
    from .selectors import WAITING_ON, candidacies_waiting

    now = timezone.now()
    count = 0
    for candidacy in candidacies_waiting(days=settings.REMINDER_WAITING_DAYS, now=now):
        since = candidacy.waiting_since
        values = {
            "name": candidacy.candidate.user.get_full_name(),
            "organisation": _organisation_name(candidacy),
            "state": candidacy.get_state_display(),
            "days": (now - since).days,
            "since": timezone.localtime(since).strftime("%d/%m/%Y"),
        }

        def title(role, values=values):
            if role == notifications.CANDIDAT:
                return _("Votre candidature attend votre action depuis %(days)s jours") % values
            return _("Candidature de %(name)s en attente depuis %(days)s jours") % values

        def body(role, values=values):
            if role == notifications.CANDIDAT:
                text = _(
                    "Votre candidature est à l'étape « %(state)s » depuis le %(since)s et "
                    "attend une action de votre part."
                )
            else:
                text = _(
                    "La candidature de %(name)s (%(organisation)s) est à l'étape « %(state)s » "
                    "depuis le %(since)s, soit %(days)s jours."
                )
            return text % values

        notifications.notify(
            "reminder_waiting",
            candidacy,
            key=f"reminder:waiting:{candidacy.pk}:{int(since.timestamp())}",
            title=title,
            body=body,
            url=reverse("candidacy_detail", args=[candidacy.pk]),
            roles=WAITING_ON[candidacy.state],
        )
        count += 1
    return count


@shared_task(acks_late=True)
def remind_expiring_validations() -> int:
    """Tell candidates of validated competences ending within REMINDER_VALIDATION_MONTHS,
    once per validation; mark the expired ones and tell their candidates, once."""
    from .models import Candidacy, CompetenceValidation, State

    today = timezone.localdate()
    horizon = add_months(today, settings.REMINDER_VALIDATION_MONTHS)
    count = 0
    # Once the CQP is delivered, the validations behind it need no watching.
    certified = Candidacy.objects.filter(
        candidate=OuterRef("candidate"),
        certification=OuterRef("competence__certification"),
        state=State.CERTIFIE,
    )
    validations = CompetenceValidation.objects.exclude(Exists(certified)).select_related(
        "candidate__user", "competence__certification"
    )
    for validation in validations.filter(
        valid_until__gte=today, valid_until__lte=horizon, expired_on__isnull=True
    ):
        values = _validation_values(validation)
        notifications.notify(
            "validation_expiring",
            validation,
            key=f"reminder:validation:{validation.pk}:{validation.valid_until:%Y%m%d}",
            title=lambda role, v=values: (
                _("Compétence %(code)s : validation valable jusqu'au %(day)s") % v
            ),
            body=lambda role, v=values: (
                _(
                    "La validation de la compétence « %(title)s » (%(code)s) prend fin le "
                    "%(day)s. Pour obtenir le %(certification)s, les compétences restant à "
                    "valider doivent l'être avant cette date."
                )
                % v
            ),
        )
        count += 1
    for validation in validations.filter(valid_until__lt=today, expired_on__isnull=True):
        with transaction.atomic():
            marked = CompetenceValidation.objects.filter(
                pk=validation.pk, expired_on__isnull=True
            ).update(expired_on=today)
            if not marked:  # another run marked it first
                continue
            values = _validation_values(validation)
            notifications.notify(
                "validation_expired",
                validation,
                key=f"reminder:validation-expired:{validation.pk}",
                title=lambda role, v=values: _("Compétence %(code)s : validation expirée") % v,
                body=lambda role, v=values: (
                    _(
                        "La validation de la compétence « %(title)s » (%(code)s) a pris fin le "
                        "%(day)s : elle devra être évaluée à nouveau."
                    )
                    % v
                ),
            )
        count += 1
    return count


def _organisation_name(candidacy) -> str:
    return candidacy.organisation.name if candidacy.organisation else _("sans organisation")


def _validation_values(validation) -> dict:
    return {
        "code": validation.competence.code,
        "title": validation.competence.title,
        "day": validation.valid_until.strftime("%d/%m/%Y"),
        "certification": validation.competence.certification.title,
    }
