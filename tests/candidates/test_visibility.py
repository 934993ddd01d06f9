"""The visible set: one indexed branch per way of seeing a candidacy, joined by UNION (an OR
across joins is what no index can serve). The authorization matrix judges the scope; these
check the shape and each branch."""

import pytest

from candidates import selectors
from cqp.models import MembershipRole
from tests.factories import CandidacyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _visible(user) -> set[int]:
    return set(selectors.candidacy_queryset(user=user).values_list("pk", flat=True))


def test_each_way_of_seeing_a_candidacy_is_a_branch(own_org, other_org):
    person = UserFactory()
    mine = CandidacyFactory(candidate__user=person, organisation=other_org)
    as_pro = CandidacyFactory(professionnel=person, organisation=other_org)
    as_eval = CandidacyFactory(evaluateur=person, organisation=other_org)
    MembershipFactory(user=person, organisation=own_org, role=MembershipRole.GESTIONNAIRE)
    managed = CandidacyFactory(organisation=own_org)
    CandidacyFactory(organisation=other_org)  # none of these
    MembershipFactory(user=person, organisation=other_org, role=MembershipRole.PROFESSIONNEL)

    assert _visible(person) == {mine.pk, as_pro.pk, as_eval.pk, managed.pk}
    # Each listed once, though seen in several ways.
    CandidacyFactory(organisation=own_org, professionnel=person, evaluateur=UserFactory())
    assert selectors.candidacy_list(user=person).count() == 5


def test_the_query_is_a_union_of_indexed_branches_not_an_or(own_org):
    user = UserFactory()
    sql = str(selectors.candidacy_list(user=user).query).upper()
    assert "UNION" in sql
    where = sql.split(" WHERE ", 1)[1]
    assert " OR " not in where
    for column in ('"PROFESSIONNEL_ID" =', '"EVALUATEUR_ID" =', '"ORGANISATION_ID" IN'):
        assert column in where


def test_the_secretariat_reads_every_candidacy_without_a_filter(secretariat, own_org):
    CandidacyFactory(organisation=own_org)
    assert " WHERE " not in str(selectors.candidacy_queryset(user=secretariat).query)
    assert len(_visible(secretariat)) == 1
