"""Jury pages left open while someone else acted, then posted: the fiche the president
recorded already, a session opened or closed by the other steerer, a candidacy already taken
off the agenda. Each is told what changed, on the page it comes back to, and nothing changes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jury import services
from jury.models import Certificate, CompetenceDecision, Deliberation
from tests.candidates.builders import competence
from tests.helpers import changed_to, flash_messages

from .builders import ALL, CONFORME_POST, fiche, fresh_session, record

pytestmark = pytest.mark.django_db


def session_changed_to(state: str) -> str:
    return (
        "La session vient d'être modifiée par quelqu'un d'autre : elle est maintenant "
        f"« {state} ». Rien n'a été enregistré ; vérifiez la page avant de recommencer."
    )


def test_the_president_posting_a_recorded_fiche_again_is_told_it_changed(
    client, on_agenda, president
):
    deliberation = on_agenda()
    record(deliberation, decisions=fiche(validated=ALL))
    client.force_login(president.user)
    data = {**CONFORME_POST, "expected_state": "jury"} | {
        f"decision_{competence(n).pk}": "non_validee" for n in ALL
    }
    fiche_page = reverse("deliberation_detail", args=[deliberation.pk])
    response = client.post(fiche_page, data, follow=True)

    assert response.redirect_chain == [(fiche_page, 302)]
    assert flash_messages(response) == [changed_to("Certification obtenue")]
    assert set(
        CompetenceDecision.objects.filter(deliberation=deliberation).values_list(
            "decision", flat=True
        )
    ) == {"validee"}
    assert Certificate.objects.filter(deliberation=deliberation).count() == 1


@pytest.fixture
def opened(composed, secretariat, two_per_college):
    """`composed`, opened by the secretariat while the president had its page open."""
    present = [two_per_college["e1"].pk, two_per_college["s1"].pk]
    services.session_open(session=composed, by=secretariat, present_member_ids=present)
    return fresh_session(composed)


@pytest.mark.parametrize("form", ["session_compose", "session_open"])
def test_steering_a_session_opened_meanwhile_says_so(
    client, opened, two_per_college, secretariat, form
):
    data = {
        "session_compose": {"members": [m.pk for m in two_per_college.values()]},
        "session_open": {"present": [two_per_college["e2"].pk, two_per_college["s1"].pk]},
    }[form] | {"president": two_per_college["e1"].pk, "expected_state": "planned"}
    seats = list(opened.seats.values_list("member_id", "present"))
    client.force_login(secretariat)
    response = client.post(reverse(form, args=[opened.pk]), data, follow=True)

    assert response.redirect_chain == [(reverse("session_detail", args=[opened.pk]), 302)]
    assert flash_messages(response) == [session_changed_to("Ouverte")]
    assert list(fresh_session(opened).seats.values_list("member_id", "present")) == seats


def test_closing_a_session_closed_meanwhile_says_so(client, opened, two_per_college, secretariat):
    services.session_close(session=opened, by=secretariat)
    client.force_login(two_per_college["e1"].user)  # the president, whose page showed it open
    response = client.post(
        reverse("session_close", args=[opened.pk]), {"expected_state": "open"}, follow=True
    )
    assert response.redirect_chain == [(reverse("session_detail", args=[opened.pk]), 302)]
    assert flash_messages(response) == [session_changed_to("Clôturée")]


def test_removing_a_candidacy_removed_meanwhile_says_so(client, on_agenda, secretariat):
    deliberation = on_agenda()
    session = deliberation.session
    services.session_remove_candidacy(deliberation=deliberation, by=secretariat)
    client.force_login(secretariat)
    response = client.post(
        reverse("session_remove_candidacy", args=[session.pk, deliberation.pk]), follow=True
    )
    assert response.redirect_chain == [(reverse("session_detail", args=[session.pk]), 302)]
    assert flash_messages(response) == ["Cette candidature a déjà été retirée de la session."]


def test_the_service_refuses_to_remove_a_candidacy_twice(on_agenda, secretariat):
    """The loser of two simultaneous removals finds no fiche under its lock: a refusal, not a crash."""
    deliberation = on_agenda()
    services.session_remove_candidacy(deliberation=deliberation, by=secretariat)
    with pytest.raises(ValidationError, match="déjà été retirée"):
        services.session_remove_candidacy(deliberation=deliberation, by=secretariat)
    assert not Deliberation.objects.filter(pk=deliberation.pk).exists()
