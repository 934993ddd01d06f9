"""The demo's issuer: fictitious signatories and a logo the project made itself
(`static/img/cpef-logo-demo.png`), so that the demo's documents look as the CPEF's would."""

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile

from .demo import register_seeder
from .models import Issuer

DEMO_LOGO = Path(settings.BASE_DIR) / "static" / "img" / "cpef-logo-demo.png"
DEMO_SIGNATORIES = {
    "president_name": "Bernard Lemaire",
    "president_title": "Président de la CPEF",
    "vice_president_name": "Sophie Marchand",
    "vice_president_title": "Vice-présidente de la CPEF",
}


@register_seeder
def seed_issuer(users, organisations):
    """The signatories' names and the logo, where the secretariat has set none (idempotent:
    what the demo's secretariat entered stays)."""
    issuer = Issuer.current()
    changed = []
    for field, value in DEMO_SIGNATORIES.items():
        if not getattr(issuer, field):
            setattr(issuer, field, value)
            changed.append(field)
    if not issuer.email:
        issuer.email = "secretariat@demo.cqp.fr"
        changed.append("email")
    if not issuer.logo:
        issuer.logo.save(DEMO_LOGO.name, ContentFile(DEMO_LOGO.read_bytes()), save=False)
        changed.append("logo")
    if not changed:
        return []
    issuer.save()
    return [
        f"Organisme certificateur : {issuer.short_name}, signataires fictifs "
        f"{issuer.president_name} et {issuer.vice_president_name}"
    ]
