import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest

from cqp.models import Habilitation, HabilitationStatus, Organisation
from cqp.validators import siret_is_valid, validate_siret
from tests.factories import PASSWORD, HabilitationFactory, OrganisationFactory, UserFactory

D = datetime.date


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("73282932000074", True),
        ("732 829 320 00074", True),
        ("81234567800013", True),
        ("73282932000075", False),
        ("7328293200007", False),
        ("7328293200007A", False),
        ("", False),
        ("35600000000048", True),  # La Poste's head office: plain Luhn
        ("35600000049837", True),  # a La Poste establishment: digit sum multiple of 5
        ("35600000049838", False),
    ],
)
def test_siret_checksum(siret, valid):
    assert siret_is_valid(siret) is valid


def test_validate_siret_messages_are_french():
    with pytest.raises(ValidationError, match="exactement 14 chiffres"):
        validate_siret("123")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("73282932000075")


@pytest.mark.django_db
def test_organisation_refuses_invalid_siret_and_normalises_spaces():
    organisation = Organisation(name="X", kind="entreprise", siret="73282932000075")
    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    assert "siret" in excinfo.value.message_dict
    organisation = Organisation(name="Apple", kind="entreprise", siret="732 829 320 00074")
    organisation.full_clean()
    organisation.save()
    assert organisation.siret == "73282932000074"


@pytest.mark.django_db
def test_organisation_slugs_are_unique():
    first = OrganisationFactory(name="Centre Formation")
    second = OrganisationFactory(name="Centre Formation")
    assert first.slug == "centre-formation"
    assert second.slug == "centre-formation-2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "valid", "status"),
    [
        (D(2026, 1, 31), False, HabilitationStatus.UPCOMING),
        (D(2026, 2, 1), True, HabilitationStatus.VALID),
        (D(2026, 6, 15), True, HabilitationStatus.VALID),
        (D(2027, 1, 31), True, HabilitationStatus.VALID),
        (D(2027, 2, 1), False, HabilitationStatus.EXPIRED),
    ],
)
def test_habilitation_validity_boundaries(day, valid, status):
    habilitation = HabilitationFactory(valid_from=D(2026, 2, 1), valid_until=D(2027, 1, 31))
    assert habilitation.is_valid_on(day) is valid
    assert habilitation.status_on(day) == status
    assert Habilitation.objects.valid_on(day).filter(pk=habilitation.pk).exists() is valid


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "valid"),
    [(D(2026, 5, 9), True), (D(2026, 5, 10), False), (D(2026, 12, 1), False)],
)
def test_habilitation_revocation_takes_effect_on_its_day(day, valid):
    habilitation = HabilitationFactory(
        valid_from=D(2026, 2, 1), valid_until=D(2027, 1, 31), revoked_on=D(2026, 5, 10)
    )
    assert habilitation.is_valid_on(day) is valid
    assert Habilitation.objects.valid_on(day).filter(pk=habilitation.pk).exists() is valid
    if not valid:
        assert habilitation.status_on(day) == HabilitationStatus.REVOKED


@pytest.mark.django_db
def test_habilitation_period_must_be_ordered_in_database():
    with pytest.raises(IntegrityError):
        HabilitationFactory(valid_from=D(2026, 2, 1), valid_until=D(2026, 1, 31))


@pytest.mark.django_db
def test_user_logs_in_by_case_insensitive_email(client):
    UserFactory(email="marie@exemple.fr")
    # Every authenticate() needs a request: django-axes counts failures against it.
    assert client.login(request=HttpRequest(), username="Marie@Exemple.FR", password=PASSWORD)
