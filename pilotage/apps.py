from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotageConfig(AppConfig):
    """Steering the certification: statistics (/pilotage/) and exports (/exports/)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pilotage"
    verbose_name = _("pilotage")

    def ready(self):
        # Dashboard panels, and the demo's history.
        from . import dashboard_panels, demo  # noqa: F401
