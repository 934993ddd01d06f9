"""The jury paritaire at the services level, against DESIGN.md and the scheme's rules.

Quorum and parity, the session's life (planned -> open -> closed), its agenda, the fiche
de décision and what follows from it (validations for 5 years, certificate or attestation,
return to the evaluation), the second cycle after a partial validation, revocation and
public verification. Real services throughout, no mocks: candidacies reach `jury` through
the real evaluation (tests/evaluations/builders.py) and evaluations.services.dossier_transmit.
"""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from candidates import services as candidacy_services
from candidates.models import Candidacy, CompetenceValidation, TransitionLog
from cqp.models import HabilitationKind
from evaluations.models import EvaluationDossier
from jury import selectors, services
from jury.models import (
    Certificate,
    CompetenceDecision,
    Deliberation,
    Seat,
)
from tests.candidates.builders import DAY, competence, habilitated, plan_codes, today, validate
from tests.evaluations.builders import (
    dossier_of,
    parcours_in_evaluation,
    restart_evaluation,
    scope_codes,
)
from tests.factories import DeliberationFactory, JuryFactory, UserFactory
from tests.helpers import add_years

from .builders import (
    EMPLOYEURS,
    NON_VALIDEE,
    SALARIES,
    VALIDEE,
    candidacy_in_jury,
    fiche,
    fresh_session,
    member,
    open_session,
    panel,
    place,
    planned_session,
    president_of,
    record,
    retransmit,
    transmit,
)

pytestmark = pytest.mark.django_db

D = datetime.date
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ALL = (1, 2, 3, 4, 5, 6)
NUMBER = re.compile(r"^CQP(-[0-9A-F]{4}){4}$")


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=PARIS)


@pytest.fixture
def to_jury(candidat, own_org, secretariat, professionnel, evaluateur):
    """`to_jury(user=None, **options)`: a parcours candidacy transmitted to the jury."""

    def build(user=None, **options):
        return candidacy_in_jury(
            user or candidat,
            own_org,
            secretariat=secretariat,
            professionnel=professionnel,
            evaluateur=evaluateur,
            **options,
        )

    return build


@pytest.fixture
def session(secretariat):
    """An open session: one employeur (president) and one salarié, both present."""
    return open_session(by=secretariat)


def attendance(session) -> dict[int, bool | None]:
    return dict(Seat.objects.filter(session=session).values_list("member_id", "present"))


def snapshot(deliberation) -> dict:
    """Everything a fiche de décision may write."""
    candidacy = Candidacy.objects.get(pk=deliberation.candidacy_id)
    current = Deliberation.objects.get(pk=deliberation.pk)
    return {
        "state": candidacy.state,
        "outcome_reason": candidacy.outcome_reason,
        "logs": candidacy.logs.count(),
        "decided_at": current.decided_at,
        "outcome": current.outcome,
        "conform": current.conform,
        "decisions": CompetenceDecision.objects.filter(deliberation=current).count(),
        "linked": current.validations.count(),
        "validations": CompetenceValidation.objects.filter(
            candidate_id=candidacy.candidate_id
        ).count(),
        "certificates": Certificate.objects.filter(deliberation=current).count(),
        "transmitted": EvaluationDossier.objects.filter(
            candidacy=candidacy, transmitted_at__isnull=False
        ).count(),
    }


def refused(deliberation, call, error=ValidationError):
    """Run `call`, expect `error`, and check that the fiche wrote nothing at all."""
    before = snapshot(deliberation)
    with pytest.raises(error) as excinfo:
        call()
    assert snapshot(deliberation) == before
    return excinfo.value


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# Quorum and parity --------------------------------------------------------------------------


def test_quorum_needs_a_member_of_each_college():
    employeur, salarie = member(EMPLOYEURS), member(SALARIES)

    assert services.quorum_problems([employeur, salarie]) == []
    assert services.quorum_problems([employeur]) == [
        "aucun représentant du collège salariés n'est présent"
    ]
    assert services.quorum_problems([salarie]) == [
        "aucun représentant du collège employeurs n'est présent"
    ]
    assert len(services.quorum_problems([])) == 2


