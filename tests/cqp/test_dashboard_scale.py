"""Every role's dashboard runs as many queries with few candidacies as with many, and at
most 15 (issue 16)."""

import datetime

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from candidates.enums import State
from candidates.models import Candidacy
from cqp.models import MembershipRole
from tests.factories import (
    CandidacyFactory,
    DeliberationFactory,
    InvitationFactory,
    JurySessionFactory,
    MembershipFactory,
    NotificationFactory,
    VaeCandidacyFactory,
)
from tests.helpers import query_count

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
