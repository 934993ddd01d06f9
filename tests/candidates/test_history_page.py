"""The candidacy page shows the latest events and links to the whole history, by pages."""

import pytest
from django.urls import reverse

from candidates import selectors
from candidates.enums import State
from candidates.models import TransitionLog
from tests.factories import CandidacyFactory
from tests.helpers import page_text, query_count

pytestmark = pytest.mark.django_db


def _log(candidacy, actor, comment, **fields):
    """An entry of the log: by default, an assignment by the secretariat."""
    values = {"role": "secretariat", "transition": "assign", "source": State.REPERAGE}
    values.update(fields)
    values.setdefault("target", values["source"])
    TransitionLog.objects.create(candidacy=candidacy, actor=actor, comment=comment, **values)


def _events(candidacy, actor, n):
    for i in range(n):
        _log(candidacy, actor, f"Événement {i:03d}")


def test_the_candidacy_page_shows_the_latest_ten_and_links_to_the_rest(
    client, secretariat, own_org
):
    candidacy = CandidacyFactory(organisation=own_org)
    before = TransitionLog.objects.filter(candidacy=candidacy).count()
    _events(candidacy, secretariat, 30)
    client.force_login(secretariat)
    response = client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    text = page_text(response)
    assert f"Les 10 derniers événements, sur {before + 30} en tout." in text
    assert "Événement 029" in text and "Événement 020" in text
    assert "Événement 019" not in text
    # The latest ten in chronological order.
    assert text.index("Événement 020") < text.index("Événement 029")
    assert reverse("candidacy_history", args=[candidacy.pk]) in response.content.decode()


def test_a_short_history_is_shown_whole_without_the_link(client, secretariat, own_org):
    candidacy = CandidacyFactory(organisation=own_org)
    _events(candidacy, secretariat, 2)
    client.force_login(secretariat)
    response = client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    assert "derniers événements" not in page_text(response)
    assert reverse("candidacy_history", args=[candidacy.pk]) not in response.content.decode()


def test_the_history_page_lists_every_event_by_pages(client, secretariat, own_org):
    candidacy = CandidacyFactory(organisation=own_org)
    _events(candidacy, secretariat, 60)
    total = TransitionLog.objects.filter(candidacy=candidacy).count()
    client.force_login(secretariat)
    url = reverse("candidacy_history", args=[candidacy.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert "Événement 000" in page_text(first)
    assert f"{total} résultats" in page_text(first)
    second = client.get(url, {"page": 2})
    assert "Événement 059" in page_text(second)
    assert "Événement 000" not in page_text(second)


def test_the_history_page_and_the_detail_page_run_constant_queries(client, secretariat, own_org):
    candidacy = CandidacyFactory(organisation=own_org)
    client.force_login(secretariat)
    urls = [
        reverse("candidacy_detail", args=[candidacy.pk]),
        reverse("candidacy_history", args=[candidacy.pk]),
    ]
    _events(candidacy, secretariat, 3)
    few = [query_count(client, url) for url in urls]
    _events(candidacy, secretariat, 80)
    assert [query_count(client, url) for url in urls] == few


def test_the_candidacy_page_reads_its_history_with_the_candidacy(
    own_org, secretariat, django_assert_num_queries
):
    candidacy = CandidacyFactory(organisation=own_org)
    _events(candidacy, secretariat, 12)
    with django_assert_num_queries(1):
        page = selectors.candidacy_page(user=secretariat, pk=candidacy.pk)
        recent = page.history
        # The people come with the events: naming them reads nothing more.
        actors = {str(entry.actor) for entry in recent.events}
    assert page.candidacy == candidacy
    assert actors == {str(secretariat)}
    assert recent.total == TransitionLog.objects.filter(candidacy=candidacy).count()
    latest = [f"Événement {i:03d}" for i in range(12 - selectors.RECENT_HISTORY, 12)]
    assert [r.comment for r in recent.events] == latest
    assert recent.submissions == [] and recent.submissions_total == 0
    assert page.decisions == [] and page.decisions_total == 0


def _submission(candidacy, actor, comment):
    _log(
        candidacy,
        actor,
        comment,
        role="candidat",
        transition=selectors.SUBMISSION,
        source=State.DEMANDE,
        target=State.RECEVABILITE,
    )


def test_the_candidacy_page_reads_the_latest_submissions_with_the_latest_events(
    own_org, secretariat, django_assert_num_queries
):
    """The latest submissions of a VAE request come in the same query, those older than the
    latest events as well as those among them, newest first."""
    candidacy = CandidacyFactory(organisation=own_org)
    for n in range(8):
        _submission(candidacy, secretariat, f"Envoi {n}")
        _events(candidacy, secretariat, 6)
    _submission(candidacy, secretariat, "Envoi 8")
    with django_assert_num_queries(1):
        recent = selectors.candidacy_page(user=secretariat, pk=candidacy.pk).history
    assert selectors.RECENT_RECEVABILITE == 6 and selectors.RECENT_HISTORY == 10
    assert [r.comment for r in recent.submissions] == [f"Envoi {n}" for n in range(8, 2, -1)]
    assert recent.submissions_total == 9
    assert [r.comment for r in recent.events] == (
        ["Événement 004", "Événement 005", "Envoi 7"]
        + [f"Événement {i:03d}" for i in range(6)]
        + ["Envoi 8"]
    )
    assert recent.total == TransitionLog.objects.filter(candidacy=candidacy).count()


def test_the_history_written_in_python_escapes_what_people_typed(client, secretariat, own_org):
    candidacy = CandidacyFactory(organisation=own_org)
    secretariat.first_name = "<i>Anne</i>"
    secretariat.save()
    _log(candidacy, secretariat, "<script>alert(1)</script>")
    client.force_login(secretariat)
    html = client.get(reverse("candidacy_detail", args=[candidacy.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;Anne&lt;/i&gt;" in html and "<i>Anne</i>" not in html
