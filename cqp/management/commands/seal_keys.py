"""The demo's seal: a key and a self-signed certificate at SEAL_KEY_FILE / SEAL_CERT_FILE.

`scripts/demo.sh` runs `manage.py seal_keys --create-if-missing` before anything else (the
system checks of every other command need the pair). Production installs the CPEF's own
key and certificate instead (README « The document seal »).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cqp import seal


class Command(BaseCommand):
    help = "Crée la clé et le certificat auto-signé du sceau de démonstration."
    # The checks would refuse to run it for the very reason it exists: a missing pair.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--create-if-missing",
            action="store_true",
            help="Ne fait rien si la clé et le certificat existent déjà.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Remplace la clé et le certificat existants."
        )
        parser.add_argument("--days", type=int, default=3 * 365, help="Durée de validité.")

    def handle(self, *args, create_if_missing, force, days, **options):
        if not settings.SEAL_KEY_FILE or not settings.SEAL_CERT_FILE:
            raise CommandError("Set SEAL_KEY_FILE and SEAL_CERT_FILE first.")
        key_path, cert_path = Path(settings.SEAL_KEY_FILE), Path(settings.SEAL_CERT_FILE)
        present = [path for path in (key_path, cert_path) if path.exists()]
        if present and not force:
            if create_if_missing and len(present) == 2:
                self.stdout.write(f"Seal key and certificate already present: {key_path}")
                return
            raise CommandError(
                f"{present[0]} already exists: --force replaces it (documents sealed with the "
                "former certificate then verify only if it is listed in SEAL_PREVIOUS_CERT_FILES)."
            )
        seal.create_self_signed(
            key_path,
            cert_path,
            common_name="Sceau de démonstration de la plateforme CQP",
            organisation="CPEF (démonstration)",
            days=days,
        )
        self.stdout.write(f"Seal key written to {key_path}, certificate to {cert_path}.")
