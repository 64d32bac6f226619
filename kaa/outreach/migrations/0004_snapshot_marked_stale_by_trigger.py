"""The outreach snapshot is marked stale by the database itself when the events it was computed from change.

The memo (``OutreachSnapshot``) is rebuilt from scratch: its rows were only a cache of
``deadlines.compute``. Every INSERT, UPDATE or DELETE of a youth event of a kind the due dates are
computed from (``deadlines.EVENT_KINDS``, listed below; ``tests/outreach/test_snapshots.py`` checks the two
lists are the same) marks the youth's row stale and bumps its ``generation``; an insert makes the row
(stale) when there is none yet, so a computation that read the events before that insert cannot write a
current-looking row afterwards. On PostgreSQL one statement-level trigger per statement (a ``COPY`` of a
million events costs one set-based upsert), on SQLite a row trigger.
"""

import django.db.models.deletion
from django.db import migrations, models

KINDS = ("register.entered", "register.left", "outreach.contact", "outreach.assigned", "outreach.meeting_booked",
         "outreach.step_done", "outreach.reply", "outreach.reply_handled")
IN_KINDS = "(" + ", ".join(f"'{kind}'" for kind in KINDS) + ")"

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION outreach_snapshot_mark_stale() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO outreach_outreachsnapshot AS s
               (youth_id, stale, generation, chain, status, next_step, reply_waiting)
        SELECT DISTINCT youth_id, true, 1, '', '', '', false FROM new_rows WHERE kind IN {IN_KINDS}
        ON CONFLICT (youth_id) DO UPDATE SET stale = true, generation = s.generation + 1;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE outreach_outreachsnapshot s SET stale = true, generation = s.generation + 1
        WHERE s.youth_id IN (SELECT youth_id FROM old_rows WHERE kind IN {IN_KINDS});
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER outreach_snapshot_event_insert AFTER INSERT ON register_youthevent
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION outreach_snapshot_mark_stale();
CREATE TRIGGER outreach_snapshot_event_update AFTER UPDATE ON register_youthevent
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION outreach_snapshot_mark_stale();
CREATE TRIGGER outreach_snapshot_event_delete AFTER DELETE ON register_youthevent
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION outreach_snapshot_mark_stale();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS outreach_snapshot_event_insert ON register_youthevent;
DROP TRIGGER IF EXISTS outreach_snapshot_event_update ON register_youthevent;
DROP TRIGGER IF EXISTS outreach_snapshot_event_delete ON register_youthevent;
DROP FUNCTION IF EXISTS outreach_snapshot_mark_stale();
"""
_SQLITE_NEW = ("INSERT INTO outreach_outreachsnapshot (youth_id, stale, generation, chain, status, next_step, "
               "reply_waiting) VALUES (NEW.youth_id, 1, 1, '', '', '', 0) "
               "ON CONFLICT (youth_id) DO UPDATE SET stale = 1, generation = generation + 1;")
_SQLITE_OLD = ("UPDATE outreach_outreachsnapshot SET stale = 1, generation = generation + 1 "
               "WHERE youth_id = OLD.youth_id;")
SQLITE_FORWARD = [
    f"CREATE TRIGGER outreach_snapshot_event_insert AFTER INSERT ON register_youthevent "
    f"FOR EACH ROW WHEN NEW.kind IN {IN_KINDS} BEGIN {_SQLITE_NEW} END;",
    f"CREATE TRIGGER outreach_snapshot_event_update_old AFTER UPDATE ON register_youthevent "
    f"FOR EACH ROW WHEN OLD.kind IN {IN_KINDS} BEGIN {_SQLITE_OLD} END;",
    f"CREATE TRIGGER outreach_snapshot_event_update_new AFTER UPDATE ON register_youthevent "
    f"FOR EACH ROW WHEN NEW.kind IN {IN_KINDS} BEGIN {_SQLITE_NEW} END;",
    f"CREATE TRIGGER outreach_snapshot_event_delete AFTER DELETE ON register_youthevent "
    f"FOR EACH ROW WHEN OLD.kind IN {IN_KINDS} BEGIN {_SQLITE_OLD} END;",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS outreach_snapshot_event_{name};"
                   for name in ("insert", "update_old", "update_new", "delete")]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("outreach", "0003_outreach_snapshot"),
        ("register", "0007_school_reports_protected"),
    ]

    operations = [
        migrations.DeleteModel(name="OutreachSnapshot"),
        migrations.CreateModel(
            name="OutreachSnapshot",
            fields=[
                ("youth", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                               related_name="outreach_snapshot", serialize=False,
                                               to="register.youth")),
                ("stale", models.BooleanField(default=True)),
                ("generation", models.PositiveIntegerField(default=0)),
                ("chain", models.CharField(blank=True, max_length=40)),
                ("birth_date", models.DateField(blank=True, null=True)),
                ("start", models.DateField(blank=True, null=True)),
                ("status", models.CharField(blank=True, max_length=16)),
                ("next_step", models.CharField(blank=True, max_length=40)),
                ("next_due", models.DateField(blank=True, null=True)),
                ("reply_waiting", models.BooleanField(default=False)),
                ("computed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "outreach snapshot",
                "verbose_name_plural": "outreach snapshots",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
