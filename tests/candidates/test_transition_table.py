"""The transition table (candidates/transitions.py) is the one place of each transition's
rules: every @transition has its entry and every entry its @transition and its
notification event; the model's permission and condition are the entry's; each guard runs
once per attempt; the transitions into `evaluation` open the dossier through the
evaluations app."""

import django_fsm
import pytest

from candidates import services
from candidates.models import Candidacy
from candidates.transitions import OTHER_ACTIONS, TRANSITIONS, capacities
from cqp import notifications
from evaluations import services as evaluation_services
from evaluations.models import EvaluationDossier
from tests.candidates.builders import candidacy_in, ready_for, take
from tests.candidates.design import WHO

pytestmark = pytest.mark.django_db


def fsm_transitions() -> dict:
    """{name: django-fsm's Transition} of the model, one per method (the same for every source)."""
    return {t.name: t for t in Candidacy._meta.get_field("state").get_all_transitions(Candidacy)}


def test_every_transition_method_has_an_entry_and_every_entry_a_method():
    assert set(fsm_transitions()) == set(TRANSITIONS)


def test_every_transition_has_a_notification_event():
    assert set(TRANSITIONS) - set(notifications.EVENTS) == set()


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_the_models_permission_and_condition_are_the_entrys(name):
    spec, transition = TRANSITIONS[name], fsm_transitions()[name]
    assert transition.permission == spec.permission
    assert transition.conditions == [spec.condition]


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_who_may_take_it_is_the_design_column(name):
    assert {str(c) for c in capacities(name)} == WHO[name]


def test_the_other_audited_actions_name_who_may_take_them():
    assert set(OTHER_ACTIONS) == {
        "create",
        "assign_professionnel",
        "assign_evaluateur",
        "confirm_practice",
        "revoke_certificate",
    }
    assert set(OTHER_ACTIONS) & set(TRANSITIONS) == set()


@pytest.fixture
def counted():
    """`counted(name)`: the calls of that transition's guard (the real one) from now on."""
    restore = []

    def count(name):
        spec = TRANSITIONS[name]
        guard, calls = spec.guard, []

        def counting(candidacy):
            calls.append(candidacy.pk)
            return guard(candidacy)

        # The entry itself is changed (it is frozen: hence object.__setattr__), since the
        # model's condition holds this very object.
        object.__setattr__(spec, "guard", counting)
        restore.append((spec, guard))
        return calls

    yield count
    for spec, guard in restore:
        object.__setattr__(spec, "guard", guard)


GUARDED = sorted(name for name, spec in TRANSITIONS.items() if spec.guard)


@pytest.mark.parametrize("name", GUARDED)
def test_the_guard_runs_once_when_the_transition_is_taken(name, people, counted):
    candidacy = ready_for(name, people)
    by = people[sorted(WHO[name])[0]]
    calls = counted(name)
    take(name, candidacy, by)
    assert calls == [candidacy.pk]


def test_the_guard_runs_once_when_the_transition_is_refused(people, counted):
    candidacy = candidacy_in("recevabilite", people["candidat"], people["own_org"])
    calls = counted("withdraw")
    with pytest.raises(services.GuardFailed) as refusal:
        services.run_transition(
            name="withdraw", candidacy=candidacy, by=people["secretariat"], comment=" "
        )
    assert refusal.value.missing == ["le motif de l'abandon"]
    assert calls == [candidacy.pk]


def test_outside_run_transition_the_model_still_checks_the_guard(people):
    candidacy = candidacy_in("recevabilite", people["candidat"], people["own_org"])
    assert not django_fsm.can_proceed(candidacy.withdraw)
    with pytest.raises(django_fsm.TransitionNotAllowed):
        candidacy.withdraw()
    candidacy.closing_reason = "Départ de l'entreprise."
    assert django_fsm.can_proceed(candidacy.withdraw)


@pytest.mark.parametrize(
    ("name", "actor"), [("start_evaluation", "professionnel"), ("submit_activities", "candidat")]
)
def test_the_action_page_takes_the_transitions_into_evaluation_through_the_evaluations_app(
    name, actor, people
):
    candidacy = ready_for(name, people)
    assert not EvaluationDossier.objects.filter(candidacy=candidacy).exists()
    services.transition_take(name=name, candidacy=candidacy, by=people[actor])
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"
    assert EvaluationDossier.objects.filter(candidacy=candidacy, cycle=candidacy.cycle).count() == 1


def test_a_refused_start_of_the_evaluation_opens_no_dossier(people):
    candidacy = ready_for("start_evaluation", people)
    Candidacy.objects.filter(pk=candidacy.pk).update(practice_confirmed_on=None)
    with pytest.raises(services.GuardFailed) as refusal:
        evaluation_services.evaluation_start(candidacy=candidacy, by=people["professionnel"])
    assert refusal.value.missing == ["la confirmation de la mise en pratique en entreprise"]
    candidacy.refresh_from_db()
    assert candidacy.state == "parcours"
    assert not EvaluationDossier.objects.filter(candidacy=candidacy).exists()
