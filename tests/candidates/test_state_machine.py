"""The candidacy state machine against DESIGN.md's table: sources, targets, who, guards.

The expected tables below are written from DESIGN.md, never derived from the code, so a
transition that drifts from the contract fails here. The builders at the top are shared by
the other modules of this package (a candidacy ready for each transition).
"""

import copy
import datetime

import django_fsm
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from candidates import guards, services
from candidates.models import (
    Candidacy,
    Candidate,
    CompetenceValidation,
    ParcoursAction,
    ReperageEntry,
    TransitionLog,
    VaeActivity,
    VaeExperience,
)
from candidates.transitions import TRANSITIONS as TABLE
from cqp.models import Certification, Competence, HabilitationKind, User
from cqp.referentiel import DEFAULT_REFERENTIEL, load_referentiel, read_referentiel
from cqp.services import habilitation_revoke
from evaluations import services as evaluation_services
from tests.factories import CandidacyFactory, HabilitationFactory, UserFactory, VaeCandidacyFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)

# DESIGN.md, "The candidacy state machine" -------------------------------------------------

STATES = [
    "reperage",
    "parcours",
    "demande",
    "recevabilite",
    "recevable",
    "non_recevable",
    "evaluation",
    "jury",
    "certifie",
    "partiel",
    "non_certifie",
    "abandonne",
]
FINAL = {"certifie", "non_certifie", "non_recevable", "abandonne"}
TRANSITIONS = [
    "complete_reperage",
    "start_evaluation",
    "submit_recevabilite",
    "declare_recevable",
    "declare_non_recevable",
    "submit_activities",
    "resume_parcours",
    "transmit_to_jury",
    "return_to_evaluation",
    "record_decision",
    "continue_after_partial",
    "withdraw",
]
SOURCES = {
    "complete_reperage": {"reperage"},
    "start_evaluation": {"parcours"},
    "submit_recevabilite": {"demande"},
    "declare_recevable": {"recevabilite"},
    "declare_non_recevable": {"recevabilite"},
    "submit_activities": {"recevable"},
    "resume_parcours": {"evaluation"},
    "transmit_to_jury": {"evaluation"},
    "return_to_evaluation": {"jury"},
    "record_decision": {"jury"},
    "continue_after_partial": {"partiel"},
    "withdraw": {
        "reperage",
        "parcours",
        "demande",
        "recevabilite",
        "recevable",
        "evaluation",
        "jury",
        "partiel",
    },
}
TARGETS = {
    "complete_reperage": "parcours",
    "start_evaluation": "evaluation",
    "submit_recevabilite": "recevabilite",
    "declare_recevable": "recevable",
    "declare_non_recevable": "non_recevable",
    "submit_activities": "evaluation",
    "resume_parcours": "parcours",
    "transmit_to_jury": "jury",
    "return_to_evaluation": "evaluation",
    "continue_after_partial": "parcours",
    "withdraw": "abandonne",
}
DECISIONS = {"certifie", "partiel", "non_certifie"}
# The "who" column, as the candidates app implements it (the jury app later narrows
# record_decision and return_to_evaluation to the president of a session).
WHO = {
    "complete_reperage": {"professionnel"},
    "start_evaluation": {"professionnel"},
    "submit_recevabilite": {"candidat"},
    "declare_recevable": {"secretariat"},
    "declare_non_recevable": {"secretariat"},
    "submit_activities": {"candidat"},
    "resume_parcours": {"professionnel", "evaluateur"},
    "transmit_to_jury": {"evaluateur"},
    "return_to_evaluation": {"secretariat", "jury"},
    "record_decision": {"jury"},
    "continue_after_partial": {"candidat", "professionnel", "secretariat"},
    "withdraw": {"candidat", "gestionnaire", "secretariat"},
}
VAE_STATES = {"demande", "recevabilite", "recevable", "non_recevable"}
STATE_LABELS = {
    "reperage": "Repérage des acquis",
    "parcours": "Parcours de formation",
    "demande": "Demande de VAE",
    "recevabilite": "Recevabilité à l'examen",
    "recevable": "Recevable",
    "non_recevable": "Non recevable",
    "evaluation": "Évaluation des compétences",
    "jury": "Jury paritaire",
    "certifie": "Certifié(e)",
    "partiel": "Validation partielle",
    "non_certifie": "Non certifié(e)",
    "abandonne": "Abandonnée",
}


