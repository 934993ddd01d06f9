"""The president's fiche posted twice at once (a double click, two tabs): one decision is
recorded, the other post is told that the candidacy has just changed and its new step, on
the fiche (not the refusal page)."""

from django.test import Client
from django.urls import reverse

from jury.models import Certificate, CompetenceDecision
from tests.candidates.builders import competence
from tests.helpers import ROW_LOCKS, changed_to, flash_messages, in_parallel, while_locked

from .builders import ALL, CONFORME_POST, fiche, record

pytestmark = ROW_LOCKS

RECORDED = "Décision enregistrée : Certification obtenue."


def post_fiche(president, deliberation):
    """The president's submission of the fiche as shown (every competence validated)."""
    client = Client()
    client.force_login(president)
    data = {**CONFORME_POST, "expected_state": "jury"} | {
        f"decision_{competence(n).pk}": "validee" for n in ALL
    }

    def post():
        response = client.post(
            reverse("deliberation_detail", args=[deliberation.pk]), data, follow=True
        )
        return response.status_code, response.redirect_chain, flash_messages(response)

    return post


def recorded_once(deliberation) -> bool:
    decisions = CompetenceDecision.objects.filter(deliberation=deliberation).count()
    certificates = Certificate.objects.filter(deliberation=deliberation).count()
    return (decisions, certificates) == (len(ALL), 1)


def test_two_simultaneous_posts_of_a_fiche_record_it_once(on_agenda, president):
    deliberation = on_agenda()
    outcomes = in_parallel([post_fiche(president.user, deliberation) for _ in range(2)])

    said = sorted(messages for _, _, messages in outcomes)
    assert said == [[RECORDED], [changed_to("Certification obtenue")]]
    loser = next(outcome for outcome in outcomes if outcome[2] != [RECORDED])
    assert loser[:2] == (200, [(reverse("deliberation_detail", args=[deliberation.pk]), 302)])
    assert recorded_once(deliberation)


def test_a_fiche_post_waiting_on_the_lock_is_told_the_decision_was_recorded(on_agenda, president):
    """The post reaches the service while another recording holds the fiche's lock; once
    that one commits, the post is told."""
    deliberation = on_agenda()
    status, chain, messages = while_locked(
        lambda: record(deliberation, decisions=fiche(validated=ALL)),
        post_fiche(president.user, deliberation),
    )
    assert (status, chain) == (200, [(reverse("deliberation_detail", args=[deliberation.pk]), 302)])
    assert messages == [changed_to("Certification obtenue")]
    assert recorded_once(deliberation)
