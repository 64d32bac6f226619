"""On PostgreSQL the audit log becomes a table partitioned by month on ``at`` (SQLite is unchanged).

PostgreSQL requires the partition column in the primary key, so the key is (id, at); Django keeps
seeing ``id`` (a sequence, owned by the column, keeps it unique). The existing rows are copied into
the months they belong to, the two indexes of the audit questions and the index of the log (newest
first) are declared on the partitioned table (so every partition has them) under the names Django
gave them, and the append-only trigger is declared on it too (so every partition, present and
future, refuses UPDATE and DELETE). A default partition takes rows of a month that has no partition
yet; ``kaa.audit.partitions`` moves them when the month is created.
"""

import datetime

from django.db import migrations

T = "audit_auditentry"
INDEXES = f"""
CREATE INDEX audit_audit_user_id_c820e8_idx ON {T} (user_id, at);
CREATE INDEX audit_audit_youth_i_5b9a62_idx ON {T} (youth_id, at);
CREATE INDEX audit_auditentry_at_09f867ec ON {T} (at);
CREATE TRIGGER audit_auditentry_no_update_delete BEFORE UPDATE OR DELETE ON {T}
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();
"""


def _months(first: datetime.date, last: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime, str]]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        nyear, nmonth = (year + 1, 1) if month == 12 else (year, month + 1)
        out.append(
            (
                datetime.datetime(year, month, 1, tzinfo=datetime.UTC),
                datetime.datetime(nyear, nmonth, 1, tzinfo=datetime.UTC),
                f"{T}_p{year:04d}_{month:02d}",
            )
        )
        year, month = nyear, nmonth
    return out


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(f"ALTER TABLE {T} RENAME TO {T}_flat")
    run(f"CREATE TABLE {T} (LIKE {T}_flat INCLUDING DEFAULTS) PARTITION BY RANGE (at)")
    run(f"CREATE SEQUENCE {T}_id_seq_p AS bigint OWNED BY {T}.id")
    run(f"ALTER TABLE {T} ALTER COLUMN id SET DEFAULT nextval('{T}_id_seq_p')")
    run(f"SELECT setval('{T}_id_seq_p', COALESCE((SELECT max(id) FROM {T}_flat), 0) + 1, false)")
    run(f"ALTER TABLE {T} ADD CONSTRAINT {T}_pkey_p PRIMARY KEY (id, at)")
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"SELECT min(at), now() FROM {T}_flat")
        oldest, now = cur.fetchone()
    today = now.astimezone(datetime.UTC).date()
    first = oldest.astimezone(datetime.UTC).date() if oldest else today
    last = today.replace(day=1) + datetime.timedelta(days=31 * 3 + 1)
    for lo, hi, name in _months(first, last):
        run(f"CREATE TABLE {name} PARTITION OF {T} FOR VALUES FROM (%s) TO (%s)", (lo, hi))
    run(f"CREATE TABLE {T}_default PARTITION OF {T} DEFAULT")
    run(f"INSERT INTO {T} SELECT * FROM {T}_flat")
    run(f"DROP TABLE {T}_flat")
    run(f"ALTER SEQUENCE {T}_id_seq_p RENAME TO {T}_id_seq")
    run(f"ALTER TABLE {T} RENAME CONSTRAINT {T}_pkey_p TO {T}_pkey")
    run(INDEXES)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(f"CREATE TABLE {T}_flat (LIKE {T} INCLUDING DEFAULTS)")
    run(f"ALTER SEQUENCE {T}_id_seq OWNED BY {T}_flat.id")
    run(f"INSERT INTO {T}_flat SELECT * FROM {T}")
    run(f"DROP TABLE {T}")
    run(f"ALTER TABLE {T}_flat RENAME TO {T}")
    run(f"ALTER TABLE {T} ADD CONSTRAINT {T}_pkey PRIMARY KEY (id)")
    run(INDEXES)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_fewer_indexes")]
    operations = [migrations.RunPython(forward, backward)]
