"""Builders for evaluation dossiers, shared by the modules of this package.

Every builder drives the real services: a candidacy enters `evaluation` through its
transition (which opens the dossier), opinions are given and signed through
evaluations.services with the evaluators' password.
"""

from candidates import services as candidacy_services
from candidates.models import Candidacy
from evaluations import services
from evaluations.models import CompetenceAssessment, EvaluationDossier
from tests.candidates.builders import (
    add_activities,
    assign,
    candidacy_in,
    competence,
    fill_livret,
    today,
    vae_ready,
)
from tests.factories import PASSWORD

ACQUISE = "acquise"
NON_ACQUISE = "non_acquise"


def parcours_in_evaluation(
    candidat, organisation, *, secretariat, professionnel, evaluateur, livret=True, before=None
) -> Candidacy:
    """A parcours candidacy taken into `evaluation` by `start_evaluation` (cycle 1).

    `livret`: fill the whole livret de repérage; `before(candidacy)` runs in `parcours`,
    just before the transition (to record validations, for instance).
    """
    candidacy = candidacy_in("parcours", candidat, organisation, practice_confirmed_on=today())
    assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)
    if livret:
        fill_livret(candidacy)
    if before is not None:
        before(candidacy)
    services.evaluation_start(candidacy=candidacy, by=professionnel)
    return candidacy


def vae_in_evaluation(
    candidat, organisation, *, secretariat, professionnel, evaluateur, activities=range(1, 7)
) -> Candidacy:
    """A VAE candidacy taken into `evaluation` by the candidate's `submit_activities`."""
    candidacy = candidacy_in("recevable", candidat, organisation, pathway="vae")
    assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)
    vae_ready(candidacy)
    add_activities(candidacy, numbers=activities)
    services.vae_activities_submit(candidacy=candidacy, by=candidat)
    return candidacy


def restart_evaluation(candidacy, *, professionnel) -> Candidacy:
    """From `parcours` (a later cycle): confirm the practice and start the evaluation again."""
    candidacy.refresh_from_db()
    candidacy_services.practice_confirm(
        candidacy=candidacy, by=professionnel, note="Nouvelles missions confiées."
    )
    services.evaluation_start(candidacy=candidacy, by=professionnel)
    return candidacy


def dossier_of(candidacy, cycle=None) -> EvaluationDossier:
    candidacy.refresh_from_db()
    return EvaluationDossier.objects.get(candidacy=candidacy, cycle=cycle or candidacy.cycle)


def scope_codes(dossier) -> list[str]:
    return [c.code for c in dossier.competences.order_by("number")]


def assessment_codes(dossier) -> list[str]:
    return [a.competence.code for a in dossier.assessments.order_by("competence__number")]


def assessment(dossier, number) -> CompetenceAssessment:
    return CompetenceAssessment.objects.get(dossier=dossier, competence=competence(number))


def opinions(dossier, number, *, professionnel, evaluateur, pro=ACQUISE, eva=ACQUISE):
    """Both evaluators give their opinion on competence `number` (None: that one does not)."""
    a = assessment(dossier, number)
    if pro is not None:
        a = services.opinion_give(assessment=a, by=professionnel, opinion=pro, comment="Avis pro")
    if eva is not None:
        a = services.opinion_give(assessment=a, by=evaluateur, opinion=eva, comment="Avis éval")
    return a


def sign(dossier, number, *signers):
    a = assessment(dossier, number)
    for user in signers:
        a = services.assessment_sign(assessment=a, by=user, password=PASSWORD)
    return a


def settle(dossier, *, professionnel, evaluateur, non_acquises=()):
    """Every competence in scope assessed (`non_acquises` by both as « non acquise ») and co-signed."""
    for a in dossier.assessments.select_related("competence"):
        result = NON_ACQUISE if a.competence.number in non_acquises else ACQUISE
        opinions(
            dossier,
            a.competence.number,
            professionnel=professionnel,
            evaluateur=evaluateur,
            pro=result,
            eva=result,
        )
        sign(dossier, a.competence.number, professionnel, evaluateur)
    dossier.refresh_from_db()
    return dossier
