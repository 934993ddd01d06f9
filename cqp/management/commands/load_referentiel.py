from django.core.management.base import BaseCommand, CommandError

from cqp.referentiel import DEFAULT_REFERENTIEL, ReferentielError, load_referentiel_file


class Command(BaseCommand):
    help = "Charge (ou met à jour) un référentiel de certification depuis un fichier JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_REFERENTIEL),
            help="Fichier JSON du référentiel (par défaut : celui du CQP Assistant(e) de formation).",
        )

    def handle(self, *args, path, **options):
        try:
            certification = load_referentiel_file(path)
        except ReferentielError as exc:
            raise CommandError(str(exc)) from exc
        competences = certification.competences.count()
        elements = sum(c.elements.count() for c in certification.competences.all())
        self.stdout.write(
            self.style.SUCCESS(
                f"Référentiel « {certification.title} » ({certification.code}) chargé : "
                f"{competences} compétences, {elements} éléments."
            )
        )
