"""Transitions that go through, end to end through their services: parcours and VAE
journeys, reasons kept, plans of each cycle, the state seen by the user."""

import pytest

from candidates import services
from candidates.models import ParcoursAction
from cqp.exceptions import ConcurrentChange, GuardFailed
from evaluations import services as evaluation_services
from tests.factories import ParcoursActionFactory
from tests.helpers import add_years

from .builders import (
    DAY,
    add_activities,
    competence,
    decide,
    fill_livret,
    plan_codes,
    refused,
    today,
    vae_candidacy,
    vae_ready,
    validate,
)
from .design import DECISIONS

pytestmark = pytest.mark.django_db


def test_parcours_from_reperage_to_evaluation(assigned, professionnel):
    candidacy = assigned("reperage")
    fill_livret(candidacy, to_develop={2, 5})
    services.run_transition(name="complete_reperage", candidacy=candidacy, by=professionnel)
    assert candidacy.state == "parcours"
    assert plan_codes(candidacy) == {"C2", "C5"}
    with pytest.raises(GuardFailed):
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
    kept = ParcoursActionFactory(candidacy=candidacy, competence=competence(2), provider="CNAM")
    ParcoursActionFactory(candidacy=candidacy, competence=competence(4))
    services.run_transition(name="complete_reperage", candidacy=candidacy, by=professionnel)
    assert list(ParcoursAction.objects.filter(candidacy=candidacy)) == [kept]


def test_complete_reperage_newcomer_plan_covers_every_competence(assigned, professionnel):
    candidacy = assigned("reperage", is_newcomer=True)
    fill_livret(candidacy)
    services.run_transition(name="complete_reperage", candidacy=candidacy, by=professionnel)
    assert candidacy.state == "parcours"
    assert plan_codes(candidacy) == {f"C{n}" for n in range(1, 7)}


@pytest.mark.parametrize("actor", ["professionnel", "evaluateur"])
def test_resume_parcours_opens_a_new_cycle_with_the_given_plan(actor, assigned, request):
    candidacy = assigned("evaluation", practice_confirmed_on=today() - 10 * DAY)
    ParcoursActionFactory(candidacy=candidacy, competence=competence(2))
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
    vae_ready(candidacy)
    services.run_transition(
        name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
    )
    assert candidacy.state == "recevabilite"
    assert candidacy.vae_request.submitted_on == today()
    decide(candidacy, secretariat, "favorable", reason="Complet", expected_state="recevabilite")
    candidacy.refresh_from_db()
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
    decide(candidacy, secretariat, "defavorable", reason=" Expérience hors champ. ")
    candidacy.refresh_from_db()
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
    services.run_transition(name="continue_after_partial", candidacy=candidacy, by=candidat)
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
    services.run_transition(
        name="withdraw", candidacy=candidacy, by=gestionnaire, comment="  Départ de l'entreprise.  "
    )
    assert candidacy.state == "abandonne"
    assert candidacy.closing_reason == "Départ de l'entreprise."
    assert candidacy.is_final


def test_transition_with_the_expected_state_goes_through(assigned, candidat):
    candidacy = assigned("parcours")
    services.run_transition(
        name="withdraw",
        candidacy=candidacy,
        by=candidat,
        comment="Raisons personnelles",
        expected_state="parcours",
    )
    assert candidacy.state == "abandonne"


def test_transition_with_a_stale_expected_state_is_a_concurrent_change(assigned, candidat):
    candidacy = assigned("parcours")
    error = refused(
        candidacy,
        lambda: services.run_transition(
            name="withdraw",
            candidacy=candidacy,
            by=candidat,
            comment="Raisons",
            expected_state="reperage",
        ),
        error=ConcurrentChange,
    )
    assert "vient d'être modifiée" in error.message
    assert "« Parcours de formation »" in error.message
