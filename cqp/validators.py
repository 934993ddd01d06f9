import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share one SIREN and follow a different checksum rule.
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    return "".join(str(value).split())


def siret_is_valid(value: str) -> bool:
    siret = normalize_siret(value)
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != "35600000000048":
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_is_valid(siret)


def validate_siret(value: str) -> None:
    siret = normalize_siret(value)
    if len(siret) != 14 or not siret.isdigit():
        raise ValidationError(
            _("Le SIRET doit comporter exactement 14 chiffres."), code="siret_format"
        )
    if not siret_is_valid(siret):
        raise ValidationError(
            _("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas."),
            code="siret_checksum",
        )


def validate_registry_code(value):
    """RNCP12345 or RS1234: the registry's prefix, then digits, no space."""
    if value and not re.fullmatch(r"(RNCP|RS)\d{1,6}", value):
        raise ValidationError(
            _(
                "Le code doit s'écrire RNCP ou RS suivi de chiffres, sans espace "
                "(par exemple RNCP12345)."
            ),
            code="registry_code",
        )
