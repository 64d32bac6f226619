"""The database itself refuses to change or remove audit entries.

PostgreSQL: a row trigger raises on UPDATE and DELETE. SQLite (demo, development): a trigger
raises on UPDATE; DELETE stays possible there only because the test runner empties tables with it.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditentry_no_update_delete ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit_auditentry is append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS audit_auditentry_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
