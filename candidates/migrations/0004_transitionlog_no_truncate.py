from django.db import migrations

# TRUNCATE fires no row trigger: the append-only function of 0002 also guards the whole
# table, once per statement.
CREATE = """
CREATE TRIGGER candidates_transitionlog_no_truncate
    BEFORE TRUNCATE ON candidates_transitionlog
    FOR EACH STATEMENT EXECUTE FUNCTION candidates_transitionlog_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS candidates_transitionlog_no_truncate ON candidates_transitionlog;"


def on_postgresql(sql):
    """Run `sql` on PostgreSQL only, like 0002 (SQLite, the demo's, has no TRUNCATE)."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("candidates", "0003_validation_expired_on")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
