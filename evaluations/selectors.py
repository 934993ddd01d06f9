"""Reads on evaluation dossiers; access goes through the candidacy's scoping (404 outside)."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from candidates.models import Candidacy
from candidates.selectors import candidacy_get
from candidates.transitions import TRANSITIONS
from cqp.models import Competence, User
from cqp.permissions import in_read_memo, memoised

from .models import CandidateAccount, CompetenceAssessment, EvaluationDossier, Evidence, Observation


def dossier_get(*, user: User, candidacy_pk: int, cycle: int | None = None) -> EvaluationDossier:
    """The dossier of the candidacy's current cycle (or of `cycle`), if the user may see the
    candidacy; 404 otherwise, and while the candidacy has no dossier yet."""
    candidacy = candidacy_get(user=user, pk=candidacy_pk)
    dossiers = EvaluationDossier.objects.filter(candidacy=candidacy).select_related(
        "candidacy__candidate__user", "candidacy__certification", "candidacy__organisation"
    )
    if cycle is not None:
        return get_object_or_404(dossiers, cycle=cycle)
    dossier = dossiers.order_by("-cycle").first()
    if dossier is None:
        raise Http404
    return dossier


def current_dossier(candidacy: Candidacy) -> EvaluationDossier | None:
    """The dossier of the candidacy's latest cycle, or None; no scoping: for a page that has
    already established the user sees the candidacy (read once per page that only reads)."""
    return memoised(
        ("current_dossier", candidacy.pk),
        lambda: (
            EvaluationDossier.objects.filter(candidacy=candidacy)
            .select_related(
                "candidacy__candidate__user", "candidacy__certification", "candidacy__organisation"
            )
            .order_by("-cycle")
            .first()
        ),
    )


def dossier_competences(dossier: EvaluationDossier) -> list[Competence]:
    """The competences of the dossier, each with its assessment, account, evidence and observations."""
    competences = list(dossier.competences.order_by("number").prefetch_related("elements"))
    assessments = {
        a.competence_id: a
        for a in CompetenceAssessment.objects.filter(dossier=dossier).select_related(
            "professionnel_signed_by", "evaluateur_signed_by"
        )
    }
    accounts = {a.competence_id: a for a in CandidateAccount.objects.filter(dossier=dossier)}
    evidence = {}
    for item in Evidence.objects.filter(dossier=dossier).order_by("uploaded_at"):
        evidence.setdefault(item.competence_id, []).append(item)
    for competence in competences:
        competence.assessment = assessments.get(competence.pk)
        competence.account = accounts.get(competence.pk)
        competence.evidence_files = evidence.get(competence.pk, [])
    return competences


def observation_list(dossier: EvaluationDossier) -> QuerySet[Observation]:
    """The dossier's observed or analysed situations, in the order they happened."""
    return (
        Observation.objects.filter(dossier=dossier)
        .select_related("author", "competence")
        .order_by("date", "pk")
    )


def evidence_get(*, user: User, pk: int) -> Evidence:
    """An evidence file, only if the user may see its candidacy (404 otherwise)."""
    evidence = get_object_or_404(Evidence.objects.select_related("dossier"), pk=pk)
    candidacy_get(user=user, pk=evidence.dossier.candidacy_id)
    return evidence


def _assessments_of(candidacy_pk: int) -> list[CompetenceAssessment]:
    """Every assessment of the candidacy, by cycle then competence (read once per page that
    only reads: the fiche asks for the results and for what the dossier lacks)."""
    return memoised(
        ("assessments", candidacy_pk),
        lambda: list(
            CompetenceAssessment.objects.filter(dossier__candidacy_id=candidacy_pk)
            .select_related("competence", "dossier")
            .order_by("dossier__cycle", "competence__number", "pk")
        ),
    )


def assessment_signers(candidacy_pk: int) -> set[int]:
    """The ids of the users who signed one of the candidacy's assessments, of any cycle (read
    with its assessments: the fiche asks for them and for the results)."""
    signers = set()
    for assessment in _assessments_of(candidacy_pk):
        signers.update((assessment.professionnel_signed_by_id, assessment.evaluateur_signed_by_id))
    signers.discard(None)
    return signers


def latest_results(candidacy: Candidacy) -> dict[int, CompetenceAssessment]:
    """Per competence id, the latest fully signed assessment across the candidacy's cycles."""
    results = {}
    for assessment in _assessments_of(candidacy.pk):
        if assessment.fully_signed:
            results[assessment.competence_id] = assessment
    return results


def assessments_missing(dossier: EvaluationDossier) -> list[str]:
    """What the assessments still lack for the dossier to be transmitted, as French noun
    phrases (candidates.guards)."""
    missing = []
    if in_read_memo():
        assessments = [
            a for a in _assessments_of(dossier.candidacy_id) if a.dossier_id == dossier.pk
        ]
    else:
        assessments = dossier.assessments.select_related("competence").order_by(
            "competence__number"
        )
    for a in assessments:
        code = a.competence.code
        if not a.professionnel_opinion:
            missing.append(_("l'avis du professionnel du secteur sur %(code)s") % {"code": code})
        if not a.evaluateur_opinion:
            missing.append(_("l'avis de l'évaluateur externe sur %(code)s") % {"code": code})
        if a.disagreement and not a.final_comment:
            missing.append(
                _("le résultat commun motivé sur %(code)s, où les avis divergent") % {"code": code}
            )
        elif a.both_opinions_given and not a.final_result:
            missing.append(_("le résultat commun sur %(code)s") % {"code": code})
        if a.both_opinions_given and not a.professionnel_signed_at:
            missing.append(
                _("la signature du professionnel du secteur sur %(code)s") % {"code": code}
            )
        if a.both_opinions_given and not a.evaluateur_signed_at:
            missing.append(_("la signature de l'évaluateur externe sur %(code)s") % {"code": code})
    return missing


def dossier_missing(dossier: EvaluationDossier) -> list[str]:
    """Everything that keeps the dossier from being transmitted, in French: the assessments,
    then the guard of transmit_to_jury (livret, or VAE parties 2 and 3)."""
    return assessments_missing(dossier) + TRANSITIONS["transmit_to_jury"].missing(dossier.candidacy)
