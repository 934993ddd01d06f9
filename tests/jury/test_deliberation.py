"""The fiche de décision at the services level: the outcome that follows from the decisions
(validations for 5 years, certificate or attestation, return to the evaluation), and the second
cycle after a partial validation. Candidacies reach `jury` through the real evaluation."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from candidates import services as candidacy_services
from candidates.models import Candidacy, CompetenceValidation
from cqp.exceptions import ConcurrentChange
from cqp.models import HabilitationKind
from evaluations import services as evaluation_services
from evaluations.models import EvaluationDossier
from jury import services
from jury.models import Certificate, CompetenceDecision, Deliberation, Seat
from tests.candidates.builders import DAY, competence, habilitated, plan_codes, today, validate
from tests.evaluations.builders import (
    dossier_of,
    opinions,
    restart_evaluation,
    scope_codes,
    sign,
)
from tests.factories import DeliberationFactory, UserFactory
from tests.helpers import add_years

from .builders import (
    ALL,
    NON_VALIDEE,
    SALARIES,
    VALIDEE,
    candidacy_in_jury,
    fiche,
    member,
    messages,
    open_session,
    panel,
    place,
    president_of,
    record,
    refused,
    retransmit,
    transmit,
)

pytestmark = pytest.mark.django_db

D = datetime.date
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NUMBER = re.compile(r"^CQP(-[0-9A-F]{4}){4}$")


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=PARIS)


# Outcomes -----------------------------------------------------------------------------------


def test_every_competence_validated_certifies_and_issues_one_certificate(secretariat, to_jury):
    held_on = today() - 3 * DAY  # the session's date, not the day the fiche is typed
    session = open_session(by=secretariat, date=held_on)
    president = president_of(session)
    candidacy = to_jury()
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, decisions=fiche(validated=ALL), motivation="Dossier solide.")

    candidacy.refresh_from_db()
    deliberation.refresh_from_db()
    assert candidacy.state == "certifie"
    assert (deliberation.outcome, deliberation.conform) == ("certifie", True)
    assert deliberation.decided_by == president
    assert deliberation.motivation == "Dossier solide."
    assert [(d.competence.number, d.decision) for d in deliberation.decisions.all()] == [
        (n, VALIDEE) for n in ALL
    ]
    assert deliberation.validations.count() == 6

    certificate = Certificate.objects.get(deliberation__candidacy=candidacy)
    assert certificate.kind == "certificat"
    assert certificate.issued_on == held_on
    assert certificate.is_valid
    assert NUMBER.match(certificate.number)
    assert str(certificate.pk) not in certificate.number.split("-")

    log = candidacy.logs.get(transition="record_decision")
    assert (log.source, log.target, log.actor, log.role) == ("jury", "certifie", president, "jury")
    assert log.comment == "Dossier solide."


def test_certificate_numbers_are_unique_and_not_sequential(secretariat, to_jury):
    session = open_session(by=secretariat)
    numbers = []
    for _ in range(3):
        deliberation = place(session, to_jury(user=UserFactory()), by=secretariat)
        record(deliberation, decisions=fiche(validated=ALL))
        numbers.append(Certificate.objects.get(deliberation=deliberation).number)

    assert len(set(numbers)) == 3
    assert all(NUMBER.match(n) for n in numbers)
    first = Certificate.objects.get(number=numbers[0])
    # The database refuses a second certificate with that number (the ORM itself: no factory).
    deliberation = DeliberationFactory(session=session, candidacy=to_jury(user=UserFactory()))
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            deliberation=deliberation,
            kind="certificat",
            number=first.number,
            issued_on=today(),
        )


def test_some_competences_validated_give_a_partial_validation_for_five_years(secretariat, to_jury):
    session = open_session(by=secretariat)
    held_on = session.date
    candidacy = to_jury(non_acquises=(5, 6))
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, decisions=fiche(validated=(1, 2, 3, 4), not_validated=(5, 6)))

    candidacy.refresh_from_db()
    assert candidacy.state == "partiel"
    attestation = Certificate.objects.get(deliberation=deliberation)
    assert (attestation.kind, attestation.issued_on) == ("attestation", held_on)

    validations = CompetenceValidation.objects.filter(candidate=candidacy.candidate)
    assert sorted((v.competence.number, v.validated_on, v.valid_until) for v in validations) == [
        (n, held_on, add_years(held_on, 5)) for n in (1, 2, 3, 4)
    ]
    assert set(Deliberation.objects.get(pk=deliberation.pk).validations.all()) == set(validations)
    assert [c.code for c in candidacy.competences_to_validate(on=held_on)] == ["C5", "C6"]


def test_a_partial_validation_on_29_february_lasts_until_28_february(
    secretariat, candidat, own_org
):
    with time_machine.travel(noon(D(2028, 2, 29)), tick=False):
        pro = habilitated(HabilitationKind.PROFESSIONNEL, by=secretariat)
        eva = habilitated(HabilitationKind.EVALUATEUR, by=secretariat)
        candidacy = candidacy_in_jury(
            candidat,
            own_org,
            secretariat=secretariat,
            professionnel=pro,
            evaluateur=eva,
            non_acquises=(6,),
        )
        session = open_session(by=secretariat)
        assert session.date == D(2028, 2, 29)
        deliberation = place(session, candidacy, by=secretariat)
        record(deliberation, decisions=fiche(validated=(1, 2, 3, 4, 5), not_validated=(6,)))

    assert set(
        CompetenceValidation.objects.filter(candidate=candidacy.candidate).values_list(
            "validated_on", "valid_until"
        )
    ) == {(D(2028, 2, 29), D(2033, 2, 28))}


def test_no_competence_validated_is_non_certifie_without_certificate(secretariat, to_jury):
    session = open_session(by=secretariat)
    candidacy = to_jury(non_acquises=ALL)
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, decisions=fiche(not_validated=ALL))

    candidacy.refresh_from_db()
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert candidacy.state == "non_certifie"
    assert deliberation.outcome == "non_certifie"
    assert deliberation.decisions.filter(decision=NON_VALIDEE).count() == 6
    assert not Certificate.objects.exists()
    assert not CompetenceValidation.objects.exists()
    assert not deliberation.validations.exists()


def test_a_validation_still_in_force_is_counted_and_not_decided_again(secretariat, to_jury):
    held_on = today()
    candidacy = to_jury(
        before=lambda c: validate(c.candidate, 1, validated_on=add_years(held_on, -1))
    )
    assert scope_codes(dossier_of(candidacy)) == ["C2", "C3", "C4", "C5", "C6"]
    session = open_session(by=secretariat, date=held_on)
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, decisions=fiche(validated=(2, 3, 4, 5, 6)))

    candidacy.refresh_from_db()
    assert candidacy.state == "certifie"
    assert Certificate.objects.get(deliberation=deliberation).kind == "certificat"
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert sorted(d.competence.number for d in deliberation.decisions.all()) == [2, 3, 4, 5, 6]
    assert sorted(v.competence.number for v in deliberation.validations.all()) == [2, 3, 4, 5, 6]
    assert CompetenceValidation.objects.filter(candidate=candidacy.candidate).count() == 6


def test_a_validation_expiring_on_the_session_day_still_counts(secretariat, to_jury):
    held_on = today() + 20 * DAY
    candidacy = to_jury(
        before=lambda c: validate(
            c.candidate, 1, validated_on=add_years(today(), -4), valid_until=held_on
        )
    )
    with time_machine.travel(noon(held_on), tick=False):
        session = open_session(by=secretariat, date=held_on)
        deliberation = place(session, candidacy, by=secretariat)
        record(deliberation, decisions=fiche(validated=(2, 3, 4, 5, 6)))

    candidacy.refresh_from_db()
    assert candidacy.state == "certifie"


def test_a_validation_expired_by_the_session_day_is_evaluated_again_before_the_decision(
    secretariat, to_jury, professionnel, evaluateur
):
    """C1 was in force when the evaluation started (the dossier left it out) but has
    expired by the session's date: the candidacy cannot be placed until the evaluators
    assess and sign C1 in the reopened dossier; the jury then decides it again."""
    evaluated_on = today()
    expires_on = evaluated_on + 10 * DAY
    held_on = evaluated_on + 30 * DAY
    candidacy = to_jury(
        before=lambda c: validate(
            c.candidate, 1, validated_on=add_years(evaluated_on, -4), valid_until=expires_on
        )
    )
    assert scope_codes(dossier_of(candidacy)) == ["C2", "C3", "C4", "C5", "C6"]
    c1 = competence(1)

    with time_machine.travel(noon(held_on), tick=False):
        session = open_session(by=secretariat, date=held_on)
        with pytest.raises(ValidationError) as excinfo:
            place(session, candidacy, by=secretariat)
        assert "C1" in messages(excinfo.value) and "C2" not in messages(excinfo.value)

        evaluation_services.evaluation_reopen(candidacy=candidacy, by=secretariat, reason="C1")
        dossier = dossier_of(candidacy)
        assert scope_codes(dossier) == ["C1", "C2", "C3", "C4", "C5", "C6"]
        opinions(dossier, 1, professionnel=professionnel, evaluateur=evaluateur)
        sign(dossier, 1, professionnel, evaluateur)
        retransmit(candidacy, evaluateur=evaluateur)
        deliberation = place(session, candidacy, by=secretariat)
        record(deliberation, decisions=fiche(validated=ALL))

    candidacy.refresh_from_db()
    assert candidacy.state == "certifie"
    renewed = Deliberation.objects.get(pk=deliberation.pk).validations.get(competence=c1)
    assert (renewed.validated_on, renewed.valid_until) == (held_on, add_years(held_on, 5))


def test_a_validation_already_expired_is_evaluated_and_decided_again(secretariat, to_jury):
    candidacy = to_jury(
        before=lambda c: validate(
            c.candidate,
            1,
            validated_on=add_years(today(), -6),
            valid_until=add_years(today(), -1),
        )
    )
    assert scope_codes(dossier_of(candidacy)) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    session = open_session(by=secretariat)
    deliberation = place(session, candidacy, by=secretariat)

    error = refused(
        deliberation, lambda: record(deliberation, decisions=fiche(validated=(2, 3, 4, 5, 6)))
    )
    assert "C1" in messages(error)

    record(
        deliberation,
        decisions=fiche(
            validated=(2, 3, 4, 5, 6),
            not_validated=(1,),
            motivations={1: "Pratique trop ancienne."},
        ),
    )
    candidacy.refresh_from_db()
    assert candidacy.state == "partiel"


def test_a_decision_against_the_evaluators_needs_a_motivation(secretariat, to_jury):
    session = open_session(by=secretariat)
    candidacy = to_jury(non_acquises=(6,))
    deliberation = place(session, candidacy, by=secretariat)
    c3, c6 = competence(3), competence(6)

    # C3 « acquise » by the evaluators, not validated; C6 « non acquise », validated.
    error = refused(
        deliberation,
        lambda: record(
            deliberation,
            decisions=fiche(validated=(1, 2, 4, 5, 6), not_validated=(3,), motivations={6: " "}),
        ),
    )
    assert set(error.message_dict) == {f"motivation_{c3.pk}", f"motivation_{c6.pk}"}
    assert error.message_dict[f"motivation_{c3.pk}"] == [
        "Cette décision diffère du résultat des évaluateurs : motivez-la."
    ]

    record(
        deliberation,
        decisions=fiche(
            validated=(1, 2, 4, 5, 6),
            not_validated=(3,),
            motivations={3: "Situations observées insuffisantes.", 6: "Entretien probant."},
        ),
    )
    candidacy.refresh_from_db()
    assert candidacy.state == "partiel"
    decisions = {
        d.competence.number: (d.decision, d.motivation)
        for d in CompetenceDecision.objects.filter(deliberation=deliberation)
    }
    assert decisions[3] == (NON_VALIDEE, "Situations observées insuffisantes.")
    assert decisions[6] == (VALIDEE, "Entretien probant.")
    assert decisions[1] == (VALIDEE, "")


def test_an_unknown_decision_is_refused(secretariat, to_jury):
    session = open_session(by=secretariat)
    deliberation = place(session, to_jury(), by=secretariat)
    decisions = fiche(validated=ALL)
    decisions[competence(2).pk] = ("peut-etre", "")

    error = refused(deliberation, lambda: record(deliberation, decisions=decisions))
    assert set(error.message_dict) == {f"decision_{competence(2).pk}"}


def test_non_conformity_needs_notes(secretariat, to_jury):
    session = open_session(by=secretariat)
    deliberation = place(session, to_jury(), by=secretariat)

    for notes in ("", "   "):
        error = refused(
            deliberation,
            lambda notes=notes: record(deliberation, conform=False, conformity_notes=notes),
        )
        assert "conformity_notes" in error.message_dict


def test_non_conformity_returns_the_candidacy_to_its_reopened_evaluation(secretariat, to_jury):
    session = open_session(by=secretariat)
    president = president_of(session)
    candidacy = to_jury()
    dossier = dossier_of(candidacy)
    assert dossier.transmitted_at is not None
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, conform=False, conformity_notes="  Livret non signé par le candidat. ")

    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert candidacy.state == "evaluation"
    assert candidacy.outcome_reason == "Livret non signé par le candidat."
    assert (dossier.transmitted_at, dossier.transmitted_by, dossier.cycle) == (None, None, 1)
    assert EvaluationDossier.objects.filter(candidacy=candidacy).count() == 1
    assert deliberation.outcome == "non_conforme"
    assert deliberation.conform is False
    assert deliberation.conformity_notes == "Livret non signé par le candidat."
    assert (deliberation.is_decided, deliberation.decided_by) == (True, president)
    assert not deliberation.decisions.exists()
    assert not CompetenceValidation.objects.exists()
    assert not Certificate.objects.exists()
    log = candidacy.logs.get(transition="return_to_evaluation")
    assert (log.source, log.target, log.actor) == ("jury", "evaluation", president)
    # The session can close: the fiche is decided.
    services.session_close(session=session, by=president)


def test_only_the_president_records(secretariat, to_jury):
    e1, e2, s1, s2 = members = panel(employeurs=2, salaries=2)
    session = open_session(by=secretariat, members=members, president=e1)
    deliberation = place(session, to_jury(), by=secretariat)
    outsider_jury = member(SALARIES).user

    for user in (e2.user, s1.user, outsider_jury, secretariat):
        refused(
            deliberation,
            lambda user=user: record(deliberation, by=user, decisions=fiche(validated=ALL)),
            PermissionDenied,
        )
        refused(
            deliberation,
            lambda user=user: record(
                deliberation, by=user, conform=False, conformity_notes="Pièce manquante."
            ),
            PermissionDenied,
        )

    record(deliberation, by=e1.user, decisions=fiche(validated=ALL))
    assert Candidacy.objects.get(pk=deliberation.candidacy_id).state == "certifie"


def test_no_decision_once_the_session_has_lost_its_quorum(secretariat, to_jury):
    e1, e2, s1, s2 = members = panel(employeurs=2, salaries=2)
    session = open_session(by=secretariat, members=members, president=e1)
    deliberation = place(session, to_jury(), by=secretariat)

    Seat.objects.filter(session=session, member=s2).update(present=False)  # s2 left the room

    error = refused(deliberation, lambda: record(deliberation, decisions=fiche(validated=ALL)))
    assert "quorum" in messages(error)
    refused(
        deliberation,
        lambda: record(deliberation, conform=False, conformity_notes="Pièce manquante."),
    )

    Seat.objects.filter(session=session, member=e2).update(present=False)  # parity again
    record(deliberation, decisions=fiche(validated=ALL))
    assert Candidacy.objects.get(pk=deliberation.candidacy_id).state == "certifie"


def test_a_fiche_is_recorded_once(secretariat, to_jury):
    session = open_session(by=secretariat)
    deliberation = place(session, to_jury(), by=secretariat)
    record(deliberation, decisions=fiche(validated=ALL))

    # Recorded meanwhile: told as a change of the candidacy (issue 11, defect 8).
    error = refused(
        deliberation,
        lambda: record(deliberation, decisions=fiche(not_validated=ALL)),
        error=ConcurrentChange,
    )
    assert "maintenant à l'étape « Certification obtenue »" in error.message
    assert Certificate.objects.count() == 1


# Partial validation, then a second cycle --------------------------------------------------


def test_partial_then_second_cycle_on_what_is_left_then_certified(
    secretariat, candidat, professionnel, evaluateur, to_jury
):
    first_day, second_day = today() - 30 * DAY, today()
    candidacy = to_jury(non_acquises=(5, 6))
    first = open_session(by=secretariat, date=first_day)
    record(
        place(first, candidacy, by=secretariat),
        decisions=fiche(validated=(1, 2, 3, 4), not_validated=(5, 6)),
    )
    services.session_close(session=first, by=secretariat)
    candidacy.refresh_from_db()
    assert candidacy.state == "partiel"

    candidacy_services.run_transition(
        name="continue_after_partial", candidacy=candidacy, by=candidat
    )
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    assert plan_codes(candidacy) == {"C5", "C6"}

    restart_evaluation(candidacy, professionnel=professionnel)
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"
    dossier = dossier_of(candidacy)
    assert (dossier.cycle, scope_codes(dossier)) == (2, ["C5", "C6"])
    transmit(candidacy, professionnel=professionnel, evaluateur=evaluateur)
    assert candidacy.state == "jury"

    second = open_session(by=secretariat, date=second_day)
    deliberation = place(second, candidacy, by=secretariat)
    # C1..C4 are in force: deciding only C5 and C6 is complete.
    record(deliberation, decisions=fiche(validated=(5, 6)))

    candidacy.refresh_from_db()
    assert candidacy.state == "certifie"
    certificate = Certificate.objects.get(deliberation=deliberation)
    assert (certificate.kind, certificate.issued_on) == ("certificat", second_day)
    assert sorted(
        Certificate.objects.filter(deliberation__candidacy=candidacy).values_list("kind", flat=True)
    ) == ["attestation", "certificat"]
    assert sorted(
        CompetenceValidation.objects.filter(candidate=candidacy.candidate).values_list(
            "competence__number", "validated_on"
        )
    ) == [
        (1, first_day),
        (2, first_day),
        (3, first_day),
        (4, first_day),
        (5, second_day),
        (6, second_day),
    ]
    assert sorted(
        v.competence.number for v in Deliberation.objects.get(pk=deliberation.pk).validations.all()
    ) == [5, 6]
