"""The guard of each transition: refused with a clear French message naming what is
missing, and nothing recorded."""

import copy
import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from candidates import guards, services
from candidates.models import ParcoursAction, ReperageEntry
from cqp.exceptions import TransitionError
from cqp.referentiel import DEFAULT_REFERENTIEL, load_referentiel, read_referentiel
from cqp.services import habilitation_revoke
from cqp.utils import add_months
from evaluations import services as evaluation_services
from tests.factories import ParcoursActionFactory, VaeExperienceFactory, VaeProofFactory

from .builders import (
    DAY,
    add_activities,
    assign,
    candidacy_in,
    competence,
    decide,
    fill_livret,
    parcours_candidacy,
    refused,
    today,
    vae_candidacy,
    vae_ready,
    validate,
)

pytestmark = pytest.mark.django_db

OUTSIDE_WHAT_REMAINS = "Le nouveau parcours doit porter sur des compétences qui restent à valider."


def test_complete_reperage_refused_with_an_incomplete_livret_keeps_no_plan(assigned, professionnel):
    candidacy = assigned("reperage")
    fill_livret(candidacy, to_develop={2}, unassessed={"C3.1", "C3.4", "C3.11", "C6.8"})
    ReperageEntry.objects.filter(candidacy=candidacy, element__competence__number=5).update(
        status=""
    )
    error = refused(
        candidacy,
        lambda: services.run_transition(
            name="complete_reperage", candidacy=candidacy, by=professionnel
        ),
    )
    assert error.missing == [
        "3 éléments de la compétence C3 sans appréciation dans le livret de repérage",
        "6 éléments de la compétence C5 sans appréciation dans le livret de repérage",
        "1 élément de la compétence C6 sans appréciation dans le livret de repérage",
    ]
    assert error.message == (
        "Impossible de terminer le repérage : il manque 3 éléments de la compétence C3 sans "
        "appréciation dans le livret de repérage, 6 éléments de la compétence C5 sans "
        "appréciation dans le livret de repérage et 1 élément de la compétence C6 sans "
        "appréciation dans le livret de repérage."
    )
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


def test_plan_mismatch_names_competences_missing_from_the_plan(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    fill_livret(candidacy, to_develop={2, 5})
    ParcoursActionFactory(candidacy=candidacy, competence=competence(2))
    assert guards.plan_mismatch(candidacy) == [
        "une action du parcours pour la compétence C5, à développer"
    ]


def test_plan_mismatch_names_acquired_competences_in_the_plan(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    fill_livret(candidacy, to_develop={2})
    for number in (2, 3, 4):
        ParcoursActionFactory(candidacy=candidacy, competence=competence(number))
    assert guards.plan_mismatch(candidacy) == [
        "le retrait du parcours de la compétence C3, déjà acquise",
        "le retrait du parcours de la compétence C4, déjà acquise",
    ]


def test_plan_mismatch_reads_only_the_current_cycle(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org, cycle=2)
    fill_livret(candidacy, to_develop={2})
    ParcoursActionFactory(candidacy=candidacy, cycle=1, competence=competence(2))
    assert guards.plan_mismatch(candidacy) == [
        "une action du parcours pour la compétence C2, à développer"
    ]


def test_plan_mismatch_newcomer_needs_every_competence(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org, is_newcomer=True)
    fill_livret(candidacy)
    assert guards.plan_mismatch(candidacy) == [
        f"une action du parcours pour la compétence C{n}, à développer" for n in range(1, 7)
    ]


def test_start_evaluation_refused_while_practice_is_not_confirmed(assigned, professionnel):
    candidacy = assigned("parcours")
    error = refused(
        candidacy,
        lambda: evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel),
    )
    assert error.missing == ["la confirmation de la mise en pratique en entreprise"]


def test_start_evaluation_refused_without_an_evaluateur(
    candidat, own_org, secretariat, professionnel
):
    candidacy = candidacy_in("parcours", candidat, own_org, practice_confirmed_on=today())
    assign(candidacy, by=secretariat, professionnel=professionnel)
    error = refused(
        candidacy,
        lambda: evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel),
    )
    assert error.missing == ["un évaluateur externe affecté à la candidature"]


def test_start_evaluation_refused_when_the_evaluateur_habilitation_expired(
    assigned, professionnel, evaluateur
):
    candidacy = assigned("parcours", practice_confirmed_on=today())
    evaluateur.habilitations.update(valid_until=today() - DAY)
    error = refused(
        candidacy,
        lambda: evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel),
    )
    assert error.missing == ["une habilitation valide à cette date de l'évaluateur externe affecté"]


def test_start_evaluation_by_a_professionnel_whose_habilitation_expired_is_denied(
    assigned, professionnel
):
    candidacy = assigned("parcours", practice_confirmed_on=today())
    professionnel.habilitations.update(valid_until=today() - DAY)
    refused(
        candidacy,
        lambda: evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel),
        error=PermissionDenied,
    )


