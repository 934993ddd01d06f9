"""The candidacy list's search (`?q=`) by part of a name or of an e-mail, served on
PostgreSQL by trigram indexes on the people's names and e-mails (migration cqp 0013)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import selectors
from candidates.models import Candidacy, Candidate
from candidates.views import candidacies as views_candidacies
from cqp.models import User
from tests.factories import CandidacyFactory
from tests.helpers import query_count

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


def _garniers(n, **fields):
    return [
        CandidacyFactory(
            candidate__user__last_name="Garnier", candidate__user__first_name="Léa", **fields
        )
        for _ in range(n)
    ]


def _search_keys(client, **params):
    page = client.get(reverse("candidacy_list"), {"q": "garn", **params}).context["page"]
    return [c.pk for c in page], page.paginator.count


@pytest.mark.parametrize("role", ["gestionnaire", "professionnel"])
def test_a_search_counts_and_pages_only_what_the_user_sees(
    client, actors, own_org, other_org, role
):
    """The search's candidacies are read once (their keys, the latest changed first), then
    counted and paged: the same rows as the list's order, over its ways of seeing one."""
    user = actors[role]
    # Seen by the organisation she manages, by being its professionnel, or by both.
    seen = _garniers(22, organisation=own_org) if role == "gestionnaire" else []
    seen += _garniers(2, organisation=other_org, professionnel=user)
    seen += _garniers(1, organisation=own_org, professionnel=user)
    if role == "professionnel":
        seen += _garniers(20, organisation=other_org, professionnel=user)
    _garniers(4, organisation=other_org)  # nobody's here
    CandidacyFactory(organisation=own_org, candidate__user__last_name="Lefèvre")
    client.force_login(user)
    first, count = _search_keys(client)
    second, _count = _search_keys(client, page=2)
    newest_first = sorted(seen, key=lambda c: (c.updated_at, c.pk), reverse=True)
    assert count == len(seen)
    assert first + second == [c.pk for c in newest_first]


def test_a_search_runs_as_many_queries_whatever_it_finds(client, gestionnaire, own_org):
    """Its candidates, then the candidacies among them that the user sees (counted and paged
    from one read), then the page's rows: 20 rows or 3, 2 pages or 1."""
    client.force_login(gestionnaire)
    url = reverse("candidacy_list") + "?q=garn"
    _garniers(3, organisation=own_org)
    few = query_count(client, url)
    _garniers(40, organisation=own_org)
    assert [query_count(client, url), query_count(client, url + "&page=2")] == [few, few]
    # The user, the estimate of its candidates, its candidates, the organisations, the
    # candidacies, the rows.
    assert few <= 6


def test_a_search_matching_many_candidates_keeps_its_results(
    client, gestionnaire, own_org, monkeypatch
):
    """Beyond SEARCH_CANDIDATES_FIRST candidates, the candidacies are filtered by joining
    their people: the same rows."""
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES_FIRST", 2)
    made = _garniers(4, organisation=own_org)
    client.force_login(gestionnaire)
    keys, count = _search_keys(client)
    assert count == 4
    assert keys == [c.pk for c in sorted(made, key=lambda c: (c.updated_at, c.pk), reverse=True)]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("ga", {"garnier"}),  # the start of the last name
        ("TH", {"garnier"}),  # of the first name, whatever the case
        ("m.", {"lefevre"}),  # of the e-mail
        ("m", {"lefevre"}),  # one letter: Manon, m.lefevre@…
        ("ar", set()),  # inside a name: three characters needed (« arn »)
        ("ga théo", {"garnier"}),  # each word its own way
        ("ga manon", set()),
    ],
)
def test_a_word_of_one_or_two_characters_finds_the_start_of_a_name_or_an_email(
    client, secretariat, people, q, found
):
    client.force_login(secretariat)
    page = client.get(reverse("candidacy_list"), {"q": q}).context["page"]
    assert {c.pk for c in page} == {people[name].pk for name in found}