def test_quorum_requires_parity_by_default():
    e1, e2, e3, s1, s2 = panel(employeurs=3, salaries=2)

    assert services.quorum_problems([e1, e2, s1, s2]) == []
    assert services.quorum_problems([e1, e2, s1]) == [
        "la parité n'est pas respectée (2 employeur(s), 1 salarié(s))"
    ]
    assert services.quorum_problems([e1, s1, s2]) == [
        "la parité n'est pas respectée (1 employeur(s), 2 salarié(s))"
    ]
    assert services.quorum_problems([e1, e2, e3, s1, s2]) != []


def test_unbalanced_session_is_not_opened_and_the_message_names_the_counts(secretariat):
    session = planned_session(by=secretariat, members=panel(employeurs=2, salaries=1))
    everyone = list(session.seats.values_list("member_id", flat=True))

    with pytest.raises(ValidationError) as excinfo:
        services.session_open(session=session, by=secretariat, present_member_ids=everyone)

    assert excinfo.value.message_dict["present"] == [
        "Quorum non atteint : la parité n'est pas respectée (2 employeur(s), 1 salarié(s))."
    ]
    session = fresh_session(session)
    assert session.state == "planned"
    assert session.opened_at is None
    assert set(attendance(session).values()) == {None}


def test_parity_is_counted_on_the_members_present(secretariat):
    e1, e2, s1, s2 = members = panel(employeurs=2, salaries=2)
    session = planned_session(by=secretariat, members=members, president=e1)

    with pytest.raises(ValidationError, match=r"2 employeur\(s\), 1 salarié\(s\)"):
        services.session_open(
            session=session, by=secretariat, present_member_ids=[e1.pk, e2.pk, s1.pk]
        )
    assert fresh_session(session).state == "planned"

    services.session_open(session=session, by=secretariat, present_member_ids=[e1.pk, s2.pk])
    assert fresh_session(session).state == "open"


def test_parity_can_be_relaxed_but_both_colleges_stay_required(settings, secretariat):
    settings.JURY_REQUIRE_PARITY = False
    e1, e2, s1 = members = panel(employeurs=2, salaries=1)

    assert services.quorum_problems([e1, e2, s1]) == []
    assert services.quorum_problems([e1, e2]) == [
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
        "Le président doit être présent pour ouvrir la session."
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
    session = services.session_create(by=secretariat, date=today(), place="CPEF")

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
    session = services.session_create(by=secretariat, date=today(), place="CPEF")

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
    session = services.session_create(by=secretariat, date=today(), place="CPEF")

    with pytest.raises(ValidationError):
        services.session_compose(
            session=session, by=secretariat, members=[e1, s1, retired], president=e1
        )
    assert not Seat.objects.filter(session=session).exists()


def test_session_create_needs_a_place_or_a_link_and_the_secretariat(secretariat, jury):
    with pytest.raises(PermissionDenied):
        services.session_create(by=jury, date=today(), place="CPEF")
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(by=secretariat, date=today())
    assert "place" in excinfo.value.message_dict

    online = services.session_create(
        by=secretariat, date=today(), video_link="https://visio.exemple.fr/jury"
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
    assert "1 candidature(s) attendent encore une décision" in messages(excinfo.value)
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
    refused(decided, lambda: record(decided, decisions=fiche(validated=ALL)))
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


# Outcomes -----------------------------------------------------------------------------------


def test_every_competence_validated_certifies_and_issues_one_certificate(secretariat, to_jury):
    held_on = today() - 3 * DAY  # the session's date, not the day the fiche is typed
    session = open_session(by=secretariat, date=held_on)
    president = president_of(session)
    candidacy = to_jury()
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, decisions=fiche(validated=ALL), motivation="Dossier solide.")

    candidacy.refresh_from_db()
    deliberation.refresh_from_db()
    assert candidacy.state == "certifie"
    assert (deliberation.outcome, deliberation.conform) == ("certifie", True)
    assert deliberation.decided_by == president
    assert deliberation.motivation == "Dossier solide."
    assert [(d.competence.number, d.decision) for d in deliberation.decisions.all()] == [
        (n, VALIDEE) for n in ALL
    ]
    assert deliberation.validations.count() == 6

    certificate = Certificate.objects.get(deliberation__candidacy=candidacy)
    assert certificate.kind == "certificat"
    assert certificate.issued_on == held_on
    assert certificate.is_valid
    assert NUMBER.match(certificate.number)
    assert str(certificate.pk) not in certificate.number.split("-")

    log = candidacy.logs.get(transition="record_decision")
    assert (log.source, log.target, log.actor, log.role) == ("jury", "certifie", president, "jury")
    assert log.comment == "Dossier solide."


def test_certificate_numbers_are_unique_and_not_sequential(secretariat, to_jury):
    session = open_session(by=secretariat)
    numbers = []
    for _ in range(3):
        deliberation = place(session, to_jury(user=UserFactory()), by=secretariat)
        record(deliberation, decisions=fiche(validated=ALL))
        numbers.append(Certificate.objects.get(deliberation=deliberation).number)

    assert len(set(numbers)) == 3
    assert all(NUMBER.match(n) for n in numbers)
    first = Certificate.objects.get(number=numbers[0])
    # The database refuses a second certificate with that number (the ORM itself: no factory).
    deliberation = DeliberationFactory(session=session, candidacy=to_jury(user=UserFactory()))
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            deliberation=deliberation,
            kind="certificat",
            number=first.number,
            issued_on=today(),
        )


