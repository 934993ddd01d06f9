"""Jury sessions at the services level: quorum and parity, composition, the session's life
(planned -> open -> closed) and its agenda. Candidacies reach `jury` through the real evaluation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from candidates.models import Candidacy
from cqp.exceptions import ConcurrentChange
from jury import permissions, selectors, services
from jury.models import Deliberation, Seat
from tests.candidates.builders import DAY, today
from tests.evaluations.builders import (
    parcours_in_evaluation,
)
from tests.factories import DeliberationFactory, UserFactory

from .builders import (
    ALL,
    EMPLOYEURS,
    SALARIES,
    attendance,
    fiche,
    fresh_session,
    member,
    messages,
    open_session,
    panel,
    place,
    planned_session,
    president_of,
    programmed,
    record,
    refused,
    retransmit,
)

NINE = datetime.time(9, 0)

pytestmark = pytest.mark.django_db


# Quorum and parity --------------------------------------------------------------------------


def test_quorum_needs_a_member_of_each_college():
    employeur, salarie = member(EMPLOYEURS), member(SALARIES)

    assert permissions.quorum_problems([employeur, salarie]) == []
    assert permissions.quorum_problems([employeur]) == [
        "aucun représentant du collège salariés n'est présent"
    ]
    assert permissions.quorum_problems([salarie]) == [
        "aucun représentant du collège employeurs n'est présent"
    ]
    assert len(permissions.quorum_problems([])) == 2


def test_quorum_requires_parity_by_default():
    e1, e2, e3, s1, s2 = panel(employeurs=3, salaries=2)

    assert permissions.quorum_problems([e1, e2, s1, s2]) == []
    assert permissions.quorum_problems([e1, e2, s1]) == [
        "la parité n'est pas respectée (2 représentants des employeurs, 1 représentant des salariés)"
    ]
    assert permissions.quorum_problems([e1, s1, s2]) == [
        "la parité n'est pas respectée (1 représentant des employeurs, 2 représentants des salariés)"
    ]
    assert permissions.quorum_problems([e1, e2, e3, s1, s2]) != []


def test_unbalanced_session_is_not_opened_and_the_message_names_the_counts(secretariat):
    session = planned_session(by=secretariat, members=panel(employeurs=2, salaries=1))
    everyone = list(session.seats.values_list("member_id", flat=True))

    with pytest.raises(ValidationError) as excinfo:
        services.session_open(session=session, by=secretariat, present_member_ids=everyone)

    assert excinfo.value.message_dict["present"] == [
        "Quorum non atteint : la parité n'est pas respectée (2 représentants des employeurs, 1 représentant des salariés)."
    ]
    session = fresh_session(session)
    assert session.state == "planned"
    assert session.opened_at is None
    assert set(attendance(session).values()) == {None}


def test_parity_is_counted_on_the_members_present(secretariat):
    e1, e2, s1, s2 = members = panel(employeurs=2, salaries=2)
    session = planned_session(by=secretariat, members=members, president=e1)

    with pytest.raises(
        ValidationError, match="2 représentants des employeurs, 1 représentant des salariés"
    ):
        services.session_open(
            session=session, by=secretariat, present_member_ids=[e1.pk, e2.pk, s1.pk]
        )
    assert fresh_session(session).state == "planned"

    services.session_open(session=session, by=secretariat, present_member_ids=[e1.pk, s2.pk])
    assert fresh_session(session).state == "open"


def test_parity_can_be_relaxed_but_both_colleges_stay_required(settings, secretariat):
    settings.JURY_REQUIRE_PARITY = False
    e1, e2, s1 = members = panel(employeurs=2, salaries=1)

    assert permissions.quorum_problems([e1, e2, s1]) == []
    assert permissions.quorum_problems([e1, e2]) == [
        "aucun représentant du collège salariés n'est présent"
    ]

    unbalanced = planned_session(by=secretariat, members=members, president=e1)
    services.session_open(
        session=unbalanced, by=secretariat, present_member_ids=[e1.pk, e2.pk, s1.pk]
    )
    assert fresh_session(unbalanced).state == "open"

    employeurs_only = planned_session(by=secretariat, members=members, president=e1)
    with pytest.raises(ValidationError) as excinfo:
        services.session_open(
            session=employeurs_only, by=secretariat, present_member_ids=[e1.pk, e2.pk]
        )
    assert excinfo.value.message_dict["present"] == [
        "Quorum non atteint : aucun représentant du collège salariés n'est présent."
    ]
    assert fresh_session(employeurs_only).state == "planned"
    assert set(attendance(employeurs_only).values()) == {None}


def test_the_president_must_be_present(secretariat):
    e1, e2, s1, s2 = members = panel(employeurs=2, salaries=2)
    session = planned_session(by=secretariat, members=members, president=e1)

    with pytest.raises(ValidationError) as excinfo:
        # Parity holds (1 + 1) but the president is absent.
        services.session_open(session=session, by=secretariat, present_member_ids=[e2.pk, s1.pk])

    assert excinfo.value.message_dict["present"] == [
        f"La session ne peut pas être ouverte sans {e1.user.get_full_name()}, qui la préside."
    ]
    assert fresh_session(session).state == "planned"
    assert set(attendance(session).values()) == {None}


def test_attendance_is_recorded_on_every_seat_when_the_session_opens(secretariat):
    e1, e2, s1, s2 = members = panel(employeurs=2, salaries=2)
    session = planned_session(by=secretariat, members=members, president=e1)
    assert set(attendance(session).values()) == {None}

    opened = services.session_open(
        session=session, by=secretariat, present_member_ids=[e1.pk, s2.pk]
    )

    assert opened.state == "open"
    assert opened.opened_at is not None
    assert attendance(session) == {e1.pk: True, e2.pk: False, s1.pk: False, s2.pk: True}
    assert fresh_session(session).state == "open"


def test_a_member_id_outside_the_session_is_not_counted_as_present(secretariat):
    session = planned_session(by=secretariat)
    president = fresh_session(session).president
    stranger = member(SALARIES)

    with pytest.raises(ValidationError, match="salariés"):
        services.session_open(
            session=session, by=secretariat, present_member_ids=[president.pk, stranger.pk]
        )
    assert not Seat.objects.filter(member=stranger).exists()


@pytest.mark.parametrize("who", ["member", "other_jury", "candidat", "professionnel"])
def test_only_the_secretariat_or_the_president_may_open(who, secretariat, candidat, professionnel):
    e1, s1 = members = panel()
    session = planned_session(by=secretariat, members=members, president=e1)
    users = {
        "member": s1.user,  # seated, but not the president
        "other_jury": member(SALARIES).user,
        "candidat": candidat,
        "professionnel": professionnel,
    }

    with pytest.raises(PermissionDenied):
        services.session_open(session=session, by=users[who], present_member_ids=[e1.pk, s1.pk])
    assert fresh_session(session).state == "planned"
    assert set(attendance(session).values()) == {None}


@pytest.mark.parametrize("opener", ["president", "secretariat"])
def test_the_president_or_the_secretariat_opens(opener, secretariat):
    e1, s1 = members = panel()
    session = planned_session(by=secretariat, members=members, president=e1)
    by = e1.user if opener == "president" else secretariat

    services.session_open(session=session, by=by, present_member_ids=[e1.pk, s1.pk])

    assert fresh_session(session).state == "open"


def test_compose_needs_the_president_among_the_members_and_both_colleges(secretariat):
    e1, e2, s1 = panel(employeurs=2, salaries=1)
    session = programmed(by=secretariat, place="CPEF")

    with pytest.raises(ValidationError) as excinfo:
        services.session_compose(session=session, by=secretariat, members=[e1, s1], president=e2)
    assert "president" in excinfo.value.message_dict

    with pytest.raises(ValidationError) as excinfo:
        services.session_compose(session=session, by=secretariat, members=[e1, s1], president=None)
    assert "president" in excinfo.value.message_dict

    with pytest.raises(ValidationError) as excinfo:
        services.session_compose(session=session, by=secretariat, members=[e1, e2], president=e1)
    assert excinfo.value.message_dict["members"] == [
        "La session doit réunir des membres des deux collèges."
    ]

    assert not Seat.objects.filter(session=session).exists()
    assert fresh_session(session).president is None


def test_compose_is_the_secretariat_s_and_a_new_composition_replaces_the_seats(secretariat):
    e1, e2, s1, s2 = panel(employeurs=2, salaries=2)
    session = programmed(by=secretariat, place="CPEF")

    with pytest.raises(PermissionDenied):
        services.session_compose(session=session, by=e1.user, members=[e1, s1], president=e1)
    assert not Seat.objects.filter(session=session).exists()

    services.session_compose(
        session=session, by=secretariat, members=[e1, e2, s1, s2], president=e1
    )
    services.session_compose(session=session, by=secretariat, members=[e2, s2], president=s2)

    assert set(attendance(session)) == {e2.pk, s2.pk}
    assert fresh_session(session).president == s2


def test_compose_refuses_an_inactive_member(secretariat):
    e1, s1 = panel()
    retired = member(SALARIES)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    session = programmed(by=secretariat, place="CPEF")

    with pytest.raises(ValidationError):
        services.session_compose(
            session=session, by=secretariat, members=[e1, s1, retired], president=e1
        )
    assert not Seat.objects.filter(session=session).exists()


def test_session_create_needs_a_place_or_a_link_and_the_secretariat(secretariat, jury):
    with pytest.raises(PermissionDenied):
        services.session_create(by=jury, date=today(), start_time=NINE, place="CPEF")
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(by=secretariat, date=today(), start_time=NINE)
    assert "place" in excinfo.value.message_dict

    online = services.session_create(
        by=secretariat, date=today(), start_time=NINE, video_link="https://visio.exemple.fr/jury"
    )
    assert online.state == "planned"


# Session states ---------------------------------------------------------------------------


def test_session_goes_planned_open_closed(secretariat, to_jury):
    session = planned_session(by=secretariat)
    assert session.state == "planned"
    candidacy = to_jury()
    deliberation = place(session, candidacy, by=secretariat)

    session = services.session_open(
        session=session,
        by=secretariat,
        present_member_ids=list(session.seats.values_list("member_id", flat=True)),
    )
    assert session.state == "open"

    with pytest.raises(ValidationError) as excinfo:
        services.session_close(session=session, by=secretariat)
    assert "Une candidature attend encore une décision" in messages(excinfo.value)
    assert fresh_session(session).state == "open"

    record(deliberation, decisions=fiche(validated=ALL))
    closed = services.session_close(session=session, by=president_of(session))

    assert closed.state == "closed"
    stored = fresh_session(session)
    assert (stored.state, stored.closed_at is not None) == ("closed", True)
    assert stored.opened_at <= stored.closed_at


def test_only_an_open_session_closes(secretariat):
    session = planned_session(by=secretariat)
    with pytest.raises(ValidationError, match="Seule une session ouverte"):
        services.session_close(session=session, by=secretariat)
    assert fresh_session(session).state == "planned"


def test_a_member_who_is_not_president_may_not_close(secretariat):
    session = open_session(by=secretariat)
    salarie = session.seats.exclude(member=session.president).get().member
    with pytest.raises(PermissionDenied):
        services.session_close(session=session, by=salarie.user)
    assert fresh_session(session).state == "open"


def test_a_closed_session_refuses_every_change(secretariat, to_jury):
    session = open_session(by=secretariat)
    decided = place(session, to_jury(), by=secretariat)
    record(decided, decisions=fiche(validated=ALL))
    services.session_close(session=session, by=secretariat)
    session = fresh_session(session)
    members = [seat.member for seat in session.seats.select_related("member")]
    other = to_jury(user=UserFactory())

    with pytest.raises(ValidationError):
        services.session_compose(
            session=session, by=secretariat, members=members, president=session.president
        )
    with pytest.raises(ValidationError, match="close"):
        place(session, other, by=secretariat)
    with pytest.raises(ValidationError, match="programmée"):
        services.session_open(
            session=session, by=secretariat, present_member_ids=[m.pk for m in members]
        )
    with pytest.raises(ValidationError, match="ouverte"):
        services.session_close(session=session, by=secretariat)

    # The fiche already recorded cannot be recorded again...
    refused(decided, lambda: record(decided, decisions=fiche(validated=ALL)), ConcurrentChange)
    # ...and a fiche slipped onto the closed session behind the services' back is refused too.
    slipped = DeliberationFactory(session=session, candidacy=other)
    error = refused(slipped, lambda: record(slipped, decisions=fiche(validated=ALL)))
    assert "session ouverte" in messages(error)

    assert fresh_session(session).state == "closed"
    assert Deliberation.objects.filter(session=session).count() == 2


def test_a_session_closed_meanwhile_refuses_a_candidacy(secretariat, to_jury):
    """The page that places a candidacy read the session open; it closed since."""
    session = open_session(by=secretariat)
    record(place(session, to_jury(), by=secretariat), decisions=fiche(validated=ALL))
    stale = fresh_session(session)
    services.session_close(session=session, by=secretariat)
    other = to_jury(user=UserFactory())
    with pytest.raises(ValidationError, match="close"):
        place(stale, other, by=secretariat)
    assert not Deliberation.objects.filter(candidacy=other).exists()


def test_no_decision_before_the_session_opens(secretariat, to_jury):
    session = planned_session(by=secretariat)
    deliberation = place(session, to_jury(), by=secretariat)

    error = refused(deliberation, lambda: record(deliberation, decisions=fiche(validated=ALL)))
    assert "session ouverte" in messages(error)


def test_session_state_is_protected(secretariat):
    session = planned_session(by=secretariat)
    with pytest.raises(AttributeError):
        session.state = "open"
    with pytest.raises(AttributeError):
        session.state = "closed"
    assert fresh_session(session).state == "planned"


def test_a_session_can_be_read_again_from_the_database(secretariat):
    session = planned_session(by=secretariat)
    services.session_open(
        session=session,
        by=secretariat,
        present_member_ids=list(session.seats.values_list("member_id", flat=True)),
    )
    session.refresh_from_db()
    assert session.state == "open"


# Agenda -------------------------------------------------------------------------------------


def test_only_transmitted_candidacies_are_placed(
    secretariat, candidat, own_org, professionnel, evaluateur, to_jury
):
    session = planned_session(by=secretariat)
    in_evaluation = parcours_in_evaluation(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )

    with pytest.raises(ValidationError) as excinfo:
        place(session, in_evaluation, by=secretariat)
    assert "candidacy" in excinfo.value.message_dict
    assert not Deliberation.objects.exists()

    transmitted = to_jury(user=UserFactory())
    with pytest.raises(PermissionDenied):
        place(session, transmitted, by=president_of(session))
    assert not Deliberation.objects.exists()

    deliberation = place(session, transmitted, by=secretariat)
    assert (deliberation.session, deliberation.candidacy) == (session, transmitted)
    assert not deliberation.is_decided


def test_a_pending_candidacy_waits_on_one_session_only(secretariat, to_jury):
    first, second = planned_session(by=secretariat), planned_session(by=secretariat)
    candidacy = to_jury()
    place(first, candidacy, by=secretariat)

    for session in (second, first):
        with pytest.raises(ValidationError) as excinfo:
            place(session, candidacy, by=secretariat)
        assert excinfo.value.message_dict["candidacy"] == [
            "Cette candidature est déjà inscrite à une session."
        ]

    # The database says the same when the service is bypassed (the ORM itself, so no factory).
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliberation.objects.create(session=second, candidacy=candidacy)
    assert Deliberation.objects.filter(candidacy=candidacy).count() == 1


def test_after_a_decision_the_candidacy_can_be_placed_again(secretariat, evaluateur, to_jury):
    first = open_session(by=secretariat)
    candidacy = to_jury()
    returned = place(first, candidacy, by=secretariat)
    record(returned, conform=False, conformity_notes="Signature du livret manquante.")
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"

    # Not in `jury` any more: it cannot be placed until the dossier comes back.
    with pytest.raises(ValidationError):
        place(first, candidacy, by=secretariat)

    retransmit(candidacy, evaluateur=evaluateur)
    assert candidacy.state == "jury"
    second = open_session(by=secretariat, date=today() + 7 * DAY)
    again = place(second, candidacy, by=secretariat)
    record(again, decisions=fiche(validated=ALL))

    candidacy.refresh_from_db()
    assert candidacy.state == "certifie"
    assert list(
        Deliberation.objects.filter(candidacy=candidacy)
        .order_by("pk")
        .values_list("session_id", "outcome")
    ) == [(first.pk, "non_conforme"), (second.pk, "certifie")]


def test_the_secretariat_removes_a_pending_candidacy_not_a_decided_one(secretariat, to_jury):
    session = open_session(by=secretariat)
    pending = place(session, to_jury(), by=secretariat)
    decided = record(
        place(session, to_jury(user=UserFactory()), by=secretariat), decisions=fiche(validated=ALL)
    )

    with pytest.raises(PermissionDenied):
        services.session_remove_candidacy(deliberation=pending, by=president_of(session))
    with pytest.raises(ValidationError):
        services.session_remove_candidacy(deliberation=decided, by=secretariat)
    services.session_remove_candidacy(deliberation=pending, by=secretariat)

    assert list(Deliberation.objects.filter(session=session)) == [decided]
    # Off the agenda, the candidacy is still in `jury` and can be placed elsewhere.
    assert Candidacy.objects.get(pk=pending.candidacy_id).state == "jury"
    services.session_close(session=session, by=secretariat)


def test_a_fiche_decided_meanwhile_is_not_removed(secretariat, to_jury):
    session = open_session(by=secretariat)
    seen_by_secretariat = place(session, to_jury(non_acquises=ALL), by=secretariat)
    record(seen_by_secretariat, decisions=fiche(not_validated=ALL))  # the president decides

    with pytest.raises(ValidationError):
        services.session_remove_candidacy(deliberation=seen_by_secretariat, by=secretariat)
    assert Deliberation.objects.filter(pk=seen_by_secretariat.pk).exists()


def test_a_session_opened_meanwhile_is_not_recomposed(secretariat):
    e1, e2, s1, s2 = members = panel(employeurs=2, salaries=2)
    seen_by_secretariat = planned_session(by=secretariat, members=[e1, s1], president=e1)
    services.session_open(
        session=seen_by_secretariat, by=e1.user, present_member_ids=[e1.pk, s1.pk]
    )

    with pytest.raises(ValidationError):
        services.session_compose(
            session=seen_by_secretariat, by=secretariat, members=members, president=e1
        )
    assert attendance(seen_by_secretariat) == {e1.pk: True, s1.pk: True}


# Selectors ----------------------------------------------------------------------------------


def test_session_deliberations_in_a_constant_number_of_queries(
    secretariat, to_jury, django_assert_num_queries
):
    session = open_session(by=secretariat)

    def add(count, decided):
        for _ in range(count):
            deliberation = place(session, to_jury(user=UserFactory()), by=secretariat)
            if decided:
                record(deliberation, decisions=fiche(validated=ALL))

    def read():
        rows = selectors.with_jury_facts(
            session, selectors.agenda_rows(selectors.session_agenda_keys(session=session))
        )
        return [
            (
                d.candidacy.candidate.user.email,
                d.candidacy.organisation.name,
                d.certificate_number,
                [a.code for a in d.results],
                d.complete,
                [r.member.user.email for r in d.recusals],
            )
            for d in rows
        ]

    add(2, decided=True)
    add(1, decided=False)
    # The agenda's keys, its rows (with their certificates and transmitted dossiers), the
    # assessments (results and signers), the seats (with their members' organisations).
    with django_assert_num_queries(4):
        small = read()
    assert len(small) == 3

    add(6, decided=True)
    add(6, decided=False)
    with django_assert_num_queries(4):
        large = read()
    assert len(large) == 15
    assert all(row[3] == ["C1", "C2", "C3", "C4", "C5", "C6"] for row in large)
    assert sum(1 for row in large if row[2]) == 8
    # Pending ones are complete (transmitted); decided ones keep their transmitted dossier.
    assert all(row[4] for row in large)
