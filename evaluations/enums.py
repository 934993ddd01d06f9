"""The evaluation's vocabulary: the evaluators' opinions, the kinds of situation, and the two
evaluators whose opinions, joint result and signatures make an assessment."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.enums import Capacity


class Opinion(models.TextChoices):
    ACQUISE = "acquise", _("Acquise")
    NON_ACQUISE = "non_acquise", _("Non acquise")


class SituationKind(models.TextChoices):
    OBSERVEE = "observee", _("Situation observée")
    ANALYSEE = "analysee", _("Situation analysée")


# Each names its part of a CompetenceAssessment: `<role>_opinion`, `<role>_signed_at`...
EVALUATORS = (Capacity.PROFESSIONNEL, Capacity.EVALUATEUR)