def test_some_competences_validated_give_a_partial_validation_for_five_years(secretariat, to_jury):
    session = open_session(by=secretariat)
    held_on = session.date
    candidacy = to_jury(non_acquises=(5, 6))
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, decisions=fiche(validated=(1, 2, 3, 4), not_validated=(5, 6)))

    candidacy.refresh_from_db()
    assert candidacy.state == "partiel"
    attestation = Certificate.objects.get(deliberation=deliberation)
    assert (attestation.kind, attestation.issued_on) == ("attestation", held_on)

    validations = CompetenceValidation.objects.filter(candidate=candidacy.candidate)
    assert sorted((v.competence.number, v.validated_on, v.valid_until) for v in validations) == [
        (n, held_on, add_years(held_on, 5)) for n in (1, 2, 3, 4)
    ]
    assert set(Deliberation.objects.get(pk=deliberation.pk).validations.all()) == set(validations)
    assert [c.code for c in candidacy.competences_to_validate(on=held_on)] == ["C5", "C6"]


def test_a_partial_validation_on_29_february_lasts_until_28_february(
    secretariat, candidat, own_org
):
    with time_machine.travel(noon(D(2028, 2, 29)), tick=False):
        pro = habilitated(HabilitationKind.PROFESSIONNEL, by=secretariat)
        eva = habilitated(HabilitationKind.EVALUATEUR, by=secretariat)
        candidacy = candidacy_in_jury(
            candidat,
            own_org,
            secretariat=secretariat,
            professionnel=pro,
            evaluateur=eva,
            non_acquises=(6,),
        )
        session = open_session(by=secretariat)
        assert session.date == D(2028, 2, 29)
        deliberation = place(session, candidacy, by=secretariat)
        record(deliberation, decisions=fiche(validated=(1, 2, 3, 4, 5), not_validated=(6,)))

    assert set(
        CompetenceValidation.objects.filter(candidate=candidacy.candidate).values_list(
            "validated_on", "valid_until"
        )
    ) == {(D(2028, 2, 29), D(2033, 2, 28))}


def test_no_competence_validated_is_non_certifie_without_certificate(secretariat, to_jury):
    session = open_session(by=secretariat)
    candidacy = to_jury(non_acquises=ALL)
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, decisions=fiche(not_validated=ALL))

    candidacy.refresh_from_db()
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert candidacy.state == "non_certifie"
    assert deliberation.outcome == "non_certifie"
    assert deliberation.decisions.filter(decision=NON_VALIDEE).count() == 6
    assert not Certificate.objects.exists()
    assert not CompetenceValidation.objects.exists()
    assert not deliberation.validations.exists()


