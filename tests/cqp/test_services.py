import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cqp import services
from cqp.models import Habilitation, HabilitationKind, Invitation, Membership, MembershipRole, User
from tests.factories import HabilitationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_habilitation_grant_creates_the_account_and_mails_a_setup_link(
    secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        habilitation = services.habilitation_grant(
            by=secretariat,
            email="Nouvel.Evaluateur@Exemple.fr",
            first_name="Noé",
            last_name="Blanc",
            kind=HabilitationKind.EVALUATEUR,
            valid_from=D(2026, 1, 1),
            valid_until=D(2027, 12, 31),
        )
    user = User.objects.get(email="nouvel.evaluateur@exemple.fr")
    assert habilitation.user == user and habilitation.granted_by == secretariat
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert "/mot-de-passe/reinitialiser/" in mailoutbox[0].body


def test_habilitation_grant_for_existing_user_needs_no_name_and_sends_nothing(
    secretariat, candidat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.habilitation_grant(
            by=secretariat,
            email=candidat.email,
            kind=HabilitationKind.PROFESSIONNEL,
            valid_from=D(2026, 1, 1),
            valid_until=D(2026, 12, 31),
        )
    assert candidat.habilitations.count() == 1
    assert mailoutbox == []


def test_habilitation_grant_unknown_person_requires_names(secretariat):
    with pytest.raises(ValidationError) as excinfo:
        services.habilitation_grant(
            by=secretariat,
            email="x@exemple.fr",
            kind=HabilitationKind.EVALUATEUR,
            valid_from=D(2026, 1, 1),
            valid_until=D(2026, 12, 31),
        )
    assert set(excinfo.value.message_dict) == {"first_name", "last_name"}
    assert not User.objects.filter(email="x@exemple.fr").exists()


def test_habilitation_grant_refuses_an_overlapping_period(secretariat, evaluateur):
    current = evaluateur.habilitations.get()
    with pytest.raises(ValidationError, match="chevauche cette période"):
        services.habilitation_grant(
            by=secretariat,
            email=evaluateur.email,
            kind=HabilitationKind.EVALUATEUR,
            valid_from=current.valid_until,
            valid_until=current.valid_until + datetime.timedelta(days=10),
        )
    # Another kind, or a period after the current one, is fine.
    services.habilitation_grant(
        by=secretariat,
        email=evaluateur.email,
        kind=HabilitationKind.PROFESSIONNEL,
        valid_from=current.valid_from,
        valid_until=current.valid_until,
    )
    assert evaluateur.habilitations.count() == 2


def test_habilitation_grant_refuses_end_before_start(secretariat):
    with pytest.raises(ValidationError) as excinfo:
        services.habilitation_grant(
            by=secretariat,
            email="y@exemple.fr",
            first_name="A",
            last_name="B",
            kind=HabilitationKind.EVALUATEUR,
            valid_from=D(2026, 5, 1),
            valid_until=D(2026, 4, 30),
        )
    assert "valid_until" in excinfo.value.message_dict


def test_only_the_secretariat_manages_habilitations(gestionnaire, professionnel):
    habilitation = professionnel.habilitations.get()
    with pytest.raises(PermissionDenied):
        services.habilitation_grant(
            by=gestionnaire,
            email="z@exemple.fr",
            first_name="A",
            last_name="B",
            kind="evaluateur",
            valid_from=D(2026, 1, 1),
            valid_until=D(2026, 2, 1),
        )
    with pytest.raises(PermissionDenied):
        services.habilitation_renew(
            habilitation=habilitation, by=professionnel, valid_until=D(2099, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        services.habilitation_revoke(habilitation=habilitation, by=gestionnaire, reason="x")


@time_machine.travel(D(2026, 11, 22), tick=False)
def test_habilitation_renew_follows_the_current_period(secretariat):
    habilitation = HabilitationFactory(
        valid_from=D(2025, 1, 1), valid_until=D(2026, 12, 31), granted_by=secretariat
    )
    renewal = services.habilitation_renew(
        habilitation=habilitation, by=secretariat, valid_until=D(2029, 12, 31)
    )
    assert (renewal.valid_from, renewal.valid_until) == (D(2027, 1, 1), D(2029, 12, 31))
    assert renewal.renewal_of == habilitation
    assert renewal.is_valid_on(D(2028, 6, 1)) and not habilitation.is_valid_on(D(2028, 6, 1))
    with pytest.raises(ValidationError, match="déjà été renouvelée"):
        services.habilitation_renew(
            habilitation=habilitation, by=secretariat, valid_until=D(2030, 1, 1)
        )


@time_machine.travel(D(2026, 11, 22), tick=False)
def test_habilitation_renew_of_an_expired_one_starts_today_and_end_must_follow(secretariat):
    habilitation = HabilitationFactory(
        valid_from=D(2023, 1, 1), valid_until=D(2025, 12, 31), granted_by=secretariat
    )
    with pytest.raises(ValidationError) as excinfo:
        services.habilitation_renew(
            habilitation=habilitation, by=secretariat, valid_until=D(2026, 11, 21)
        )
    assert "22/11/2026" in excinfo.value.message_dict["valid_until"][0]
    renewal = services.habilitation_renew(
        habilitation=habilitation, by=secretariat, valid_until=D(2028, 1, 1)
    )
    assert renewal.valid_from == D(2026, 11, 22)


def test_habilitation_revoke_needs_a_reason_and_is_final(secretariat, professionnel):
    habilitation = professionnel.habilitations.get()
    with pytest.raises(ValidationError) as excinfo:
        services.habilitation_revoke(habilitation=habilitation, by=secretariat, reason="   ")
    assert "reason" in excinfo.value.message_dict
    services.habilitation_revoke(
        habilitation=habilitation, by=secretariat, reason="Départ de l'entreprise"
    )
    habilitation.refresh_from_db()
    today = timezone.localdate()
    assert habilitation.revoked_on == today and habilitation.revoked_by == secretariat
    assert not habilitation.is_valid_on(today)
    assert habilitation.status == "revoquee"
    with pytest.raises(ValidationError, match="déjà révoquée"):
        services.habilitation_revoke(habilitation=habilitation, by=secretariat, reason="encore")
    with pytest.raises(ValidationError, match="révoquée ne peut pas être renouvelée"):
        services.habilitation_renew(
            habilitation=habilitation, by=secretariat, valid_until=D(2099, 1, 1)
        )
    assert not Habilitation.objects.valid_on(today).filter(user=professionnel).exists()


def test_invitation_create_sends_the_link_after_commit(
    gestionnaire, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=own_org,
            by=gestionnaire,
            email="Nouvelle@Exemple.fr",
            role=MembershipRole.CANDIDAT,
        )
    assert invitation.email == "nouvelle@exemple.fr"
    assert len(mailoutbox) == 1
    assert f"/invitation/{invitation.token}/" in mailoutbox[0].body
    assert own_org.name in mailoutbox[0].subject


def test_invitation_create_refuses_duplicates_and_existing_members(gestionnaire, candidat, own_org):
    services.invitation_create(
        organisation=own_org, by=gestionnaire, email="a@exemple.fr", role="candidat"
    )
    with pytest.raises(ValidationError, match="déjà en attente"):
        services.invitation_create(
            organisation=own_org, by=gestionnaire, email="A@exemple.fr", role="candidat"
        )
    with pytest.raises(ValidationError, match="déjà membre"):
        services.invitation_create(
            organisation=own_org, by=gestionnaire, email=candidat.email, role="candidat"
        )
    assert Invitation.objects.count() == 1


def test_invitation_create_by_a_member_who_does_not_manage_is_refused(candidat, outsider, own_org):
    for user in (candidat, outsider):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                organisation=own_org, by=user, email="b@exemple.fr", role="candidat"
            )


def test_invitation_accept_creates_account_and_membership_once(gestionnaire, own_org):
    invitation = services.invitation_create(
        organisation=own_org, by=gestionnaire, email="c@exemple.fr", role="professionnel"
    )
    user = services.invitation_accept(
        invitation=invitation, first_name="Chloé", last_name="Roux", password="Un-mot-2026!"
    )
    assert Membership.objects.filter(user=user, organisation=own_org, role="professionnel").exists()
    assert user.check_password("Un-mot-2026!")
    with pytest.raises(ValidationError, match="n'est plus valable"):
        services.invitation_accept(
            invitation=invitation, first_name="X", last_name="Y", password="Un-mot-2026!"
        )


def test_invitation_accept_by_existing_user_adds_the_role(gestionnaire, own_org, outsider):
    invitation = services.invitation_create(
        organisation=own_org, by=gestionnaire, email=outsider.email, role="candidat"
    )
    with pytest.raises(ValidationError, match="connectez-vous"):
        services.invitation_accept(
            invitation=invitation, first_name="X", last_name="Y", password="Un-mot-2026!"
        )
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, user=gestionnaire)
    services.invitation_accept(invitation=invitation, user=outsider)
    assert set(outsider.memberships.values_list("organisation__name", flat=True)) == {
        "Autre Organisme",
        own_org.name,
    }


def test_invitation_expired_cannot_be_accepted(gestionnaire, own_org):
    invitation = services.invitation_create(
        organisation=own_org, by=gestionnaire, email="d@exemple.fr", role="candidat"
    )
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=15)),
        pytest.raises(ValidationError),
    ):
        services.invitation_accept(
            invitation=invitation, first_name="D", last_name="E", password="Un-mot-2026!"
        )
