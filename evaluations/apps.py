from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluations"
    verbose_name = _("Évaluations")

    def ready(self):
        # Dashboard panels, workflow hooks and the dossier's official PDF.
        from . import dashboard_panels, documents, receivers  # noqa: F401
