from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CqpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cqp"
    verbose_name = _("Plateforme CQP")

    def ready(self):
        from . import dashboard_panels  # noqa: F401  (registers the core's panels)
