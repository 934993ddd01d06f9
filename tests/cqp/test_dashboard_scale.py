"""Every role's dashboard runs as many queries with few candidacies as with many, and at
most 15 (issue 16)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.enums import State
from candidates.models import Candidacy
from tests.factories import (
    CandidacyFactory,
    DeliberationFactory,
    JurySessionFactory,
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
