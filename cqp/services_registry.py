"""The certification's registration at a national register (RNCP or RS): its code and its
level, printed on certificates and attestations. The référentiel's file may give them
(`registry`, loaded without overwriting what is stored: cqp.referentiel); the secretariat
enters them on the certification's page once France compétences publishes them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import Certification, User
from .permissions import is_secretariat


def certification_registry_update(
    *,
    certification: Certification,
    by: User,
    registry: str,
    registry_code: str,
    registry_level: int | None,
) -> Certification:
    """The secretariat records the register, code and level of a certification.

    Validated by the model (code of the register's form and prefix, no level at the RS).
    Side effects: none beyond the row; documents issued from now on carry the new values.
    """
    if not is_secretariat(by):
        raise PermissionDenied
    with transaction.atomic():
        certification = Certification.objects.select_for_update().get(pk=certification.pk)
        certification.registry = registry
        certification.registry_code = "".join((registry_code or "").split()).upper()
        certification.registry_level = registry_level
        certification.full_clean()
        certification.save(update_fields=["registry", "registry_code", "registry_level"])
    return certification