def test_start_evaluation_guard_names_an_unassigned_or_lapsed_professionnel(
    assigned, candidat, own_org, professionnel, secretariat
):
    # Nobody can take the transition then (its permission needs that professionnel), so the
    # guard is read directly.
    unassigned = candidacy_in("parcours", candidat, own_org, practice_confirmed_on=today())
    assert guards.guard_start_evaluation(unassigned) == [
        "un professionnel du secteur affecté à la candidature",
        "un évaluateur externe affecté à la candidature",
    ]
    lapsed = assigned("parcours", practice_confirmed_on=today())
    habilitation_revoke(
        habilitation=professionnel.habilitations.get(), by=secretariat, reason="Départ"
    )
    assert guards.guard_start_evaluation(lapsed) == [
        "une habilitation valide à cette date du professionnel du secteur affecté"
    ]


def test_submit_recevabilite_refused_with_an_empty_partie_2(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    error = refused(
        candidacy,
        lambda: services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat
        ),
    )
    assert error.missing == [
        "la rubrique « situation actuelle » de la partie 2",
        "la rubrique « emploi actuel » de la partie 2",
        "la rubrique « formation et diplômes » de la partie 2",
        "la rubrique « motivation de la demande » de la partie 2",
        "au moins une expérience professionnelle déclarée en partie 2",
        "la pièce d'identité",
        "une expérience en rapport avec le CQP d'au moins 3 ans à la date de la demande, "
        "au lieu de 0 an et 0 mois (0 jours) déclarés",
        "la déclaration sur l'honneur",
    ]
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.submitted_on is None


# Frozen on the issue's day: 2023-11-29 .. 2026-11-28 holds 2024-02-29, so 3 years are 1,096 days.
ISSUE_DAY = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(ISSUE_DAY, tick=False)
def test_submit_recevabilite_refused_below_three_years_gives_the_figure(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=2 * 365 + 183)  # from 2024-05-30
    error = refused(
        candidacy,
        lambda: services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        ),
    )
    assert error.missing == [
        "une expérience en rapport avec le CQP d'au moins 3 ans à la date de la demande, "
        "au lieu de 2 ans et 5 mois (913 jours) déclarés"
    ]
    candidacy.vae_request.refresh_from_db()
    assert candidacy.vae_request.submitted_on is None


@time_machine.travel(ISSUE_DAY, tick=False)
@pytest.mark.parametrize(
    ("days", "relevant", "declared"),
    [
        (
            1095,
            True,
            "d'au moins 3 ans à la date de la demande, au lieu de 2 ans et 11 mois (1095 jours)",
        ),
        (6 * 365, False, "0 an et 0 mois (0 jours) déclarés"),  # only relevant experience counts
    ],
    ids=["one-day-short", "irrelevant-experience"],
)
def test_submit_recevabilite_refused_below_three_years_of_relevant_experience(
    days, relevant, declared, candidat, own_org
):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=days, relevant=relevant)
    error = refused(
        candidacy,
        lambda: services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        ),
    )
    assert declared in error.message


@time_machine.travel(ISSUE_DAY, tick=False)
def test_submit_recevabilite_the_issue_case_refused_then_accepted_a_day_earlier(candidat, own_org):
    """A single period from 2023-11-30 to 2026-11-28, a request on 2026-11-29: 1,095 days,
    refused; from 2023-11-29, accepted."""
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=1095)
    period = candidacy.vae_request.experiences.get()
    assert (period.start_date, period.end_date) == (
        datetime.date(2023, 11, 30),
        datetime.date(2026, 11, 28),
    )
    error = refused(
        candidacy,
        lambda: services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        ),
    )
    assert "2 ans et 11 mois (1095 jours) déclarés" in error.message
    period.start_date = datetime.date(2023, 11, 29)
    period.save()
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    assert candidacy.state == "recevabilite"


@time_machine.travel(datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_submit_recevabilite_without_a_29_february_1095_days_suffice(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=1095)  # 2024-03-01 .. 2027-02-28
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    assert candidacy.state == "recevabilite"


def test_submit_recevabilite_counts_overlapping_periods_once(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org)
    vae_ready(candidacy, days=2 * 365)
    first = candidacy.vae_request.experiences.get()
    # A second job held at the same time adds nothing but the time before the first one.
    second = VaeExperienceFactory(
        request=candidacy.vae_request,
        employer="Autre",
        job_title="Assistante",
        start_date=add_months(today(), -36) + DAY,
        end_date=first.start_date + datetime.timedelta(days=200),
    )
    VaeProofFactory(request=candidacy.vae_request, experience=second, kind="contrat")
    refused(
        candidacy,
        lambda: services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        ),
    )
    second.start_date -= DAY
    second.save()
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    assert candidacy.state == "recevabilite"


