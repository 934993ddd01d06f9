"""Builders of candidacies, shared by every test package: a candidacy in any state, its
evaluators assigned, its livret, partie 2 and partie 3 filled, validations recorded, and a
candidacy ready for each transition of DESIGN.md (`ready_for`).

States are set at creation only (factories); everything after goes through the services.
"""

import datetime

import pytest
from django.utils import timezone

from candidates import services, services_identity, services_recevabilite
from candidates.experience import required_days
from candidates.models import Candidacy, Candidate, CompetenceValidation, ReperageEntry
from cqp.exceptions import GuardFailed
from cqp.models import Competence, HabilitationKind, User
from evaluations import services as evaluation_services
from tests.factories import (
    CandidacyFactory,
    CandidateFactory,
    CompetenceValidationFactory,
    HabilitationFactory,
    ParcoursActionFactory,
    ReperageEntryFactory,
    UserFactory,
    VaeActivityFactory,
    VaeCandidacyFactory,
    VaeExperienceFactory,
    VaeProofFactory,
)
from tests.helpers import add_years

from .design import SOURCES, VAE_STATES

DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def competence(number: int) -> Competence:
    return Competence.objects.get(certification__code="CQP-AF", number=number)


def candidate_of(user) -> Candidate:
    return CandidateFactory(user=user)


def parcours_candidacy(user, organisation, **fields) -> Candidacy:
    return CandidacyFactory(candidate=candidate_of(user), organisation=organisation, **fields)


def vae_candidacy(user, organisation, **fields) -> Candidacy:
    return VaeCandidacyFactory(candidate=candidate_of(user), organisation=organisation, **fields)


def candidacy_in(state, user, organisation, **fields) -> Candidacy:
    vae = state in VAE_STATES or fields.pop("pathway", "parcours") == "vae"
    return (vae_candidacy if vae else parcours_candidacy)(user, organisation, state=state, **fields)


def assign(candidacy, *, by, professionnel=None, evaluateur=None) -> Candidacy:
    services.candidacy_assign(
        candidacy=candidacy, by=by, professionnel=professionnel, evaluateur=evaluateur
    )
    candidacy.refresh_from_db()
    return candidacy


def habilitated(kind, *, by, email=None, **dates) -> User:
    user = UserFactory(**({"email": email} if email else {}))
    HabilitationFactory(user=user, kind=kind, granted_by=by, **dates)
    return user


def fill_livret(candidacy, *, to_develop=(), unassessed=()) -> None:
    """One entry per element: `a_developper` in the competences numbered `to_develop`,
    `acquis` elsewhere; elements whose code is in `unassessed` get no entry."""
    # Built by the factory, stored in one query: most tests of the workflow fill a livret.
    ReperageEntry.objects.bulk_create(
        ReperageEntryFactory.build(
            candidacy=candidacy,
            element=element,
            status="a_developper" if element.competence.number in to_develop else "acquis",
        )
        for comp in candidacy.certification.competences.prefetch_related("elements")
        for element in comp.elements.all()
        if f"C{comp.number}.{element.number}" not in unassessed
    )


def plan_codes(candidacy, cycle=None) -> set[str]:
    return {
        a.competence.code
        for a in candidacy.parcours_actions.filter(cycle=cycle or candidacy.cycle).select_related(
            "competence"
        )
    }


def vae_ready(candidacy, *, days=None, relevant=True) -> None:
    """Partie 2 complete, with one experience of `days` days (both ends included) ending
    yesterday (by default exactly the 3 calendar years required for a request today), the
    identity document and an employer's certificate for that period."""
    days = days or required_days(3, on=today())
    request = candidacy.vae_request
    request.current_situation = "Salariée"
    request.current_job_title = "Assistante administrative"
    request.education = "BTS assistant de gestion"
    request.motivation = "Faire reconnaître mon expérience."
    request.save()
    end = today() - DAY
    period = VaeExperienceFactory(
        request=request,
        employer="Formapro",
        job_title="Assistante de formation",
        start_date=end - datetime.timedelta(days=days - 1),
        end_date=end,
        is_relevant=relevant,
    )
    VaeProofFactory(request=request, original_name="carte-identite.pdf")
    VaeProofFactory(
        request=request,
        experience=period,
        kind="attestation_employeur",
        original_name="attestation-formapro.pdf",
    )


def add_activities(candidacy, numbers=range(1, 7)) -> None:
    for n in numbers:
        VaeActivityFactory(candidacy=candidacy, competence=competence(n), title=f"Activité C{n}")


def validate(candidate, number, *, validated_on, valid_until=None) -> CompetenceValidation:
    """A competence validated by the jury, for 5 years unless `valid_until` says otherwise."""
    return CompetenceValidationFactory(
        candidate=candidate,
        competence=competence(number),
        validated_on=validated_on,
        valid_until=valid_until or add_years(validated_on, 5),
    )


