"""What is still to validate is computed at the date of each act (DESIGN.md): a validation
that lapses between two acts puts its competence back in scope. Opening or reopening the
dossier adds its assessment; placing the candidacy on a session and recording the decision
are refused, naming the competence and the day its validation ended."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from evaluations import services as evaluation_services
from jury import services
from jury.models import Deliberation, JurySession
from tests.candidates.builders import DAY, today, validate
from tests.evaluations.builders import (
    assessment_codes,
    dossier_of,
    opinions,
    restart_evaluation,
    scope_codes,
    settle,
    sign,
)

from .builders import candidacy_in_jury, fiche, fresh_session, messages, place, planned_session

pytestmark = pytest.mark.django_db
ALL_SIX = ["C1", "C2", "C3", "C4", "C5", "C6"]


def _c1_valid_until(last_day):
    """`before` of candidacy_in_jury: C1 validated 5 years ago, in force until `last_day`."""

    def before(candidacy):
        validate(candidacy.candidate, 1, validated_on=last_day - 1800 * DAY, valid_until=last_day)

    return before


@pytest.fixture
def c1_lapsing(candidat, own_org, secretariat, professionnel, evaluateur):
    """A candidacy transmitted to the jury whose dossier left C1 out (validated, in force
    until today + 10 days)."""
    return candidacy_in_jury(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
        before=_c1_valid_until(today() + 10 * DAY),
    )


# Opening and reopening the dossier ---------------------------------------------------------


def test_a_lapse_after_resume_parcours_puts_the_competence_in_the_next_cycle(
    parcours, evaluators, professionnel, evaluateur
):
    candidacy = parcours(before=_c1_valid_until(today() + 10 * DAY))
    first = dossier_of(candidacy)
    assert scope_codes(first) == ["C2", "C3", "C4", "C5", "C6"]
    settle(first, **evaluators, non_acquises={3})
    evaluation_services.dossier_resume_parcours(dossier=first, by=evaluateur, comment="C3")
    with time_machine.travel(today() + 20 * DAY, tick=False):
        restart_evaluation(candidacy, professionnel=professionnel)
    second = dossier_of(candidacy)
    assert second.cycle == 2
    assert scope_codes(second) == assessment_codes(second) == ["C1", "C3"]


def test_the_next_cycle_leaves_out_a_competence_still_in_force(
    parcours, evaluators, professionnel, evaluateur
):
    candidacy = parcours(before=_c1_valid_until(today() + 30 * DAY))
    first = settle(dossier_of(candidacy), **evaluators, non_acquises={3})
    evaluation_services.dossier_resume_parcours(dossier=first, by=evaluateur, comment="C3")
    with time_machine.travel(today() + 20 * DAY, tick=False):
        restart_evaluation(candidacy, professionnel=professionnel)
    assert scope_codes(dossier_of(candidacy)) == ["C3"]


def test_reopening_the_dossier_adds_the_competence_whose_validation_lapsed(c1_lapsing, secretariat):
    dossier = dossier_of(c1_lapsing)
    assert assessment_codes(dossier) == ["C2", "C3", "C4", "C5", "C6"]
    with time_machine.travel(today() + 11 * DAY, tick=False):
        evaluation_services.evaluation_reopen(
            candidacy=c1_lapsing, by=secretariat, reason="C1 à évaluer"
        )
    dossier.refresh_from_db()
    assert dossier.transmitted_at is None
    assert scope_codes(dossier) == assessment_codes(dossier) == ALL_SIX
    assert not dossier.assessments.get(competence__number=1).fully_signed


def test_reopening_the_dossier_adds_nothing_while_the_validation_is_in_force(
    c1_lapsing, secretariat
):
    with time_machine.travel(today() + 10 * DAY, tick=False):  # its last day
        evaluation_services.evaluation_reopen(
            candidacy=c1_lapsing, by=secretariat, reason="Signature illisible"
        )
    assert assessment_codes(dossier_of(c1_lapsing)) == ["C2", "C3", "C4", "C5", "C6"]


# Placing on a session ----------------------------------------------------------------------


def test_placing_is_refused_when_a_validation_lapses_before_the_session(c1_lapsing, secretariat):
    last_day = today() + 10 * DAY
    session = planned_session(by=secretariat, date=last_day + DAY)
    with pytest.raises(ValidationError) as excinfo:
        place(session, c1_lapsing, by=secretariat)
    assert excinfo.value.message_dict == {
        "candidacy": [
            "Cette candidature ne peut pas être inscrite : la validation de la compétence C1 "
            f"a pris fin le {last_day:%d/%m/%Y}, avant la session du "
            f"{last_day + DAY:%d/%m/%Y} : elle doit être évaluée et signée."
        ]
    }
    assert not Deliberation.objects.filter(candidacy=c1_lapsing).exists()


def test_placing_is_allowed_on_a_session_on_the_last_day_of_the_validation(c1_lapsing, secretariat):
    session = planned_session(by=secretariat, date=today() + 10 * DAY)
    assert place(session, c1_lapsing, by=secretariat).candidacy == c1_lapsing


def test_placing_is_allowed_once_the_lapsed_competence_is_evaluated_and_signed(
    c1_lapsing, secretariat, professionnel, evaluateur
):
    with time_machine.travel(today() + 11 * DAY, tick=False):
        evaluation_services.evaluation_reopen(candidacy=c1_lapsing, by=secretariat, reason="C1")
        dossier = dossier_of(c1_lapsing)
        opinions(dossier, 1, professionnel=professionnel, evaluateur=evaluateur)
        sign(dossier, 1, professionnel, evaluateur)
        evaluation_services.dossier_transmit(dossier=dossier, by=evaluateur)
    session = planned_session(by=secretariat, date=today() + 20 * DAY)
    assert place(session, c1_lapsing, by=secretariat).candidacy == c1_lapsing


# Recording the decision --------------------------------------------------------------------


def test_recording_the_decision_is_refused_when_a_validation_lapsed_before_the_session(
    c1_lapsing, secretariat
):
    session = planned_session(by=secretariat, date=today())
    deliberation = place(session, c1_lapsing, by=secretariat)
    # The session moved after the placement, past the last day of C1's validation.
    held_on = today() + 12 * DAY
    JurySession.objects.filter(pk=session.pk).update(date=held_on)
    session = fresh_session(session)
    services.session_open(
        session=session,
        by=secretariat,
        present_member_ids=session.seats.values_list("member_id", flat=True),
    )
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    with pytest.raises(ValidationError) as excinfo:
        services.deliberation_record(
            deliberation=deliberation,
            by=fresh_session(session).president.user,
            conform=True,
            decisions=fiche(validated=range(1, 7)),
        )
    assert messages(excinfo.value) == (
        "La décision ne peut pas être enregistrée : la validation de la compétence C1 a pris "
        f"fin le {today() + 10 * DAY:%d/%m/%Y}, avant la session du {held_on:%d/%m/%Y} : "
        "elle doit être évaluée et signée."
    )
    deliberation.refresh_from_db()
    assert deliberation.decided_at is None
    c1_lapsing.refresh_from_db()
    assert c1_lapsing.state == "jury"
