"""The outreach snapshot carries the youth's fields the access scope reads, copied by the database itself.

So the coordinator's overview counts the register from the snapshot rows alone (``selectors.overview``), with
the access policy's scope (``kaa.accounts.policy.visible_youths``) applied to them, instead of joining every
register youth to its row. The copies are never written by Python:

- a trigger on the youth table copies ``municipality``, ``coach``, ``team``, ``protection`` and
  ``in_target_group`` on every INSERT or UPDATE that changes one of them (by whatever path: a service, an
  import's ``COPY`` or ``UPDATE … FROM``, the register computation), making the row, stale, for a youth in the
  target group that has none; when the computation's own inputs change (``birth_date``, ``register_since``,
  ``in_target_group``, ``municipality``) it marks the row stale and bumps its ``generation``, as the events
  trigger (0004) does for events. The lists no longer compare those inputs with the youth's in their queries;
- the events trigger of 0004 now fills the copies when it makes a row.

The existing rows get the copies, and are marked stale where they were computed from another birth date or
start than the youth's now; a youth in the target group without a row gets one (stale).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

KINDS = ("register.entered", "register.left", "outreach.contact", "outreach.assigned", "outreach.meeting_booked",
         "outreach.step_done", "outreach.reply", "outreach.reply_handled")
IN_KINDS = "(" + ", ".join(f"'{kind}'" for kind in KINDS) + ")"
ACCESS = ("municipality_id", "coach_id", "team_id", "protection", "in_target_group")
# A change of these makes the computed state stale; of the others in ACCESS only the copy changes.
INPUTS = ("birth_date", "register_since", "in_target_group", "municipality_id")
ROW = ("youth_id", "stale", "generation", "chain", "status", "next_step", "reply_waiting", *ACCESS)
COLUMNS = ", ".join(ROW)
SET_ACCESS = ", ".join(f"{c} = excluded.{c}" for c in ACCESS)


def _row(alias: str) -> str:
    return "(" + ", ".join(f"{alias}.{c}" for c in (*ACCESS, "birth_date", "register_since")) + ")"


def _inputs(alias: str) -> str:
    return "(" + ", ".join(f"{alias}.{c}" for c in INPUTS) + ")"


PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION outreach_snapshot_mark_stale() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO outreach_outreachsnapshot AS s ({COLUMNS})
        SELECT y.id, true, 1, '', '', '', false, {", ".join(f"y.{c}" for c in ACCESS)}
        FROM register_youth y WHERE y.id IN (SELECT youth_id FROM new_rows WHERE kind IN {IN_KINDS})
        ON CONFLICT (youth_id) DO UPDATE SET stale = true, generation = s.generation + 1;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE outreach_outreachsnapshot s SET stale = true, generation = s.generation + 1
        WHERE s.youth_id IN (SELECT youth_id FROM old_rows WHERE kind IN {IN_KINDS});
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION outreach_snapshot_follow_youth() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO outreach_outreachsnapshot AS s ({COLUMNS})
        SELECT n.id, true, 1, '', '', '', false, {", ".join(f"n.{c}" for c in ACCESS)}
        FROM new_rows n WHERE n.in_target_group
        ON CONFLICT (youth_id) DO UPDATE SET stale = true, generation = s.generation + 1, {SET_ACCESS};
    ELSE
        -- generation carries whether the inputs changed (1) or only a copy (0) into the conflict branch.
        INSERT INTO outreach_outreachsnapshot AS s ({COLUMNS})
        SELECT n.id, true, CASE WHEN {_inputs("n")} IS DISTINCT FROM {_inputs("o")} THEN 1 ELSE 0 END,
               '', '', '', false, {", ".join(f"n.{c}" for c in ACCESS)}
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE {_row("n")} IS DISTINCT FROM {_row("o")}
          AND (n.in_target_group OR EXISTS (SELECT 1 FROM outreach_outreachsnapshot x WHERE x.youth_id = n.id))
        ON CONFLICT (youth_id) DO UPDATE SET stale = s.stale OR excluded.generation = 1,
            generation = s.generation + excluded.generation, {SET_ACCESS};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER outreach_snapshot_youth_insert AFTER INSERT ON register_youth
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION outreach_snapshot_follow_youth();
CREATE TRIGGER outreach_snapshot_youth_update AFTER UPDATE ON register_youth
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION outreach_snapshot_follow_youth();
"""
PG_BACKWARD = f"""
DROP TRIGGER IF EXISTS outreach_snapshot_youth_insert ON register_youth;
DROP TRIGGER IF EXISTS outreach_snapshot_youth_update ON register_youth;
DROP FUNCTION IF EXISTS outreach_snapshot_follow_youth();
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
"""

