from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CqpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cqp"
    verbose_name = _("Plateforme CQP")

    def ready(self):
        # Registers the core's panels, the receivers that keep the member counts, its demo
        # seeders (run before the apps': the issuer signs their documents), the session
        # clock's start at each login, the seal's system check, and the reminders'
        # notification messages (rendered again when a notice is shown).
        from . import (  # noqa: F401
            dashboard_panels,
            demo_issuer,
            demo_registry,
            member_counts,
            middleware,
            reminders,
            seal,
        )
