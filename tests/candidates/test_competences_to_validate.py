"""What is still to validate on a given day: validations in force, expired, future."""

import datetime

import pytest
import time_machine

from cqp.models import Certification
from tests.factories import UserFactory

from .builders import (
    parcours_candidacy,
    validate,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_competences_to_validate_ignores_expired_and_future_validations(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    person = candidacy.candidate
    validate(person, 1, validated_on=D(2024, 3, 1))  # until 2029-03-01
    validate(person, 2, validated_on=D(2019, 3, 1))  # until 2024-03-01
    validate(person, 3, validated_on=D(2026, 7, 1))  # not yet validated on the day
    other = parcours_candidacy(UserFactory(), own_org)
    validate(other.candidate, 4, validated_on=D(2025, 1, 1))  # another person's
    codes = [c.code for c in candidacy.competences_to_validate(on=D(2026, 6, 15))]
    assert codes == ["C2", "C3", "C4", "C5", "C6"]


def test_competences_to_validate_boundaries_are_inclusive(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    validate(candidacy.candidate, 1, validated_on=D(2024, 3, 1), valid_until=D(2029, 3, 1))
    assert "C1" not in {c.code for c in candidacy.competences_to_validate(on=D(2024, 3, 1))}
    assert "C1" not in {c.code for c in candidacy.competences_to_validate(on=D(2029, 3, 1))}
    assert "C1" in {c.code for c in candidacy.competences_to_validate(on=D(2029, 3, 2))}


def test_competences_to_validate_defaults_to_today(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    validate(candidacy.candidate, 6, validated_on=D(2024, 3, 1))
    with time_machine.travel(D(2029, 3, 1), tick=False):
        assert candidacy.competences_to_validate().count() == 5
    with time_machine.travel(D(2029, 3, 2), tick=False):
        assert candidacy.competences_to_validate().count() == 6


def test_competences_to_validate_lists_the_certification_competences_in_order(candidat, own_org):
    candidacy = parcours_candidacy(candidat, own_org)
    assert list(candidacy.competences_to_validate()) == list(
        Certification.objects.get(code="CQP-AF").competences.order_by("number")
    )