def test_a_validation_still_in_force_is_counted_and_not_decided_again(secretariat, to_jury):
    held_on = today()
    candidacy = to_jury(
        before=lambda c: validate(c.candidate, 1, validated_on=add_years(held_on, -1))
    )
    assert scope_codes(dossier_of(candidacy)) == ["C2", "C3", "C4", "C5", "C6"]
    session = open_session(by=secretariat, date=held_on)
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, decisions=fiche(validated=(2, 3, 4, 5, 6)))

    candidacy.refresh_from_db()
    assert candidacy.state == "certifie"
    assert Certificate.objects.get(deliberation=deliberation).kind == "certificat"
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert sorted(d.competence.number for d in deliberation.decisions.all()) == [2, 3, 4, 5, 6]
    assert sorted(v.competence.number for v in deliberation.validations.all()) == [2, 3, 4, 5, 6]
    assert CompetenceValidation.objects.filter(candidate=candidacy.candidate).count() == 6


def test_a_validation_expiring_on_the_session_day_still_counts(secretariat, to_jury):
    held_on = today() + 20 * DAY
    candidacy = to_jury(
        before=lambda c: validate(
            c.candidate, 1, validated_on=add_years(today(), -4), valid_until=held_on
        )
    )
    with time_machine.travel(noon(held_on), tick=False):
        session = open_session(by=secretariat, date=held_on)
        deliberation = place(session, candidacy, by=secretariat)
        record(deliberation, decisions=fiche(validated=(2, 3, 4, 5, 6)))

    candidacy.refresh_from_db()
    assert candidacy.state == "certifie"


def test_a_validation_expired_by_the_session_day_must_be_decided_again(secretariat, to_jury):
    """C1 was in force when the evaluation started (the dossier left it out) but has
    expired by the session's date: the jury decides it again."""
    evaluated_on = today()
    expires_on = evaluated_on + 10 * DAY
    held_on = evaluated_on + 30 * DAY
    candidacy = to_jury(
        before=lambda c: validate(
            c.candidate, 1, validated_on=add_years(evaluated_on, -4), valid_until=expires_on
        )
    )
    assert scope_codes(dossier_of(candidacy)) == ["C2", "C3", "C4", "C5", "C6"]
    c1 = competence(1)

    with time_machine.travel(noon(held_on), tick=False):
        session = open_session(by=secretariat, date=held_on)
        deliberation = place(session, candidacy, by=secretariat)

        error = refused(
            deliberation, lambda: record(deliberation, decisions=fiche(validated=(2, 3, 4, 5, 6)))
        )
        assert "C1" in messages(error)
        assert "C2" not in messages(error)

        # The evaluators did not assess C1 in this dossier: any decision on it is motivated.
        error = refused(deliberation, lambda: record(deliberation, decisions=fiche(validated=ALL)))
        assert set(error.message_dict) == {f"motivation_{c1.pk}"}

        record(
            deliberation,
            decisions=fiche(
                validated=ALL, motivations={1: "Compétence toujours exercée, vue en entretien."}
            ),
        )

    candidacy.refresh_from_db()
    assert candidacy.state == "certifie"
    renewed = Deliberation.objects.get(pk=deliberation.pk).validations.get(competence=c1)
    assert (renewed.validated_on, renewed.valid_until) == (held_on, add_years(held_on, 5))


def test_a_validation_already_expired_is_evaluated_and_decided_again(secretariat, to_jury):
    candidacy = to_jury(
        before=lambda c: validate(
            c.candidate,
            1,
            validated_on=add_years(today(), -6),
            valid_until=add_years(today(), -1),
        )
    )
    assert scope_codes(dossier_of(candidacy)) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    session = open_session(by=secretariat)
    deliberation = place(session, candidacy, by=secretariat)

    error = refused(
        deliberation, lambda: record(deliberation, decisions=fiche(validated=(2, 3, 4, 5, 6)))
    )
    assert "C1" in messages(error)

    record(
        deliberation,
        decisions=fiche(
            validated=(2, 3, 4, 5, 6),
            not_validated=(1,),
            motivations={1: "Pratique trop ancienne."},
        ),
    )
    candidacy.refresh_from_db()
    assert candidacy.state == "partiel"


