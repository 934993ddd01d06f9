import datetime

import pytest

from candidates.enums import RecevabiliteOutcome, State
from cqp.models import HabilitationKind
from jury.enums import College, SessionState
from pilotage.stats import (
    Filters,
    all_figures,
    durations,
    flows,
    habilitations,
    jury,
    outcomes,
    percentile,
    recevabilite,
    waiting_longest,
    withdrawals,
)
from tests.factories import (
    CandidacyFactory,
    CompetenceValidationFactory,
    DeliberationFactory,
    HabilitationFactory,
    JuryMemberFactory,
    JurySessionFactory,
    SeatFactory,
)

from .builders import at, created, log, recevabilite_decided

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
PERIOD = Filters(start=START, end=END)
DAY = datetime.timedelta(days=1)


def step(rows, key):
    return next(row for row in rows if row["key"] == key)


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    previous = PERIOD.previous
    assert previous.end == datetime.date(2025, 12, 31)
    assert previous.start == datetime.date(2025, 7, 4)
    assert previous.end - previous.start == END - START


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([1, 2, 3, 4, 10], 0.5) == 3
    assert percentile([1, 2, 3, 4, 10], 0.9) == pytest.approx(7.6)
    assert percentile([], 0.5) is None


def test_recevabilite_duration_median_and_p90_are_exact():
    for days in (1, 2, 3, 4, 10):
        recevabilite_decided(at(datetime.date(2026, 3, 2)), days)
    recevabilite_decided(at(datetime.date(2025, 9, 1)), 20, outcome="declare_non_recevable")

    row = step(durations(PERIOD), "recevabilite")

    assert (row["current_median"], row["current_p90"], row["current_n"]) == (3.0, 7.6, 5)
    assert (row["previous_median"], row["previous_p90"], row["previous_n"]) == (20.0, 20.0, 1)


def test_recevabilite_duration_counts_from_the_latest_submission():
    candidacy = recevabilite_decided(at(datetime.date(2026, 3, 2)), 2, outcome="request_completion")
    log(
        candidacy,
        "submit_recevabilite",
        State.DEMANDE,
        State.RECEVABILITE,
        at(datetime.date(2026, 3, 10)),
    )
    log(
        candidacy,
        "declare_recevable",
        State.RECEVABILITE,
        State.RECEVABLE,
        at(datetime.date(2026, 3, 15)),
    )

    row = step(durations(PERIOD), "recevabilite")

    # Two examinations: 2 days, then 5 days from the second submission (not 13 from the first).
    assert (row["current_n"], row["current_median"], row["current_p90"]) == (2, 3.5, 4.7)


def test_every_step_duration_from_the_log():
    candidacy = created(at(datetime.date(2026, 1, 5)))
    log(
        candidacy,
        "complete_reperage",
        State.REPERAGE,
        State.PARCOURS,
        at(datetime.date(2026, 1, 20)),
    )
    log(candidacy, "assign", State.PARCOURS, State.PARCOURS, at(datetime.date(2026, 2, 1)))
    log(
        candidacy,
        "start_evaluation",
        State.PARCOURS,
        State.EVALUATION,
        at(datetime.date(2026, 2, 4)),
    )
    log(candidacy, "transmit_to_jury", State.EVALUATION, State.JURY, at(datetime.date(2026, 3, 6)))
    log(candidacy, "record_decision", State.JURY, State.PARTIEL, at(datetime.date(2026, 3, 16)))
    # A second cycle: its evaluation starts from the parcours, not from the repérage.
    log(
        candidacy,
        "continue_after_partial",
        State.PARTIEL,
        State.PARCOURS,
        at(datetime.date(2026, 4, 1)),
    )
    log(
        candidacy,
        "start_evaluation",
        State.PARCOURS,
        State.EVALUATION,
        at(datetime.date(2026, 4, 11)),
    )
    log(candidacy, "transmit_to_jury", State.EVALUATION, State.JURY, at(datetime.date(2026, 4, 15)))

    rows = durations(PERIOD)

    assert step(rows, "reperage")["current_n"] == 1
    assert step(rows, "reperage")["current_median"] == 30.0
    assert step(rows, "evaluation")["current_n"] == 2
    assert step(rows, "evaluation")["current_median"] == 17.0  # 30 and 4 days
    assert step(rows, "jury")["current_median"] == 10.0
    assert step(rows, "recevabilite")["current_median"] is None


