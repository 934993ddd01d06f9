"""Permission checks computed once per page: a page that only reads (GET) asks the user's
habilitations, object permissions and managed organisations once, however many actions it
weighs; a write, or a service outside a request, reads them afresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import permissions
from cqp.models import Habilitation
from cqp.permissions import read_memo
from tests.candidates.builders import everyone, ready_for

pytestmark = pytest.mark.django_db

# The candidacy page of a candidacy in repérage, its professionnel and évaluateur assigned:
# session, user, candidacy, documents, the parcours plan, the history and the jury's
# deliberation (7), the header (memberships, habilitations, candidate role, unread count:
# 4), the role's own facts (object permissions: 2; the secretariat's downloads: 2), and the
# next step's guard (the livret's count per competence: 1; for anyone but the professionnel,
# whether the professionnel is habilitated: 1).
DETAIL_QUERIES = {
    "professionnel": 14,
    "evaluateur": 15,
    "gestionnaire": 13,
    "candidat": 13,
    "secretariat": 15,
}


@pytest.mark.parametrize("role", DETAIL_QUERIES)
def test_the_candidacy_page_asks_each_permission_question_once(
    client, actors, own_org, secretariat, role, django_assert_max_num_queries
):
    people = everyone(actors, own_org, secretariat)
    candidacy = ready_for("complete_reperage", people)
    client.force_login(people[role])
    with django_assert_max_num_queries(DETAIL_QUERIES[role]) as captured:
        response = client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    assert response.status_code == 200
    # Each person's habilitations are read once (the viewer's, the professionnel's).
    habilitation_reads = [q["sql"] for q in captured if 'FROM "cqp_habilitation"' in q["sql"]]
    assert len(habilitation_reads) == len(set(habilitation_reads)) <= 2


def test_the_professionnel_still_sees_the_actions_they_may_take(
    client, actors, own_org, secretariat
):
    people = everyone(actors, own_org, secretariat)
    candidacy = ready_for("complete_reperage", people)
    client.force_login(people["professionnel"])
    page = client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    assert page.context["step"].transition == "complete_reperage"


def test_within_a_read_the_habilitations_are_read_once(actors, own_org, secretariat):
    people = everyone(actors, own_org, secretariat)
    candidacy = ready_for("complete_reperage", people)
    professionnel = people["professionnel"]
    with read_memo(), CaptureQueriesContext(connection) as captured:
        for _ in range(5):
            assert permissions.is_acting_professionnel(candidacy, professionnel)
            assert not permissions.is_acting_evaluateur(candidacy, professionnel)
    habilitation_reads = [q for q in captured if 'FROM "cqp_habilitation"' in q["sql"]]
    assert len(habilitation_reads) == 1


def test_outside_a_read_a_revocation_counts_at_once(actors, own_org, secretariat):
    people = everyone(actors, own_org, secretariat)
    candidacy = ready_for("complete_reperage", people)
    professionnel = people["professionnel"]
    assert permissions.is_acting_professionnel(candidacy, professionnel)
    Habilitation.objects.filter(user=professionnel).update(revoked_on=timezone.localdate())
    assert not permissions.is_acting_professionnel(candidacy, professionnel)