_SQLITE_EVENT_NEW = (f"INSERT INTO outreach_outreachsnapshot ({COLUMNS}) "
                     f"SELECT y.id, 1, 1, '', '', '', 0, {', '.join(f'y.{c}' for c in ACCESS)} "
                     f"FROM register_youth y WHERE y.id = NEW.youth_id "
                     f"ON CONFLICT (youth_id) DO UPDATE SET stale = 1, generation = generation + 1;")
_SQLITE_NEW_ROW = ", ".join(f"NEW.{c}" for c in ACCESS)
_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in (*ACCESS, "birth_date", "register_since"))
_INPUTS_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in INPUTS)
# SQLite rebuilds a table to add a column, and refuses to while a trigger names the table being rebuilt: the
# events triggers are dropped first (``sqlite_triggers_drop``) and made again after the columns are added.
_SQLITE_EVENT_OLD = ("UPDATE outreach_outreachsnapshot SET stale = 1, generation = generation + 1 "
                     "WHERE youth_id = OLD.youth_id;")
SQLITE_FORWARD = [
    f"CREATE TRIGGER outreach_snapshot_event_update_old AFTER UPDATE ON register_youthevent "
    f"FOR EACH ROW WHEN OLD.kind IN {IN_KINDS} BEGIN {_SQLITE_EVENT_OLD} END;",
    f"CREATE TRIGGER outreach_snapshot_event_delete AFTER DELETE ON register_youthevent "
    f"FOR EACH ROW WHEN OLD.kind IN {IN_KINDS} BEGIN {_SQLITE_EVENT_OLD} END;",
    f"CREATE TRIGGER outreach_snapshot_event_insert AFTER INSERT ON register_youthevent "
    f"FOR EACH ROW WHEN NEW.kind IN {IN_KINDS} BEGIN {_SQLITE_EVENT_NEW} END;",
    f"CREATE TRIGGER outreach_snapshot_event_update_new AFTER UPDATE ON register_youthevent "
    f"FOR EACH ROW WHEN NEW.kind IN {IN_KINDS} BEGIN {_SQLITE_EVENT_NEW} END;",
    f"CREATE TRIGGER outreach_snapshot_youth_insert AFTER INSERT ON register_youth "
    f"FOR EACH ROW WHEN NEW.in_target_group BEGIN "
    f"INSERT INTO outreach_outreachsnapshot ({COLUMNS}) VALUES (NEW.id, 1, 1, '', '', '', 0, {_SQLITE_NEW_ROW}) "
    f"ON CONFLICT (youth_id) DO UPDATE SET stale = 1, generation = generation + 1, {SET_ACCESS}; END;",
    f"CREATE TRIGGER outreach_snapshot_youth_update AFTER UPDATE ON register_youth "
    f"FOR EACH ROW WHEN ({_CHANGED}) AND (NEW.in_target_group OR EXISTS "
    f"(SELECT 1 FROM outreach_outreachsnapshot x WHERE x.youth_id = NEW.id)) BEGIN "
    f"INSERT INTO outreach_outreachsnapshot ({COLUMNS}) VALUES (NEW.id, 1, ({_INPUTS_CHANGED}), '', '', '', 0, "
    f"{_SQLITE_NEW_ROW}) ON CONFLICT (youth_id) DO UPDATE SET stale = stale OR excluded.generation = 1, "
    f"generation = generation + excluded.generation, {SET_ACCESS}; END;",
]
_SQLITE_OLD_EVENT_NEW = ("INSERT INTO outreach_outreachsnapshot (youth_id, stale, generation, chain, status, "
                         "next_step, reply_waiting) VALUES (NEW.youth_id, 1, 1, '', '', '', 0) "
                         "ON CONFLICT (youth_id) DO UPDATE SET stale = 1, generation = generation + 1;")
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS outreach_snapshot_{name};"
               for name in ("event_insert", "event_update_old", "event_update_new", "event_delete", "youth_insert",
                            "youth_update")]
