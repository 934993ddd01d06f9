"""Opening the dossier de suivi et d'évaluation and its scope in each cycle: one dossier
per cycle, one assessment per competence still to validate on the day it opens."""

import pytest

from candidates import services as candidacy_services
from evaluations import services
from evaluations.models import CompetenceAssessment, EvaluationDossier
from tests.candidates.builders import (
    DAY,
    candidate_of,
    today,
    validate,
)
from tests.helpers import add_years

from .builders import (
    ALL_CODES,
    UNSIGNED,
    assessment_codes,
    dossier_of,
    opinions,
    restart_evaluation,
    scope_codes,
    settle,
    signatures,
    snapshot,
)

pytestmark = pytest.mark.django_db


def test_start_evaluation_opens_one_dossier_with_an_assessment_per_competence(parcours):
    candidacy = parcours()
    assert candidacy.state == "evaluation"
    dossier = EvaluationDossier.objects.get(candidacy=candidacy)
    assert dossier.cycle == candidacy.cycle == 1
    assert scope_codes(dossier) == assessment_codes(dossier) == ALL_CODES
    assert not dossier.is_locked
    for a in dossier.assessments.all():
        assert (a.professionnel_opinion, a.evaluateur_opinion, a.final_result) == ("", "", "")
        assert signatures(a) == UNSIGNED


def test_submit_activities_opens_one_dossier_for_the_vae_candidacy(vae):
    candidacy = vae()
    assert candidacy.state == "evaluation"
    dossier = EvaluationDossier.objects.get(candidacy=candidacy)
    assert dossier.cycle == 1
    assert scope_codes(dossier) == assessment_codes(dossier) == ALL_CODES


def test_dossier_open_again_is_idempotent(parcours, evaluators):
    candidacy = parcours()
    dossier = dossier_of(candidacy)
    opinions(dossier, 2, **evaluators, eva=None)
    before = snapshot(dossier)
    again = services.dossier_open(candidacy=candidacy)
    assert again.pk == dossier.pk
    assert snapshot(dossier) == before
    assert CompetenceAssessment.objects.filter(dossier__candidacy=candidacy).count() == 6


# Scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pathway", ["parcours", "vae"])
def test_scope_leaves_out_competences_validated_and_still_in_force(pathway, request):
    candidat = request.getfixturevalue("candidat")
    for number in (1, 2):
        validate(
            candidate_of(candidat),
            number,
            validated_on=today() - 365 * DAY,
            valid_until=add_years(today(), 4),
        )
    if pathway == "parcours":
        candidacy = request.getfixturevalue("parcours")()
    else:  # partie 3 covers only what is left to validate
        candidacy = request.getfixturevalue("vae")(activities=range(3, 7))
    dossier = dossier_of(candidacy)
    assert scope_codes(dossier) == assessment_codes(dossier) == ["C3", "C4", "C5", "C6"]


def test_scope_includes_again_a_competence_whose_validation_expired(parcours):
    def validations(candidacy):
        person = candidacy.candidate
        validate(person, 1, validated_on=add_years(today(), -5) - DAY, valid_until=today() - DAY)
        validate(person, 2, validated_on=today() - 365 * DAY, valid_until=add_years(today(), 4))

    dossier = dossier_of(parcours(before=validations))
    assert scope_codes(dossier) == assessment_codes(dossier) == ["C1", "C3", "C4", "C5", "C6"]


def test_next_cycle_after_resume_parcours_covers_only_the_competences_not_acquired(
    parcours, evaluators, professionnel, evaluateur
):
    candidacy = parcours()
    first = settle(dossier_of(candidacy), **evaluators, non_acquises={3, 5})
    services.dossier_resume_parcours(dossier=first, by=evaluateur, comment="C3 et C5 à reprendre")
    restart_evaluation(candidacy, professionnel=professionnel)
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == ("evaluation", 2)
    second = dossier_of(candidacy)
    assert second.pk != first.pk and second.cycle == 2
    assert scope_codes(second) == assessment_codes(second) == ["C3", "C5"]
    first.refresh_from_db()
    assert first.closed_at is not None and scope_codes(first) == ALL_CODES


def test_next_cycle_after_a_partial_decision_covers_only_the_competences_not_validated(
    parcours, evaluators, professionnel, evaluateur, jury, candidat
):
    candidacy = parcours()
    dossier = settle(dossier_of(candidacy), **evaluators, non_acquises={3, 5})
    services.dossier_transmit(dossier=dossier, by=evaluateur)
    candidacy_services.candidacy_record_decision(candidacy=candidacy, by=jury, outcome="partiel")
    assert candidacy.state == "partiel"
    for number in (1, 2, 4, 6):  # what the jury app writes for the validated competences
        validate(candidacy.candidate, number, validated_on=today())
    candidacy_services.run_transition(
        name="continue_after_partial", candidacy=candidacy, by=candidat
    )
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    restart_evaluation(candidacy, professionnel=professionnel)
    second = dossier_of(candidacy)
    assert second.cycle == 2
    assert scope_codes(second) == assessment_codes(second) == ["C3", "C5"]
    assert EvaluationDossier.objects.filter(candidacy=candidacy).count() == 2
