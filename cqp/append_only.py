"""Append-only tables: the database itself refuses to rewrite or empty a journal. On PostgreSQL only;
the demo's SQLite relies on the models' guard (cqp.models.AppendOnlyModel)."""

from django.db import migrations


def _on_postgresql(sql: str):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return operation


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

    return migrations.RunPython(_on_postgresql(create), _on_postgresql(drop))


def refuse_truncate(table: str) -> migrations.RunPython:
    """The migration operation that refuses TRUNCATE of `table` too (it fires no row trigger):
    the function of `refuse_rewrites` (or of a trigger of the same name), once per statement.
    `manage.py flush` bypasses it for its own statement (cqp/management/commands/flush.py)."""
    function = f"{table}_append_only"
    create = f"""
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
    drop = f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"
    return migrations.RunPython(_on_postgresql(create), _on_postgresql(drop))
