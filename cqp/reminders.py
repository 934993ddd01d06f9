"""Reminders of the core, run daily by celery beat through cqp.tasks."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import notifications, selectors

HABILITATION_EXPIRING = notifications.Message(
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
            "kind": habilitation.get_kind_display(),
            "day": habilitation.valid_until.strftime("%d/%m/%Y"),
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
