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
    MembershipFactory(user=user, organisation=own_org, role=MembershipRole.GESTIONNAIRE)
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


@pytest.mark.parametrize("limit_in_union", [True, False], ids=["union", "merged-in-python"])
def test_the_page_keys_merged_from_each_way_of_seeing_are_the_lists_own(
    own_org, other_org, secretariat, limit_in_union, monkeypatch
):
    """candidacy_page_keys reads the first rows of each way of seeing and merges them: the
    same keys, in the same order, as the list's queryset sliced, for a user who sees
    candidacies in every way at once, with and without filters, on every page. Merged by
    the database, or here where it takes no LIMIT inside a UNION (SQLite, the demo)."""
    from django.db import connection

    from candidates import selectors

    monkeypatch.setattr(
        connection.features, "supports_slicing_ordering_in_compound", limit_in_union
    )
    from candidates.enums import State
    from tests.factories import (
        CandidacyFactory,
        CandidateFactory,
        MembershipFactory,
        UserFactory,
    )

    someone = UserFactory(first_name="Multiple")
    MembershipFactory(user=someone, organisation=own_org, role="gestionnaire")
    mine = CandidateFactory(user=someone)
    CandidacyFactory(candidate=mine, organisation=other_org)
    for n in range(9):
        CandidacyFactory(organisation=own_org, state=State.PARCOURS if n % 2 else State.REPERAGE)
        CandidacyFactory(organisation=other_org, professionnel=someone)
        CandidacyFactory(organisation=other_org, evaluateur=someone, state=State.PARCOURS)
        CandidacyFactory(organisation=other_org)  # not seen
    # Seen two ways (her organisation's, and hers to follow): one row, counted once.
    CandidacyFactory(organisation=own_org, professionnel=someone, state=State.PARCOURS)
    CandidacyFactory(organisation=own_org, evaluateur=someone)
    for filters in ({}, {"state": State.PARCOURS}, {"q": "Multiple"}):
        listed = list(
            selectors.candidacy_list(user=someone, **filters).values_list("pk", flat=True)
        )
        assert listed, filters
        # Without the list's length, and with it: the pages past its middle read from its end.
        for total in (None, len(listed)):
            for bottom, top in ((0, 7), (7, 14), (14, 21), (14, 40), (21, 40)):
                keys = selectors.candidacy_page_keys(
                    user=someone, bottom=bottom, top=top, total=total, **filters
                )
                assert keys == listed[bottom:top], (filters, bottom, total)
        # The count over the union of the ways, bounded.
        assert selectors.candidacy_count(user=someone, limit=100, **filters) == len(listed)
        assert selectors.candidacy_count(user=someone, limit=3, **filters) == min(3, len(listed))


def test_the_page_keys_of_a_gestionnaire_of_many_organisations(own_org):
    """Of more organisations than FEW_ORGANISATIONS, one set of them all rather than one
    way each: the same keys, from both ends of the list."""
    from tests.factories import OrganisationFactory

    user = UserFactory()
    organisations = [own_org] + OrganisationFactory.create_batch(selectors.FEW_ORGANISATIONS)
    for organisation in organisations:
        MembershipFactory(user=user, organisation=organisation, role=MembershipRole.GESTIONNAIRE)
        CandidacyFactory(organisation=organisation)
        CandidacyFactory(organisation=organisation)
    CandidacyFactory()  # not seen
    listed = list(selectors.candidacy_list(user=user).values_list("pk", flat=True))
    assert len(listed) == 2 * len(organisations)
    for total in (None, len(listed)):
        for bottom in range(0, len(listed), 4):
            keys = selectors.candidacy_page_keys(
                user=user, bottom=bottom, top=bottom + 4, total=total
            )
            assert keys == listed[bottom : bottom + 4], (bottom, total)


def test_who_manages_no_organisation_has_no_organisation_branch(own_org):
    user = UserFactory()
    MembershipFactory(user=user, organisation=own_org, role=MembershipRole.PROFESSIONNEL)
    CandidacyFactory(organisation=own_org)

    assert '"ORGANISATION_ID" IN' not in str(selectors.candidacy_list(user=user).query).upper()
    assert selectors.candidacy_count(user=user, limit=100) == 0
    assert _visible(user) == set()


def test_an_active_jury_member_sees_their_sessions_candidacies_whatever_their_role(own_org):
    """The jury's way of seeing a candidacy is for whoever is an active member
    (cqp.user_facts: held, not the platform role); a list of anyone else does not look
    through the sessions."""
    from tests.factories import DeliberationFactory, JuryMemberFactory, SeatFactory

    placed = CandidacyFactory(organisation=own_org)
    deliberation = DeliberationFactory(candidacy=placed)
    member = JuryMemberFactory(user=UserFactory())  # no platform role
    SeatFactory(session=deliberation.session, member=member)
    assert _visible(member.user) == {placed.pk}
    member.is_active = False
    member.save()
    assert _visible(member.user) == set()

    gestionnaire = UserFactory()
    MembershipFactory(user=gestionnaire, organisation=own_org, role=MembershipRole.GESTIONNAIRE)
    sql = str(selectors.candidacy_list(user=gestionnaire).query)
    assert "jury_seat" not in sql
    assert _visible(gestionnaire) == {placed.pk}


def test_a_search_reads_its_candidates_first(own_org, secretariat):
    """A search matching few people filters the candidacies by their candidate's key; the
    same candidacies as matching through the join."""
    from tests.factories import CandidateFactory

    # Named in full: the factory's first names are random (a « Martine » would match).
    martin = CandidacyFactory(
        organisation=own_org,
        candidate=CandidateFactory(user__first_name="Paul", user__last_name="Martin"),
    )
    CandidacyFactory(
        organisation=own_org,
        candidate=CandidateFactory(user__first_name="Léa", user__last_name="Durand"),
    )
    found = selectors.candidacy_list(user=secretariat, q="marti")
    assert list(found.values_list("pk", flat=True)) == [martin.pk]
    assert '"candidate_id" IN (SELECT unnest(' in str(found.query)
