"""cqp.utils.CompiledQuery: a query compiled once, run again with other keys, gives the rows
the ORM gives for those keys (related rows, annotations), in one query, on the connection of
the thread that runs it."""

import threading

import pytest
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from candidates.models import Candidacy
from cqp.models import Membership, Organisation, User
from cqp.utils import CompiledQuery, key_array
from tests.factories import CandidacyFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _candidacy(pk):
    return Candidacy.objects.select_related("candidate__user", "organisation").filter(pk=pk)


def test_the_rows_of_other_keys_are_the_orms_with_their_related_rows():
    query = CompiledQuery(Candidacy, _candidacy)
    first, second = CandidacyFactory(), CandidacyFactory()
    assert [c.pk for c in query(first.pk)] == [first.pk]  # compiled on the first call
    with CaptureQueriesContext(connection) as queries:
        [found] = query(second.pk)
        names = (found.candidate.user.email, found.organisation.name)
    assert len(queries) == 1  # the related rows came with it
    assert names == (second.candidate.user.email, second.organisation.name)
    assert query(-1) == []


def test_annotations_several_keys_and_a_key_compared_as_text():
    organisation = OrganisationFactory(name="Formapro")
    member = MembershipFactory(organisation=organisation).user
    MembershipFactory(organisation=organisation)
    query = CompiledQuery(
        Organisation,
        lambda pk, user_pk, siret: Organisation.objects.filter(
            pk=pk, siret=siret, memberships__user_id=user_pk
        ).annotate(members=Count("memberships"), upper=F("name")),
        keys=3,
    )
    assert query(organisation.pk, member.pk, int(organisation.siret))[0].members == 1
    other = OrganisationFactory()
    assert query(other.pk, member.pk, int(other.siret)) == []  # not a member there
    [found] = query(organisation.pk, member.pk, int(organisation.siret))
    assert (found.pk, found.upper) == (organisation.pk, "Formapro")


def test_a_list_of_keys():
    users = UserFactory.create_batch(3)
    query = CompiledQuery(
        User,
        lambda keys: User.objects.filter(pk__in=key_array(keys)).order_by("pk"),
        lists=(0,),
    )
    assert [u.pk for u in query([users[0].pk])] == [users[0].pk]
    assert [u.pk for u in query([u.pk for u in users])] == sorted(u.pk for u in users)
    assert query([]) == []


def test_values_lists_come_back_as_the_orm_gives_them():
    membership = MembershipFactory()
    query = CompiledQuery(
        Membership,
        lambda user_pk: Membership.objects.filter(user_id=user_pk).values_list(
            "organisation__name", flat=True
        ),
    )
    assert query(membership.user_id) == [membership.organisation.name]


def test_each_thread_runs_it_on_its_own_connection():
    query = CompiledQuery(Candidacy, _candidacy)
    candidacy = CandidacyFactory()
    query(candidacy.pk)
    seen = []

    def other_thread():
        try:
            # The test's transaction is not this thread's: its rows are not seen here.
            seen.append(query(candidacy.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == [[]]


def test_a_key_that_is_no_parameter_and_a_wrong_number_of_keys_are_refused():
    # A key in the SQL itself (an offset) would be compiled in with its stand-in's value.
    sliced = CompiledQuery(User, lambda pk: User.objects.filter(pk__gt=0)[abs(pk) : abs(pk) + 1])
    with pytest.raises(ValueError, match="each of its keys"):
        sliced(3)
    query = CompiledQuery(User, lambda pk: User.objects.filter(pk=pk))
    with pytest.raises(TypeError, match="1 expected"):
        query(1, 2)
