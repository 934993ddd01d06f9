"""The attendance that opens a session: nobody ticked beforehand, the colleges and the
president handed to the page's script, and the server's answer keeping what was ticked."""

import re

import pytest
from django.urls import reverse

from jury.models import Seat
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _ticked(response) -> list[str]:
    return re.findall(
        r'<input type="checkbox" name="present" value="(\d+)"[^>]*\bchecked\b',
        response.content.decode(),
    )


def test_nobody_is_ticked_present_beforehand(client, secretariat, composed, two_per_college):
    assert set(Seat.objects.filter(session=composed).values_list("present", flat=True)) == {None}
    client.force_login(composed.president.user)
    response = client.get(reverse("session_detail", args=[composed.pk]))
    form = response.context["open_form"]
    assert form["present"].value() in (None, [])
    assert _ticked(response) == []
    assert response.content.decode().count('name="present"') == 3


def test_the_page_hands_the_colleges_and_the_president_to_its_script(
    client, secretariat, composed, two_per_college
):
    client.force_login(secretariat)
    content = client.get(reverse("session_detail", args=[composed.pk])).content.decode()
    e1, e2, s1 = (two_per_college[k].pk for k in ("e1", "e2", "s1"))
    employeurs = re.search(r'data-employeurs="([\d ]*)"', content).group(1).split()
    assert sorted(employeurs) == sorted([str(e1), str(e2)])
    assert f'data-salaries="{s1}"' in content
    assert f'data-president="{e1}"' in content
    assert "data-parity" in content
    assert 'src="/static/js/attendance.js"' in content
    assert re.search(
        r"<p class=\"quorum-status\" data-quorum-status aria-live=\"polite\">", content
    )


def test_without_parity_the_script_is_not_asked_for_it(client, secretariat, composed, settings):
    settings.JURY_REQUIRE_PARITY = False
    client.force_login(secretariat)
    content = client.get(reverse("session_detail", args=[composed.pk])).content.decode()
    assert "data-parity" not in content


def test_without_the_script_the_server_says_what_is_missing_and_keeps_the_ticks(
    client, composed, two_per_college
):
    client.force_login(composed.president.user)
    e2 = two_per_college["e2"]
    response = client.post(
        reverse("session_open", args=[composed.pk]),
        {"expected_state": "planned", "present": [e2.pk, two_per_college["s1"].pk]},
    )
    assert response.status_code == 200
    absent = f"La session ne peut pas être ouverte sans {composed.president.user}, qui la préside."
    assert response.context["open_form"].errors == {"present": [absent]}
    assert sorted(_ticked(response)) == sorted([str(e2.pk), str(two_per_college["s1"].pk)])
    assert absent in page_text(response)
    assert set(Seat.objects.filter(session=composed).values_list("present", flat=True)) == {None}
