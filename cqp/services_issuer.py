"""The issuer's identity (cqp.models.Issuer), which the secretariat edits: printed on every
official document from then on."""

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from .models import Issuer, User
from .permissions import is_secretariat

FIELDS = (
    "name",
    "short_name",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "president_name",
    "president_title",
    "vice_president_name",
    "vice_president_title",
)


def issuer_update(
    *,
    by: User,
    logo_upload: UploadedFile | None = None,
    remove_logo: bool = False,
    **identity: str,
) -> Issuer:
    """The secretariat records the issuer's identity and signatories, and replaces or removes
    its logo (`logo_upload` already judged by cqp.forms_issuer: a PNG or a JPEG).

    Side effects: the new logo is stored under a random name; the replaced one is deleted
    once the change is committed. Documents already stored keep what they printed.
    """
    if not is_secretariat(by):
        raise PermissionDenied
    with transaction.atomic():
        issuer = Issuer.objects.select_for_update().order_by("pk").first() or Issuer()
        for field in FIELDS:
            if field in identity:
                setattr(issuer, field, (identity[field] or "").strip())
        issuer.full_clean(exclude=["logo"])
        replaced = issuer.logo.name if (logo_upload or remove_logo) and issuer.logo else ""
        if logo_upload is not None:
            extension = getattr(logo_upload, "checked_extension", "png")
            issuer.logo.save(f"logo.{extension}", logo_upload, save=False)
        elif remove_logo:
            issuer.logo = ""
        try:
            issuer.save()
        except Exception:
            if logo_upload is not None:
                issuer.logo.storage.delete(issuer.logo.name)
            raise
        if replaced:
            storage = issuer.logo.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    return issuer
