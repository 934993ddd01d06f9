"""The jury's vocabulary: colleges, session states, decisions, kinds of certificate."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class College(models.TextChoices):
    EMPLOYEURS = "employeurs", _("Collège employeurs")
    SALARIES = "salaries", _("Collège salariés")


class SessionState(models.TextChoices):
    PLANNED = "planned", _("Programmée")
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Clôturée")
    CANCELLED = "cancelled", _("Annulée")


class Decision(models.TextChoices):
    VALIDEE = "validee", _("Validée")
    NON_VALIDEE = "non_validee", _("Non validée")


class CertificateKind(models.TextChoices):
    CERTIFICAT = "certificat", _("Certificat de qualification professionnelle")
    ATTESTATION = "attestation", _("Attestation de validation partielle")


# The outcome recorded when the jury finds the démarche or the dossier non-conforming (the
# candidacy goes back to the evaluation); the other outcomes are candidacy states.
NON_CONFORME = "non_conforme"
