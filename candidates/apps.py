from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "candidates"
    verbose_name = _("Candidatures")

    def ready(self):
        from . import dashboard_panels, demo  # noqa: F401  (register panels and demo data)
