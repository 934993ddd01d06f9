"""Trigram indexes for the searches by person (name, e-mail) on PostgreSQL.

Django's `icontains` is `UPPER(column::text) LIKE UPPER('%…%')` there: a GIN index with
pg_trgm's operator class on that very expression serves it, whatever the words' place in
the name. SQLite (the demo) has neither: it keeps scanning, which its size allows. The
indexes are not in the models' state (they are PostgreSQL's only), hence RunPython.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ("last_name", "first_name", "email")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS user_{column}_trgm ON cqp_user "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS user_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("cqp", "0012_list_indexes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