def test_a_decision_against_the_evaluators_needs_a_motivation(secretariat, to_jury):
    session = open_session(by=secretariat)
    candidacy = to_jury(non_acquises=(6,))
    deliberation = place(session, candidacy, by=secretariat)
    c3, c6 = competence(3), competence(6)

    # C3 « acquise » by the evaluators, not validated; C6 « non acquise », validated.
    error = refused(
        deliberation,
        lambda: record(
            deliberation,
            decisions=fiche(validated=(1, 2, 4, 5, 6), not_validated=(3,), motivations={6: " "}),
        ),
    )
    assert set(error.message_dict) == {f"motivation_{c3.pk}", f"motivation_{c6.pk}"}
    assert error.message_dict[f"motivation_{c3.pk}"] == [
        "Cette décision diffère du résultat des évaluateurs : motivez-la."
    ]

    record(
        deliberation,
        decisions=fiche(
            validated=(1, 2, 4, 5, 6),
            not_validated=(3,),
            motivations={3: "Situations observées insuffisantes.", 6: "Entretien probant."},
        ),
    )
    candidacy.refresh_from_db()
    assert candidacy.state == "partiel"
    decisions = {
        d.competence.number: (d.decision, d.motivation)
        for d in CompetenceDecision.objects.filter(deliberation=deliberation)
    }
    assert decisions[3] == (NON_VALIDEE, "Situations observées insuffisantes.")
    assert decisions[6] == (VALIDEE, "Entretien probant.")
    assert decisions[1] == (VALIDEE, "")


def test_an_unknown_decision_is_refused(secretariat, to_jury):
    session = open_session(by=secretariat)
    deliberation = place(session, to_jury(), by=secretariat)
    decisions = fiche(validated=ALL)
    decisions[competence(2).pk] = ("peut-etre", "")

    error = refused(deliberation, lambda: record(deliberation, decisions=decisions))
    assert set(error.message_dict) == {f"decision_{competence(2).pk}"}


def test_non_conformity_needs_notes(secretariat, to_jury):
    session = open_session(by=secretariat)
    deliberation = place(session, to_jury(), by=secretariat)

    for notes in ("", "   "):
        error = refused(
            deliberation,
            lambda notes=notes: record(deliberation, conform=False, conformity_notes=notes),
        )
        assert "conformity_notes" in error.message_dict


def test_non_conformity_returns_the_candidacy_to_its_reopened_evaluation(secretariat, to_jury):
    session = open_session(by=secretariat)
    president = president_of(session)
    candidacy = to_jury()
    dossier = dossier_of(candidacy)
    assert dossier.transmitted_at is not None
    deliberation = place(session, candidacy, by=secretariat)

    record(deliberation, conform=False, conformity_notes="  Livret non signé par le candidat. ")

    candidacy.refresh_from_db()
    dossier.refresh_from_db()
    deliberation = Deliberation.objects.get(pk=deliberation.pk)
    assert candidacy.state == "evaluation"
    assert candidacy.outcome_reason == "Livret non signé par le candidat."
    assert (dossier.transmitted_at, dossier.transmitted_by, dossier.cycle) == (None, None, 1)
    assert EvaluationDossier.objects.filter(candidacy=candidacy).count() == 1
    assert deliberation.outcome == "non_conforme"
    assert deliberation.conform is False
    assert deliberation.conformity_notes == "Livret non signé par le candidat."
    assert (deliberation.is_decided, deliberation.decided_by) == (True, president)
    assert not deliberation.decisions.exists()
    assert not CompetenceValidation.objects.exists()
    assert not Certificate.objects.exists()
    log = candidacy.logs.get(transition="return_to_evaluation")
    assert (log.source, log.target, log.actor) == ("jury", "evaluation", president)
    # The session can close: the fiche is decided.
    services.session_close(session=session, by=president)


