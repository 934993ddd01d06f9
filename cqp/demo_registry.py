"""The demo's certification carries a registration code, so that its certificates show the
line « Certification enregistrée au RNCP… ». The référentiel's file leaves the code empty (the
CQP is still to be registered), so the code is a fictitious one, said so in the README."""

from .demo import register_seeder
from .models import Certification, Registry

# Six digits, outside the range France compétences has numbered so far (five digits), so that
# nobody takes it for a real registration.
DEMO_CODE = "RNCP999999"
DEMO_LEVEL = 4


@register_seeder
def seed_registry(users, organisations):
    """The fictitious code and level 4 on every certification without a code (idempotent: a
    code the demo's secretariat has entered stays)."""
    updated = Certification.objects.filter(registry_code="").update(
        registry=Registry.RNCP, registry_code=DEMO_CODE, registry_level=DEMO_LEVEL
    )
    if updated:
        return [f"Code RNCP fictif de démonstration : {DEMO_CODE}, niveau {DEMO_LEVEL}"]
    return []
