from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "candidates"
    verbose_name = _("Candidatures")

    def ready(self):
        # Register the dashboard panels, the demo data, the official documents and the
        # notification recipients and messages (reminders: rendered again when shown).
        from . import dashboard_panels, demo, documents, notifications, reminders  # noqa: F401
