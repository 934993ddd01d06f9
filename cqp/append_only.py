"""Append-only tables: the database itself refuses to rewrite a journal. On PostgreSQL only;
the demo's SQLite relies on the models' guard (cqp.models.AppendOnlyModel)."""

from django.db import migrations


def refuse_rewrites(table: str) -> migrations.RunPython:
    """The migration operation that puts on `table` a trigger refusing UPDATE and DELETE."""
    function = f"{table}_append_only"
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {function}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {function} ON {table};
DROP FUNCTION IF EXISTS {function}();
"""

    def run(sql):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)

        return operation

    return migrations.RunPython(run(create), run(drop))
