"""The audit log's monthly partitions on PostgreSQL, and thinning it by the retention rule.

On PostgreSQL ``audit_auditentry`` is partitioned by range on ``at``, one partition per calendar month
(UTC) named ``audit_auditentry_pYYYY_MM``, plus a default partition for rows outside every month that
has one (a back-dated entry, a clock far ahead). The append-only trigger is declared on the
partitioned table, so PostgreSQL puts it on every partition, those created later included.

``audit_partitions_ensure`` creates the coming months ahead of time (a daily job, ``kaa.audit.tasks``);
``audit_thin_before`` removes everything older than a day: on PostgreSQL it drops whole months (no row
is deleted, nothing to vacuum), on SQLite it deletes the rows. Both are the operator's and the
retention job's tools: no page calls them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

TABLE = "audit_auditentry"
DEFAULT = f"{TABLE}_default"
TRIGGER = f"{TABLE}_no_update_delete"
# Table names in SQL below are these constants or built from a Month (two integers): never input.
NAME = re.compile(rf"^{TABLE}_p(\d{{4}})_(\d{{2}})$")
AHEAD = 3  # months created ahead of the current one


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: datetime.date) -> Month:
        return cls(day.year, day.month)

    def next(self, n: int = 1) -> Month:
        index = self.year * 12 + self.month - 1 + n
        return Month(index // 12, index % 12 + 1)

    @property
    def first(self) -> datetime.datetime:
        return datetime.datetime(self.year, self.month, 1, tzinfo=datetime.UTC)

    @property
    def name(self) -> str:
        return f"{TABLE}_p{self.year:04d}_{self.month:02d}"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute(
            "SELECT relkind FROM pg_class WHERE relname = %s AND relnamespace = current_schema()::regnamespace", [TABLE]
        )
        row = cur.fetchone()
    return bool(row) and row[0] == "p"


def partition_months() -> list[Month]:
    """The months that have a partition, oldest first (PostgreSQL; empty elsewhere)."""
    if not is_partitioned():
        return []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [r[0] for r in cur.fetchall()]
    return sorted(Month(int(m[1]), int(m[2])) for n in names if (m := NAME.match(n)))


def create_month(month: Month) -> bool:
    """Create the month's partition (False if it exists). Rows the default partition holds for that month
    move into it: the default partition is detached for the move, so its copy of the append-only trigger
    is not in force while they are removed from it, and attached again (getting the trigger back)."""
    if month in partition_months():
        return False
    lo, hi = month.first, month.next().first
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SELECT EXISTS (SELECT 1 FROM {DEFAULT} WHERE at >= %s AND at < %s)", [lo, hi])  # noqa: S608
        stray = cur.fetchone()[0]
        if stray:
            cur.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT}")
        cur.execute(f"CREATE TABLE {month.name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)", [lo, hi])
        if stray:
            cur.execute(f"INSERT INTO {TABLE} SELECT * FROM {DEFAULT} WHERE at >= %s AND at < %s", [lo, hi])  # noqa: S608
            cur.execute(f"DELETE FROM {DEFAULT} WHERE at >= %s AND at < %s", [lo, hi])  # noqa: S608
            cur.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {DEFAULT} DEFAULT")
    return True


def audit_partitions_ensure(*, today: datetime.date | None = None, ahead: int = AHEAD) -> list[str]:
    """Create the partitions of the current month and the ``ahead`` coming ones; the names created."""
    if not is_partitioned():
        return []
    current = Month.of(today or timezone.now().astimezone(datetime.UTC).date())
    return [m.name for m in (current.next(i) for i in range(ahead + 1)) if create_month(m)]


def audit_thin_before(*, before: datetime.date) -> dict[str, int]:
    """Remove the entries older than ``before``; on PostgreSQL only whole months, so the cut is the first
    day of ``before``'s month. Returns the rows removed per month partition (``default`` for the default
    partition's, ``rows`` on SQLite)."""
    if is_partitioned():
        return _drop_months_before(Month.of(before))
    cutoff = datetime.datetime.combine(before, datetime.time.min, tzinfo=datetime.UTC)
    with transaction.atomic(), connection.cursor() as cur:
        # Not through the ORM: its queryset refuses deletes, which no other code path may make.
        cur.execute(f"DELETE FROM {TABLE} WHERE at < %s", [connection.ops.adapt_datetimefield_value(cutoff)])  # noqa: S608
        return {"rows": cur.rowcount}


def _drop_months_before(limit: Month) -> dict[str, int]:
    removed: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cur:
        for month in partition_months():
            if month.next().first > limit.first:
                break
            cur.execute(f"SELECT count(*) FROM {month.name}")  # noqa: S608
            removed[month.name] = cur.fetchone()[0]
            cur.execute(f"DROP TABLE {month.name}")
        cur.execute(f"SELECT count(*) FROM {DEFAULT} WHERE at < %s", [limit.first])  # noqa: S608
        stray = cur.fetchone()[0]
        if stray:
            cur.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT}")
            cur.execute(f"DELETE FROM {DEFAULT} WHERE at < %s", [limit.first])  # noqa: S608
            cur.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {DEFAULT} DEFAULT")
            removed["default"] = stray
    return removed
