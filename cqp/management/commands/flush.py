"""Django's `flush`, still possible on PostgreSQL where the audit log refuses TRUNCATE.

The triggers of candidates/migrations 0002 and 0004 refuse to rewrite or empty
`candidates_transitionlog`, TRUNCATE included, which `flush` uses (and so does the test
suite after each transactional test). Here the flush runs with `session_replication_role =
replica`, under which PostgreSQL fires no ordinary trigger: only a superuser may set it,
and a superuser could drop the trigger anyway. The application's own role cannot: for it,
the audit log stays append-only and `flush` fails.
"""

from django.core.management.commands import flush
from django.db import connections


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
