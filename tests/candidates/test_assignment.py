"""Assigning the professionnel du secteur and the évaluateur externe of a candidacy."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from guardian.shortcuts import remove_perm

from candidates import permissions, services
from candidates.models import TransitionLog
from cqp.models import Habilitation, HabilitationKind, MembershipRole
from cqp.services import habilitation_revoke
from tests.candidates.builders import (
    DAY,
    candidacy_in,
    habilitated,
    parcours_candidacy,
    today,
    vae_candidacy,
)
from tests.candidates.design import FINAL
from tests.factories import HabilitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ACT_AS_PRO = "candidates.act_as_professionnel"
ACT_AS_EVAL = "candidates.act_as_evaluateur"
REFUSED = "{person} n'a pas d'habilitation « {kind} » valide aujourd'hui."
PRO_LABEL = "Professionnel du secteur"
EVAL_LABEL = "Évaluateur externe"


@pytest.fixture
def candidacy(candidat, own_org):
    return parcours_candidacy(candidat, own_org)


def assignment_logs(candidacy):
    return TransitionLog.objects.filter(
        candidacy=candidacy, transition__startswith="assign_"
    ).order_by("pk")


def test_candidacy_assign_grants_the_object_permissions_and_logs(
    candidacy, secretariat, professionnel, evaluateur
):
    services.candidacy_assign(
        candidacy=candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur
    )
    assert (candidacy.professionnel, candidacy.evaluateur) == (professionnel, evaluateur)
    assert professionnel.has_perm(ACT_AS_PRO, candidacy)
    assert not professionnel.has_perm(ACT_AS_EVAL, candidacy)
    assert evaluateur.has_perm(ACT_AS_EVAL, candidacy)
    assert not evaluateur.has_perm(ACT_AS_PRO, candidacy)
    logs = [
        (e.transition, e.actor, e.role, e.source, e.target, e.comment)
        for e in assignment_logs(candidacy)
    ]
    assert logs == [
        (
            "assign_professionnel",
            secretariat,
            "secretariat",
            "reperage",
            "reperage",
            f"{PRO_LABEL} : {professionnel}",
        ),
        (
            "assign_evaluateur",
            secretariat,
            "secretariat",
            "reperage",
            "reperage",
            f"{EVAL_LABEL} : {evaluateur}",
        ),
    ]


def test_candidacy_assign_permission_is_per_candidacy(
    candidacy, own_org, secretariat, professionnel
):
    other = parcours_candidacy(UserFactory(), own_org)
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    assert professionnel.has_perm(ACT_AS_PRO, candidacy)
    assert not professionnel.has_perm(ACT_AS_PRO, other)
    assert not permissions.may_take(other, "complete_reperage", professionnel)


def _expired(user, secretariat):
    HabilitationFactory(
        user=user,
        kind=HabilitationKind.PROFESSIONNEL,
        granted_by=secretariat,
        valid_from=today() - 400 * DAY,
        valid_until=today() - DAY,
    )


def _revoked_today(user, secretariat):
    habilitation = HabilitationFactory(
        user=user, kind=HabilitationKind.PROFESSIONNEL, granted_by=secretariat
    )
    habilitation_revoke(habilitation=habilitation, by=secretariat, reason="Manquement")


def _upcoming(user, secretariat):
    HabilitationFactory(
        user=user,
        kind=HabilitationKind.PROFESSIONNEL,
        granted_by=secretariat,
        valid_from=today() + DAY,
        valid_until=today() + 400 * DAY,
    )


def _wrong_kind(user, secretariat):
    HabilitationFactory(user=user, kind=HabilitationKind.EVALUATEUR, granted_by=secretariat)


def _none(user, secretariat):
    pass


def _inactive(user, secretariat):
    HabilitationFactory(user=user, kind=HabilitationKind.PROFESSIONNEL, granted_by=secretariat)
    user.is_active = False
    user.save()


@pytest.mark.parametrize(
    "habilitation",
    [_expired, _revoked_today, _upcoming, _wrong_kind, _none, _inactive],
    ids=["expired", "revoked-today", "upcoming", "wrong-kind", "none", "inactive"],
)
def test_candidacy_assign_refuses_a_professionnel_without_a_valid_habilitation(
    habilitation, candidacy, secretariat
):
    person = UserFactory(first_name="Paul", last_name="Durand")
    habilitation(person, secretariat)
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=person)
    assert excinfo.value.message_dict == {
        "professionnel": [REFUSED.format(person="Paul Durand", kind=PRO_LABEL)]
    }
    candidacy.refresh_from_db()
    assert candidacy.professionnel is None
    assert not person.has_perm(ACT_AS_PRO, candidacy)
    assert not assignment_logs(candidacy).exists()


def test_candidacy_assign_refuses_a_professionnel_as_evaluateur(
    candidacy, secretariat, professionnel
):
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_assign(candidacy=candidacy, by=secretariat, evaluateur=professionnel)
    assert excinfo.value.message_dict == {
        "evaluateur": [REFUSED.format(person=professionnel, kind=EVAL_LABEL)]
    }


def test_candidacy_assign_one_refused_person_assigns_nobody(candidacy, secretariat, professionnel):
    lapsed = habilitated(
        HabilitationKind.EVALUATEUR,
        by=secretariat,
        valid_from=today() - 400 * DAY,
        valid_until=today() - DAY,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_assign(
            candidacy=candidacy, by=secretariat, professionnel=professionnel, evaluateur=lapsed
        )
    assert list(excinfo.value.message_dict) == ["evaluateur"]
    candidacy.refresh_from_db()
    assert (candidacy.professionnel, candidacy.evaluateur) == (None, None)
    assert not professionnel.has_perm(ACT_AS_PRO, candidacy)
    assert not assignment_logs(candidacy).exists()


@pytest.mark.parametrize(
    ("valid_from", "valid_until"), [(0, 30), (-30, 0)], ids=["starts-today", "ends-today"]
)
def test_candidacy_assign_accepts_a_habilitation_on_its_first_and_last_day(
    valid_from, valid_until, candidacy, secretariat
):
    person = habilitated(
        HabilitationKind.PROFESSIONNEL,
        by=secretariat,
        valid_from=today() + valid_from * DAY,
        valid_until=today() + valid_until * DAY,
    )
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=person)
    assert candidacy.professionnel == person
    assert permissions.may_take(candidacy, "complete_reperage", person)


def test_candidacy_reassign_moves_the_permission_to_the_new_person(
    candidacy, secretariat, gestionnaire, professionnel
):
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    successor = habilitated(HabilitationKind.PROFESSIONNEL, by=secretariat)
    services.candidacy_assign(candidacy=candidacy, by=gestionnaire, professionnel=successor)
    assert candidacy.professionnel == successor
    assert not professionnel.has_perm(ACT_AS_PRO, candidacy)
    assert not permissions.may_take(candidacy, "complete_reperage", professionnel)
    assert successor.has_perm(ACT_AS_PRO, candidacy)
    assert permissions.may_take(candidacy, "complete_reperage", successor)
    last = assignment_logs(candidacy).last()
    assert (last.transition, last.actor, last.role) == (
        "assign_professionnel",
        gestionnaire,
        "gestionnaire",
    )
    assert last.comment == f"{PRO_LABEL} : {successor} (remplace {professionnel})"


def test_candidacy_reassign_of_the_evaluateur(candidacy, secretariat, evaluateur):
    services.candidacy_assign(candidacy=candidacy, by=secretariat, evaluateur=evaluateur)
    successor = habilitated(HabilitationKind.EVALUATEUR, by=secretariat)
    services.candidacy_assign(candidacy=candidacy, by=secretariat, evaluateur=successor)
    assert not evaluateur.has_perm(ACT_AS_EVAL, candidacy)
    assert successor.has_perm(ACT_AS_EVAL, candidacy)


def test_candidacy_assign_same_person_again_changes_nothing(candidacy, secretariat, professionnel):
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    assert assignment_logs(candidacy).count() == 1
    assert professionnel.has_perm(ACT_AS_PRO, candidacy)


def test_candidacy_assign_only_the_evaluateur_keeps_the_professionnel(
    candidacy, secretariat, professionnel, evaluateur
):
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    services.candidacy_assign(candidacy=candidacy, by=secretariat, evaluateur=evaluateur)
    assert (candidacy.professionnel, candidacy.evaluateur) == (professionnel, evaluateur)
    assert professionnel.has_perm(ACT_AS_PRO, candidacy)


def test_professionnel_whose_habilitation_expired_can_no_longer_act(
    candidacy, secretariat, professionnel
):
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    assert permissions.may_take(candidacy, "complete_reperage", professionnel)
    Habilitation.objects.filter(user=professionnel).update(valid_until=today() - DAY)
    candidacy.refresh_from_db()
    assert candidacy.professionnel == professionnel
    assert professionnel.has_perm(ACT_AS_PRO, candidacy)
    assert not permissions.may_take(candidacy, "complete_reperage", professionnel)


def test_professionnel_whose_habilitation_is_revoked_can_no_longer_act(
    candidacy, secretariat, professionnel
):
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    habilitation_revoke(
        habilitation=professionnel.habilitations.get(), by=secretariat, reason="Manquement"
    )
    assert not permissions.may_take(candidacy, "complete_reperage", professionnel)
    with pytest.raises(PermissionDenied):
        services.run_transition(name="complete_reperage", candidacy=candidacy, by=professionnel)
    candidacy.refresh_from_db()
    assert candidacy.state == "reperage"


def test_professionnel_acts_again_once_habilitated_anew(candidacy, secretariat, professionnel):
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    Habilitation.objects.filter(user=professionnel).update(
        valid_from=today() - 400 * DAY, valid_until=today() - DAY
    )
    HabilitationFactory(
        user=professionnel, kind=HabilitationKind.PROFESSIONNEL, granted_by=secretariat
    )
    assert permissions.may_take(candidacy, "complete_reperage", professionnel)


def test_evaluateur_whose_habilitation_expired_can_no_longer_transmit(
    candidat, own_org, secretariat, evaluateur
):
    candidacy = candidacy_in("evaluation", candidat, own_org)
    services.candidacy_assign(candidacy=candidacy, by=secretariat, evaluateur=evaluateur)
    assert permissions.may_take(candidacy, "transmit_to_jury", evaluateur)
    Habilitation.objects.filter(user=evaluateur).update(valid_until=today() - DAY)
    assert not permissions.may_take(candidacy, "transmit_to_jury", evaluateur)


@pytest.mark.parametrize("who", ["secretariat", "gestionnaire"])
def test_candidacy_assign_by_secretariat_or_gestionnaire(who, request, candidacy, professionnel):
    by = request.getfixturevalue(who)
    services.candidacy_assign(candidacy=candidacy, by=by, professionnel=professionnel)
    assert candidacy.professionnel == professionnel
    assert assignment_logs(candidacy).get().role == who


@pytest.mark.parametrize("who", ["candidat", "outsider", "professionnel", "evaluateur", "jury"])
def test_candidacy_assign_refused_to_others(who, request, candidacy, professionnel):
    by = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.candidacy_assign(candidacy=candidacy, by=by, professionnel=professionnel)
    candidacy.refresh_from_db()
    assert candidacy.professionnel is None
    assert not professionnel.has_perm(ACT_AS_PRO, candidacy)
    assert not assignment_logs(candidacy).exists()


def test_candidacy_assign_of_a_vae_without_organisation_is_for_the_secretariat(
    candidat, gestionnaire, secretariat, evaluateur
):
    candidacy = vae_candidacy(candidat, None)
    with pytest.raises(PermissionDenied):
        services.candidacy_assign(candidacy=candidacy, by=gestionnaire, evaluateur=evaluateur)
    services.candidacy_assign(candidacy=candidacy, by=secretariat, evaluateur=evaluateur)
    assert candidacy.evaluateur == evaluateur


@pytest.mark.parametrize("state", sorted(FINAL))
def test_candidacy_assign_refused_on_a_closed_candidacy(
    state, candidat, own_org, secretariat, professionnel
):
    candidacy = candidacy_in(state, candidat, own_org)
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    assert excinfo.value.messages == [
        "Cette candidature est close : ses intervenants ne peuvent plus changer."
    ]
    candidacy.refresh_from_db()
    assert candidacy.professionnel is None
    assert not professionnel.has_perm(ACT_AS_PRO, candidacy)
    assert not assignment_logs(candidacy).exists()


def test_candidacy_assign_after_withdrawal_is_refused(
    candidacy, candidat, secretariat, professionnel
):
    services.run_transition(name="withdraw", candidacy=candidacy, by=candidat, comment="Départ")
    with pytest.raises(ValidationError):
        services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)


def test_candidacy_assign_refuses_one_person_in_both_roles(candidacy, secretariat, professionnel):
    HabilitationFactory(
        user=professionnel, kind=HabilitationKind.EVALUATEUR, granted_by=secretariat
    )
    with pytest.raises(ValidationError):
        services.candidacy_assign(
            candidacy=candidacy,
            by=secretariat,
            professionnel=professionnel,
            evaluateur=professionnel,
        )
    candidacy.refresh_from_db()
    assert (candidacy.professionnel, candidacy.evaluateur) == (None, None)


def test_candidacy_assign_refuses_the_candidate_on_their_own_candidacy(
    candidacy, candidat, secretariat
):
    HabilitationFactory(user=candidat, kind=HabilitationKind.PROFESSIONNEL, granted_by=secretariat)
    with pytest.raises(ValidationError):
        services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=candidat)
    assert not permissions.may_take(candidacy, "complete_reperage", candidat)


# The évaluateur externe is external (DESIGN.md) --------------------------------------------

EXTERNAL = (
    "L'évaluateur externe est extérieur à l'organisation du candidat : "
    "{person} est membre de « {organisation} »."
)


@pytest.mark.parametrize("role", list(MembershipRole))
def test_candidacy_assign_refuses_a_member_of_the_organisation_as_evaluateur(
    role, candidacy, secretariat, own_org
):
    member = habilitated(HabilitationKind.EVALUATEUR, by=secretariat)
    MembershipFactory(user=member, organisation=own_org, role=role)
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_assign(candidacy=candidacy, by=secretariat, evaluateur=member)
    assert excinfo.value.message_dict == {
        "evaluateur": [EXTERNAL.format(person=member, organisation=own_org)]
    }
    candidacy.refresh_from_db()
    assert candidacy.evaluateur is None
    assert not member.has_perm(ACT_AS_EVAL, candidacy)
    assert not assignment_logs(candidacy).exists()


def test_candidacy_assign_accepts_a_member_of_another_organisation_as_evaluateur(
    candidacy, secretariat, other_org
):
    member = habilitated(HabilitationKind.EVALUATEUR, by=secretariat)
    MembershipFactory(user=member, organisation=other_org, role=MembershipRole.PROFESSIONNEL)
    services.candidacy_assign(candidacy=candidacy, by=secretariat, evaluateur=member)
    candidacy.refresh_from_db()
    assert candidacy.evaluateur == member


def test_candidacy_assign_refuses_the_professionnel_as_evaluateur_with_a_message(
    candidacy, secretariat, professionnel
):
    HabilitationFactory(
        user=professionnel, kind=HabilitationKind.EVALUATEUR, granted_by=secretariat
    )
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_assign(candidacy=candidacy, by=secretariat, evaluateur=professionnel)
    assert excinfo.value.message_dict == {
        "evaluateur": [
            "L'évaluation est conduite par deux personnes : l'évaluateur externe doit être "
            "différent du professionnel du secteur."
        ]
    }


def test_the_object_permission_is_read_in_one_query(
    candidacy, secretariat, professionnel, django_assert_num_queries
):
    """Only users hold object permissions (never groups): one query reads them."""
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    with django_assert_num_queries(1):
        assert permissions._has_object_perm(professionnel, ACT_AS_PRO, candidacy)


def test_the_candidacy_page_reads_the_assigned_persons_object_permission_with_the_candidacy(
    client, candidacy, secretariat, professionnel
):
    """The professionnel's object permission comes with the candidacy on its page; without
    it, assigned and habilitated, they are offered nothing and refused the action."""
    services.candidacy_assign(candidacy=candidacy, by=secretariat, professionnel=professionnel)
    client.force_login(professionnel)
    page = reverse("candidacy_detail", args=[candidacy.pk])
    action = reverse("candidacy_transition", args=[candidacy.pk, "complete_reperage"])
    livret = f'href="{reverse("reperage_edit", args=[candidacy.pk])}">Renseigner le livret'
    assert livret in client.get(page).content.decode()
    remove_perm(ACT_AS_PRO, professionnel, candidacy)
    assert livret not in client.get(page).content.decode()
    assert client.post(action, {"expected_state": "reperage"}).status_code in (403, 404)
    candidacy.refresh_from_db()
    assert candidacy.state == "reperage"
