"""The audit log at a year's volume (issue 16, item 2): one batch of entries per request, only the
indexes the questions need, monthly partitions on PostgreSQL (append-only on every one of them, the
coming months created ahead, whole months dropped by the retention rule)."""

import datetime
import re

import pytest
from django.db import Error, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaa.audit import partitions
from kaa.audit.models import AuditAction, AuditEntry
from kaa.audit.services import audit_record, audit_youth_read, batching_entries
from kaa.audit.tasks import audit_partitions_ahead
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db


def _inserts(ctx: CaptureQueriesContext) -> int:
    return sum(1 for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "audit_auditentry"'))


def _old_entry(*, at: datetime.datetime, youth_id: int | None = None, municipality_id: int | None = None) -> AuditEntry:
    return AuditEntry.objects.create(
        at=at,
        username="x",
        action=AuditAction.VIEW,
        object_type="youth",
        object_id=str(youth_id or ""),
        youth_id=youth_id,
        municipality_id=municipality_id,
        channel="job",
    )


def test_a_request_writes_its_reads_in_one_insert(client, coordinator, municipality):
    youths = [
        YouthFactory(
            municipality=municipality,
            in_target_group=True,
            register_reason="avbrott",
            register_since=datetime.date(2026, 1, 5),
        )
        for _ in range(5)
    ]
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("register:list")).status_code == 200
    assert _inserts(ctx) == 1
    assert AuditEntry.objects.filter(action="list").count() == 5
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("register:youth_detail", args=[youths[0].pk])).status_code == 200
    assert _inserts(ctx) == 1
    assert AuditEntry.objects.filter(action="view", youth_id=youths[0].pk).count() == 1


def test_batched_reads_are_written_when_the_block_ends(coordinator):
    with batching_entries():
        for youth_id in (1, 2, 3):
            audit_youth_read(user=coordinator, youth_id=youth_id, municipality_id=None)
        assert not AuditEntry.objects.filter(object_type="youth").exists()
    assert sorted(AuditEntry.objects.filter(object_type="youth").values_list("youth_id", flat=True)) == [1, 2, 3]


def test_an_entry_of_a_change_stands_or_falls_with_the_change(coordinator):
    """Inside a transaction of the application the entry is written at once, so a rolled-back change
    leaves no entry (and a read batched before it is still written)."""
    with batching_entries():
        audit_youth_read(user=coordinator, youth_id=1, municipality_id=None)
        with pytest.raises(ValueError), transaction.atomic():
            audit_record(user=coordinator, action=AuditAction.UPDATE, object_type="youth", youth_id=2)
            assert AuditEntry.objects.filter(youth_id=2).exists()
            raise ValueError
    assert list(AuditEntry.objects.filter(object_type="youth").values_list("youth_id", flat=True)) == [1]


def test_only_the_indexes_of_the_questions():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "audit_auditentry")
    indexed = sorted(tuple(c["columns"]) for c in constraints.values() if c["index"] and not c["primary_key"])
    assert indexed == [("at",), ("user_id", "at"), ("youth_id", "at")]


def test_thinning_removes_the_rows_before_the_first_of_a_month():
    """On SQLite the rows before the day go; on PostgreSQL the months before it (and the default
    partition's rows before it): on the first of a month, the same rows."""
    _old_entry(at=datetime.datetime(2024, 3, 5, tzinfo=datetime.UTC))
    _old_entry(at=datetime.datetime(2024, 3, 31, 23, 59, tzinfo=datetime.UTC))
    kept = [
        _old_entry(at=datetime.datetime(2024, 4, 1, 0, 30, tzinfo=datetime.UTC)),
        _old_entry(at=datetime.datetime(2024, 5, 5, tzinfo=datetime.UTC)),
    ]
    assert sum(partitions.audit_thin_before(before=datetime.date(2024, 4, 1)).values()) == 2
    assert set(AuditEntry.objects.filter(username="x").values_list("pk", flat=True)) == {e.pk for e in kept}


# --- PostgreSQL: monthly partitions -----------------------------------------------------------------

pg = pytest.mark.postgresql


def _partitions_with_trigger() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [partitions.TRIGGER])
        return {r[0] for r in cur.fetchall()}


@pg
def test_the_log_is_partitioned_by_month_with_the_trigger_on_every_partition():
    assert partitions.is_partitioned()
    this_month = partitions.Month.of(timezone.now().astimezone(datetime.UTC).date())
    months = partitions.partition_months()
    assert {this_month.next(i) for i in range(partitions.AHEAD + 1)} <= set(months)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'audit_auditentry'::regclass AND i.indisprimary"
        )
        assert sorted(r[0] for r in cur.fetchall()) == ["at", "id"]
    assert _partitions_with_trigger() == {partitions.TABLE, partitions.DEFAULT} | {m.name for m in months}


