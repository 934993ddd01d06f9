from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Dataset(models.TextChoices):
    CANDIDATURES = "candidatures", _("Candidatures")
    TITULAIRES = "titulaires", _("Titulaires (certificats et attestations)")
    SESSIONS = "sessions", _("Sessions de jury et décisions")
    HABILITATIONS = "habilitations", _("Habilitations")
    REGISTRE = "registre", _("Déclaration au répertoire national")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", _("Excel (XLSX)")


class ExportRecord(models.Model):
    """Who exported which dataset, with which filters, and how many rows were written.

    Created when the download starts; `row_count` and `finished_at` are set when the
    streamed file has been written to its end (left empty if the client went away).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    started_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    dataset = models.CharField(_("données"), max_length=20, choices=Dataset.choices)
    fmt = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    filters = models.JSONField(_("filtres"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("lignes"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.get_dataset_display()} ({self.fmt})"
