from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluations"
    verbose_name = _("Évaluations")

    def ready(self):
        # Imported once the models are loaded: these modules register the dashboard panels,
        # the dossier's official PDF and the entry points of the transitions into
        # `evaluation` (services).
        from . import dashboard_panels, documents, services  # noqa: F401
