"""The member count stored on each organisation (cqp.member_counts) follows its memberships
however they are written: a person with two roles counted once, a membership deleted, a
person deleted, a membership moved, memberships written in bulk then recounted."""

import pytest

from cqp import member_counts, services
from cqp.models import Membership, MembershipRole, Organisation
from tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _counted(organisation) -> int:
    return Organisation.objects.get(pk=organisation.pk).member_count


def _members(organisation) -> int:
    return Membership.objects.filter(organisation=organisation).values("user").distinct().count()


def test_a_person_counts_once_whatever_their_roles():
    organisation = OrganisationFactory()
    assert _counted(organisation) == 0
    person = UserFactory()
    MembershipFactory(organisation=organisation, user=person, role=MembershipRole.GESTIONNAIRE)
    MembershipFactory(organisation=organisation, user=person, role=MembershipRole.PROFESSIONNEL)
    MembershipFactory(organisation=organisation)
    assert _counted(organisation) == _members(organisation) == 2


def test_a_membership_deleted_and_a_person_deleted_count_no_more():
    organisation = OrganisationFactory()
    memberships = MembershipFactory.create_batch(3, organisation=organisation)
    memberships[0].delete()
    assert _counted(organisation) == 2
    memberships[1].user.delete()  # the memberships go with the person
    assert _counted(organisation) == _members(organisation) == 1


def test_a_membership_moved_counts_in_its_new_organisation_only():
    before, after = OrganisationFactory(), OrganisationFactory()
    membership = MembershipFactory(organisation=before)
    membership.organisation = after
    membership.save()
    assert (_counted(before), _counted(after)) == (0, 1)


def test_memberships_written_in_bulk_are_counted_by_a_recount():
    organisation, other = OrganisationFactory(), OrganisationFactory()
    Membership.objects.bulk_create(
        Membership(user=UserFactory(), organisation=organisation, role=MembershipRole.CANDIDAT)
        for _ in range(4)
    )
    assert _counted(organisation) == 0  # past the receivers
    member_counts.recount([organisation.pk])
    assert (_counted(organisation), _counted(other)) == (4, 0)


def test_the_invitation_accepted_counts_the_new_member():
    invitation = InvitationFactory()
    services.invitation_accept(
        invitation=invitation, user=None, password="Un-mot-de-passe-2026!", first_name="Léa",
        last_name="Martin",
    )  # fmt: skip
    assert _counted(invitation.organisation) == 1