def test_flows_entering_leaving_per_month_and_previous_period():
    for day in (datetime.date(2026, 1, 10), datetime.date(2026, 1, 20), datetime.date(2026, 3, 5)):
        created(at(day))
    old = created(at(datetime.date(2025, 8, 1)))
    log(old, "withdraw", State.REPERAGE, State.ABANDONNE, at(datetime.date(2026, 2, 3)), "Mutation")
    gone = created(at(datetime.date(2025, 8, 2)))
    log(
        gone, "withdraw", State.REPERAGE, State.ABANDONNE, at(datetime.date(2025, 9, 3)), "Mutation"
    )
    # An action on a closed candidacy is no exit.
    log(gone, "note", State.ABANDONNE, State.ABANDONNE, at(datetime.date(2026, 2, 4)))

    figures = flows(PERIOD)

    assert figures["entering"] == {"current": 3, "previous": 2}
    leaving = {row["state"]: (row["current"], row["previous"]) for row in figures["leaving"]}
    assert leaving[State.ABANDONNE] == (1, 1)
    assert leaving[State.CERTIFIE] == (0, 0)
    per_month = {row["month"]: row for row in figures["per_month"]}
    assert list(per_month) == [datetime.date(2026, m, 1) for m in range(1, 7)]
    assert [per_month[m]["entering"] for m in per_month] == [2, 0, 1, 0, 0, 0]
    assert per_month[datetime.date(2026, 2, 1)][State.ABANDONNE] == 1
    now = {row["state"]: row["n"] for row in figures["now"]}
    assert now[State.REPERAGE] == 5


def test_outcome_rates_per_session_and_per_period():
    session = JurySessionFactory(date=datetime.date(2026, 2, 10), state=SessionState.CLOSED)
    for outcome in (State.CERTIFIE, State.CERTIFIE, State.PARTIEL, State.NON_CERTIFIE):
        DeliberationFactory(session=session, outcome=outcome)
    DeliberationFactory(session=session)  # not decided: not counted
    before = JurySessionFactory(date=datetime.date(2025, 10, 10), state=SessionState.CLOSED)
    DeliberationFactory(session=before, outcome=State.NON_CERTIFIE)

    figures = outcomes(PERIOD, END)

    assert figures["current"] == {
        "total": 4,
        "certifie": 2,
        "partiel": 1,
        "non_certifie": 1,
        "certifie_rate": 50.0,
        "partiel_rate": 25.0,
        "non_certifie_rate": 25.0,
    }
    assert figures["previous"]["non_certifie_rate"] == 100.0
    assert [(row["date"], row["total"], row["certifie_rate"]) for row in figures["sessions"]] == [
        (datetime.date(2026, 2, 10), 4, 50.0)
    ]


def test_partial_validations_completed_before_they_lapse():
    first = JurySessionFactory(date=datetime.date(2026, 1, 15), state=SessionState.CLOSED)
    later = JurySessionFactory(date=datetime.date(2026, 5, 15), state=SessionState.CLOSED)
    completed = DeliberationFactory(session=first, outcome=State.PARTIEL)
    completed.validations.add(
        CompetenceValidationFactory(
            candidate=completed.candidacy.candidate, validated_on=first.date
        )
    )
    DeliberationFactory(
        session=later,
        outcome=State.CERTIFIE,
        candidacy=CandidacyFactory(candidate=completed.candidacy.candidate, state=State.CERTIFIE),
    )
    pending = DeliberationFactory(session=first, outcome=State.PARTIEL)
    pending.validations.add(
        CompetenceValidationFactory(candidate=pending.candidacy.candidate, validated_on=first.date)
    )

    partials = outcomes(PERIOD, END)["partials"]

    assert (partials["current"], partials["current_completed"], partials["current_rate"]) == (
        2,
        1,
        50.0,
    )


