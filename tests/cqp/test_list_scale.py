"""Every list page at two sizes runs the same number of queries (page 1 and a later page),
and the long lists count up to a bound, then say « plus de … » with their pages usable."""

import pytest
from django.urls import reverse

from candidates.enums import State
from cqp import utils
from cqp.models import MembershipRole, Organisation
from tests.factories import (
    CandidacyFactory,
    DeliberationFactory,
    HabilitationFactory,
    JurySessionFactory,
    MembershipFactory,
    OrganisationFactory,
    VaeCandidacyFactory,
)
from tests.helpers import page_text, query_count

pytestmark = pytest.mark.django_db


def _rows(kind, n, people, own_org):
    """`n` more rows of the list `kind`."""
    for _ in range(n):
        if kind == "candidacies":
            CandidacyFactory(
                organisation=own_org, professionnel=people["professionnel"], state=State.PARCOURS
            )
        elif kind == "recevabilite":
            VaeCandidacyFactory(organisation=own_org, state=State.RECEVABILITE)
        elif kind == "sessions":
            session = JurySessionFactory(created_by=people["secretariat"])
            DeliberationFactory(session=session, candidacy__organisation=own_org)
        elif kind == "organisations":
            organisation = OrganisationFactory()
            MembershipFactory(organisation=organisation, role=MembershipRole.GESTIONNAIRE)
            MembershipFactory(organisation=organisation, role=MembershipRole.CANDIDAT)
        elif kind == "habilitations":
            HabilitationFactory(granted_by=people["secretariat"])
        elif kind == "instruction":
            CandidacyFactory(organisation=own_org, state=State.JURY)


LISTS = [
    ("candidacy_list", "candidacies", "secretariat"),
    ("candidacy_list", "candidacies", "gestionnaire"),
    ("candidacy_list", "candidacies", "professionnel"),
    ("recevabilite_queue", "recevabilite", "secretariat"),
    ("session_list", "sessions", "secretariat"),
    ("organisation_list", "organisations", "secretariat"),
    ("habilitation_list", "habilitations", "secretariat"),
    ("jury_instruction", "instruction", "secretariat"),
]


@pytest.mark.parametrize(("url_name", "kind", "role"), LISTS)
def test_each_list_page_runs_as_many_queries_at_both_sizes(
    client, actors, own_org, url_name, kind, role
):
    client.force_login(actors[role])
    url = reverse(url_name)
    _rows(kind, 25, actors, own_org)
    small = [query_count(client, url), query_count(client, url + "?page=2")]
    _rows(kind, 40, actors, own_org)
    assert [query_count(client, url), query_count(client, url + "?page=2")] == small
    assert max(small) <= 15


def test_a_long_list_says_plus_de_and_keeps_its_pages(client, secretariat, own_org, monkeypatch):
    monkeypatch.setattr(utils, "COUNT_BOUND", 30)
    monkeypatch.setattr(utils, "DEFER_FROM", 20)  # page 2 reads its keys first
    made = [CandidacyFactory(organisation=own_org) for _ in range(45)]
    client.force_login(secretariat)

    first = client.get(reverse("candidacy_list"))
    text = page_text(first)
    assert first.context["page"].paginator.capped
    assert "Plus de 30 résultats" in text
    assert "Page 1 sur plus de 2" in text

    second = client.get(reverse("candidacy_list"), {"page": 2})
    newest_first = sorted(made, key=lambda c: (c.updated_at, c.pk), reverse=True)
    assert [c.pk for c in second.context["page"]] == [c.pk for c in newest_first[20:30]]
    assert 'rel="prev"' in page_text(second)
    # The last page offered is the bound's; beyond, the nearest page.
    assert client.get(reverse("candidacy_list"), {"page": 9}).context["page"].number == 2


def test_a_list_under_the_bound_counts_exactly(client, secretariat, own_org):
    for _ in range(3):
        CandidacyFactory(organisation=own_org)
    client.force_login(secretariat)
    response = client.get(reverse("candidacy_list"))
    assert not response.context["page"].paginator.capped
    assert "3 résultats" in page_text(response)


def test_a_deep_page_reads_its_keys_then_its_rows(client, secretariat, monkeypatch):
    monkeypatch.setattr(utils, "DEFER_FROM", 20)
    for n in range(25):
        OrganisationFactory(name=f"Organisme {n:02d}")
    client.force_login(secretariat)
    shallow = query_count(client, reverse("organisation_list"))
    deep = client.get(reverse("organisation_list"), {"page": 2})
    assert query_count(client, reverse("organisation_list") + "?page=2") == shallow + 1
    names = list(Organisation.objects.order_by("name").values_list("name", flat=True))
    assert [o.name for o in deep.context["page"]] == names[20:]


def test_the_candidacy_list_reads_keys_first_on_every_page(client, actors, own_org, other_org):
    """By key from the first page: the rows are fetched without the visibility rule, which
    the keys already went through; a gestionnaire still sees only her organisation's."""
    mine = [CandidacyFactory(organisation=own_org) for _ in range(22)]
    for _ in range(3):
        CandidacyFactory(organisation=other_org)
    client.force_login(actors["gestionnaire"])
    url = reverse("candidacy_list")
    assert query_count(client, url) == query_count(client, url + "?page=2")
    shown = [c.pk for c in client.get(url).context["page"]]
    shown += [c.pk for c in client.get(url, {"page": 2}).context["page"]]
    newest_first = sorted(mine, key=lambda c: (c.updated_at, c.pk), reverse=True)
    assert shown == [c.pk for c in newest_first]


def test_rows_by_key_keeps_the_filters_of_an_aggregate(own_org):
    """A filter can narrow what an aggregate counts: such a queryset keeps its filters."""
    from django.db.models import Count, Q

    from candidates.models import Candidacy

    candidacy = CandidacyFactory(organisation=own_org)
    rows = Organisation.objects.filter(candidacies__state=candidacy.state).annotate(
        n=Count("candidacies")
    )
    assert [o.n for o in utils.rows_by_key(rows, [own_org.pk])] == [1]
    plain = Organisation.objects.filter(Q(name="ne correspond à rien"))
    assert list(utils.rows_by_key(plain, [own_org.pk])) == [own_org]
    assert Candidacy.objects.count() == 1


def test_the_session_page_runs_as_many_queries_with_a_long_agenda(client, secretariat):
    from tests.jury.builders import cheap_on_agenda, planned_session

    session = planned_session(by=secretariat)
    client.force_login(secretariat)
    url = reverse("session_detail", args=[session.pk])
    for _ in range(3):
        cheap_on_agenda(session, secretariat=secretariat)
    few = query_count(client, url)
    for _ in range(25):
        cheap_on_agenda(session, secretariat=secretariat)
    assert query_count(client, url) == few
    assert few <= 15


def test_the_organisation_list_counts_a_member_once_whatever_their_roles(
    client, secretariat, own_org, django_assert_max_num_queries
):
    """The count reads the (organisation, user) index: a person with two roles is one member,
    and the 20 rows shown cost one query however many members they have."""
    both = MembershipFactory(organisation=own_org, role=MembershipRole.GESTIONNAIRE).user
    MembershipFactory(organisation=own_org, user=both, role=MembershipRole.PROFESSIONNEL)
    for _ in range(25):
        _rows("organisations", 1, {}, own_org)
    expected = own_org.memberships.values("user").distinct().count()
    assert own_org.memberships.count() == expected + 1
    client.force_login(secretariat)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("organisation_list"), {"q": own_org.name})
    [row] = response.context["page"].object_list
    assert row.member_count == expected
    assert f'data-label="Membres">{expected}</td>' in response.content.decode()