@pytest.mark.parametrize("role", ["secretariat", "gestionnaire"])
def test_a_search_matching_many_is_counted_up_to_its_bound(
    client, actors, secretariat, own_org, monkeypatch, role
):
    """A search matching more candidates than SEARCH_CANDIDATES_FIRST (« ma » at 100,000)
    walks the list in its order, testing each candidacy's person, and counts up to
    SEARCH_COUNT_BOUND: « plus de … résultats », the first rows the latest changed, in as
    many queries as a search matching few."""
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES_FIRST", 2)
    monkeypatch.setattr(selectors, "SEARCH_COUNT_BOUND", 3)
    user = secretariat if role == "secretariat" else actors["gestionnaire"]
    made = _garniers(5, organisation=own_org)
    CandidacyFactory(  # no name of hers starts with « ga » (the factory's are random)
        organisation=own_org,
        candidate__user__last_name="Lefèvre",
        candidate__user__first_name="Manon",
    )
    client.force_login(user)
    url = reverse("candidacy_list") + "?q=ga"
    response = client.get(url)
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.count == 3
    newest_first = sorted(made, key=lambda c: (c.updated_at, c.pk), reverse=True)
    assert [c.pk for c in page] == [c.pk for c in newest_first[:3]]
    assert "Plus de 3 résultats" in response.content.decode()
    # Here the planner expects few and the candidates are read first, to find too many.
    assert query_count(client, url) <= 7


@pytest.mark.parametrize("role", ["secretariat", "gestionnaire"])
def test_a_broad_search_counts_one_page_ahead_of_the_page_shown(
    client, actors, secretariat, own_org, monkeypatch, role
):
    """A search matching too many people to read them first counts a page beyond the one
    shown (BROAD_SEARCH_LOOK_AHEAD): « plus de 20 » on the first page of 10 rows, the
    pages beyond offered as the reader reaches them, and the exact count once within
    reach. The gestionnaire's page keys are the first of those walked to count them."""
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES_FIRST", 0)  # every search is broad
    monkeypatch.setattr(views_candidacies, "PAGE_SIZE", 10)
    user = secretariat if role == "secretariat" else actors["gestionnaire"]
    made = _garniers(25, organisation=own_org)
    newest_first = [c.pk for c in sorted(made, key=lambda c: (c.updated_at, c.pk), reverse=True)]
    client.force_login(user)
    url = reverse("candidacy_list")

    first = client.get(url, {"q": "garn"})
    page = first.context["page"]
    assert page.paginator.capped and page.paginator.provisional
    assert page.paginator.count == 20 and page.paginator.num_pages == 2
    assert [c.pk for c in page] == newest_first[:10]
    html = first.content.decode()
    assert "Page 1 sur plus de 2" in html
    assert "Plus de 20 résultats : les pages suivantes montrent les autres" in html

    third = client.get(url, {"q": "garn", "page": 3}).context["page"]
    assert not third.paginator.capped and third.paginator.count == 25
    assert [c.pk for c in third] == newest_first[20:]
    assert "25 résultats" in client.get(url, {"q": "garn", "page": 3}).content.decode()

    # The search's estimate, one query more than the list without a search; the
    # gestionnaire's count and page keys read in one walk, one query fewer.
    walked_once = 1 if role == "gestionnaire" else 0
    assert query_count(client, url + "?q=garn") == query_count(client, url) + 1 - walked_once


def test_a_search_the_planner_expects_to_match_many_reads_no_candidate_first(people, monkeypatch):
    """Beyond twice SEARCH_CANDIDATES_FIRST people expected (PostgreSQL's plan, nothing
    read), the candidates are not read first: the list joins the people instead."""
    with CaptureQueriesContext(connection) as queries:
        found = selectors._matching_candidates("garnier")
    assert len(found) == 1 and len(queries) == 2  # the estimate, then the candidates
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES_FIRST", 0)  # any estimate is beyond
    with CaptureQueriesContext(connection) as queries:
        assert selectors._matching_candidates("garnier") is None
    assert [q["sql"].split()[0] for q in queries] == ["EXPLAIN"]


def test_a_search_has_covering_indexes_for_its_candidates_and_candidacies(db):
    """The candidates found and their candidacies, the latest changed first, each read from
    an index alone (candidates migration 0019; `make bench` times it at 100,000): the index
    holds every column those queries read."""
    candidates = Candidate.objects.filter(user_id__in=[1, 2]).values_list("pk", flat=True)
    candidacies = (
        Candidacy.objects.filter(candidate_id__in=[1, 2], state="reperage", pathway="vae")
        .order_by("-updated_at", "-id")
        .values_list("id", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('candidate_user_covering', 'candidacy_candidate_covering')"
        )
        definitions = dict(cursor.fetchall())
    for queryset, index in (
        (candidates, "candidate_user_covering"),
        (candidacies, "candidacy_candidate_covering"),
    ):
        key, included = re.search(r"\((\w+)\) INCLUDE \(([^)]*)\)", definitions[index]).groups()
        indexed = {key, *included.replace(" ", "").split(",")}
        sql = str(queryset.query)
        table = queryset.model._meta.db_table
        read = set(re.findall(rf'"{table}"\."(\w+)"', sql))
        assert read and read <= indexed, (index, read - indexed)
