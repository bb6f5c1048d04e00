"""Make the audit log append-only in the database itself: UPDATE and DELETE raise.

SQLite: two ``BEFORE`` triggers calling ``RAISE(ABORT, ...)``. PostgreSQL: one plpgsql function
and two row triggers. (PostgreSQL's ``TRUNCATE`` bypasses row triggers; a ``BEFORE TRUNCATE``
statement trigger blocks that too.) Other backends rely on the model's own refusal.
"""

from django.db import migrations

TABLE = "coursedb_auditentry"
MESSAGE = "the audit log is append-only: entries cannot be changed or deleted"

SQLITE_UP = [
    f"""CREATE TRIGGER auditentry_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER auditentry_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS auditentry_no_update;",
    "DROP TRIGGER IF EXISTS auditentry_no_delete;",
]
POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION coursedb_audit_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER auditentry_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION coursedb_audit_append_only();""",
    f"""CREATE TRIGGER auditentry_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION coursedb_audit_append_only();""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS auditentry_no_update_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS auditentry_no_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS coursedb_audit_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("coursedb", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
