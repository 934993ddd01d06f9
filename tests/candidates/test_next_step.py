"""The « Prochaine étape » block and the confirmation pages read the guards the services run:
they never offer an action the service would refuse (issue 17, defects 1 and 2)."""

import pytest
from django.urls import reverse

from candidates import services
from candidates.next_step import next_step
from candidates.transitions import TRANSITIONS
from cqp.exceptions import GuardFailed
from tests.candidates.builders import assign, candidacy_in, fill_livret, ready_for, today
from tests.helpers import flash_messages, page_text

pytestmark = pytest.mark.django_db


def _block(response) -> str:
    """The « Prochaine étape » section of the candidacy page."""
    return page_text(response).split('id="actions"', 1)[1].split("</section>", 1)[0]


def test_a_gestionnaire_is_told_to_assign_a_professionnel_before_the_reperage(
    client, gestionnaire, candidat, own_org
):
    candidacy = candidacy_in("reperage", candidat, own_org)
    client.force_login(gestionnaire)
    block = _block(client.get(reverse("candidacy_detail", args=[candidacy.pk])))
    assert "Affectez un professionnel du secteur habilité à la candidature" in block
    assert f'href="{reverse("candidacy_assign", args=[candidacy.pk])}"' in block
    assert "un professionnel du secteur affecté à la candidature" in block
    assert "mène l'entretien de repérage et renseigne le livret : pour" not in block


def test_the_candidate_is_told_who_runs_the_reperage_once_assigned(
    client, candidat, assigned, professionnel
):
    candidacy = assigned("reperage")
    client.force_login(candidat)
    block = _block(client.get(reverse("candidacy_detail", args=[candidacy.pk])))
    assert f"{professionnel}, professionnel du secteur, mène l'entretien de repérage" in block
    # What the professionnel still has to fill in is not a worry shown to the candidate.
    assert "sans appréciation" not in block


def test_the_candidate_page_keeps_withdrawing_secondary_and_apart(client, candidat, assigned):
    candidacy = assigned("reperage")
    client.force_login(candidat)
    content = page_text(client.get(reverse("candidacy_detail", args=[candidacy.pk])))
    block = content.split('id="actions"', 1)[1].split("</section>", 1)[0]
    next_step_part, others = block.split('<div class="other-actions">', 1)
    assert "Abandonner la candidature" not in next_step_part
    assert "Abandonner la candidature" in others
    assert "button--danger" not in content


def test_start_evaluation_is_not_confirmable_while_the_practice_is_not_confirmed(
    client, professionnel, assigned
):
    candidacy = assigned("parcours")
    client.force_login(professionnel)
    url = reverse("candidacy_transition", args=[candidacy.pk, "start_evaluation"])
    content = page_text(client.get(url))
    assert "Impossible de lancer l'évaluation pour le moment.</strong> Il manque :" in content
    assert "la confirmation de la mise en pratique en entreprise" in content
    assert f'href="{reverse("practice_confirm", args=[candidacy.pk])}"' in content
    assert "l'évaluation des compétences commence" not in content
    assert "Confirmer : lancer l'évaluation" not in content
    assert 'type="submit"' not in content.split("<main", 1)[1].split("</main>", 1)[0]


def test_start_evaluation_is_confirmable_once_its_guard_passes(client, professionnel, assigned):
    candidacy = assigned("parcours", practice_confirmed_on=today())
    client.force_login(professionnel)
    url = reverse("candidacy_transition", args=[candidacy.pk, "start_evaluation"])
    content = page_text(client.get(url))
    assert "Confirmer : lancer l'évaluation" in content
    assert "Impossible de lancer" not in content
    block = _block(client.get(reverse("candidacy_detail", args=[candidacy.pk])))
    assert f'href="{url}">Lancer l\'évaluation</a>' in block


def test_the_professionnel_is_offered_to_confirm_the_practice_not_to_start(
    client, professionnel, assigned
):
    candidacy = assigned("parcours")
    client.force_login(professionnel)
    block = _block(client.get(reverse("candidacy_detail", args=[candidacy.pk])))
    assert f'href="{reverse("practice_confirm", args=[candidacy.pk])}"' in block
    start = reverse("candidacy_transition", args=[candidacy.pk, "start_evaluation"])
    assert start not in block


def test_a_refused_start_is_one_french_sentence(professionnel, candidat, own_org, secretariat):
    candidacy = assign(
        candidacy_in("parcours", candidat, own_org), by=secretariat, professionnel=professionnel
    )
    error = pytest.raises(
        GuardFailed,
        services.run_transition,
        name="start_evaluation",
        candidacy=candidacy,
        by=professionnel,
    )
    assert error.value.message == (
        "Impossible de lancer l'évaluation : il manque la confirmation de la mise en pratique "
        "en entreprise et un évaluateur externe affecté à la candidature."
    )


def test_a_refused_livret_completion_counts_elements_in_french(client, professionnel, assigned):
    candidacy = assigned("reperage")
    fill_livret(candidacy, unassessed={"C1.1"})
    client.force_login(professionnel)
    response = client.post(
        reverse("candidacy_transition", args=[candidacy.pk, "complete_reperage"]),
        {"expected_state": "reperage"},
        follow=True,
    )
    assert flash_messages(response) == [
        "Impossible de terminer le repérage : il manque 1 élément de la compétence C1 sans "
        "appréciation dans le livret de repérage."
    ]


NAMES = [name for name, spec in TRANSITIONS.items() if spec.ui and not spec.ui.reason_label]
ROLES = ["candidat", "professionnel", "evaluateur", "gestionnaire", "secretariat"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("ready", [True, False], ids=["ready", "not-ready"])
def test_the_next_step_offers_a_transition_only_when_the_service_would_take_it(
    name, ready, people, django_capture_on_commit_callbacks
):
    """For every role, in the source state of each transition the pages offer, guard met or
    not: an offered transition is taken by the service without refusal."""
    candidacy = ready_for(name, people)
    if not ready:
        assign(candidacy, by=people["secretariat"])  # nobody assigned any more
        candidacy.practice_confirmed_on = None
        candidacy.save()
        candidacy.reperage_entries.all().delete()
    for role in ROLES:
        step = next_step(candidacy, people[role])
        if step.transition:
            assert step.transition == name
            assert TRANSITIONS[name].missing_before(candidacy) == []
            with django_capture_on_commit_callbacks():
                services.transition_take(
                    name=name,
                    candidacy=candidacy,
                    by=people[role],
                    **({"sworn": True} if name == "submit_recevabilite" else {}),
                )
            return
    assert not ready or name == "continue_after_partial", "the ready step offered nothing"


@pytest.mark.parametrize(
    ("state", "role"),
    [
        ("parcours", "gestionnaire"),
        ("parcours", "professionnel"),
        ("evaluation", "gestionnaire"),
    ],
)
def test_the_next_step_names_the_candidate_not_le_candidat(
    state, role, client, candidat, assigned, request
):
    candidacy = assigned(state)
    client.force_login(request.getfixturevalue(role))
    block = _block(client.get(reverse("candidacy_detail", args=[candidacy.pk])))
    assert f"{candidat.get_full_name()} " in block
    assert "Le candidat" not in block and "le candidat" not in block


def test_the_vae_next_step_names_the_candidate(gestionnaire, candidat, own_org):
    for state in ("demande", "recevable"):
        candidacy = candidacy_in(state, candidat, own_org, pathway="vae")
        text = next_step(candidacy, gestionnaire).text
        assert candidat.get_full_name() in text
        assert "candidat" not in text.lower()
