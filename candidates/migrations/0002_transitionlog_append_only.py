from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION candidates_transitionlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'candidates_transitionlog is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER candidates_transitionlog_append_only
    BEFORE UPDATE OR DELETE ON candidates_transitionlog
    FOR EACH ROW EXECUTE FUNCTION candidates_transitionlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS candidates_transitionlog_append_only ON candidates_transitionlog;
DROP FUNCTION IF EXISTS candidates_transitionlog_append_only();
"""


def forwards(apps, schema_editor):
    # The database itself refuses to rewrite history; SQLite (demo only) relies on the ORM guard.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("candidates", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
