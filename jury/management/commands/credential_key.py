from django.core.management.base import BaseCommand, CommandError

from jury import credentials


class Command(BaseCommand):
    help = (
        "Vérifie la clé Ed25519 qui signe les attestations numériques (CREDENTIAL_KEY_FILE) ; "
        "avec --create-if-missing, la crée si le fichier n'existe pas."
    )
    # The check this command answers would stop it before it runs.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--create-if-missing",
            action="store_true",
            help="Crée une nouvelle clé si le fichier n'existe pas (jamais ne la remplace).",
        )

    def handle(self, *args, create_if_missing, **options):
        path = credentials.key_path()
        if create_if_missing and not path.exists():
            credentials.key_create(path)
            self.stdout.write(f"Clé de signature créée : {path}")
        try:
            kid = credentials.signing_key().thumbprint()
        except credentials.CredentialKeyError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Clé de signature {path} (kid {kid})."))