def test_only_the_president_records(secretariat, to_jury):
    e1, e2, s1, s2 = members = panel(employeurs=2, salaries=2)
    session = open_session(by=secretariat, members=members, president=e1)
    deliberation = place(session, to_jury(), by=secretariat)
    outsider_jury = member(SALARIES).user

    for user in (e2.user, s1.user, outsider_jury, secretariat):
        refused(
            deliberation,
            lambda user=user: record(deliberation, by=user, decisions=fiche(validated=ALL)),
            PermissionDenied,
        )
        refused(
            deliberation,
            lambda user=user: record(
                deliberation, by=user, conform=False, conformity_notes="Pièce manquante."
            ),
            PermissionDenied,
        )

    record(deliberation, by=e1.user, decisions=fiche(validated=ALL))
    assert Candidacy.objects.get(pk=deliberation.candidacy_id).state == "certifie"


def test_no_decision_once_the_session_has_lost_its_quorum(secretariat, to_jury):
    e1, e2, s1, s2 = members = panel(employeurs=2, salaries=2)
    session = open_session(by=secretariat, members=members, president=e1)
    deliberation = place(session, to_jury(), by=secretariat)

    Seat.objects.filter(session=session, member=s2).update(present=False)  # s2 left the room

    error = refused(deliberation, lambda: record(deliberation, decisions=fiche(validated=ALL)))
    assert "quorum" in messages(error)
    refused(
        deliberation,
        lambda: record(deliberation, conform=False, conformity_notes="Pièce manquante."),
    )

    Seat.objects.filter(session=session, member=e2).update(present=False)  # parity again
    record(deliberation, decisions=fiche(validated=ALL))
    assert Candidacy.objects.get(pk=deliberation.candidacy_id).state == "certifie"


def test_a_fiche_is_recorded_once(secretariat, to_jury):
    session = open_session(by=secretariat)
    deliberation = place(session, to_jury(), by=secretariat)
    record(deliberation, decisions=fiche(validated=ALL))

    error = refused(deliberation, lambda: record(deliberation, decisions=fiche(not_validated=ALL)))
    assert "déjà été enregistrée" in messages(error)
    assert Certificate.objects.count() == 1


# Partial validation, then a second cycle --------------------------------------------------


def test_partial_then_second_cycle_on_what_is_left_then_certified(
    secretariat, candidat, professionnel, evaluateur, to_jury
):
    first_day, second_day = today() - 30 * DAY, today()
    candidacy = to_jury(non_acquises=(5, 6))
    first = open_session(by=secretariat, date=first_day)
    record(
        place(first, candidacy, by=secretariat),
        decisions=fiche(validated=(1, 2, 3, 4), not_validated=(5, 6)),
    )
    services.session_close(session=first, by=secretariat)
    candidacy.refresh_from_db()
    assert candidacy.state == "partiel"

    candidacy_services.candidacy_continue_after_partial(candidacy=candidacy, by=candidat)
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    assert plan_codes(candidacy) == {"C5", "C6"}

    restart_evaluation(candidacy, professionnel=professionnel)
    candidacy.refresh_from_db()
    assert candidacy.state == "evaluation"
    dossier = dossier_of(candidacy)
    assert (dossier.cycle, scope_codes(dossier)) == (2, ["C5", "C6"])
    transmit(candidacy, professionnel=professionnel, evaluateur=evaluateur)
    assert candidacy.state == "jury"

    second = open_session(by=secretariat, date=second_day)
    deliberation = place(second, candidacy, by=secretariat)
    # C1..C4 are in force: deciding only C5 and C6 is complete.
    record(deliberation, decisions=fiche(validated=(5, 6)))

    candidacy.refresh_from_db()
    assert candidacy.state == "certifie"
    certificate = Certificate.objects.get(deliberation=deliberation)
    assert (certificate.kind, certificate.issued_on) == ("certificat", second_day)
    assert sorted(
        Certificate.objects.filter(deliberation__candidacy=candidacy).values_list("kind", flat=True)
    ) == ["attestation", "certificat"]
    assert sorted(
        CompetenceValidation.objects.filter(candidate=candidacy.candidate).values_list(
            "competence__number", "validated_on"
        )
    ) == [
        (1, first_day),
        (2, first_day),
        (3, first_day),
        (4, first_day),
        (5, second_day),
        (6, second_day),
    ]
    assert sorted(
        v.competence.number for v in Deliberation.objects.get(pk=deliberation.pk).validations.all()
    ) == [5, 6]