# 0004's triggers, as they were.
SQLITE_0004 = [
    f"CREATE TRIGGER outreach_snapshot_event_insert AFTER INSERT ON register_youthevent "
    f"FOR EACH ROW WHEN NEW.kind IN {IN_KINDS} BEGIN {_SQLITE_OLD_EVENT_NEW} END;",
    f"CREATE TRIGGER outreach_snapshot_event_update_old AFTER UPDATE ON register_youthevent "
    f"FOR EACH ROW WHEN OLD.kind IN {IN_KINDS} BEGIN {_SQLITE_EVENT_OLD} END;",
    f"CREATE TRIGGER outreach_snapshot_event_update_new AFTER UPDATE ON register_youthevent "
    f"FOR EACH ROW WHEN NEW.kind IN {IN_KINDS} BEGIN {_SQLITE_OLD_EVENT_NEW} END;",
    f"CREATE TRIGGER outreach_snapshot_event_delete AFTER DELETE ON register_youthevent "
    f"FOR EACH ROW WHEN OLD.kind IN {IN_KINDS} BEGIN {_SQLITE_EVENT_OLD} END;",
]

# The existing rows: the copies, and stale where computed from another birth date or start than the youth's.
BACKFILL = [
    f"""UPDATE outreach_outreachsnapshot AS s SET {", ".join(f"{c} = y.{c}" for c in ACCESS)},
        stale = COALESCE(s.stale OR s.birth_date IS NULL OR s.birth_date <> y.birth_date
                         OR (s.start IS NULL) <> (y.register_since IS NULL OR NOT y.in_target_group)
                         OR (y.in_target_group AND s.start <> y.register_since), false)
        FROM register_youth y WHERE y.id = s.youth_id""",
    f"""INSERT INTO outreach_outreachsnapshot ({COLUMNS})
        SELECT y.id, true, 1, '', '', '', false, {", ".join(f"y.{c}" for c in ACCESS)} FROM register_youth y
        WHERE y.in_target_group AND NOT EXISTS (SELECT 1 FROM outreach_outreachsnapshot x WHERE x.youth_id = y.id)""",
]


def sqlite_triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


def sqlite_triggers_restore(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_0004:
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:
        return
    for statement in BACKFILL:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":  # the columns go next; 0004's triggers come back after them
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("outreach", "0004_snapshot_marked_stale_by_trigger"),
        ("organisations", "0001_initial"),
        # After every change of the youth table: SQLite remakes a table to add a column, and refuses while an
        # events trigger (below) reads the table (a later one must drop and remake them, as this one does).
        ("register", "0009_import_line_digests"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(sqlite_triggers_drop, sqlite_triggers_restore),
        migrations.AddField(
            model_name="outreachsnapshot",
            name="municipality",
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                    to="organisations.municipality"),
        ),
        migrations.AddField(
            model_name="outreachsnapshot",
            name="coach",
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="outreachsnapshot",
            name="team",
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                    to="organisations.team"),
        ),
        migrations.AddField(
            model_name="outreachsnapshot",
            name="protection",
            field=models.CharField(blank=True, default="", max_length=24),
        ),
        migrations.AddField(
            model_name="outreachsnapshot",
            name="in_target_group",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="outreachsnapshot",
            index=models.Index(condition=models.Q(("in_target_group", True)), fields=["municipality", "coach"],
                               name="snapshot_register_by_coach"),
        ),
        migrations.RunPython(forward, backward),
    ]
