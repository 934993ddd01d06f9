"""The professional situations observed or analysed by the evaluators."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.candidates.builders import (
    DAY,
    competence,
    today,
    validate,
)

from .builders import (
    dossier_of,
    error_fields,
    observe,
    scope_codes,
)

pytestmark = pytest.mark.django_db


def test_observation_is_recorded_with_its_author(parcours, professionnel, evaluateur):
    dossier = dossier_of(parcours())
    first = observe(dossier, professionnel, competence=competence(2))
    second = observe(dossier, evaluateur, kind="analysee", date=today() - 30 * DAY)
    assert (first.author, first.competence, first.date) == (professionnel, competence(2), today())
    assert (second.author, second.competence, second.kind) == (evaluateur, None, "analysee")
    assert dossier.observations.count() == 2


def test_observation_dated_in_the_future_is_refused(parcours, evaluateur):
    dossier = dossier_of(parcours())
    with pytest.raises(ValidationError) as excinfo:
        observe(dossier, evaluateur, date=today() + DAY)
    assert error_fields(excinfo) == {"date"}
    assert not dossier.observations.exists()


def test_observation_on_a_competence_outside_the_scope_is_refused(parcours, evaluateur):
    def validate_c1(candidacy):
        validate(candidacy.candidate, 1, validated_on=today() - 365 * DAY)

    dossier = dossier_of(parcours(before=validate_c1))
    assert "C1" not in scope_codes(dossier)
    with pytest.raises(ValidationError) as excinfo:
        observe(dossier, evaluateur, competence=competence(1))
    assert error_fields(excinfo) == {"competence"}
    assert not dossier.observations.exists()


def test_observation_by_someone_else_is_denied(parcours, candidat):
    dossier = dossier_of(parcours())
    with pytest.raises(PermissionDenied):
        observe(dossier, candidat)
    assert not dossier.observations.exists()