# Revocation and verification --------------------------------------------------------------


@pytest.fixture
def certificate(secretariat, to_jury):
    session = open_session(by=secretariat)
    deliberation = place(session, to_jury(), by=secretariat)
    record(deliberation, decisions=fiche(validated=ALL))
    return Certificate.objects.get(deliberation=deliberation)


def test_revocation_needs_a_reason_and_the_secretariat(certificate, secretariat, candidat):
    president = certificate.deliberation.session.president.user
    for user in (president, candidat, JuryFactory()):
        with pytest.raises(PermissionDenied):
            services.certificate_revoke(certificate=certificate, by=user, reason="Fraude.")
    with pytest.raises(ValidationError) as excinfo:
        services.certificate_revoke(certificate=certificate, by=secretariat, reason="  ")
    assert "reason" in excinfo.value.message_dict

    certificate.refresh_from_db()
    assert certificate.is_valid
    assert not TransitionLog.objects.filter(transition="revoke_certificate").exists()


def test_revocation_invalidates_the_certificate_and_is_logged(certificate, secretariat):
    candidacy = certificate.deliberation.candidacy

    services.certificate_revoke(
        certificate=certificate, by=secretariat, reason=" Fraude documentaire avérée. "
    )

    certificate.refresh_from_db()
    assert not certificate.is_valid
    assert certificate.revoked_by == secretariat
    assert certificate.revocation_reason == "Fraude documentaire avérée."
    log = TransitionLog.objects.get(candidacy=candidacy, transition="revoke_certificate")
    assert (log.actor, log.role, log.source, log.target) == (
        secretariat,
        "secretariat",
        "certifie",
        "certifie",
    )
    assert "Fraude documentaire avérée." in log.comment
    assert certificate.number in log.comment

    with pytest.raises(ValidationError, match="déjà révoqué"):
        services.certificate_revoke(certificate=certificate, by=secretariat, reason="Encore.")
    assert TransitionLog.objects.filter(transition="revoke_certificate").count() == 1
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Fraude documentaire avérée."


def test_certificate_verify_by_number(certificate, secretariat):
    assert selectors.certificate_verify(number=certificate.number) == certificate
    assert selectors.certificate_verify(number=f"  {certificate.number.lower()} ") == certificate
    assert selectors.certificate_verify(number="CQP-0000-0000-0000-0000") is None
    assert selectors.certificate_verify(number="") is None

    services.certificate_revoke(certificate=certificate, by=secretariat, reason="Fraude.")
    found = selectors.certificate_verify(number=certificate.number)
    assert found == certificate and not found.is_valid


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
        rows = selectors.session_deliberations(session=session)
        return [
            (
                d.candidacy.candidate.user.email,
                d.candidacy.organisation.name,
                d.candidacy.certification.code,
                getattr(d, "certificate", None) and d.certificate.number,
                [a.competence.code for a in d.results],
                d.complete,
            )
            for d in rows
        ]

    add(2, decided=True)
    add(1, decided=False)
    with django_assert_num_queries(3):
        small = read()
    assert len(small) == 3

    add(6, decided=True)
    add(6, decided=False)
    with django_assert_num_queries(3):
        large = read()
    assert len(large) == 15
    assert all(row[4] == ["C1", "C2", "C3", "C4", "C5", "C6"] for row in large)
    assert sum(1 for row in large if row[3]) == 8
    # Pending ones are complete (transmitted); decided ones keep their transmitted dossier.
    assert all(row[5] for row in large)