@pg
def test_a_row_in_a_partition_is_append_only(coordinator):
    entry = audit_youth_read(user=coordinator, youth_id=7, municipality_id=None)
    # A trigger for each row fires only on a row: the default partition gets one (a month without a partition).
    _old_entry(at=datetime.datetime(2019, 5, 1, tzinfo=datetime.UTC), youth_id=7)
    name = partitions.Month.of(entry.at.astimezone(datetime.UTC).date()).name
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {name} WHERE id = %s", [entry.pk])  # noqa: S608
        assert cur.fetchone()[0] == 1
    sqls = [f"{verb} {table}" for table in (name, partitions.DEFAULT) for verb in ("DELETE FROM", "UPDATE")]
    for sql in sqls:
        sql += " SET detail = 'x'" if sql.startswith("UPDATE") else ""
        with pytest.raises(Error), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEntry.objects.filter(pk=entry.pk, detail="").exists()


@pg
def test_a_new_month_is_created_ahead_and_takes_its_rows_from_the_default_partition():
    far = partitions.Month(2031, 2)
    stray = _old_entry(at=datetime.datetime(2031, 2, 10, tzinfo=datetime.UTC), youth_id=3)
    assert far not in partitions.partition_months()
    created = partitions.audit_partitions_ensure(today=datetime.date(2031, 1, 20), ahead=1)
    assert created == [partitions.Month(2031, 1).name, far.name]
    assert partitions.audit_partitions_ensure(today=datetime.date(2031, 1, 20), ahead=1) == []  # idempotent
    with connection.cursor() as cur:
        cur.execute(f"SELECT id FROM {far.name}")  # noqa: S608
        assert [r[0] for r in cur.fetchall()] == [stray.pk]
        cur.execute(f"SELECT count(*) FROM {partitions.DEFAULT}")  # noqa: S608
        assert cur.fetchone()[0] == 0
    assert {far.name, partitions.DEFAULT} <= _partitions_with_trigger()  # the default got its trigger back


@pg
def test_the_daily_job_keeps_months_ahead():
    audit_partitions_ahead.call(period="2026-12-02")
    this_month = partitions.Month.of(timezone.now().astimezone(datetime.UTC).date())
    assert this_month.next(partitions.AHEAD) in partitions.partition_months()


@pg
def test_dropping_a_month(client, coordinator, coach, municipality, team):
    youth = YouthFactory(municipality=municipality, coach=coach, team=team)
    mine = {"youth_id": youth.pk, "municipality_id": municipality.pk}
    old = [_old_entry(at=datetime.datetime(2024, 3, d, tzinfo=datetime.UTC), **mine) for d in (2, 20)]
    partitions.create_month(partitions.Month(2024, 3))
    partitions.create_month(partitions.Month(2024, 4))
    kept = _old_entry(at=datetime.datetime(2024, 4, 2, tzinfo=datetime.UTC), **mine)
    client.force_login(coordinator)
    log = reverse("register:youth_log", args=[youth.pk])
    params = {"date_from": "2024-01-01", "date_to": "2024-12-31"}
    assert client.get(log, params).context["page_obj"].paginator.count == 3

    removed = partitions.audit_thin_before(before=datetime.date(2024, 4, 15))

    assert removed == {partitions.Month(2024, 3).name: 2}
    assert partitions.Month(2024, 3) not in partitions.partition_months()
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    # The questions still work on what is left, across partitions.
    page = client.get(log, params)
    assert page.status_code == 200 and page.context["page_obj"].paginator.count == 1
    assert client.get(reverse("audit:user", args=[coordinator.pk])).status_code == 200


@pg
def test_a_keyset_page_starts_at_its_cursor_and_skips_newer_months(coordinator):
    """The log's older pages: the cursor is the index condition of each month's scan and the months after
    it are pruned, so page 1000 costs what page 1 costs."""
    from kaa.audit.selectors import audit_entries, entries_before

    for month in (partitions.Month(2024, 3), partitions.Month(2024, 4)):
        partitions.create_month(month)
    cursor = (datetime.datetime(2024, 3, 15, tzinfo=datetime.UTC), 10**9)
    sql, params = entries_before(audit_entries(user=coordinator), cursor)[:1000].query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")  # empty tables: ask for the plan a large log gets
        cur.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(r[0] for r in cur.fetchall())
        cur.execute("RESET enable_seqscan")
    assert partitions.Month(2024, 3).name in plan
    assert partitions.Month(2024, 4).name not in plan, plan
    assert re.search(r"Index Cond: \(at <= ", plan), plan
