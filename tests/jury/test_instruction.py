"""The instruction of the dossiers waiting for a session (jury.instruction): each check at
the intended session date, the placement of several candidacies on a session, and the
return of one to the evaluation by the secretariat."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from candidates.models import Candidacy
from cqp.exceptions import ConcurrentChange
from cqp.models import Habilitation
from jury import instruction, selectors, services
from jury.models import Deliberation
from tests.candidates.builders import DAY, today, validate
from tests.evaluations.builders import dossier_of
from tests.factories import CandidacyFactory, VaeActivityFactory, VaeExperienceFactory

from .builders import cheap_in_jury, place, planned_session

pytestmark = pytest.mark.django_db

LABELS = [
    "Pièces du dossier",
    "Mise en pratique",
    "Compétences évaluées et signées",
    "Habilitation des signataires",
    "Validations en vigueur à la date de la session",
    "État civil du candidat",
]


def _checks(candidacy, on=None):
    queryset = instruction.annotate(Candidacy.objects.filter(pk=candidacy.pk))
    [row] = instruction.rows(list(queryset), on=on or today())
    return row, {check.label: check.problems for check in row.checks}


# The checks --------------------------------------------------------------------------------


def test_a_dossier_transmitted_after_the_real_evaluation_passes_every_check(to_jury):
    row, checks = _checks(to_jury())
    assert row.passed
    assert list(checks) == LABELS
    assert all(problems == [] for problems in checks.values())


def test_the_livret_and_the_mise_en_pratique_of_a_parcours_are_checked(to_jury):
    candidacy = to_jury()
    entries = candidacy.reperage_entries.filter(element__competence__number=2)
    entries.filter(pk__in=list(entries.values_list("pk", flat=True)[:3])).delete()
    Candidacy.objects.filter(pk=candidacy.pk).update(practice_confirmed_on=None)
    row, checks = _checks(candidacy)
    assert not row.passed
    assert checks["Pièces du dossier"] == [
        "livret de repérage incomplet : 3 éléments sans appréciation"
    ]
    assert checks["Mise en pratique"] == ["la mise en pratique en entreprise n'est pas confirmée"]


def test_a_vae_dossier_needs_parties_2_and_3_and_has_no_mise_en_pratique_check(own_org):
    candidacy = cheap_in_jury(own_org, vae=True)
    row, checks = _checks(candidacy)
    assert "Mise en pratique" not in checks
    assert checks["Pièces du dossier"] == [
        "partie 2 : « situation actuelle » non renseigné",
        "partie 2 : « emploi actuel » non renseigné",
        "partie 2 : « formation et diplômes » non renseigné",
        "partie 2 : « motivation de la demande » non renseigné",
        "partie 2 : aucune expérience professionnelle déclarée",
        "partie 3 du dossier de VAE absente",
    ]
    VaeActivityFactory(candidacy=candidacy)
    assert "partie 3 du dossier de VAE absente" not in _checks(candidacy)[1]["Pièces du dossier"]
    VaeExperienceFactory(request=candidacy.vae_request)
    VaeExperienceFactory(request=candidacy.vae_request)
    assert (
        "partie 2 : aucune expérience professionnelle déclarée"
        not in (_checks(candidacy)[1]["Pièces du dossier"])
    )


def test_a_livret_entry_without_appreciation_counts_as_missing(to_jury):
    candidacy = to_jury()
    entries = candidacy.reperage_entries.filter(element__competence__number=3)
    entries.filter(pk__in=list(entries.values_list("pk", flat=True)[:2])).update(status="")
    assert _checks(candidacy)[1]["Pièces du dossier"] == [
        "livret de repérage incomplet : 2 éléments sans appréciation"
    ]


def test_a_competence_without_a_signed_result_fails_the_signatures_check(to_jury):
    candidacy = to_jury()
    dossier_of(candidacy).assessments.filter(competence__number=4).update(evaluateur_signed_at=None)
    row, checks = _checks(candidacy)
    assert checks["Compétences évaluées et signées"] == [
        "la compétence C4 n'a pas de résultat signé par les deux évaluateurs"
    ]
    assert not row.passed


def test_a_signer_without_a_habilitation_on_the_day_they_signed_is_named(to_jury, professionnel):
    candidacy = to_jury()
    Habilitation.objects.filter(user=professionnel).update(valid_from=today() + DAY)
    row, checks = _checks(candidacy)
    signed = dossier_of(candidacy).assessments.get(competence__number=1)
    assert checks["Habilitation des signataires"] == [
        f"C1, C2, C3, C4, C5, C6 : {signed.professionnel_signed_name} n'avait pas "
        f"d'habilitation valable (Professionnel du secteur) le {today():%d/%m/%Y}, jour de sa signature"
    ]
    assert not row.passed


def test_a_validation_lapsing_before_the_session_date_is_named(to_jury):
    last_day = today() + 10 * DAY
    candidacy = to_jury(
        before=lambda c: validate(
            c.candidate, 1, validated_on=last_day - 1800 * DAY, valid_until=last_day
        )
    )
    assert _checks(candidacy, on=last_day)[0].passed
    row, checks = _checks(candidacy, on=last_day + DAY)
    assert checks["Validations en vigueur à la date de la session"] == [
        f"la validation de la compétence C1 a pris fin le {last_day:%d/%m/%Y}, avant la "
        f"session du {last_day + DAY:%d/%m/%Y} : elle doit être évaluée et signée"
    ]
    assert checks["Compétences évaluées et signées"] == []
    assert not row.passed


# The queue ---------------------------------------------------------------------------------


def test_the_queue_leaves_out_the_candidacies_on_a_pending_session(secretariat, own_org):
    waiting = cheap_in_jury(own_org)
    placed = cheap_in_jury(own_org)
    place(planned_session(by=secretariat), placed, by=secretariat)
    CandidacyFactory(state="evaluation", organisation=own_org)
    assert list(selectors.awaiting_session()) == [waiting]


# Placing several candidacies ---------------------------------------------------------------


def test_placing_several_places_each_that_passes_and_reports_the_others(
    secretariat, own_org, to_jury
):
    session = planned_session(by=secretariat, date=today() + 20 * DAY)
    ready = [cheap_in_jury(own_org) for _ in range(2)]
    elsewhere = cheap_in_jury(own_org)
    place(planned_session(by=secretariat), elsewhere, by=secretariat)
    last_day = today() + 10 * DAY
    lapsing = to_jury(
        before=lambda c: validate(
            c.candidate, 1, validated_on=last_day - 1800 * DAY, valid_until=last_day
        )
    )
    placed, refused = services.session_place_candidacies(
        session=session, by=secretariat, candidacies=[ready[0], elsewhere, lapsing, ready[1]]
    )
    assert [d.candidacy for d in placed] == ready
    assert refused == [
        (elsewhere, ["Cette candidature est déjà inscrite à une session."]),
        (
            lapsing,
            [
                "Cette candidature ne peut pas être inscrite : la validation de la compétence "
                f"C1 a pris fin le {last_day:%d/%m/%Y}, avant la session du "
                f"{today() + 20 * DAY:%d/%m/%Y} : elle doit être évaluée et signée."
            ],
        ),
    ]
    assert set(session.deliberations.values_list("candidacy_id", flat=True)) == {
        c.pk for c in ready
    }


def test_placing_several_is_for_the_secretariat(jury, secretariat, own_org):
    session = planned_session(by=secretariat)
    with pytest.raises(PermissionDenied):
        services.session_place_candidacies(
            session=session, by=jury, candidacies=[cheap_in_jury(own_org)]
        )
    assert not session.deliberations.exists()


# Returning one to the evaluation -----------------------------------------------------------


def test_the_secretariat_returns_a_waiting_dossier_to_the_evaluation(secretariat, to_jury):
    candidacy = to_jury()
    services.candidacy_return_to_evaluation(
        candidacy=candidacy,
        by=secretariat,
        reason="  Signature illisible sur C2. ",
        expected_state="jury",
    )
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"
    assert candidacy.outcome_reason == "Signature illisible sur C2."
    assert dossier_of(candidacy).transmitted_at is None
    log = candidacy.logs.last()
    assert (log.transition, log.actor, log.comment) == (
        "return_to_evaluation",
        secretariat,
        "Signature illisible sur C2.",
    )


def test_returning_a_dossier_on_a_session_is_refused(secretariat, own_org):
    candidacy = cheap_in_jury(own_org)
    session = planned_session(by=secretariat, date=today() + 3 * DAY)
    place(session, candidacy, by=secretariat)
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_return_to_evaluation(
            candidacy=candidacy, by=secretariat, reason="Pièce manquante."
        )
    assert excinfo.value.messages == [
        f"Cette candidature est inscrite à la session du {today() + 3 * DAY:%d/%m/%Y} : "
        "retirez-la d'abord de son ordre du jour."
    ]
    candidacy.refresh_from_db()
    assert candidacy.state == "jury"
    assert Deliberation.objects.filter(candidacy=candidacy).exists()


def test_returning_needs_a_reason_and_the_secretariat(secretariat, jury, own_org):
    candidacy = cheap_in_jury(own_org)
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_return_to_evaluation(candidacy=candidacy, by=secretariat, reason=" ")
    assert excinfo.value.message_dict == {"reason": ["Indiquez le motif du renvoi à l'évaluation."]}
    with pytest.raises(PermissionDenied):
        services.candidacy_return_to_evaluation(candidacy=candidacy, by=jury, reason="Motif.")
    candidacy.refresh_from_db()
    assert candidacy.state == "jury"


def test_returning_a_dossier_that_moved_meanwhile_says_so(secretariat, own_org):
    candidacy = cheap_in_jury(own_org)
    with pytest.raises(ConcurrentChange):
        services.candidacy_return_to_evaluation(
            candidacy=candidacy, by=secretariat, reason="Motif.", expected_state="evaluation"
        )
