"""Reminders of the candidacy workflow, run daily by celery beat through candidates.tasks."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cqp import notifications
from cqp.utils import add_months

from .enums import State
from .models import Candidacy, CompetenceValidation
from .notifications import candidacy_values
from .selectors import WAITING_ON, candidacies_waiting, due_soon_horizon

WAITING = notifications.Message(
    key="reminder_waiting",
    title=_("Candidature de %(name)s en attente depuis %(days)s jours"),
    body=_(
        "La candidature de %(name)s (%(organisation)s) est à l'étape « %(state)s » "
        "depuis le %(since)s, soit %(days)s jours."
    ),
    own_title=_("Votre candidature attend votre action depuis %(days)s jours"),
    own_body=_(
        "Votre candidature est à l'étape « %(state)s » depuis le %(since)s et "
        "attend une action de votre part."
    ),
)
VALIDATION_EXPIRING = notifications.Message(
    key="validation_expiring",
    title=_("Compétence %(code)s : validation valable jusqu'au %(day)s"),
    body=_(
        "La validation de la compétence « %(title)s » (%(code)s) prend fin le "
        "%(day)s. Pour obtenir le %(certification)s, les compétences restant à "
        "valider doivent l'être avant cette date."
    ),
)
VALIDATION_EXPIRED = notifications.Message(
    key="validation_expired",
    title=_("Compétence %(code)s : validation expirée"),
    body=_(
        "La validation de la compétence « %(title)s » (%(code)s) a pris fin le "
        "%(day)s : elle devra être évaluée à nouveau."
    ),
)
RECEVABILITE_DUE_SOON = notifications.Message(
    key="recevabilite_due_soon",
    title=_("Demande de VAE de %(name)s : décision attendue le %(day)s"),
    body=_(
        "La demande de VAE de %(name)s (%(organisation)s), envoyée le %(submitted)s, attend "
        "l'avis de recevabilité, attendu au plus tard le %(day)s."
    ),
)
RECEVABILITE_DUE = notifications.Message(
    key="recevabilite_due",
    title=_("Demande de VAE de %(name)s : échéance de la décision le %(day)s"),
    body=_(
        "La demande de VAE de %(name)s (%(organisation)s), envoyée le %(submitted)s, attend "
        "toujours l'avis de recevabilité, attendu au plus tard le %(day)s : l'échéance est "
        "atteinte."
    ),
)


def waiting_candidacies_remind(*, now: datetime.datetime) -> notifications.Notified:
    """Remind whoever a candidacy waits on when it has not moved for REMINDER_WAITING_DAYS,
    once per waiting period (a new step starts a new period)."""
    notified = notifications.Notified()
    for candidacy in candidacies_waiting(days=settings.REMINDER_WAITING_DAYS, now=now):
        since = candidacy.waiting_since
        values = {
            **candidacy_values(candidacy),
            "days": (now - since).days,
            "since": timezone.localtime(since).date(),
        }
        notified.add(
            notifications.notify(
                "reminder_waiting",
                candidacy,
                key=f"reminder:waiting:{candidacy.pk}:{int(since.timestamp())}",
                message=WAITING,
                values=values,
                url=reverse("candidacy_detail", args=[candidacy.pk]),
                roles=WAITING_ON[candidacy.state],
            )
        )
    return notified


def _validation_values(validation: CompetenceValidation) -> dict:
    return {
        "code": validation.competence.code,
        "title": validation.competence.title,
        "day": validation.valid_until,
        "certification": validation.competence.certification.title,
    }


def validations_remind(*, day: datetime.date) -> notifications.Notified:
    """Tell candidates of validated competences ending within REMINDER_VALIDATION_MONTHS,
    once per validation; mark the expired ones and tell their candidates, once."""
    notified = notifications.Notified()
    horizon = add_months(day, settings.REMINDER_VALIDATION_MONTHS)
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
        valid_until__gte=day, valid_until__lte=horizon, expired_on__isnull=True
    ):
        notified.add(
            notifications.notify(
                "validation_expiring",
                validation,
                key=f"reminder:validation:{validation.pk}:{validation.valid_until:%Y%m%d}",
                message=VALIDATION_EXPIRING,
                values=_validation_values(validation),
            )
        )
    for validation in validations.filter(valid_until__lt=day, expired_on__isnull=True):
        with transaction.atomic():
            marked = CompetenceValidation.objects.filter(
                pk=validation.pk, expired_on__isnull=True
            ).update(expired_on=day)
            if not marked:  # another run marked it first
                continue
            notified.add(
                notifications.notify(
                    "validation_expired",
                    validation,
                    key=f"reminder:validation-expired:{validation.pk}",
                    message=VALIDATION_EXPIRED,
                    values=_validation_values(validation),
                )
            )
    return notified


def recevabilite_deadlines_remind(*, day: datetime.date) -> notifications.Notified:
    """Remind the secretariat of the VAE requests awaiting a decision: once when the due
    date is VAE_DECISION_REMINDER_DAYS away or less, once when it is reached (or past, if
    the task did not run that day); each once per request and due date, so a resubmission,
    with its new due date, reminds again."""
    notified = notifications.Notified()
    waiting = Candidacy.objects.filter(
        state=State.RECEVABILITE, vae_request__decision_due_on__lte=due_soon_horizon(day)
    ).select_related("candidate__user", "organisation", "certification", "vae_request")
    for candidacy in waiting:
        request = candidacy.vae_request
        due_on = request.decision_due_on
        reached = due_on <= day
        notified.add(
            notifications.notify(
                "recevabilite_due" if reached else "recevabilite_due_soon",
                candidacy,
                key=f"reminder:recevabilite-{'due' if reached else 'soon'}:{request.pk}:{due_on:%Y%m%d}",
                message=RECEVABILITE_DUE if reached else RECEVABILITE_DUE_SOON,
                values={
                    **candidacy_values(candidacy),
                    "day": due_on,
                    "submitted": request.submitted_on,
                },
                url=reverse("recevabilite_review", args=[candidacy.pk]),
            )
        )
    return notified
