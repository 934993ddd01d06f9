"""Builders for evaluation dossiers, shared by the modules of this package.

Every builder drives the real services: a candidacy enters `evaluation` through its
transition (which opens the dossier), opinions are given and signed through
evaluations.services with the evaluators' password.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from candidates import services as candidacy_services
from candidates.models import Candidacy, ParcoursAction
from cqp.models import HabilitationKind
from evaluations import services
from evaluations.models import (
    CandidateAccount,
    CompetenceAssessment,
    EvaluationDossier,
    Evidence,
    Observation,
)
from tests.candidates.builders import (
    add_activities,
    assign,
    candidacy_in,
    candidate_of,
    competence,
    fill_livret,
    habilitated,
    today,
    vae_ready,
)
from tests.factories import PASSWORD, TINY_PDF, CandidacyFactory

ACQUISE = "acquise"
NON_ACQUISE = "non_acquise"
# The codes of the CQP's competences, in order.
ALL_CODES = ["C1", "C2", "C3", "C4", "C5", "C6"]


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


def through_reperage_to_evaluation(
    candidate_user, organisation, *, secretariat, professionnel, evaluateur, before=None
):
    """A parcours candidacy driven from `reperage` to `evaluation` by its services (C2 to
    develop in the livret); `before(candidacy)` runs first, once the evaluators are assigned."""
    candidacy = CandidacyFactory(candidate=candidate_of(candidate_user), organisation=organisation)
    assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)
    if before is not None:
        before(candidacy)
    fill_livret(candidacy, to_develop={2})
    candidacy_services.run_transition(
        name="complete_reperage", candidacy=candidacy, by=professionnel
    )
    candidacy_services.practice_confirm(
        candidacy=candidacy, by=professionnel, note="Inscriptions et convocations d'une session."
    )
    services.evaluation_start(candidacy=candidacy, by=professionnel)
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"
    return candidacy


def assessment_of(candidacy, number) -> CompetenceAssessment:
    return CompetenceAssessment.objects.select_related("competence").get(
        dossier=dossier_of(candidacy), competence__number=number
    )


def give(candidacy, by, opinion=ACQUISE, *, numbers=None, comment=""):
    """`by` gives `opinion` on every competence of the dossier (or those numbered `numbers`)."""
    for a in dossier_of(candidacy).assessments.select_related("competence"):
        if numbers is None or a.competence.number in numbers:
            services.opinion_give(assessment=a, by=by, opinion=opinion, comment=comment)


def sign_all(candidacy, by, *, numbers=None):
    """`by` signs every joint result of the dossier (or those numbered `numbers`)."""
    for a in dossier_of(candidacy).assessments.select_related("competence"):
        if numbers is None or a.competence.number in numbers:
            services.assessment_sign(assessment=a, by=by, password=PASSWORD)


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


def pdf(name="attestation.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, "application/pdf")


def observe(dossier, by, **fields) -> Observation:
    """An observation by `by` through the service (a situation observed today by default)."""
    values = {
        "kind": "observee",
        "date": today(),
        "context": "Préparation d'une session",
        "observed": "Convocations envoyées",
        **fields,
    }
    return services.observation_add(dossier=dossier, by=by, **values)


# People who have nothing to do with a dossier ----------------------------------------------

STRANGERS = ["other_evaluateur", "candidat", "secretariat", "other_professionnel"]


def stranger(name, request):
    """The actor `name` of the conftest, or an évaluateur or professionnel habilitated but
    assigned to nothing (`other_evaluateur`, `other_professionnel`)."""
    secretariat = request.getfixturevalue("secretariat")
    if name == "other_evaluateur":
        return habilitated(HabilitationKind.EVALUATEUR, by=secretariat, email="eval2@exemple.fr")
    if name == "other_professionnel":
        return habilitated(HabilitationKind.PROFESSIONNEL, by=secretariat, email="pro2@exemple.fr")
    return request.getfixturevalue(name)


# Reading a dossier back, to prove that a refused write changed nothing ----------------------


def snapshot(dossier) -> dict:
    """Everything a write could change on a dossier and its candidacy."""
    dossier = EvaluationDossier.objects.select_related("candidacy").get(pk=dossier.pk)
    candidacy = dossier.candidacy
    return {
        "dossier": (
            dossier.transmitted_at,
            dossier.transmitted_by_id,
            dossier.closed_at,
            scope_codes(dossier),
        ),
        "accounts": list(CandidateAccount.objects.filter(dossier=dossier).values()),
        "evidence": list(Evidence.objects.filter(dossier=dossier).values()),
        "observations": list(Observation.objects.filter(dossier=dossier).values()),
        "assessments": list(CompetenceAssessment.objects.filter(dossier=dossier).values()),
        "candidacy": (candidacy.state, candidacy.cycle, candidacy.logs.count()),
        "plan": list(ParcoursAction.objects.filter(candidacy=candidacy).values()),
        "dossiers": EvaluationDossier.objects.filter(candidacy=candidacy).count(),
    }


def error_fields(excinfo) -> set[str]:
    error = excinfo.value
    return set(error.message_dict) if hasattr(error, "error_dict") else set()


def signatures(a) -> tuple:
    a.refresh_from_db()
    return (
        a.professionnel_signed_by_id,
        a.professionnel_signed_name,
        a.professionnel_signed_at,
        a.evaluateur_signed_by_id,
        a.evaluateur_signed_name,
        a.evaluateur_signed_at,
    )


UNSIGNED = (None, "", None, None, "", None)
