"""The candidacy state machine against DESIGN.md's table: sources, targets, who may take
each transition (tests/candidates/design.py holds the expected tables, written by hand)."""

import django_fsm
import pytest
from django.core.exceptions import PermissionDenied

from candidates import permissions, services
from candidates.models import Candidacy, TransitionLog
from candidates.transitions import TRANSITIONS as TABLE
from cqp.exceptions import TransitionError

from .builders import (
    assign,
    candidacy_in,
    parcours_candidacy,
    ready_for,
    refused,
)
from .design import DECISIONS, FINAL, SOURCES, STATE_LABELS, STATES, TARGETS, TRANSITIONS, WHO

pytestmark = pytest.mark.django_db

ROLES = [
    "candidat",
    "professionnel",
    "evaluateur",
    "secretariat",
    "jury",
    "gestionnaire",
    "outsider",
    "professionnel_non_affecte",
    "evaluateur_non_affecte",
]

# Sources and targets ----------------------------------------------------------------------


def test_state_machine_tables_cover_every_state_and_transition():
    assert [value for value, _label in Candidacy._meta.get_field("state").choices] == STATES
    assert set(SOURCES) == set(TRANSITIONS) == set(WHO)
    assert set(TRANSITIONS) == {
        t.name for t in Candidacy._meta.get_field("state").get_all_transitions(Candidacy)
    }


@pytest.mark.parametrize("state", STATES)
def test_state_machine_allows_exactly_the_transitions_of_the_design(state):
    candidacy = Candidacy(state=state)
    allowed = {
        name: django_fsm.can_proceed(getattr(candidacy, name), check_conditions=False)
        for name in TRANSITIONS
    }
    assert allowed == {name: state in SOURCES[name] for name in TRANSITIONS}


@pytest.mark.parametrize("state", STATES)
def test_state_machine_withdraw_from_every_non_final_state(state):
    candidacy = Candidacy(state=state)
    assert django_fsm.can_proceed(candidacy.withdraw, check_conditions=False) is (
        state not in FINAL
    )


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_state_machine_transition_targets_follow_the_design(name):
    meta = getattr(Candidacy, name)._django_fsm
    assert {meta.get_transition(source).target for source in SOURCES[name]} == {TARGETS[name]}


def test_state_machine_record_decision_targets_only_the_three_outcomes():
    target = Candidacy.record_decision._django_fsm.get_transition("jury").target
    assert set(target.allowed_states) == DECISIONS


@pytest.mark.parametrize(
    ("state", "name"),
    [(s, n) for s in STATES for n in TRANSITIONS if s not in SOURCES[n]],
)
def test_run_transition_from_a_wrong_state_is_refused_and_changes_nothing(
    state, name, candidat, own_org, secretariat
):
    candidacy = candidacy_in(state, candidat, own_org)
    updated_at = candidacy.updated_at
    error = refused(
        candidacy,
        lambda: services.run_transition(candidacy=candidacy, by=secretariat, name=name),
        error=TransitionError,
    )
    assert type(error) is TransitionError
    assert error.message == f"Cette action n'est pas possible à l'étape « {STATE_LABELS[state]} »."
    assert candidacy.updated_at == updated_at
    assert not TransitionLog.objects.filter(candidacy=candidacy).exists()


def test_candidacy_state_cannot_be_assigned_directly(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    with pytest.raises(AttributeError):
        candidacy.state = "jury"
    fetched = Candidacy.objects.get(pk=candidacy.pk)
    with pytest.raises(AttributeError):
        fetched.state = "certifie"
    assert Candidacy.objects.get(pk=candidacy.pk).state == "reperage"


# Who ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TRANSITIONS)
def test_transition_permission_matches_the_who_column(name, people):
    candidacy = ready_for(name, people)
    method = getattr(candidacy, name)
    assert django_fsm.can_proceed(method), TABLE[name].missing(candidacy)
    fsm_allowed = {role for role in ROLES if django_fsm.has_transition_perm(method, people[role])}
    may_take = {role for role in ROLES if permissions.may_take(candidacy, name, people[role])}
    assert fsm_allowed == WHO[name]
    assert may_take == WHO[name]


@pytest.mark.parametrize("name", TRANSITIONS)
def test_may_take_is_false_for_everyone_in_a_closed_candidacy(name, people):
    candidacy = candidacy_in("abandonne", people["candidat"], people["own_org"])
    assert not any(permissions.may_take(candidacy, name, people[role]) for role in ROLES)


def test_may_take_ignores_guards(people):
    candidacy = candidacy_in("reperage", people["candidat"], people["own_org"])
    assign(candidacy, by=people["secretariat"], professionnel=people["professionnel"])
    assert TABLE["complete_reperage"].missing(candidacy)
    assert permissions.may_take(candidacy, "complete_reperage", people["professionnel"])
    assert not django_fsm.has_transition_perm(candidacy.complete_reperage, people["professionnel"])


def test_inactive_candidate_cannot_take_their_transitions(people):
    candidacy = ready_for("submit_recevabilite", people)
    candidat = people["candidat"]
    candidat.is_active = False
    candidat.save(update_fields=["is_active"])
    assert not permissions.may_take(candidacy, "submit_recevabilite", people["candidat"])
    assert not permissions.may_take(candidacy, "withdraw", people["candidat"])


def test_run_transition_by_someone_not_allowed_raises_permission_denied(people):
    candidacy = ready_for("declare_recevable", people)
    refused(
        candidacy,
        lambda: services.run_transition(
            name="declare_recevable", candidacy=candidacy, by=people["jury"]
        ),
        error=PermissionDenied,
    )
