"""The evaluators' independent opinions, their joint result (motivated when it departs
from them) and their signatures, at the services level."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evaluations import services
from tests.candidates.builders import (
    DAY,
    today,
)
from tests.factories import PASSWORD

from .builders import (
    ACQUISE,
    NON_ACQUISE,
    STRANGERS,
    UNSIGNED,
    assessment,
    dossier_of,
    error_fields,
    opinions,
    sign,
    signatures,
    snapshot,
    stranger,
)

pytestmark = pytest.mark.django_db


def test_each_evaluator_opinion_is_stored_in_its_own_fields(parcours, professionnel, evaluateur):
    dossier = dossier_of(parcours())
    a = services.opinion_give(
        assessment=assessment(dossier, 1), by=professionnel, opinion=ACQUISE, comment=" Maîtrisé "
    )
    a.refresh_from_db()
    assert (a.professionnel_opinion, a.professionnel_comment) == (ACQUISE, "Maîtrisé")
    assert a.professionnel_opinion_at is not None
    assert (a.evaluateur_opinion, a.evaluateur_comment, a.evaluateur_opinion_at) == ("", "", None)
    assert a.final_result == ""
    services.opinion_give(assessment=a, by=evaluateur, opinion=NON_ACQUISE, comment="Fragile")
    a.refresh_from_db()
    assert (a.professionnel_opinion, a.professionnel_comment) == (ACQUISE, "Maîtrisé")
    assert (a.evaluateur_opinion, a.evaluateur_comment) == (NON_ACQUISE, "Fragile")
    assert a.evaluateur_opinion_at is not None


def test_an_opinion_can_change_until_the_other_evaluator_gives_theirs(
    parcours, professionnel, evaluateur
):
    dossier = dossier_of(parcours())
    a = assessment(dossier, 1)
    services.opinion_give(assessment=a, by=evaluateur, opinion=ACQUISE, comment="D'abord")
    services.opinion_give(assessment=a, by=evaluateur, opinion=NON_ACQUISE, comment="Revu")
    a.refresh_from_db()
    assert (a.evaluateur_opinion, a.evaluateur_comment) == (NON_ACQUISE, "Revu")
    services.opinion_give(assessment=a, by=professionnel, opinion=NON_ACQUISE)
    before = snapshot(dossier)
    for user in (professionnel, evaluateur):
        with pytest.raises(ValidationError):
            services.opinion_give(assessment=a, by=user, opinion=ACQUISE, comment="Changé")
    assert snapshot(dossier) == before


@pytest.mark.parametrize("opinion", [ACQUISE, NON_ACQUISE])
def test_identical_opinions_set_the_final_result(opinion, parcours, evaluators):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 4, **evaluators, pro=opinion, eva=opinion)
    a.refresh_from_db()
    assert a.final_result == opinion
    assert not a.disagreement


def test_differing_opinions_leave_the_final_result_empty_and_show_a_disagreement(
    parcours, evaluators
):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 4, **evaluators, pro=ACQUISE, eva=NON_ACQUISE)
    a.refresh_from_db()
    assert a.final_result == ""
    assert a.disagreement


def test_final_result_of_a_disagreement_needs_a_motivation(parcours, evaluators, evaluateur):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 4, **evaluators, pro=ACQUISE, eva=NON_ACQUISE)
    for comment in ("", "   "):
        with pytest.raises(ValidationError) as excinfo:
            services.final_set(assessment=a, by=evaluateur, result=ACQUISE, comment=comment)
        assert error_fields(excinfo) == {"comment"}
    a.refresh_from_db()
    assert (a.final_result, a.final_comment) == ("", "")
    services.final_set(
        assessment=a, by=evaluateur, result=ACQUISE, comment=" Situation observée concluante. "
    )
    a.refresh_from_db()
    assert (a.final_result, a.final_comment) == (ACQUISE, "Situation observée concluante.")
    assert a.disagreement  # still visible: the opinions themselves do not change


@pytest.mark.parametrize("opinion", [ACQUISE, NON_ACQUISE])
def test_a_joint_result_against_two_agreeing_opinions_needs_a_motivation(
    opinion, parcours, evaluators, professionnel
):
    other = NON_ACQUISE if opinion == ACQUISE else ACQUISE
    dossier = dossier_of(parcours())
    a = opinions(dossier, 4, **evaluators, pro=opinion, eva=opinion)
    before = snapshot(dossier)
    for comment in ("", "   "):
        with pytest.raises(ValidationError) as excinfo:
            services.final_set(assessment=a, by=professionnel, result=other, comment=comment)
        assert excinfo.value.message_dict == {
            "comment": ["Ce résultat diffère des deux avis : motivez-le."]
        }
    assert snapshot(dossier) == before
    services.final_set(
        assessment=a, by=professionnel, result=other, comment=" Mise en situation revue. "
    )
    a.refresh_from_db()
    assert (a.final_result, a.final_comment) == (other, "Mise en situation revue.")
    assert (a.professionnel_opinion, a.evaluateur_opinion) == (opinion, opinion)


def test_final_result_waits_for_both_opinions(parcours, evaluators, professionnel):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 2, **evaluators, eva=None)
    with pytest.raises(ValidationError):
        services.final_set(assessment=a, by=professionnel, result=ACQUISE, comment="Pressé")
    a.refresh_from_db()
    assert a.final_result == ""


def test_changing_the_final_result_withdraws_the_signatures(
    parcours, evaluators, professionnel, evaluateur
):
    dossier = dossier_of(parcours())
    opinions(dossier, 3, **evaluators)
    a = sign(dossier, 3, professionnel, evaluateur)
    assert a.fully_signed
    # Setting the same result again keeps them.
    services.final_set(assessment=a, by=professionnel, result=ACQUISE)
    assert signatures(a) != UNSIGNED and a.fully_signed
    services.final_set(
        assessment=a, by=professionnel, result=NON_ACQUISE, comment="Observation contraire."
    )
    a.refresh_from_db()
    assert a.final_result == NON_ACQUISE
    assert signatures(a) == UNSIGNED
    assert not a.fully_signed


def test_opinion_must_be_acquise_or_non_acquise(parcours, professionnel):
    dossier = dossier_of(parcours())
    with pytest.raises(ValidationError) as excinfo:
        services.opinion_give(assessment=assessment(dossier, 1), by=professionnel, opinion="bof")
    assert error_fields(excinfo) == {"opinion"}
    assert assessment(dossier, 1).professionnel_opinion == ""


# Signature --------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["mauvais-mot-de-passe", "", None])
def test_signature_with_a_wrong_password_signs_nothing(password, parcours, evaluators, evaluateur):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 1, **evaluators)
    with pytest.raises(ValidationError) as excinfo:
        services.assessment_sign(assessment=a, by=evaluateur, password=password)
    assert error_fields(excinfo) == {"password"}
    assert signatures(a) == UNSIGNED


def test_signature_before_both_opinions_is_refused(parcours, evaluators, professionnel):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 1, **evaluators, eva=None)
    with pytest.raises(ValidationError):
        services.assessment_sign(assessment=a, by=professionnel, password=PASSWORD)
    assert signatures(a) == UNSIGNED


def test_signature_during_an_unresolved_disagreement_is_refused(parcours, evaluators):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 1, **evaluators, pro=ACQUISE, eva=NON_ACQUISE)
    for user in evaluators.values():
        with pytest.raises(ValidationError):
            services.assessment_sign(assessment=a, by=user, password=PASSWORD)
    assert signatures(a) == UNSIGNED


def test_signature_records_the_signer_their_full_name_and_the_time(
    parcours, evaluators, professionnel, evaluateur
):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 1, **evaluators)
    start = timezone.now()
    services.assessment_sign(assessment=a, by=professionnel, password=PASSWORD)
    a.refresh_from_db()
    assert a.professionnel_signed_by == professionnel
    assert a.professionnel_signed_name == professionnel.get_full_name()
    assert professionnel.last_name in a.professionnel_signed_name
    assert start <= a.professionnel_signed_at <= timezone.now()
    assert (a.evaluateur_signed_by, a.evaluateur_signed_at) == (None, None)
    assert not a.fully_signed
    services.assessment_sign(assessment=a, by=evaluateur, password=PASSWORD)
    a.refresh_from_db()
    assert a.evaluateur_signed_by == evaluateur
    assert a.evaluateur_signed_name == evaluateur.get_full_name()
    assert start <= a.evaluateur_signed_at <= timezone.now()
    assert a.fully_signed


def test_signature_after_a_resolved_disagreement(parcours, evaluators, professionnel, evaluateur):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 5, **evaluators, pro=NON_ACQUISE, eva=ACQUISE)
    services.final_set(assessment=a, by=professionnel, result=ACQUISE, comment="Preuves solides.")
    a = sign(dossier, 5, professionnel, evaluateur)
    assert a.fully_signed and a.final_result == ACQUISE


@pytest.mark.parametrize("who", STRANGERS)
def test_only_the_assigned_evaluators_give_opinions_and_sign(who, request, parcours, evaluators):
    dossier = dossier_of(parcours())
    user = stranger(who, request)
    with pytest.raises(PermissionDenied):
        services.opinion_give(assessment=assessment(dossier, 1), by=user, opinion=ACQUISE)
    opinions(dossier, 2, **evaluators, pro=ACQUISE, eva=NON_ACQUISE)
    opinions(dossier, 3, **evaluators)
    before = snapshot(dossier)
    with pytest.raises(PermissionDenied):
        services.final_set(assessment=assessment(dossier, 2), by=user, result=ACQUISE, comment="X")
    with pytest.raises(PermissionDenied):
        services.assessment_sign(assessment=assessment(dossier, 3), by=user, password=PASSWORD)
    assert snapshot(dossier) == before


def test_an_evaluateur_whose_habilitation_lapsed_cannot_sign(parcours, evaluators, evaluateur):
    dossier = dossier_of(parcours())
    a = opinions(dossier, 1, **evaluators)
    evaluateur.habilitations.update(valid_until=today() - DAY)
    with pytest.raises(PermissionDenied):
        services.assessment_sign(assessment=a, by=evaluateur, password=PASSWORD)
    assert signatures(a) == UNSIGNED