def ready_for(name, people) -> Candidacy:
    """A candidacy of people["candidat"] in own_org, in the source state of `name`, its
    professionnel and évaluateur assigned, every guard of `name` satisfied."""
    source = "evaluation" if name == "withdraw" else next(iter(SOURCES[name]))
    reasons = {
        "start_evaluation": {"practice_confirmed_on": today()},
        "declare_non_recevable": {"recevabilite_reason": "Expérience hors du champ du CQP."},
        "request_completion": {"recevabilite_reason": "Attestation de l'employeur manquante."},
        "return_to_evaluation": {"outcome_reason": "Fiche de décision incomplète."},
        "withdraw": {"closing_reason": "Changement de poste."},
    }
    candidacy = candidacy_in(source, people["candidat"], people["own_org"], **reasons.get(name, {}))
    assign(
        candidacy,
        by=people["secretariat"],
        professionnel=people["professionnel"],
        evaluateur=people["evaluateur"],
    )
    if name == "complete_reperage":
        fill_livret(candidacy, to_develop={2})
        ParcoursActionFactory(candidacy=candidacy, competence=competence(2))
    elif name == "transmit_to_jury":
        fill_livret(candidacy)
    elif name == "submit_recevabilite":
        vae_ready(candidacy)
        # As ticked on the confirmation page (the preparation stamps it again).
        candidacy.vae_request.sworn_at = timezone.now()
        candidacy.vae_request.save(update_fields=["sworn_at"])
    elif name == "submit_activities":
        add_activities(candidacy)
    elif name == "request_completion":
        # What the preparation attaches from the items ticked (see transitions.py).
        candidacy.completion_items = [{"code": "field:education", "label": "Formation"}]
    return candidacy


def everyone(actors, own_org, secretariat) -> dict:
    """The conftest actors, plus habilitated people assigned to nothing."""
    return {
        **actors,
        "own_org": own_org,
        "professionnel_non_affecte": habilitated(
            HabilitationKind.PROFESSIONNEL, by=secretariat, email="pro.libre@exemple.fr"
        ),
        "evaluateur_non_affecte": habilitated(
            HabilitationKind.EVALUATEUR, by=secretariat, email="eval.libre@exemple.fr"
        ),
    }


def refused(candidacy, call, error=GuardFailed):
    """Run `call`, expect `error`, and check that nothing changed on the candidacy."""
    candidacy.refresh_from_db()
    state, cycle, logs = candidacy.state, candidacy.cycle, candidacy.logs.count()
    with pytest.raises(error) as excinfo:
        call()
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == (state, cycle)
    assert candidacy.logs.count() == logs
    return excinfo.value


# Taking each transition through its service -------------------------------------------------

REASON = "Pièce manquante au dossier."
WITH_REASON = {"declare_non_recevable", "request_completion", "return_to_evaluation", "withdraw"}

# The transitions into `evaluation` are taken through the evaluations app (it opens the dossier).
ENTRY_POINTS = {
    "start_evaluation": evaluation_services.evaluation_start,
    "submit_activities": evaluation_services.vae_activities_submit,
    "return_to_evaluation": evaluation_services.evaluation_reopen,
}


# The secretariat's decisions on a VAE request are taken through the service that records
# each one (candidates.services_recevabilite).
RECEVABILITE_OUTCOMES = {
    "declare_recevable": "favorable",
    "declare_non_recevable": "defavorable",
    "request_completion": "incomplet",
}
DECISION_REASONS = {"favorable": "Dossier complet.", "defavorable": REASON, "incomplet": REASON}


def decide(candidacy, by, outcome, *, reason=None, items=None, expected_state=None):
    """A recevabilité decision through its service (incomplet: the education field flagged)."""
    return services_recevabilite.recevabilite_decide(
        candidacy=candidacy,
        by=by,
        outcome=outcome,
        reason=DECISION_REASONS[outcome] if reason is None else reason,
        items=(["field:education"] if outcome == "incomplet" else []) if items is None else items,
        expected_state=expected_state,
    )


def take(name, candidacy, by):
    """Take `name` through its entry point, with the arguments it needs: the evaluations
    app's services for the transitions into `evaluation`, the named services of those that
    take more than a comment, else run_transition."""
    if name in ENTRY_POINTS:
        extra = {"reason": REASON} if name in WITH_REASON else {}
        return ENTRY_POINTS[name](candidacy=candidacy, by=by, **extra)
    if name == "resume_parcours":
        return services.candidacy_resume_parcours(
            candidacy=candidacy, by=by, competence_ids=[competence(2).pk]
        )
    if name == "record_decision":
        return services.candidacy_record_decision(candidacy=candidacy, by=by, outcome="partiel")
    if name in RECEVABILITE_OUTCOMES:
        decide(candidacy, by, RECEVABILITE_OUTCOMES[name])
        candidacy.refresh_from_db()
        return candidacy
    comment = {"declare_recevable": "Dossier complet."}.get(
        name, REASON if name in WITH_REASON else ""
    )
    extra = {"sworn": True} if name == "submit_recevabilite" else {}
    return services.run_transition(candidacy=candidacy, by=by, name=name, comment=comment, **extra)


def identity_of(user, **overrides) -> dict:
    """A plausible civil identity for `user` (their names), as the form posts it."""
    return {
        "civility": "",
        "birth_name": user.last_name or "Martin",
        "used_name": "",
        "first_names": user.first_name or "Camille",
        "birth_date": datetime.date(1990, 5, 17),
        "birth_place": "Nantes",
        "birth_country": "France",
        **overrides,
    }


def identity_checked(candidate: Candidate, *, by=None) -> Candidate:
    """The candidate's civil identity declared and checked, which placing their dossier on a
    jury session requires. With the secretariat `by`, through the services (declared by the
    candidate, checked by `by`); without, written directly, for the tests that are about
    something else (no checker is recorded)."""
    if by is not None:
        candidate = services_identity.identity_declare(
            candidate=candidate, by=candidate.user, **identity_of(candidate.user)
        )
        return services_identity.identity_check(candidate=candidate, by=by)
    now = timezone.now()
    Candidate.objects.filter(pk=candidate.pk).update(
        **identity_of(candidate.user), identity_declared_at=now, identity_checked_at=now
    )
    candidate.refresh_from_db()
    return candidate