def test_validations_lapsing_within_six_months_of_candidates_not_certified():
    today = datetime.date(2026, 6, 30)
    lapsing = CandidacyFactory(state=State.PARTIEL)
    CompetenceValidationFactory(candidate=lapsing.candidate, validated_on=datetime.date(2021, 9, 1))
    CompetenceValidationFactory(candidate=lapsing.candidate, validated_on=datetime.date(2022, 9, 1))
    done = CandidacyFactory(state=State.CERTIFIE)
    CompetenceValidationFactory(candidate=done.candidate, validated_on=datetime.date(2021, 9, 1))

    assert outcomes(PERIOD, today)["lapsing"] == {"validations": 1, "candidates": 1}


def test_recevabilite_requests_decisions_and_overdue(secretariat):
    recevabilite_decided(at(datetime.date(2026, 2, 2)), 3)
    recevabilite_decided(at(datetime.date(2026, 2, 2)), 3, outcome="request_completion")
    from candidates.models import RecevabiliteDecision, VaeRequest
    from tests.factories import VaeCandidacyFactory

    late = VaeCandidacyFactory(state=State.RECEVABILITE)
    VaeRequest.objects.filter(candidacy=late).update(decision_due_on=datetime.date(2026, 6, 1))
    on_time = VaeCandidacyFactory(state=State.RECEVABILITE)
    VaeRequest.objects.filter(candidacy=on_time).update(decision_due_on=datetime.date(2026, 7, 15))
    for outcome, day in (
        (RecevabiliteOutcome.FAVORABLE, datetime.date(2026, 2, 5)),
        (RecevabiliteOutcome.INCOMPLET, datetime.date(2026, 2, 5)),
        (RecevabiliteOutcome.DEFAVORABLE, datetime.date(2025, 11, 5)),
    ):
        RecevabiliteDecision.objects.create(
            candidacy=late,
            outcome=outcome,
            submitted_on=day,
            experience_days=1200,
            decided_by=secretariat,
            decided_at=at(day),
        )

    figures = recevabilite(PERIOD, datetime.date(2026, 6, 30))

    assert figures["requests"] == {"current": 2, "previous": 0}
    decisions = {row["outcome"]: (row["current"], row["previous"]) for row in figures["decisions"]}
    assert decisions == {"favorable": (1, 0), "defavorable": (0, 1), "incomplet": (1, 0)}
    assert figures["pending"] == {"waiting": 2, "overdue": 1}


def test_withdrawals_by_step_and_reason_grouped_regardless_of_case():
    for source, reason in (
        (State.PARCOURS, "Changement d'emploi"),
        (State.PARCOURS, " changement d'emploi "),
        (State.EVALUATION, "Raisons de santé"),
    ):
        candidacy = created(at(datetime.date(2025, 12, 1)))
        log(candidacy, "withdraw", source, State.ABANDONNE, at(datetime.date(2026, 4, 1)), reason)

    figures = withdrawals(PERIOD)

    steps = {row["state"]: row["current"] for row in figures["by_step"]}
    assert steps == {State.PARCOURS: 2, State.EVALUATION: 1}
    assert [(row["label"].lower(), row["current"]) for row in figures["reasons"]] == [
        ("changement d'emploi", 2),
        ("raisons de santé", 1),
    ]
    assert figures["total"] == {"current": 3, "previous": 0}