@pytest.mark.parametrize("reason", ["", "   "])
def test_declare_non_recevable_refused_without_a_reason(reason, candidat, own_org, secretariat):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    error = refused(
        candidacy,
        lambda: decide(candidacy, secretariat, "defavorable", reason=reason),
    )
    assert error.missing == ["le motif de l'avis défavorable"]
    assert not candidacy.recevabilite_decisions.exists()


def test_submit_activities_refused_for_a_competence_without_activity(assigned, candidat):
    candidacy = assigned("recevable")
    add_activities(candidacy, numbers=[1, 2, 3, 5])
    error = refused(
        candidacy,
        lambda: evaluation_services.vae_activities_submit(candidacy=candidacy, by=candidat),
    )
    assert error.missing == [
        "au moins une activité de la partie 3 pour la compétence C4",
        "au moins une activité de la partie 3 pour la compétence C6",
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
        "un professionnel du secteur affecté à la candidature",
        "un évaluateur externe affecté à la candidature",
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
        "une habilitation valide à cette date du professionnel du secteur affecté",
        "une habilitation valide à cette date de l'évaluateur externe affecté",
    ]


def test_resume_parcours_refused_on_a_vae_candidacy_keeps_no_plan(assigned, evaluateur):
    candidacy = assigned("evaluation", pathway="vae")
    error = refused(
        candidacy,
        lambda: services.candidacy_resume_parcours(
            candidacy=candidacy, by=evaluateur, competence_ids=[competence(3).pk]
        ),
    )
    assert error.missing == ["une candidature sur la voie du parcours de formation"]
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


def test_resume_parcours_refuses_a_competence_of_another_certification(assigned, evaluateur):
    data = copy.deepcopy(read_referentiel(DEFAULT_REFERENTIEL))
    data["code"] = "CQP-AF-2027"
    foreign = load_referentiel(data).competences.get(number=3)
    candidacy = assigned("evaluation")
    error = refused(
        candidacy,
        lambda: services.candidacy_resume_parcours(
            candidacy=candidacy, by=evaluateur, competence_ids=[foreign.pk]
        ),
        error=ValidationError,
    )
    assert error.messages == [OUTSIDE_WHAT_REMAINS]
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


@pytest.mark.parametrize(
    "numbers", [[3], [2, 3], []], ids=["validated", "one-of-two-validated", "none"]
)
def test_resume_parcours_refuses_competences_outside_what_remains(numbers, assigned, evaluateur):
    """C3 was validated earlier and is still in force: no new parcours on it (nor on nothing)."""
    candidacy = assigned("evaluation")
    validate(candidacy.candidate, 3, validated_on=today() - 365 * DAY)
    error = refused(
        candidacy,
        lambda: services.candidacy_resume_parcours(
            candidacy=candidacy, by=evaluateur, competence_ids=[competence(n).pk for n in numbers]
        ),
        error=ValidationError,
    )
    assert error.messages == [OUTSIDE_WHAT_REMAINS]
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


def test_transmit_to_jury_refused_for_a_vae_without_partie_3(assigned, evaluateur):
    candidacy = assigned("evaluation", pathway="vae")
    vae_ready(candidacy)
    error = refused(
        candidacy,
        lambda: services.candidacy_transmit_to_jury(candidacy=candidacy, by=evaluateur),
    )
    assert error.missing == ["la partie 3 du dossier de VAE"]


def test_transmit_to_jury_refused_for_a_parcours_with_an_incomplete_livret(assigned, evaluateur):
    candidacy = assigned("evaluation")
    fill_livret(candidacy, unassessed={"C1.8"})
    error = refused(
        candidacy,
        lambda: services.candidacy_transmit_to_jury(candidacy=candidacy, by=evaluateur),
    )
    assert error.missing == [
        "1 élément de la compétence C1 sans appréciation dans le livret de repérage"
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
        lambda: services.run_transition(
            name="continue_after_partial", candidacy=candidacy, by=candidat
        ),
    )
    assert error.missing == ["au moins une compétence restant à valider"]
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


def test_withdraw_refused_with_a_blank_reason(assigned, candidat):
    candidacy = assigned("parcours")
    error = refused(
        candidacy,
        lambda: services.run_transition(
            name="withdraw", candidacy=candidacy, by=candidat, comment="   "
        ),
    )
    assert error.missing == ["le motif de l'abandon"]
    assert candidacy.closing_reason == ""


@pytest.mark.parametrize("outcome", ["abandonne", "admis", ""])
def test_record_decision_refuses_an_outcome_that_is_not_a_decision(outcome, assigned, jury):
    candidacy = assigned("jury")
    error = refused(
        candidacy,
        lambda: services.candidacy_record_decision(candidacy=candidacy, by=jury, outcome=outcome),
        error=TransitionError,
    )
    assert type(error) is TransitionError
    assert error.message == "Issue inconnue pour cette action."
