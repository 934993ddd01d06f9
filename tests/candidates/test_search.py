"""The candidacy list's search (`?q=`) by part of a name or of an e-mail, served on
PostgreSQL by trigram indexes on the people's names and e-mails (migration cqp 0013)."""

import pytest
from django.db import connection
from django.urls import reverse

from candidates import selectors
from cqp.models import User
from tests.factories import CandidacyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(own_org):
    return {
        "garnier": CandidacyFactory(
            organisation=own_org,
            candidate__user__first_name="Théo",
            candidate__user__last_name="Garnier",
            candidate__user__email="theo.garnier@exemple.fr",
        ),
        "lefevre": CandidacyFactory(
            organisation=own_org,
            candidate__user__first_name="Manon",
            candidate__user__last_name="Lefèvre",
            candidate__user__email="m.lefevre@atelier.fr",
        ),
    }


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("arni", {"garnier"}),  # inside the last name
        ("GARN", {"garnier"}),  # whatever the case
        ("mano", {"lefevre"}),  # the first name
        ("atelier.f", {"lefevre"}),  # inside the e-mail
        ("théo garnier", {"garnier"}),  # each word
        ("exemple.fr théo", {"garnier"}),
        ("zz", set()),
    ],
)
def test_the_search_finds_by_part_of_a_name_or_an_email(client, secretariat, people, q, found):
    client.force_login(secretariat)
    page = client.get(reverse("candidacy_list"), {"q": q}).context["page"]
    assert {c.pk for c in page} == {people[name].pk for name in found}


def test_the_search_keeps_to_what_the_user_sees(gestionnaire, people, other_org):
    CandidacyFactory(organisation=other_org, candidate__user__last_name="Garnier")
    assert [c.pk for c in selectors.candidacy_list(user=gestionnaire, q="garn")] == [
        people["garnier"].pk
    ]


def test_postgresql_serves_it_with_trigram_indexes(secretariat, people):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cqp_user'")
        indexes = {row[0] for row in cursor.fetchall()}
        assert {"user_last_name_trgm", "user_first_name_trgm", "user_email_trgm"} <= indexes
        # What the search asks of each column, as Django writes it (tiny tables: the
        # planner is told to prefer an index, as it does on a large one).
        for column in ("last_name", "first_name", "email"):
            query = User.objects.filter(**{f"{column}__icontains": "garn"}).values("pk").query
            sql, params = query.sql_with_params()
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert f"user_{column}_trgm" in plan
