"""Ten of the évaluateur's clicks on « Transmettre » at once, through the real pages: one
transmits, every other one is told that the candidacy has just changed and where it is now,
on the candidacy's page (not the refusal page). Nothing is written twice."""

import pytest
from django.test import Client
from django.urls import reverse

from candidates.models import TransitionLog
from cqp.models import Document
from evaluations import services
from tests.helpers import ROW_LOCKS, changed_to, flash_messages, in_parallel, while_locked

from .builders import dossier_of, settle

pytestmark = ROW_LOCKS

TRANSMITTED = "Dossier transmis au jury paritaire."
CLICKS = 10


@pytest.fixture
def complete(parcours, evaluators):
    """A candidacy in evaluation whose dossier is assessed and co-signed: ready to transmit."""
    candidacy = parcours()
    settle(dossier_of(candidacy), **evaluators)
    return candidacy


def click(user, candidacy):
    """The user's click on the transmission page: what they see next."""
    client = Client()
    client.force_login(user)

    def post():
        response = client.post(
            reverse("dossier_transmit", args=[candidacy.pk]),
            {"expected_state": "evaluation"},
            follow=True,
        )
        return response.status_code, response.redirect_chain, flash_messages(response)

    return post


def transmissions(candidacy) -> int:
    return TransitionLog.objects.filter(candidacy=candidacy, transition="transmit_to_jury").count()


def test_ten_simultaneous_transmissions_one_wins_the_others_are_told(complete, evaluateur):
    outcomes = in_parallel([click(evaluateur, complete) for _ in range(CLICKS)])

    page = reverse("candidacy_detail", args=[complete.pk])
    assert [(status, chain) for status, chain, _ in outcomes] == [(200, [(page, 302)])] * CLICKS
    said = sorted(messages for _, _, messages in outcomes)
    assert said == [[TRANSMITTED]] + [[changed_to("Jury paritaire")]] * (CLICKS - 1)
    complete.refresh_from_db()
    assert complete.state == "jury"
    assert transmissions(complete) == 1
    assert Document.objects.filter(kind="dossier_evaluation").count() == 1


def test_a_transmission_waiting_on_the_lock_is_told_the_dossier_went_to_the_jury(
    complete, evaluateur
):
    """The click reaches the service while another transmission holds the dossier's lock;
    once that one commits, the click is told."""
    status, chain, messages = while_locked(
        lambda: services.dossier_transmit(dossier=dossier_of(complete), by=evaluateur),
        click(evaluateur, complete),
    )
    assert (status, chain) == (200, [(reverse("candidacy_detail", args=[complete.pk]), 302)])
    assert messages == [changed_to("Jury paritaire")]
    assert transmissions(complete) == 1
