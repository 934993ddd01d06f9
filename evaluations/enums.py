"""The evaluation's vocabulary: the evaluators' opinions and the kinds of situation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Opinion(models.TextChoices):
    ACQUISE = "acquise", _("Acquise")
    NON_ACQUISE = "non_acquise", _("Non acquise")


class SituationKind(models.TextChoices):
    OBSERVEE = "observee", _("Situation observée")
    ANALYSEE = "analysee", _("Situation analysée")
