"""Reminders of the core, run daily by celery beat through cqp.tasks."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import notifications, seal, selectors
from .models import HabilitationKind, Issuer

HABILITATION_EXPIRING = notifications.Message(
    key="habilitation_expiring",
    title=_("Habilitation de %(person)s (%(kind)s) : fin le %(day)s"),
    body=_("L'habilitation de %(kind)s de %(person)s prend fin le %(day)s."),
    own_title=_("Votre habilitation de %(kind)s expire le %(day)s"),
    own_body=_(
        "Votre habilitation de %(kind)s par la CPEF prend fin le %(day)s. Après cette "
        "date, vous ne pourrez plus évaluer de candidat sans renouvellement."
    ),
)


def habilitations_remind_expiring(*, day: datetime.date) -> notifications.Notified:
    """Tell the holder and the secretariat of each habilitation ending within
    REMINDER_HABILITATION_DAYS, once per habilitation and end date (a renewal starts a new one)."""
    notified = notifications.Notified()
    expiring = selectors.habilitations_expiring(
        within_days=settings.REMINDER_HABILITATION_DAYS, day=day
    )
    for habilitation in expiring:
        values = {
            "person": habilitation.user.get_full_name() or habilitation.user.email,
            "kind": HabilitationKind(habilitation.kind).label,
            "day": habilitation.valid_until,
        }
        notified.add(
            notifications.notify(
                "habilitation_expiring",
                habilitation,
                key=f"reminder:habilitation:{habilitation.pk}:{habilitation.valid_until:%Y%m%d}",
                message=HABILITATION_EXPIRING,
                values=values,
                # The holder has no access to the list: both see it on their dashboard.
                url=reverse("dashboard"),
            )
        )
    return notified


SEAL_EXPIRING = notifications.Message(
    key="seal_expiring",
    title=_("Le certificat du sceau des documents expire le %(day)s"),
    body=_(
        "Le certificat qui scelle les certificats, attestations, fiches de décision et "
        "procès-verbaux (%(subject)s) expire le %(day)s. Faites installer le certificat "
        "renouvelé avant cette date : après elle, la plateforme refusera de démarrer et "
        "aucun document officiel ne pourra plus être délivré."
    ),
)


def seal_remind_expiring(*, day: datetime.date) -> notifications.Notified:
    """Tell the secretariat once per seal certificate, REMINDER_SEAL_DAYS before it expires
    (or as soon as it is found closer to its end). A seal that cannot be loaded is the start-up
    checks' business: nothing is sent."""
    notified = notifications.Notified()
    try:
        current = seal.load()
    except seal.SealUnavailable:
        return notified
    ends_on = current.not_after.date()
    if ends_on - day > datetime.timedelta(days=settings.REMINDER_SEAL_DAYS):
        return notified
    notified.add(
        notifications.notify(
            "seal_expiring",
            Issuer.current(),
            key=f"reminder:seal:{current.certificate.sha256.hex()[:32]}",
            message=SEAL_EXPIRING,
            values={"day": ends_on, "subject": current.subject},
            url=reverse("dashboard"),
        )
    )
    return notified
