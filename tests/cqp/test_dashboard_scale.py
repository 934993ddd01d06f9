"""Every role's dashboard runs as many queries with few candidacies as with many, and at
most 15 (issue 16)."""

import datetime
import re

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from candidates.enums import State
from candidates.models import Candidacy, VaeRequest
from cqp.models import MembershipRole
from cqp.utils import count_up_to
from tests.factories import (
    CandidacyFactory,
    DeliberationFactory,
    InvitationFactory,
    JurySessionFactory,
    MembershipFactory,
    NotificationFactory,
    VaeCandidacyFactory,
)
from tests.helpers import page_text, query_count

pytestmark = pytest.mark.django_db

STATES = [State.REPERAGE, State.PARCOURS, State.EVALUATION, State.JURY, State.CERTIFIE]


def _more(n, actors, own_org):
    """`n` more candidacies of own_org in every step, some waiting for months, the
    professionnel and the évaluateur assigned; VAE requests; sessions; notices."""
    long_ago = timezone.now() - datetime.timedelta(days=200)
    for i in range(n):
        candidacy = CandidacyFactory(
            organisation=own_org,
            state=STATES[i % len(STATES)],
            professionnel=actors["professionnel"],
            evaluateur=actors["evaluateur"],
        )
        if i % 2:
            Candidacy.objects.filter(pk=candidacy.pk).update(state_changed_at=long_ago)
        VaeCandidacyFactory(organisation=own_org, state=State.RECEVABILITE)
        DeliberationFactory(
            session=JurySessionFactory(created_by=actors["secretariat"]),
            candidacy__organisation=own_org,
        )
        for role in ("secretariat", "gestionnaire", "professionnel"):
            NotificationFactory(user=actors[role])


@pytest.mark.parametrize(
    "role", ["secretariat", "gestionnaire", "professionnel", "evaluateur", "candidat", "jury"]
)
def test_each_dashboard_runs_as_many_queries_with_many_candidacies(client, actors, own_org, role):
    CandidacyFactory(organisation=own_org, candidate__user=actors["candidat"])
    client.force_login(actors[role])
    _more(3, actors, own_org)
    few = query_count(client, reverse("dashboard"))
    _more(15, actors, own_org)
    assert query_count(client, reverse("dashboard")) == few
    assert few <= 15


def test_the_gestionnaire_dashboard_counts_its_organisations_from_their_indexes(
    client, actors, own_org, other_org, django_assert_max_num_queries
):
    """Members, pending invitations and candidacies by step, each counted on its own (no
    join multiplying one by the other), the other organisations' left out."""
    gestionnaire = actors["gestionnaire"]
    MembershipFactory(organisation=own_org, user=gestionnaire, role=MembershipRole.PROFESSIONNEL)
    InvitationFactory.create_batch(2, organisation=own_org)
    InvitationFactory(organisation=own_org, accepted_at=timezone.now())
    InvitationFactory(organisation=own_org, expires_at=timezone.now() - datetime.timedelta(days=1))
    InvitationFactory(organisation=other_org)
    for state in (State.PARCOURS, State.PARCOURS, State.JURY):
        CandidacyFactory(organisation=own_org, state=state)
    CandidacyFactory(organisation=other_org, state=State.PARCOURS)
    client.force_login(gestionnaire)
    with django_assert_max_num_queries(10):  # as many as with 3 (the constant-count test)
        response = client.get(reverse("dashboard"))
    panels = {
        panel["template"]: panel
        for section in response.context["sections"]
        for panel in section["panels"]
    }
    [organisation] = panels["cqp/panels/gestionnaire.html"]["organisations"]
    assert organisation.member_count == own_org.memberships.values("user").distinct().count()
    assert organisation.pending_invitations == 2
    by_state = {
        row["state"]: row["n"] for row in panels["candidates/panels/gestionnaire.html"]["by_state"]
    }
    expected = {
        row["state"]: row["n"]
        for row in Candidacy.objects.filter(organisation=own_org)
        .values("state")
        .annotate(n=Count("pk"))
    }
    assert by_state == expected and by_state[State.PARCOURS] >= 2


def _words(response) -> str:
    """The page's text without its tags, spaces (narrow ones included) collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def _secretariat_backlog(own_org, n):
    """`n` candidacies waiting for months, `n` VAE requests overdue, `n` dossiers at the jury
    on no session."""
    long_ago = timezone.now() - datetime.timedelta(days=200)
    stale = [CandidacyFactory(organisation=own_org, state=State.PARCOURS) for _ in range(n)]
    for i, candidacy in enumerate(stale):
        Candidacy.objects.filter(pk=candidacy.pk).update(
            state_changed_at=long_ago + datetime.timedelta(days=i)
        )
    for _ in range(n):
        candidacy = VaeCandidacyFactory(organisation=own_org, state=State.RECEVABILITE)
        VaeRequest.objects.filter(candidacy=candidacy).update(
            decision_due_on=timezone.localdate() - datetime.timedelta(days=3)
        )
        CandidacyFactory(organisation=own_org, state=State.JURY)
    return stale


def test_the_secretariat_panels_count_exactly_below_their_bound(
    client, actors, own_org, django_assert_max_num_queries
):
    stale = _secretariat_backlog(own_org, 3)
    client.force_login(actors["secretariat"])
    with django_assert_max_num_queries(11):
        response = client.get(reverse("dashboard"))
    text = _words(response)
    assert "3 candidatures attendent une action" in text
    assert "3 demandes en attente d'avis" in text
    assert "3 demandes en retard" in text
    assert "3 dossiers en attente de session" in text
    assert "plus de 1 000" not in text.lower()
    panel = next(
        panel
        for section in response.context["sections"]
        for panel in section["panels"]
        if panel["template"] == "candidates/panels/secretariat.html"
    )
    # The longest waiting first, with the candidate and the organisation the table shows.
    shown = [c for c in panel["waiting"] if c.pk in {s.pk for s in stale}]
    assert [c.pk for c in shown] == [c.pk for c in stale]
    assert stale[0].candidate.user.get_full_name() in text


def test_the_secretariat_panels_say_plus_de_above_their_bound(
    client, actors, own_org, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("candidates.dashboard_panels.PANEL_COUNT_BOUND", 2)
    monkeypatch.setattr("jury.selectors.PANEL_COUNT_BOUND", 2)
    _secretariat_backlog(own_org, 3)
    client.force_login(actors["secretariat"])
    with django_assert_max_num_queries(11):
        response = client.get(reverse("dashboard"))
    text = _words(response)
    assert "Plus de 2 candidatures attendent une action" in text
    assert "plus de 2 demandes en attente d'avis" in text
    assert "Plus de 2 demandes en retard" in text
    assert "plus de 2 dossiers en attente de session" in text
    assert "3 candidatures attendent" not in text


def test_count_up_to_counts_each_queryset_up_to_its_bound_in_one_query(
    own_org, django_assert_num_queries
):
    for state in (State.PARCOURS, State.PARCOURS, State.PARCOURS, State.JURY):
        CandidacyFactory(organisation=own_org, state=state)
    mine = Candidacy.objects.filter(organisation=own_org)
    with django_assert_num_queries(1):
        counts = count_up_to(
            2,
            parcours=mine.filter(state=State.PARCOURS),
            jury=mine.filter(state=State.JURY),
            none=mine.none(),
            empty=mine.filter(pk__in=[]),
        )
    # Above the bound: bound + 1, read « plus de 2 ».
    assert counts == {"parcours": 3, "jury": 1, "none": 0, "empty": 0}
    assert count_up_to(None, parcours=mine.filter(state=State.PARCOURS)) == {"parcours": 3}