# Builders ---------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def competence(number: int) -> Competence:
    return Competence.objects.get(certification__code="CQP-AF", number=number)


def candidate_of(user) -> Candidate:
    return Candidate.objects.get_or_create(user=user)[0]


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
    ReperageEntry.objects.bulk_create(
        ReperageEntry(
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
        for a in ParcoursAction.objects.filter(
            candidacy=candidacy, cycle=cycle or candidacy.cycle
        ).select_related("competence")
    }


def vae_ready(candidacy, *, days=3 * 365, relevant=True) -> None:
    """Partie 2 complete, with one experience of `days` days (both ends included) ending yesterday."""
    request = candidacy.vae_request
    request.current_situation = "Salariée"
    request.current_job_title = "Assistante administrative"
    request.education = "BTS assistant de gestion"
    request.motivation = "Faire reconnaître mon expérience."
    request.save()
    end = today() - DAY
    VaeExperience.objects.create(
        request=request,
        employer="Formapro",
        job_title="Assistante de formation",
        start_date=end - datetime.timedelta(days=days - 1),
        end_date=end,
        is_relevant=relevant,
    )


def add_activities(candidacy, numbers=range(1, 7)) -> None:
    VaeActivity.objects.bulk_create(
        VaeActivity(
            candidacy=candidacy,
            competence=competence(n),
            title=f"Activité C{n}",
            description="Ce que j'ai réalisé.",
        )
        for n in numbers
    )


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validate(candidate, number, *, validated_on, valid_until=None) -> CompetenceValidation:
    """A competence validated by the jury, for 5 years unless `valid_until` says otherwise."""
    return CompetenceValidation.objects.create(
        candidate=candidate,
        competence=competence(number),
        validated_on=validated_on,
        valid_until=valid_until or add_years(validated_on, 5),
    )


def fresh(user) -> User:
    """The backends memoise permissions on the user object: ask with a new one."""
    return User.objects.get(pk=user.pk)


def ready_for(name, people) -> Candidacy:
    """A candidacy of people["candidat"] in own_org, in the source state of `name`, its
    professionnel and évaluateur assigned, every guard of `name` satisfied."""
    source = "evaluation" if name == "withdraw" else next(iter(SOURCES[name]))
    reasons = {
        "start_evaluation": {"practice_confirmed_on": today()},
        "declare_non_recevable": {"recevabilite_reason": "Expérience hors du champ du CQP."},
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
        ParcoursAction.objects.create(candidacy=candidacy, competence=competence(2))
    elif name == "transmit_to_jury":
        fill_livret(candidacy)
    elif name == "submit_recevabilite":
        vae_ready(candidacy)
    elif name == "submit_activities":
        add_activities(candidacy)
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


@pytest.fixture
def people(actors, own_org, secretariat):
    return everyone(actors, own_org, secretariat)


ROLES = [
    "candidat",
    "professionnel",
    "evaluateur",
    "secretariat",
    "jury",
    "gestionnaire",
    "outsider",
    "professionnel_non_affecte",
    "evaluateur_non_affecte",
]


def refused(candidacy, call, error=services.GuardFailed):
    """Run `call`, expect `error`, and check that nothing changed on the candidacy."""
    candidacy.refresh_from_db()
    state, cycle, logs = candidacy.state, candidacy.cycle, candidacy.logs.count()
    with pytest.raises(error) as excinfo:
        call()
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == (state, cycle)
    assert candidacy.logs.count() == logs
    return excinfo.value


# Sources and targets ----------------------------------------------------------------------


def test_state_machine_tables_cover_every_state_and_transition():
    assert [value for value, _label in Candidacy._meta.get_field("state").choices] == STATES
    assert set(SOURCES) == set(TRANSITIONS) == set(WHO)
    assert set(TRANSITIONS) == {
        t.name for t in Candidacy._meta.get_field("state").get_all_transitions(Candidacy)
    }


@pytest.mark.parametrize("state", STATES)
def test_state_machine_allows_exactly_the_transitions_of_the_design(state):
    candidacy = Candidacy(state=state)
    allowed = {
        name: django_fsm.can_proceed(getattr(candidacy, name), check_conditions=False)
        for name in TRANSITIONS
    }
    assert allowed == {name: state in SOURCES[name] for name in TRANSITIONS}


@pytest.mark.parametrize("state", STATES)
def test_state_machine_withdraw_from_every_non_final_state(state):
    candidacy = Candidacy(state=state)
    assert django_fsm.can_proceed(candidacy.withdraw, check_conditions=False) is (
        state not in FINAL
    )


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_state_machine_transition_targets_follow_the_design(name):
    meta = getattr(Candidacy, name)._django_fsm
    assert {meta.get_transition(source).target for source in SOURCES[name]} == {TARGETS[name]}


def test_state_machine_record_decision_targets_only_the_three_outcomes():
    target = Candidacy.record_decision._django_fsm.get_transition("jury").target
    assert set(target.allowed_states) == DECISIONS


@pytest.mark.parametrize(
    ("state", "name"),
    [(s, n) for s in STATES for n in TRANSITIONS if s not in SOURCES[n]],
)
def test_run_transition_from_a_wrong_state_is_refused_and_changes_nothing(
    state, name, candidat, own_org, secretariat
):
    candidacy = candidacy_in(state, candidat, own_org)
    updated_at = candidacy.updated_at
    error = refused(
        candidacy,
        lambda: services.run_transition(candidacy=candidacy, by=secretariat, name=name),
        error=services.TransitionError,
    )
    assert type(error) is services.TransitionError
    assert error.message == f"Cette action n'est pas possible à l'étape « {STATE_LABELS[state]} »."
    assert candidacy.updated_at == updated_at
    assert not TransitionLog.objects.filter(candidacy=candidacy).exists()


def test_candidacy_state_cannot_be_assigned_directly(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    with pytest.raises(AttributeError):
        candidacy.state = "jury"
    fetched = Candidacy.objects.get(pk=candidacy.pk)
    with pytest.raises(AttributeError):
        fetched.state = "certifie"
    assert Candidacy.objects.get(pk=candidacy.pk).state == "reperage"


# Who ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TRANSITIONS)
def test_transition_permission_matches_the_who_column(name, people):
    candidacy = ready_for(name, people)
    method = getattr(candidacy, name)
    assert django_fsm.can_proceed(method), TABLE[name].missing(candidacy)
    fsm_allowed = {
        role for role in ROLES if django_fsm.has_transition_perm(method, fresh(people[role]))
    }
    may_take = {role for role in ROLES if services.may_take(candidacy, name, fresh(people[role]))}
    assert fsm_allowed == WHO[name]
    assert may_take == WHO[name]


@pytest.mark.parametrize("name", TRANSITIONS)
def test_may_take_is_false_for_everyone_in_a_closed_candidacy(name, people):
    candidacy = candidacy_in("abandonne", people["candidat"], people["own_org"])
    assert not any(services.may_take(candidacy, name, fresh(people[role])) for role in ROLES)


def test_may_take_ignores_guards(people):
    candidacy = candidacy_in("reperage", people["candidat"], people["own_org"])
    assign(candidacy, by=people["secretariat"], professionnel=people["professionnel"])
    assert TABLE["complete_reperage"].missing(candidacy)
    assert services.may_take(candidacy, "complete_reperage", fresh(people["professionnel"]))
    assert not django_fsm.has_transition_perm(
        candidacy.complete_reperage, fresh(people["professionnel"])
    )


def test_inactive_candidate_cannot_take_their_transitions(people):
    candidacy = ready_for("submit_recevabilite", people)
    User.objects.filter(pk=people["candidat"].pk).update(is_active=False)
    assert not services.may_take(candidacy, "submit_recevabilite", fresh(people["candidat"]))
    assert not services.may_take(candidacy, "withdraw", fresh(people["candidat"]))


def test_run_transition_by_someone_not_allowed_raises_permission_denied(people):
    candidacy = ready_for("declare_recevable", people)
    refused(
        candidacy,
        lambda: services.candidacy_declare_recevable(candidacy=candidacy, by=people["jury"]),
        error=PermissionDenied,
    )


# Guards ----------------------------------------------------------------------------------


@pytest.fixture
def assigned(candidat, own_org, secretariat, professionnel, evaluateur):
    """`assigned(state, **fields)`: a candidacy of `candidat` with both evaluators assigned."""

    def build(state, **fields):
        candidacy = candidacy_in(state, candidat, own_org, **fields)
        return assign(candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur)

    return build


def test_complete_reperage_refused_with_an_incomplete_livret_keeps_no_plan(assigned, professionnel):
    candidacy = assigned("reperage")
    fill_livret(candidacy, to_develop={2}, unassessed={"C3.1", "C3.4", "C3.11", "C6.8"})
    ReperageEntry.objects.filter(candidacy=candidacy, element__competence__number=5).update(
        status=""
    )
    error = refused(
        candidacy,
        lambda: services.candidacy_complete_reperage(candidacy=candidacy, by=professionnel),
    )
    assert error.missing == [
        "livret de repérage : 3 élément(s) de la compétence C3 non renseigné(s)",
        "livret de repérage : 6 élément(s) de la compétence C5 non renseigné(s)",
        "livret de repérage : 1 élément(s) de la compétence C6 non renseigné(s)",
    ]
    assert error.message == "Action impossible : il manque " + " ; ".join(error.missing) + "."
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


def test_plan_mismatch_names_competences_missing_from_the_plan(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    fill_livret(candidacy, to_develop={2, 5})
    ParcoursAction.objects.create(candidacy=candidacy, competence=competence(2))
    assert guards.plan_mismatch(candidacy) == [
        "parcours : aucune action prévue pour la compétence C5 à développer"
    ]


def test_plan_mismatch_names_acquired_competences_in_the_plan(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    fill_livret(candidacy, to_develop={2})
    for number in (2, 3, 4):
        ParcoursAction.objects.create(candidacy=candidacy, competence=competence(number))
    assert guards.plan_mismatch(candidacy) == [
        "parcours : la compétence C3 est acquise mais figure au parcours",
        "parcours : la compétence C4 est acquise mais figure au parcours",
    ]


def test_plan_mismatch_reads_only_the_current_cycle(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org, cycle=2)
    fill_livret(candidacy, to_develop={2})
    ParcoursAction.objects.create(candidacy=candidacy, cycle=1, competence=competence(2))
    assert guards.plan_mismatch(candidacy) == [
        "parcours : aucune action prévue pour la compétence C2 à développer"
    ]


def test_plan_mismatch_newcomer_needs_every_competence(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org, is_newcomer=True)
    fill_livret(candidacy)
    assert guards.plan_mismatch(candidacy) == [
        f"parcours : aucune action prévue pour la compétence C{n} à développer" for n in range(1, 7)
    ]


def test_start_evaluation_refused_while_practice_is_not_confirmed(assigned, professionnel):
    candidacy = assigned("parcours")
    error = refused(
        candidacy,
        lambda: evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel),
    )
    assert error.missing == [
        "la mise en pratique des compétences en entreprise n'est pas confirmée"
    ]


def test_start_evaluation_refused_without_an_evaluateur(
    candidat, own_org, secretariat, professionnel
):
    candidacy = candidacy_in("parcours", candidat, own_org, practice_confirmed_on=today())
    assign(candidacy, by=secretariat, professionnel=professionnel)
    error = refused(
        candidacy,
        lambda: evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel),
    )
    assert error.missing == ["aucun évaluateur externe n'est affecté"]


def test_start_evaluation_refused_when_the_evaluateur_habilitation_expired(
    assigned, professionnel, evaluateur
):
    candidacy = assigned("parcours", practice_confirmed_on=today())
    evaluateur.habilitations.update(valid_until=today() - DAY)
    error = refused(
        candidacy,
        lambda: evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel),
    )
    assert error.missing == [
        "l'évaluateur externe affecté n'a pas d'habilitation valide à cette date"
    ]


def test_start_evaluation_by_a_professionnel_whose_habilitation_expired_is_denied(
    assigned, professionnel
):
    candidacy = assigned("parcours", practice_confirmed_on=today())
    professionnel.habilitations.update(valid_until=today() - DAY)
    refused(
        candidacy,
        lambda: evaluation_services.evaluation_start(candidacy=candidacy, by=fresh(professionnel)),
        error=PermissionDenied,
    )


def test_start_evaluation_guard_names_an_unassigned_or_lapsed_professionnel(
    assigned, candidat, own_org, professionnel, secretariat
):
    # Nobody can take the transition then (its permission needs that professionnel), so the
    # guard is read directly.
    unassigned = candidacy_in("parcours", candidat, own_org, practice_confirmed_on=today())
    assert guards.guard_start_evaluation(unassigned) == [
        "aucun professionnel du secteur n'est affecté",
        "aucun évaluateur externe n'est affecté",
    ]
    lapsed = assigned("parcours", practice_confirmed_on=today())
    habilitation_revoke(
        habilitation=professionnel.habilitations.get(), by=secretariat, reason="Départ"
    )
    assert guards.guard_start_evaluation(lapsed) == [
        "le professionnel du secteur affecté n'a pas d'habilitation valide à cette date"
    ]


def test_submit_recevabilite_refused_with_an_empty_partie_2(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    error = refused(
        candidacy,
        lambda: services.candidacy_submit_recevabilite(candidacy=candidacy, by=candidat),
    )
    assert error.missing == [
        "partie 2 : « situation actuelle » non renseigné",
        "partie 2 : « emploi actuel » non renseigné",
        "partie 2 : « formation et diplômes » non renseigné",
        "partie 2 : « motivation de la demande » non renseigné",
        "partie 2 : aucune expérience professionnelle déclarée",
        "expérience en rapport avec le CQP insuffisante : 0 an et 0 mois (0 jours) déclarés, "
        "3 ans minimum à la date de la demande",
    ]
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.submitted_on is None


def test_submit_recevabilite_refused_below_three_years_gives_the_figure(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=2 * 365 + 183)
    error = refused(
        candidacy,
        lambda: services.candidacy_submit_recevabilite(candidacy=candidacy, by=candidat),
    )
    assert error.missing == [
        "expérience en rapport avec le CQP insuffisante : 2 ans et 6 mois (913 jours) déclarés, "
        "3 ans minimum à la date de la demande"
    ]
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.submitted_on is None


def test_submit_recevabilite_refused_one_day_short_of_three_years(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=3 * 365 - 1)
    error = refused(
        candidacy,
        lambda: services.candidacy_submit_recevabilite(candidacy=candidacy, by=candidat),
    )
    assert "2 ans et 11 mois (1094 jours) déclarés, 3 ans minimum" in error.message


def test_submit_recevabilite_counts_only_relevant_experience(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=6 * 365, relevant=False)
    error = refused(
        candidacy,
        lambda: services.candidacy_submit_recevabilite(candidacy=candidacy, by=candidat),
    )
    assert "0 an et 0 mois (0 jours) déclarés" in error.message


def test_submit_recevabilite_counts_overlapping_periods_once(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=2 * 365)
    first = candidacy.vae_request.experiences.get()
    # A second job held at the same time adds nothing but the year before the first one.
    VaeExperience.objects.create(
        request=candidacy.vae_request,
        employer="Autre",
        job_title="Assistante",
        start_date=first.start_date - datetime.timedelta(days=365),
        end_date=first.start_date + datetime.timedelta(days=200),
    )
    services.candidacy_submit_recevabilite(candidacy=candidacy, by=candidat)
    assert candidacy.state == "recevabilite"


@pytest.mark.parametrize("reason", ["", "   "])
def test_declare_non_recevable_refused_without_a_reason(reason, candidat, own_org, secretariat):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    error = refused(
        candidacy,
        lambda: services.candidacy_declare_non_recevable(
            candidacy=candidacy, by=secretariat, reason=reason
        ),
    )
    assert error.missing == ["le motif de l'avis défavorable"]


def test_submit_activities_refused_for_a_competence_without_activity(assigned, candidat):
    candidacy = assigned("recevable")
    add_activities(candidacy, numbers=[1, 2, 3, 5])
    error = refused(
        candidacy,
        lambda: evaluation_services.vae_activities_submit(candidacy=candidacy, by=candidat),
    )
    assert error.missing == [
        "partie 3 : aucune activité pour la compétence C4",
        "partie 3 : aucune activité pour la compétence C6",
    ]


def test_submit_activities_needs_activities_only_for_competences_still_to_validate(
    assigned, candidat
):
    candidacy = assigned("recevable")
    validate(candidacy.candidate, 4, validated_on=today() - 365 * DAY)
    add_activities(candidacy, numbers=[1, 2, 3, 5, 6])
    evaluation_services.vae_activities_submit(candidacy=candidacy, by=candidat)
    assert candidacy.state == "evaluation"


def test_submit_activities_refused_without_evaluators(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org, state="recevable")
    add_activities(candidacy)
    error = refused(
        candidacy,
        lambda: evaluation_services.vae_activities_submit(candidacy=candidacy, by=candidat),
    )
    assert error.missing == [
        "aucun professionnel du secteur n'est affecté",
        "aucun évaluateur externe n'est affecté",
    ]


def test_submit_activities_refused_when_an_assigned_habilitation_lapsed(
    assigned, candidat, professionnel, evaluateur
):
    candidacy = assigned("recevable")
    add_activities(candidacy)
    professionnel.habilitations.update(valid_until=today() - DAY)
    evaluateur.habilitations.update(valid_from=today() + DAY, valid_until=today() + 30 * DAY)
    error = refused(
        candidacy,
        lambda: evaluation_services.vae_activities_submit(candidacy=candidacy, by=candidat),
    )
    assert error.missing == [
        "le professionnel du secteur affecté n'a pas d'habilitation valide à cette date",
        "l'évaluateur externe affecté n'a pas d'habilitation valide à cette date",
    ]


def test_resume_parcours_refused_on_a_vae_candidacy_keeps_no_plan(assigned, evaluateur):
    candidacy = assigned("evaluation", pathway="vae")
    error = refused(
        candidacy,
        lambda: services.candidacy_resume_parcours(
            candidacy=candidacy, by=evaluateur, competence_ids=[competence(3).pk]
        ),
    )
    assert error.missing == [
        "le retour en parcours ne concerne que la voie du parcours de formation"
    ]
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


def test_resume_parcours_refuses_a_competence_of_another_certification(assigned, evaluateur):
    data = copy.deepcopy(read_referentiel(DEFAULT_REFERENTIEL))
    data["code"] = "CQP-AF-2027"
    foreign = load_referentiel(data).competences.get(number=3)
    candidacy = assigned("evaluation")
    with pytest.raises((ValidationError, services.TransitionError)):
        services.candidacy_resume_parcours(
            candidacy=candidacy, by=evaluateur, competence_ids=[foreign.pk]
        )
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


def test_transmit_to_jury_refused_for_a_vae_without_partie_3(assigned, evaluateur):
    candidacy = assigned("evaluation", pathway="vae")
    vae_ready(candidacy)
    error = refused(
        candidacy,
        lambda: services.candidacy_transmit_to_jury(candidacy=candidacy, by=evaluateur),
    )
    assert error.missing == ["partie 3 du dossier de VAE absente"]


def test_transmit_to_jury_refused_for_a_parcours_with_an_incomplete_livret(assigned, evaluateur):
    candidacy = assigned("evaluation")
    fill_livret(candidacy, unassessed={"C1.8"})
    error = refused(
        candidacy,
        lambda: services.candidacy_transmit_to_jury(candidacy=candidacy, by=evaluateur),
    )
    assert error.missing == [
        "livret de repérage : 1 élément(s) de la compétence C1 non renseigné(s)"
    ]


@pytest.mark.parametrize("reason", ["", "  "])
def test_return_to_evaluation_refused_without_a_reason(reason, assigned, jury):
    candidacy = assigned("jury")
    error = refused(
        candidacy,
        lambda: evaluation_services.evaluation_reopen(candidacy=candidacy, by=jury, reason=reason),
    )
    assert error.missing == ["le motif de non-conformité"]
    assert candidacy.outcome_reason == ""


def test_continue_after_partial_refused_when_nothing_is_left_to_validate(assigned, candidat):
    candidacy = assigned("partiel")
    for number in range(1, 7):
        validate(candidacy.candidate, number, validated_on=today() - 30 * DAY)
    error = refused(
        candidacy,
        lambda: services.candidacy_continue_after_partial(candidacy=candidacy, by=candidat),
    )
    assert error.missing == ["aucune compétence ne reste à valider"]
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


def test_withdraw_refused_with_a_blank_reason(assigned, candidat):
    candidacy = assigned("parcours")
    error = refused(
        candidacy,
        lambda: services.candidacy_withdraw(candidacy=candidacy, by=candidat, reason="   "),
    )
    assert error.missing == ["le motif de l'abandon"]
    assert candidacy.closing_reason == ""


def test_record_decision_refuses_an_outcome_that_is_not_a_decision(assigned, jury):
    candidacy = assigned("jury")
    refused(
        candidacy,
        lambda: services.candidacy_record_decision(
            candidacy=candidacy, by=jury, outcome="abandonne"
        ),
        error=services.TransitionError,
    )


# Happy paths ------------------------------------------------------------------------------


def test_parcours_from_reperage_to_evaluation(assigned, professionnel):
    candidacy = assigned("reperage")
    fill_livret(candidacy, to_develop={2, 5})
    services.candidacy_complete_reperage(candidacy=candidacy, by=professionnel)
    assert candidacy.state == "parcours"
    assert plan_codes(candidacy) == {"C2", "C5"}
    with pytest.raises(services.GuardFailed):
        evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel)
    services.practice_confirm(candidacy=candidacy, by=professionnel, note="Missions confiées.")
    assert candidacy.practice_confirmed_on == today()
    evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel)
    assert candidacy.state == "evaluation"
    assert list(candidacy.logs.values_list("transition", flat=True)) == [
        "assign_professionnel",
        "assign_evaluateur",
        "complete_reperage",
        "confirm_practice",
        "start_evaluation",
    ]


def test_complete_reperage_keeps_actions_already_edited(assigned, professionnel):
    candidacy = assigned("reperage")
    fill_livret(candidacy, to_develop={2})
    kept = ParcoursAction.objects.create(
        candidacy=candidacy, competence=competence(2), provider="CNAM"
    )
    ParcoursAction.objects.create(candidacy=candidacy, competence=competence(4))
    services.candidacy_complete_reperage(candidacy=candidacy, by=professionnel)
    assert list(ParcoursAction.objects.filter(candidacy=candidacy)) == [kept]


def test_complete_reperage_newcomer_plan_covers_every_competence(assigned, professionnel):
    candidacy = assigned("reperage", is_newcomer=True)
    fill_livret(candidacy)
    services.candidacy_complete_reperage(candidacy=candidacy, by=professionnel)
    assert candidacy.state == "parcours"
    assert plan_codes(candidacy) == {f"C{n}" for n in range(1, 7)}


@pytest.mark.parametrize("actor", ["professionnel", "evaluateur"])
def test_resume_parcours_opens_a_new_cycle_with_the_given_plan(actor, assigned, request):
    candidacy = assigned("evaluation", practice_confirmed_on=today() - 10 * DAY)
    ParcoursAction.objects.create(candidacy=candidacy, competence=competence(2))
    services.candidacy_resume_parcours(
        candidacy=candidacy,
        by=request.getfixturevalue(actor),
        competence_ids=[competence(3).pk],
    )
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    assert plan_codes(candidacy, cycle=2) == {"C3"}
    assert plan_codes(candidacy, cycle=1) == {"C2"}
    assert candidacy.practice_confirmed_on is None


def test_vae_from_demande_to_jury(assigned, candidat, secretariat, evaluateur, jury):
    candidacy = assigned("demande", pathway="vae")
    vae_ready(candidacy, days=3 * 365)
    services.candidacy_submit_recevabilite(candidacy=candidacy, by=candidat)
    assert candidacy.state == "recevabilite"
    assert candidacy.vae_request.submitted_on == today()
    services.candidacy_declare_recevable(candidacy=candidacy, by=secretariat, comment="Complet")
    assert (candidacy.state, candidacy.recevabilite_reason) == ("recevable", "Complet")
    add_activities(candidacy)
    evaluation_services.vae_activities_submit(candidacy=candidacy, by=candidat)
    assert candidacy.state == "evaluation"
    services.candidacy_transmit_to_jury(candidacy=candidacy, by=evaluateur)
    assert candidacy.state == "jury"
    services.candidacy_record_decision(candidacy=candidacy, by=jury, outcome="certifie")
    assert candidacy.state == "certifie"


def test_declare_non_recevable_stores_the_reason(candidat, own_org, secretariat):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    services.candidacy_declare_non_recevable(
        candidacy=candidacy, by=secretariat, reason=" Expérience hors champ. "
    )
    assert (candidacy.state, candidacy.recevabilite_reason) == (
        "non_recevable",
        "Expérience hors champ.",
    )


def test_parcours_partial_decision_then_continue_for_what_is_left(
    assigned, candidat, evaluateur, jury, secretariat
):
    candidacy = assigned("evaluation")
    fill_livret(candidacy, to_develop={1, 3})
    services.candidacy_transmit_to_jury(candidacy=candidacy, by=evaluateur)
    evaluation_services.evaluation_reopen(
        candidacy=candidacy, by=secretariat, reason="Signature manquante."
    )
    assert (candidacy.state, candidacy.outcome_reason) == ("evaluation", "Signature manquante.")
    services.candidacy_transmit_to_jury(candidacy=candidacy, by=evaluateur)
    services.candidacy_record_decision(candidacy=candidacy, by=jury, outcome="partiel")
    assert candidacy.state == "partiel"
    person = candidacy.candidate
    validate(person, 1, validated_on=today())
    validate(person, 2, validated_on=today())
    # Validated six years ago: expired a year ago, C3 is to validate again.
    validate(person, 3, validated_on=add_years(today(), -6))
    services.candidacy_continue_after_partial(candidacy=candidacy, by=candidat)
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    assert plan_codes(candidacy, cycle=2) == {"C3", "C4", "C5", "C6"}
    assert candidacy.practice_confirmed_on is None


@pytest.mark.parametrize("outcome", sorted(DECISIONS))
def test_record_decision_reaches_each_outcome(outcome, assigned, jury):
    candidacy = assigned("jury")
    services.candidacy_record_decision(candidacy=candidacy, by=jury, outcome=outcome)
    assert candidacy.state == outcome


def test_withdraw_closes_the_candidacy_with_its_reason(assigned, gestionnaire):
    candidacy = assigned("parcours")
    services.candidacy_withdraw(
        candidacy=candidacy, by=gestionnaire, reason="  Départ de l'entreprise.  "
    )
    assert candidacy.state == "abandonne"
    assert candidacy.closing_reason == "Départ de l'entreprise."
    assert candidacy.is_final


def test_transition_with_the_expected_state_goes_through(assigned, candidat):
    candidacy = assigned("parcours")
    services.candidacy_withdraw(
        candidacy=candidacy, by=candidat, reason="Raisons personnelles", expected_state="parcours"
    )
    assert candidacy.state == "abandonne"


def test_transition_with_a_stale_expected_state_is_a_concurrent_change(assigned, candidat):
    candidacy = assigned("parcours")
    error = refused(
        candidacy,
        lambda: services.candidacy_withdraw(
            candidacy=candidacy, by=candidat, reason="Raisons", expected_state="reperage"
        ),
        error=services.ConcurrentChange,
    )
    assert "vient d'être modifiée" in error.message
    assert "« Parcours de formation »" in error.message


# Competences still to validate ------------------------------------------------------------


def test_competences_to_validate_ignores_expired_and_future_validations(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    person = candidacy.candidate
    validate(person, 1, validated_on=D(2024, 3, 1))  # until 2029-03-01
    validate(person, 2, validated_on=D(2019, 3, 1))  # until 2024-03-01
    validate(person, 3, validated_on=D(2026, 7, 1))  # not yet validated on the day
    other = parcours_candidacy(UserFactory(), own_org)
    validate(other.candidate, 4, validated_on=D(2025, 1, 1))  # another person's
    codes = [c.code for c in candidacy.competences_to_validate(on=D(2026, 6, 15))]
    assert codes == ["C2", "C3", "C4", "C5", "C6"]


def test_competences_to_validate_boundaries_are_inclusive(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    validate(candidacy.candidate, 1, validated_on=D(2024, 3, 1), valid_until=D(2029, 3, 1))
    assert "C1" not in {c.code for c in candidacy.competences_to_validate(on=D(2024, 3, 1))}
    assert "C1" not in {c.code for c in candidacy.competences_to_validate(on=D(2029, 3, 1))}
    assert "C1" in {c.code for c in candidacy.competences_to_validate(on=D(2029, 3, 2))}


def test_competences_to_validate_defaults_to_today(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    validate(candidacy.candidate, 6, validated_on=D(2024, 3, 1))
    with time_machine.travel(D(2029, 3, 1), tick=False):
        assert candidacy.competences_to_validate().count() == 5
    with time_machine.travel(D(2029, 3, 2), tick=False):
        assert candidacy.competences_to_validate().count() == 6


def test_competences_to_validate_lists_the_certification_competences_in_order(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    assert list(candidacy.competences_to_validate()) == list(
        Certification.objects.get(code="CQP-AF").competences.order_by("number")
    )
