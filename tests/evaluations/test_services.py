"""The dossier de suivi et d'évaluation, at the services level, against the issue's rules.

Opening and scope of each cycle, the evaluators' independent opinions and their joint,
co-signed result, completeness before the transmission to the jury, the read-only
transmitted dossier, the return to the parcours, observations. Real services, no mocks.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from candidates import services as candidacy_services
from candidates.models import ParcoursAction, TransitionLog, VaeActivity
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
    DAY,
    candidate_of,
    competence,
    fill_livret,
    habilitated,
    plan_codes,
    today,
    validate,
)
from tests.factories import PASSWORD
from tests.helpers import add_years

from .builders import (
    ACQUISE,
    NON_ACQUISE,
    assessment,
    assessment_codes,
    dossier_of,
    opinions,
    parcours_in_evaluation,
    restart_evaluation,
    scope_codes,
    settle,
    sign,
    vae_in_evaluation,
)

pytestmark = pytest.mark.django_db

ALL = ["C1", "C2", "C3", "C4", "C5", "C6"]


@pytest.fixture
def evaluators(professionnel, evaluateur):
    return {"professionnel": professionnel, "evaluateur": evaluateur}


@pytest.fixture
def parcours(candidat, own_org, secretariat, evaluators):
    """`parcours(**options)`: a parcours candidacy that entered `evaluation` (cycle 1)."""

    def build(**options):
        return parcours_in_evaluation(
            candidat, own_org, secretariat=secretariat, **evaluators, **options
        )

    return build


@pytest.fixture
def vae(candidat, own_org, secretariat, evaluators):
    """`vae(**options)`: a VAE candidacy that entered `evaluation` through its partie 3."""

    def build(**options):
        return vae_in_evaluation(
            candidat, own_org, secretariat=secretariat, **evaluators, **options
        )

    return build


def pdf(name="attestation.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", "application/pdf")


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


# Opening ----------------------------------------------------------------------------------


def test_start_evaluation_opens_one_dossier_with_an_assessment_per_competence(parcours):
    candidacy = parcours()
    assert candidacy.state == "evaluation"
    dossier = EvaluationDossier.objects.get(candidacy=candidacy)
    assert dossier.cycle == candidacy.cycle == 1
    assert scope_codes(dossier) == assessment_codes(dossier) == ALL
    assert not dossier.is_locked
    for a in dossier.assessments.all():
        assert (a.professionnel_opinion, a.evaluateur_opinion, a.final_result) == ("", "", "")
        assert signatures(a) == UNSIGNED


def test_submit_activities_opens_one_dossier_for_the_vae_candidacy(vae):
    candidacy = vae()
    assert candidacy.state == "evaluation"
    dossier = EvaluationDossier.objects.get(candidacy=candidacy)
    assert dossier.cycle == 1
    assert scope_codes(dossier) == assessment_codes(dossier) == ALL


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
    assert first.closed_at is not None and scope_codes(first) == ALL


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
    candidacy_services.candidacy_continue_after_partial(candidacy=candidacy, by=candidat)
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    restart_evaluation(candidacy, professionnel=professionnel)
    second = dossier_of(candidacy)
    assert second.cycle == 2
    assert scope_codes(second) == assessment_codes(second) == ["C3", "C5"]
    assert EvaluationDossier.objects.filter(candidacy=candidacy).count() == 2


# Independent opinions and the joint result ------------------------------------------------


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


STRANGERS = ["other_evaluateur", "candidat", "secretariat", "other_professionnel"]


def stranger(name, request):
    secretariat = request.getfixturevalue("secretariat")
    if name == "other_evaluateur":
        return habilitated(HabilitationKind.EVALUATEUR, by=secretariat, email="eval2@exemple.fr")
    if name == "other_professionnel":
        return habilitated(HabilitationKind.PROFESSIONNEL, by=secretariat, email="pro2@exemple.fr")
    return request.getfixturevalue(name)


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


# Completeness and transmission ------------------------------------------------------------


def test_an_untouched_dossier_misses_every_opinion(parcours):
    dossier = dossier_of(parcours())
    assert services.dossier_missing(dossier) == [
        item
        for code in ALL
        for item in (
            f"{code} : avis du professionnel du secteur",
            f"{code} : avis de l'évaluateur externe",
        )
    ]


def test_dossier_missing_lists_exactly_what_is_missing(
    parcours, evaluators, professionnel, evaluateur
):
    candidacy = parcours(livret=False)
    fill_livret(candidacy, unassessed={"C2.3"})
    dossier = dossier_of(candidacy)
    opinions(dossier, 1, **evaluators, pro=None)
    opinions(dossier, 2, **evaluators, eva=None)
    opinions(dossier, 3, **evaluators, pro=ACQUISE, eva=NON_ACQUISE)
    opinions(dossier, 4, **evaluators)
    sign(dossier, 4, professionnel)
    opinions(dossier, 5, **evaluators, pro=NON_ACQUISE, eva=NON_ACQUISE)
    sign(dossier, 5, evaluateur)
    opinions(dossier, 6, **evaluators)
    sign(dossier, 6, evaluateur, professionnel)
    assert services.dossier_missing(dossier) == [
        "C1 : avis du professionnel du secteur",
        "C2 : avis de l'évaluateur externe",
        "C3 : désaccord à résoudre (résultat commun motivé)",
        "C3 : signature du professionnel du secteur",
        "C3 : signature de l'évaluateur externe",
        "C4 : signature de l'évaluateur externe",
        "C5 : signature du professionnel du secteur",
        "livret de repérage : 1 élément(s) de la compétence C2 non renseigné(s)",
    ]


def test_vae_dossier_missing_lists_the_partie_2_and_partie_3_items(vae, evaluators):
    candidacy = vae()
    dossier = settle(dossier_of(candidacy), **evaluators)
    assert services.dossier_missing(dossier) == []
    request = candidacy.vae_request
    request.motivation = ""
    request.save()
    VaeActivity.objects.filter(candidacy=candidacy).delete()
    assert services.dossier_missing(dossier_of(candidacy)) == [
        "partie 2 : « motivation de la demande » non renseigné",
        "partie 3 du dossier de VAE absente",
    ]


def test_transmitting_an_incomplete_dossier_is_refused_and_changes_nothing(
    parcours, evaluators, evaluateur, professionnel
):
    candidacy = parcours()
    dossier = settle(dossier_of(candidacy), **evaluators)
    services.final_set(
        assessment=assessment(dossier, 4), by=professionnel, result=NON_ACQUISE, comment="Revu."
    )
    sign(dossier, 4, professionnel)
    expected = ["C4 : signature de l'évaluateur externe"]
    assert services.dossier_missing(dossier) == expected
    before = snapshot(dossier)
    with pytest.raises(candidacy_services.GuardFailed) as excinfo:
        services.dossier_transmit(dossier=dossier, by=evaluateur)
    assert excinfo.value.missing == expected
    assert "C4 : signature de l'évaluateur externe" in excinfo.value.message
    assert snapshot(dossier) == before
    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    assert (candidacy.state, dossier.transmitted_at) == ("evaluation", None)


@pytest.mark.parametrize("pathway", ["parcours", "vae"])
def test_transmitting_a_complete_dossier_moves_the_candidacy_to_the_jury(
    pathway, request, evaluators, evaluateur
):
    candidacy = request.getfixturevalue(pathway)()
    dossier = settle(dossier_of(candidacy), **evaluators, non_acquises={2})
    assert services.dossier_missing(dossier) == []
    start = timezone.now()
    services.dossier_transmit(dossier=dossier, by=evaluateur)
    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    assert candidacy.state == "jury"
    assert start <= dossier.transmitted_at <= timezone.now()
    assert dossier.transmitted_by == evaluateur
    assert dossier.is_locked
    log = TransitionLog.objects.filter(candidacy=candidacy).last()
    assert (log.transition, log.role, log.actor, log.source, log.target) == (
        "transmit_to_jury",
        "evaluateur",
        evaluateur,
        "evaluation",
        "jury",
    )


@pytest.mark.parametrize("who", ["professionnel", "candidat", "secretariat", "other_evaluateur"])
def test_only_the_evaluateur_externe_transmits(who, request, parcours, evaluators):
    dossier = settle(dossier_of(parcours()), **evaluators)
    user = stranger(who, request) if who == "other_evaluateur" else request.getfixturevalue(who)
    before = snapshot(dossier)
    with pytest.raises(PermissionDenied):
        services.dossier_transmit(dossier=dossier, by=user)
    assert snapshot(dossier) == before


# Read-only once transmitted ---------------------------------------------------------------


WRITES = {
    "account_save": lambda d, p: services.account_save(
        dossier=d, by=p["candidat"], competence=competence(1), text="Récit réécrit"
    ),
    "evidence_add": lambda d, p: services.evidence_add(
        dossier=d, by=p["candidat"], competence=competence(1), upload=pdf("autre.pdf")
    ),
    "evidence_delete": lambda d, p: services.evidence_delete(
        dossier=d, by=p["candidat"], evidence=d.evidence.get()
    ),
    "observation_add": lambda d, p: services.observation_add(
        dossier=d,
        by=p["evaluateur"],
        kind="observee",
        date=today(),
        context="Réunion",
        observed="Nouvelle observation",
        competence=competence(1),
    ),
    "opinion_give": lambda d, p: services.opinion_give(
        assessment=assessment(d, 1), by=p["professionnel"], opinion=NON_ACQUISE
    ),
    "final_set": lambda d, p: services.final_set(
        assessment=assessment(d, 1), by=p["evaluateur"], result=NON_ACQUISE, comment="Revu"
    ),
    "assessment_sign": lambda d, p: services.assessment_sign(
        assessment=assessment(d, 1), by=p["evaluateur"], password=PASSWORD
    ),
    "dossier_transmit": lambda d, p: services.dossier_transmit(dossier=d, by=p["evaluateur"]),
    "dossier_resume_parcours": lambda d, p: services.dossier_resume_parcours(
        dossier=d, by=p["evaluateur"]
    ),
}


@pytest.fixture
def transmitted(parcours, candidat, evaluators, evaluateur, settings, tmp_path):
    """A parcours dossier with an account, an evidence file and an observation, transmitted."""
    settings.MEDIA_ROOT = tmp_path
    candidacy = parcours()
    dossier = dossier_of(candidacy)
    services.account_save(dossier=dossier, by=candidat, competence=competence(1), text="Récit")
    services.evidence_add(dossier=dossier, by=candidat, competence=competence(1), upload=pdf())
    services.observation_add(
        dossier=dossier,
        by=evaluateur,
        kind="observee",
        date=today() - DAY,
        context="Accueil des stagiaires",
        observed="Accueil conduit seul",
        competence=competence(1),
    )
    settle(dossier, **evaluators, non_acquises={6})
    services.dossier_transmit(dossier=dossier, by=evaluateur)
    return dossier_of(candidacy)


@pytest.mark.parametrize("write", list(WRITES))
def test_a_transmitted_dossier_is_read_only(write, transmitted, candidat, evaluators, tmp_path):
    people = {"candidat": candidat, **evaluators}
    before = snapshot(transmitted)
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    with pytest.raises(PermissionDenied):
        WRITES[write](transmitted, people)
    assert snapshot(transmitted) == before
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == files


def test_return_to_evaluation_reopens_the_same_dossier(
    transmitted, secretariat, candidat, professionnel, evaluateur
):
    candidacy = transmitted.candidacy
    services.evaluation_reopen(
        candidacy=candidacy, by=secretariat, reason="Motivation de C6 illisible."
    )
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"
    assert EvaluationDossier.objects.filter(candidacy=candidacy).count() == 1
    dossier = dossier_of(candidacy)
    assert dossier.pk == transmitted.pk
    assert (dossier.transmitted_at, dossier.transmitted_by) == (None, None)
    assert not dossier.is_locked
    # Editable again by each party.
    services.account_save(dossier=dossier, by=candidat, competence=competence(1), text="Complété")
    assert dossier.accounts.get(competence=competence(1)).text == "Complété"
    services.final_set(
        assessment=assessment(dossier, 6),
        by=evaluateur,
        result=NON_ACQUISE,
        comment="Mises en situation insuffisantes.",
    )
    assert services.dossier_missing(dossier) == [
        "C6 : signature du professionnel du secteur",
        "C6 : signature de l'évaluateur externe",
    ]
    sign(dossier, 6, professionnel, evaluateur)
    services.dossier_transmit(dossier=dossier, by=evaluateur)
    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    assert candidacy.state == "jury" and dossier.transmitted_by == evaluateur


# Once the candidacy is withdrawn during the evaluation (dossier neither transmitted nor
# closed), every write on the dossier is refused.
AFTER_WITHDRAWAL = {
    "account_save": lambda d, p: services.account_save(
        dossier=d, by=p["candidat"], competence=competence(2), text="Récit"
    ),
    "observation_add": lambda d, p: observe(d, p["evaluateur"]),
    "opinion_give": lambda d, p: services.opinion_give(
        assessment=assessment(d, 2), by=p["professionnel"], opinion=ACQUISE
    ),
    "final_set": lambda d, p: services.final_set(
        assessment=assessment(d, 1), by=p["evaluateur"], result=NON_ACQUISE, comment="Revu"
    ),
    "assessment_sign": lambda d, p: services.assessment_sign(
        assessment=assessment(d, 1), by=p["evaluateur"], password=PASSWORD
    ),
    "dossier_transmit": lambda d, p: services.dossier_transmit(dossier=d, by=p["evaluateur"]),
    "dossier_resume_parcours": lambda d, p: services.dossier_resume_parcours(
        dossier=d, by=p["evaluateur"]
    ),
}


@pytest.mark.parametrize("write", list(AFTER_WITHDRAWAL))
def test_the_dossier_of_a_withdrawn_candidacy_cannot_change(write, parcours, evaluators, candidat):
    candidacy = parcours()
    dossier = dossier_of(candidacy)
    opinions(dossier, 1, **evaluators)  # agreed, not signed yet
    candidacy_services.candidacy_withdraw(candidacy=candidacy, by=candidat, reason="Départ")
    dossier = dossier_of(candidacy)
    assert candidacy.state == "abandonne"
    before = snapshot(dossier)
    with pytest.raises(PermissionDenied):
        AFTER_WITHDRAWAL[write](dossier, {"candidat": candidat, **evaluators})
    assert snapshot(dossier) == before


# Back to the parcours ---------------------------------------------------------------------


def test_resume_parcours_is_refused_on_a_vae_candidacy(vae, evaluators, evaluateur):
    dossier = settle(dossier_of(vae()), **evaluators, non_acquises={3})
    before = snapshot(dossier)
    with pytest.raises((PermissionDenied, candidacy_services.TransitionError)):
        services.dossier_resume_parcours(dossier=dossier, by=evaluateur)
    assert snapshot(dossier) == before


def test_resume_parcours_is_refused_while_a_result_is_unsigned(
    parcours, evaluators, professionnel, evaluateur
):
    dossier = dossier_of(parcours())
    for number in range(1, 7):
        opinions(dossier, number, **evaluators, pro=NON_ACQUISE, eva=NON_ACQUISE)
        sign(dossier, number, professionnel, *([evaluateur] if number != 6 else []))
    before = snapshot(dossier)
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_resume_parcours(dossier=dossier, by=professionnel)
    assert "C6" in excinfo.value.messages[0]
    assert snapshot(dossier) == before


def test_resume_parcours_is_refused_when_every_competence_is_acquired(
    parcours, evaluators, evaluateur
):
    dossier = settle(dossier_of(parcours()), **evaluators)
    before = snapshot(dossier)
    with pytest.raises(ValidationError) as excinfo:
        services.dossier_resume_parcours(dossier=dossier, by=evaluateur)
    assert "transmettez le dossier au jury" in excinfo.value.messages[0]
    assert snapshot(dossier) == before


@pytest.mark.parametrize("actor", ["professionnel", "evaluateur"])
def test_resume_parcours_sends_the_candidate_back_for_the_competences_not_acquired(
    actor, request, parcours, evaluators, professionnel, evaluateur
):
    candidacy = parcours()
    dossier = settle(dossier_of(candidacy), **evaluators, non_acquises={3})
    # C5: a disagreement resolved as « non acquise ».
    services.final_set(
        assessment=assessment(dossier, 5), by=evaluateur, result=NON_ACQUISE, comment="Revu."
    )
    sign(dossier, 5, professionnel, evaluateur)
    user = request.getfixturevalue(actor)
    start = timezone.now()
    services.dossier_resume_parcours(dossier=dossier, by=user, comment="Reprendre C3 et C5.")
    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    assert plan_codes(candidacy, cycle=2) == {"C3", "C5"}
    assert start <= dossier.closed_at <= timezone.now()
    assert dossier.is_locked and dossier.transmitted_at is None
    log = TransitionLog.objects.filter(candidacy=candidacy).last()
    assert (log.transition, log.role, log.actor, log.source, log.target, log.comment) == (
        "resume_parcours",
        actor,
        user,
        "evaluation",
        "parcours",
        "Reprendre C3 et C5.",
    )


def test_resume_parcours_by_the_candidate_is_denied(parcours, evaluators, candidat):
    dossier = settle(dossier_of(parcours()), **evaluators, non_acquises={3})
    before = snapshot(dossier)
    with pytest.raises(PermissionDenied):
        services.dossier_resume_parcours(dossier=dossier, by=candidat)
    assert snapshot(dossier) == before


# Observations -----------------------------------------------------------------------------


def observe(dossier, by, **fields):
    values = {
        "kind": "observee",
        "date": today(),
        "context": "Préparation d'une session",
        "observed": "Convocations envoyées",
        **fields,
    }
    return services.observation_add(dossier=dossier, by=by, **values)


def test_observation_is_recorded_with_its_author(parcours, professionnel, evaluateur):
    dossier = dossier_of(parcours())
    first = observe(dossier, professionnel, competence=competence(2))
    second = observe(dossier, evaluateur, kind="analysee", date=today() - 30 * DAY)
    assert (first.author, first.competence, first.date) == (professionnel, competence(2), today())
    assert (second.author, second.competence, second.kind) == (evaluateur, None, "analysee")
    assert dossier.observations.count() == 2


def test_observation_dated_in_the_future_is_refused(parcours, evaluateur):
    dossier = dossier_of(parcours())
    with pytest.raises(ValidationError) as excinfo:
        observe(dossier, evaluateur, date=today() + DAY)
    assert error_fields(excinfo) == {"date"}
    assert not dossier.observations.exists()


def test_observation_on_a_competence_outside_the_scope_is_refused(parcours, evaluateur):
    def validate_c1(candidacy):
        validate(candidacy.candidate, 1, validated_on=today() - 365 * DAY)

    dossier = dossier_of(parcours(before=validate_c1))
    assert "C1" not in scope_codes(dossier)
    with pytest.raises(ValidationError) as excinfo:
        observe(dossier, evaluateur, competence=competence(1))
    assert error_fields(excinfo) == {"competence"}
    assert not dossier.observations.exists()


def test_observation_by_someone_else_is_denied(parcours, candidat):
    dossier = dossier_of(parcours())
    with pytest.raises(PermissionDenied):
        observe(dossier, candidat)
    assert not dossier.observations.exists()
