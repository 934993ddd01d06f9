"""`manage.py seed_scale --candidacies N`: a realistic data set of N candidacies for the
scale benchmark (jury/scale.py), on PostgreSQL only, into a database without candidacies
(`--flush` empties it first)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cqp.referentiel import DEFAULT_REFERENTIEL, load_referentiel_file
from jury.scale import ACCOUNTS, BENCH_PASSWORD, NotEmpty, Seeder


class Command(BaseCommand):
    help = (
        "Build a realistic data set of N candidacies (organisations, people, every state, "
        "livrets, histories, dossiers, sessions, decisions, certificates) with COPY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--candidacies", type=int, required=True, help="how many (>= 50)")
        parser.add_argument(
            "--organisations", type=int, default=None, help="default: N / 250, at least 5"
        )
        parser.add_argument("--seed", type=int, default=16, help="random seed (same data)")
        parser.add_argument(
            "--flush", action="store_true", help="empty the database first (manage.py flush)"
        )
        parser.add_argument("--chunk", type=int, default=5000, help="candidacies per COPY batch")

    def handle(self, *args, candidacies, organisations, seed, flush, chunk, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL (DATABASE_URL): it writes with COPY.")
        if candidacies < 50:
            raise CommandError("--candidacies: at least 50.")
        if flush:
            call_command("flush", interactive=False, verbosity=0)
            # flush empties the référentiel too: load it again as migrate did.
            load_referentiel_file(DEFAULT_REFERENTIEL)
        seeder = Seeder(candidacies=candidacies, organisations=organisations, seed=seed)

        def progress(done, seconds):
            self.stdout.write(f"  {done:,} candidacies in {seconds:.0f} s")

        try:
            report = seeder.run(chunk=chunk, progress=progress if options["verbosity"] else None)
        except NotEmpty:
            raise CommandError(
                "The database already holds candidacies: seed_scale fills an empty one "
                "(add --flush to empty it first)."
            ) from None
        self.stdout.write(f"{report.candidacies:,} candidacies in {report.seconds:.1f} s:")
        for state, count in sorted(report.by_state.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {state:15} {count:>8,}")
        self.stdout.write("Rows written:")
        for table, count in report.rows.items():
            self.stdout.write(f"  {table:45} {count:>10,}")
        self.stdout.write(f"Accounts (password {BENCH_PASSWORD}):")
        for role, email in ACCOUNTS.items():
            self.stdout.write(f"  {role:15} {email}")
