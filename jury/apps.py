from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jury"
    verbose_name = _("Jury paritaire")

    def ready(self):
        # Panels, demo data, visibility rule, document kinds, notification recipients, the
        # signing key's start-up check.
        from . import (  # noqa: F401
            checks,
            dashboard_panels,
            demo,
            documents,
            notifications,
            selectors,
        )
