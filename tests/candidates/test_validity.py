"""The 5-year validity of a validated competence: it runs to the same calendar date 5 years
later, that day included (28 February for a 29 February), wherever it is read."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from candidates import reminders, services
from candidates.models import CompetenceValidation

from .builders import candidacy_in, competence, parcours_candidacy

pytestmark = pytest.mark.django_db
D = datetime.date


def _granted(candidacy, on):
    [validation] = services.validations_grant(
        candidacy=candidacy, competences=[competence(1)], on=on
    )
    return validation


def _to_validate(candidacy, on) -> bool:
    return "C1" in {c.code for c in candidacy.competences_to_validate(on=on)}


@pytest.mark.parametrize(
    ("validated_on", "valid_until"),
    [
        (D(2024, 2, 29), D(2029, 2, 28)),
        (D(2024, 3, 1), D(2029, 3, 1)),
        (D(2023, 2, 28), D(2028, 2, 28)),  # not 29 February 2028
        (D(2026, 11, 29), D(2031, 11, 29)),
    ],
)
def test_a_validation_runs_to_the_same_calendar_date_5_years_later(
    candidat, own_org, validated_on, valid_until
):
    candidacy = parcours_candidacy(candidat, own_org)
    assert _granted(candidacy, validated_on).valid_until == valid_until


@pytest.mark.parametrize(
    ("validated_on", "last_day"),
    [(D(2024, 2, 29), D(2029, 2, 28)), (D(2024, 3, 1), D(2029, 3, 1))],
    ids=["from-29-february", "without-29-february"],
)
def test_a_validation_counts_until_its_last_day_included(candidat, own_org, validated_on, last_day):
    candidacy = parcours_candidacy(candidat, own_org)
    _granted(candidacy, validated_on)
    day = datetime.timedelta(days=1)
    assert not _to_validate(candidacy, validated_on)
    assert _to_validate(candidacy, validated_on - day)
    assert not _to_validate(candidacy, last_day - day)
    assert not _to_validate(candidacy, last_day)
    assert _to_validate(candidacy, last_day + day)
    in_force = CompetenceValidation.objects.in_force
    assert [in_force(d).exists() for d in (last_day - day, last_day, last_day + day)] == [
        True,
        True,
        False,
    ]


def test_the_reminder_marks_a_validation_expired_the_day_after_its_last_day(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    validation = _granted(candidacy, D(2024, 2, 29))
    reminders.validations_remind(day=D(2029, 2, 28))
    validation.refresh_from_db()
    assert validation.expired_on is None
    reminders.validations_remind(day=D(2029, 3, 1))
    validation.refresh_from_db()
    assert validation.expired_on == D(2029, 3, 1)


@pytest.mark.parametrize(("day", "expired"), [(D(2029, 2, 28), False), (D(2029, 3, 1), True)])
def test_the_candidate_sees_a_validation_expired_the_day_after_its_last_day(
    client, candidat, own_org, day, expired
):
    candidacy = candidacy_in("partiel", candidat, own_org)
    _granted(candidacy, D(2024, 2, 29))
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False):
        client.force_login(candidat)
        content = client.get(reverse("dashboard")).content.decode()
    assert "28/02/2029" in content
    assert ("badge--expiree" in content) is expired
