"""Two people acting on one candidacy at the same moment: only one of them wins.

Each thread has its own database connection, so the rows must be committed
(`transaction=True`; tests/conftest.py reloads the référentiel a previous flush removed).
SQLite has no row locks: PostgreSQL only.
"""

import dataclasses
import threading

import pytest
from django.db import connection

from candidates import services, services_recevabilite
from candidates.models import Candidacy, RecevabiliteDecision, TransitionLog
from candidates.transitions import TRANSITIONS
from cqp.exceptions import TransitionError
from tests.candidates.builders import vae_candidacy
from tests.factories import UserFactory
from tests.helpers import wait_for_a_lock_wait

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL (run with scripts/test.sh)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5
ABANDONNEE = "Cette action n'est pas possible à l'étape « Abandonnée »."


def race(*actions):
    """Run each `action(candidacy)` in its own thread, all released at once; return the
    outcomes in order: "ok" or the exception raised."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)
    pk = actions[0].pk

    def run(index, action):
        try:
            candidacy = Candidacy.objects.get(pk=pk)  # both read the same state first
            barrier.wait(timeout=10)
            action(candidacy)
            outcomes[index] = "ok"
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, action.run))
        for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


class Action:
    def __init__(self, pk, run):
        self.pk, self.run = pk, run


def withdraw(candidacy, by, reason, **extra):
    return Action(
        candidacy.pk,
        lambda c: services.run_transition(
            name="withdraw", candidacy=c, by=by, comment=reason, **extra
        ),
    )


def declare_recevable(candidacy, by, **extra):
    return Action(
        candidacy.pk,
        lambda c: services_recevabilite.recevabilite_decide(
            candidacy=c, by=by, outcome="favorable", reason="", **extra
        ),
    )


def winner_and_loser(outcomes):
    assert outcomes.count("ok") == 1, outcomes
    winner = outcomes.index("ok")
    return winner, outcomes[1 - winner]


def logs(candidacy, *names):
    return TransitionLog.objects.filter(candidacy=candidacy, transition__in=names)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_withdrawals_only_one_succeeds(round_, candidat, own_org, secretariat):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    outcomes = race(
        withdraw(candidacy, candidat, "Raisons personnelles"),
        withdraw(candidacy, secretariat, "Dossier abandonné"),
    )
    winner, loser = winner_and_loser(outcomes)
    assert type(loser) is services.TransitionError
    assert loser.message == ABANDONNEE
    candidacy.refresh_from_db()
    assert candidacy.state == "abandonne"
    assert candidacy.closing_reason == ["Raisons personnelles", "Dossier abandonné"][winner]
    entry = logs(candidacy, "withdraw").get()
    assert entry.actor == [candidat, secretariat][winner]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_withdrawals_with_the_state_seen_report_a_concurrent_change(
    round_, candidat, own_org, secretariat
):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    outcomes = race(
        withdraw(candidacy, candidat, "Raisons personnelles", expected_state="recevabilite"),
        withdraw(candidacy, secretariat, "Dossier abandonné", expected_state="recevabilite"),
    )
    _winner, loser = winner_and_loser(outcomes)
    assert isinstance(loser, services.ConcurrentChange)
    assert "vient d'être modifiée" in loser.message
    assert "« Abandonnée »" in loser.message
    candidacy.refresh_from_db()
    assert candidacy.state == "abandonne"
    assert logs(candidacy, "withdraw").count() == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_withdraw_and_recevable_only_one_wins(round_, candidat, own_org, secretariat):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    outcomes = race(
        withdraw(candidacy, candidat, "Raisons personnelles", expected_state="recevabilite"),
        declare_recevable(candidacy, secretariat, expected_state="recevabilite"),
    )
    winner, loser = winner_and_loser(outcomes)
    assert isinstance(loser, services.ConcurrentChange)
    sides = [
        ("withdraw", "abandonne", "Abandonnée"),
        ("declare_recevable", "recevable", "Recevable"),
    ]
    (won, state, label), lost = sides[winner], sides[1 - winner][0]
    candidacy.refresh_from_db()
    assert candidacy.state == state
    assert logs(candidacy, won).count() == 1
    assert not logs(candidacy, lost).exists()
    assert f"« {label} »" in loser.message


def test_second_transition_waits_for_the_first_to_commit(
    candidat, own_org, secretariat, monkeypatch
):
    """The first one holds the row lock while it works; the second reads only after commit.

    The first withdrawal's preparation (it runs under the lock) waits until the second one
    is seen waiting on a lock in PostgreSQL: no fixed sleep, whatever the machine's load.
    """
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock(locked, **params):
        holding.set()
        assert release.wait(timeout=60), "the second withdrawal never came to wait"

    monkeypatch.setitem(
        TRANSITIONS, "withdraw", dataclasses.replace(TRANSITIONS["withdraw"], prepare=hold_the_lock)
    )
    outcomes = {}

    def withdraw_as(by, reason):
        try:
            services.run_transition(
                candidacy=Candidacy.objects.get(pk=candidacy.pk),
                by=by,
                name="withdraw",
                comment=reason,
            )
            outcomes[reason] = "ok"
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[reason] = exc
        finally:
            connection.close()

    first = threading.Thread(target=withdraw_as, args=(candidat, "Premier"))
    second = threading.Thread(target=withdraw_as, args=(secretariat, "Second"))
    first.start()
    try:
        assert holding.wait(timeout=60), "the first withdrawal never took the lock"
        second.start()
        wait_for_a_lock_wait()
    finally:
        release.set()
        first.join(timeout=60)
    second.join(timeout=60)
    assert not first.is_alive() and not second.is_alive()
    assert outcomes["Premier"] == "ok"
    loser = outcomes["Second"]
    assert type(loser) is TransitionError
    assert loser.message == ABANDONNEE
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.closing_reason) == ("abandonne", "Premier")
    assert logs(candidacy, "withdraw").get().actor == candidat


def test_two_decisions_at_once_only_one_is_recorded_and_the_loser_is_told(
    candidat, own_org, secretariat
):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    other = UserFactory(first_name="Inès", last_name="Second", platform_role="secretariat")
    sides = [(secretariat, "favorable", "recevable"), (other, "defavorable", "non_recevable")]
    outcomes = race(
        *(
            Action(
                candidacy.pk,
                lambda c, by=by, outcome=outcome: services_recevabilite.recevabilite_decide(
                    candidacy=c,
                    by=by,
                    outcome=outcome,
                    reason="Motif.",
                    expected_state="recevabilite",
                ),
            )
            for by, outcome, _state in sides
        )
    )
    winner, loser = winner_and_loser(outcomes)
    by, outcome, state = sides[winner]
    candidacy.refresh_from_db()
    assert candidacy.state == state
    assert list(RecevabiliteDecision.objects.values_list("outcome", "decided_by")) == [
        (outcome, by.pk)
    ]
    assert isinstance(loser, services.ConcurrentChange)
    label = RecevabiliteDecision.objects.get().get_outcome_display().lower()
    assert loser.message.startswith(
        f"Une décision vient d'être prise sur cette demande par {by} : {label}."
    )
