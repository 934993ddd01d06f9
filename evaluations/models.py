import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidacy
from cqp.models import Competence, StoredUpload

from .enums import Opinion, SituationKind

ACCOUNT_MAX_LENGTH = 5000


class EvaluationDossier(models.Model):
    """The dossier de suivi et d'évaluation of one evaluation cycle of a candidacy.

    Its scope (the competences still to validate) is set when it opens; reopening it adds
    the competences whose validation lapsed meanwhile (evaluations.scope). Once
    transmitted to the jury, or closed by a return to the parcours, it is read-only.
    """

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="dossiers")
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    competences = models.ManyToManyField(
        Competence, related_name="+", verbose_name=_("compétences évaluées")
    )
    opened_at = models.DateTimeField(_("ouvert le"), auto_now_add=True)
    transmitted_at = models.DateTimeField(_("transmis au jury le"), null=True, blank=True)
    transmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier de suivi et d'évaluation")
        verbose_name_plural = _("dossiers de suivi et d'évaluation")
        ordering = ["candidacy", "cycle"]
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "cycle"], name="one_dossier_per_cycle")
        ]

    def __str__(self):
        return _("Dossier d'évaluation de %(candidate)s (cycle %(cycle)d)") % {
            "candidate": self.candidacy.candidate,
            "cycle": self.cycle,
        }

    @property
    def is_locked(self):
        return self.transmitted_at is not None or self.closed_at is not None


class CandidateAccount(models.Model):
    """The candidate's own account of the activities and situations that show a competence."""

    dossier = models.ForeignKey(
        EvaluationDossier, on_delete=models.CASCADE, related_name="accounts"
    )
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(
        _("activités et situations professionnelles"), max_length=ACCOUNT_MAX_LENGTH
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("récit du candidat")
        verbose_name_plural = _("récits du candidat")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "competence"], name="one_account_per_competence"
            )
        ]

    def __str__(self):
        return f"{self.competence.code} — {self.dossier}"


def evidence_path(instance, filename):
    # Never the uploaded name: a random one, with the extension of the detected type.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{instance.dossier.candidacy_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(StoredUpload):
    """A file the candidate joins to a competence (stored outside the static tree)."""

    dossier = models.ForeignKey(
        EvaluationDossier, on_delete=models.CASCADE, related_name="evidence"
    )
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("fichier"), upload_to=evidence_path, max_length=200)

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["competence__number", "uploaded_at"]

    def __str__(self):
        return self.original_name


class Observation(models.Model):
    """A professional situation observed or analysed by one of the evaluators."""

    dossier = models.ForeignKey(
        EvaluationDossier, on_delete=models.CASCADE, related_name="observations"
    )
    kind = models.CharField(
        _("type"), max_length=10, choices=SituationKind.choices, default=SituationKind.OBSERVEE
    )
    competence = models.ForeignKey(
        Competence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compétence"),
    )
    date = models.DateField(_("date"))
    context = models.CharField(_("contexte"), max_length=300)
    observed = models.TextField(_("ce qui a été observé ou analysé"), max_length=5000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.date} — {self.context}"


class CompetenceAssessment(models.Model):
    """The two evaluators' independent opinions on one competence, then their joint, co-signed result."""

    dossier = models.ForeignKey(
        EvaluationDossier, on_delete=models.CASCADE, related_name="assessments"
    )
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    professionnel_opinion = models.CharField(
        _("avis du professionnel"), max_length=12, choices=Opinion.choices, blank=True
    )
    professionnel_comment = models.TextField(
        _("commentaire du professionnel"), blank=True, max_length=3000
    )
    professionnel_opinion_at = models.DateTimeField(null=True, blank=True)
    evaluateur_opinion = models.CharField(
        _("avis de l'évaluateur"), max_length=12, choices=Opinion.choices, blank=True
    )
    evaluateur_comment = models.TextField(
        _("commentaire de l'évaluateur"), blank=True, max_length=3000
    )
    evaluateur_opinion_at = models.DateTimeField(null=True, blank=True)
    final_result = models.CharField(
        _("résultat commun"), max_length=12, choices=Opinion.choices, blank=True
    )
    final_comment = models.TextField(
        _("motivation du résultat commun"), blank=True, max_length=3000
    )
    professionnel_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    professionnel_signed_name = models.CharField(max_length=300, blank=True)
    professionnel_signed_at = models.DateTimeField(null=True, blank=True)
    evaluateur_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluateur_signed_name = models.CharField(max_length=300, blank=True)
    evaluateur_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("évaluation d'une compétence")
        verbose_name_plural = _("évaluations des compétences")
        ordering = ["competence__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "competence"], name="one_assessment_per_competence"
            )
        ]

    def __str__(self):
        return f"{self.competence.code} — {self.get_final_result_display() or '…'}"

    @property
    def both_opinions_given(self):
        return bool(self.professionnel_opinion and self.evaluateur_opinion)

    @property
    def disagreement(self):
        return self.both_opinions_given and self.professionnel_opinion != self.evaluateur_opinion

    @property
    def fully_signed(self):
        return bool(
            self.final_result and self.professionnel_signed_at and self.evaluateur_signed_at
        )