def test_habilitations_valid_and_expiring_on_the_periods_last_day(secretariat):
    HabilitationFactory(
        kind=HabilitationKind.PROFESSIONNEL,
        granted_by=secretariat,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2026, 8, 1),
    )
    HabilitationFactory(
        kind=HabilitationKind.EVALUATEUR,
        granted_by=secretariat,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2027, 8, 1),
        revoked_on=datetime.date(2026, 3, 1),
    )

    rows = {row["kind"]: row for row in habilitations(PERIOD)}

    pro, evaluateur = rows[HabilitationKind.PROFESSIONNEL], rows[HabilitationKind.EVALUATEUR]
    assert (pro["current_valid"], pro["current_expiring"]) == (1, 1)
    assert (pro["previous_valid"], pro["previous_expiring"]) == (1, 0)
    # Revoked on 1 March: valid at the end of the previous period only.
    assert (evaluateur["current_valid"], evaluateur["previous_valid"]) == (0, 1)


def test_jury_sessions_held_and_members_present_per_college():
    held = JurySessionFactory(date=datetime.date(2026, 3, 3), state=SessionState.CLOSED)
    SeatFactory(session=held, member=JuryMemberFactory(college=College.EMPLOYEURS), present=True)
    SeatFactory(session=held, member=JuryMemberFactory(college=College.SALARIES), present=True)
    SeatFactory(session=held, member=JuryMemberFactory(college=College.SALARIES), present=False)
    JurySessionFactory(date=datetime.date(2026, 3, 4), state=SessionState.CANCELLED)

    figures = jury(PERIOD)

    assert figures["held"] == {"current": 1, "previous": 0}
    assert {row["college"]: row["current"] for row in figures["present"]} == {
        College.EMPLOYEURS: 1,
        College.SALARIES: 1,
    }


def test_scope_never_counts_another_organisations_candidacies(own_org, other_org):
    mine = created(at(datetime.date(2026, 2, 1)), organisation=own_org, state=State.ABANDONNE)
    theirs = created(at(datetime.date(2026, 2, 1)), organisation=other_org)
    for candidacy in (mine, theirs):
        log(
            candidacy,
            "withdraw",
            State.REPERAGE,
            State.ABANDONNE,
            at(datetime.date(2026, 3, 1)),
            "x",
        )
    session = JurySessionFactory(date=datetime.date(2026, 2, 10), state=SessionState.CLOSED)
    DeliberationFactory(session=session, outcome=State.CERTIFIE, candidacy__organisation=other_org)
    recevabilite_decided(at(datetime.date(2026, 3, 2)), 4, organisation=other_org)
    scoped = Filters(start=START, end=END, allowed_organisation_ids=(own_org.pk,))

    figures = all_figures(scoped, END)

    assert figures["flows"]["entering"]["current"] == 1
    assert figures["withdrawals"]["total"]["current"] == 1
    assert figures["outcomes"]["current"]["total"] == 0
    assert figures["jury"]["held"]["current"] == 0
    assert step(figures["durations"], "recevabilite")["current_n"] == 0
    assert [c.pk for c in figures["waiting"]] == []  # theirs waits, mine has left
    # The secretariat sees both.
    assert all_figures(PERIOD, END)["flows"]["entering"]["current"] == 3


def test_waiting_longest_since_their_last_change_of_step(own_org):
    early = created(at(datetime.date(2026, 1, 2)), organisation=own_org)
    late = created(at(datetime.date(2025, 6, 1)), organisation=own_org, state=State.PARCOURS)
    log(late, "complete_reperage", State.REPERAGE, State.PARCOURS, at(datetime.date(2026, 2, 1)))
    log(late, "assign", State.PARCOURS, State.PARCOURS, at(datetime.date(2026, 3, 1)))
    CandidacyFactory(organisation=own_org, state=State.CERTIFIE)

    waiting = waiting_longest(Filters(start=START, end=END, allowed_organisation_ids=(own_org.pk,)))

    assert [c.pk for c in waiting] == [early.pk, late.pk]
    assert waiting[1].waiting_since == at(datetime.date(2026, 2, 1))
