"""/pilotage/ keeps its figures for PILOTAGE_CACHE_SECONDS and says when they were computed;
the beat task computes the secretariat's default view beforehand."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pilotage import figures, stats
from pilotage.tasks import warm_pilotage
from tests.factories import CandidacyFactory
from tests.helpers import page_text, query_count

pytestmark = pytest.mark.django_db

URL = reverse("pilotage")


@pytest.fixture
def kept(settings):
    settings.PILOTAGE_CACHE_SECONDS = 600


def test_the_figures_are_kept_then_the_page_says_when_they_were_computed(
    client, secretariat, own_org, kept
):
    CandidacyFactory(organisation=own_org)
    client.force_login(secretariat)
    first = client.get(URL)
    computed = first.context["computed_at"]
    total = sum(row["n"] for row in first.context["figures"]["flows"]["now"])
    assert total == 1

    CandidacyFactory(organisation=own_org)  # within the 10 minutes: the kept figures
    again = client.get(URL)
    assert again.context["computed_at"] == computed
    assert sum(row["n"] for row in again.context["figures"]["flows"]["now"]) == 1
    local = timezone.localtime(computed)
    assert (
        f"Chiffres calculés le {local:%d/%m/%Y} à {local:%H} h {local:%M}, mis à jour au plus "
        "tard après 10 minutes." in page_text(again)
    )
    # Kept, the page runs only its own queries, not the figures' 21.
    assert query_count(client, URL) <= 10


def test_other_filters_and_other_scopes_are_kept_apart():
    today = datetime.date(2026, 6, 30)
    start, end = stats.default_period(today)
    everyone = stats.Filters(start=start, end=end)
    theirs = stats.Filters(start=start, end=end, allowed_organisation_ids=(1, 2))
    assert figures.cache_key(everyone, today) != figures.cache_key(theirs, today)
    assert figures.cache_key(everyone, today) != figures.cache_key(
        everyone, today + datetime.timedelta(days=1)
    )


def test_past_their_time_the_figures_are_computed_again(client, secretariat, own_org, settings):
    settings.PILOTAGE_CACHE_SECONDS = 0  # nothing kept
    CandidacyFactory(organisation=own_org)
    client.force_login(secretariat)
    client.get(URL)
    CandidacyFactory(organisation=own_org)
    response = client.get(URL)
    assert sum(row["n"] for row in response.context["figures"]["flows"]["now"]) == 2
    assert "Chiffres calculés" not in page_text(response)


def test_the_beat_task_computes_the_secretariat_default_view(client, secretariat, own_org, kept):
    CandidacyFactory(organisation=own_org)
    assert warm_pilotage.delay().get() == 1
    CandidacyFactory(organisation=own_org)
    client.force_login(secretariat)
    response = client.get(URL)
    # The page finds what the task computed (one candidacy then), under the same key.
    assert response.context["filters"] == figures.default_view(timezone.localdate())
    assert sum(row["n"] for row in response.context["figures"]["flows"]["now"]) == 1
