"""The audit log's two questions from the UI (issue 15, item 6): who has read this youth's record,
and what has this user looked at; filtered by date and action, paginated, exported for a complaint
(CSV/XLSX), the export itself audited; bounded queries; the indexes the questions use."""

import datetime
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kaa.audit.models import AuditAction, AuditEntry
from kaa.audit.services import audit_record
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth(municipality, team, coach):
    return YouthFactory(municipality=municipality, coach=coach, team=team)


def _entry(*, user, youth, action=AuditAction.VIEW, days_ago=0, detail=""):
    if days_ago:
        # The log is append-only: an older entry is written with its date, never moved.
        return AuditEntry.objects.create(
            at=timezone.now() - datetime.timedelta(days=days_ago), user_id=user.pk, username=user.username,
            action=action, object_type="youth", object_id=str(youth.pk), youth_id=youth.pk,
            municipality_id=youth.municipality_id, channel="ui", detail=detail)
    return audit_record(user=user, action=action, object_type="youth", object_id=youth.pk, youth_id=youth.pk,
                        municipality_id=youth.municipality_id, detail=detail)


def _youth_log(client, youth, **params):
    return client.get(reverse("register:youth_log", args=[youth.pk]), params)


def test_who_has_read_the_youth_in_the_last_year_by_default(client, coordinator, coach, youth):
    _entry(user=coach, youth=youth, detail="recent")
    _entry(user=coach, youth=youth, days_ago=400, detail="too-old")
    client.force_login(coordinator)
    body = _youth_log(client, youth).content.decode()
    assert "recent" in body and "too-old" not in body
    start = (timezone.localdate() - datetime.timedelta(days=500)).isoformat()
    body = _youth_log(client, youth, date_from=start).content.decode()
    assert "recent" in body and "too-old" in body


def test_youth_log_filters_by_action_and_date(client, coordinator, coach, youth):
    _entry(user=coach, youth=youth, action=AuditAction.UPDATE, detail="changed-it")
    _entry(user=coach, youth=youth, action=AuditAction.VIEW, detail="looked-at-it")
    _entry(user=coach, youth=youth, action=AuditAction.VIEW, days_ago=10, detail="ten-days-ago")
    client.force_login(coordinator)
    body = _youth_log(client, youth, action="update").content.decode()
    assert "changed-it" in body and "looked-at-it" not in body
    five = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    body = _youth_log(client, youth, date_from=five, action="view").content.decode()
    assert "looked-at-it" in body and "ten-days-ago" not in body and "changed-it" not in body
    twelve = (timezone.localdate() - datetime.timedelta(days=12)).isoformat()
    body = _youth_log(client, youth, date_from=twelve, date_to=five).content.decode()
    assert "ten-days-ago" in body and "looked-at-it" not in body


def test_a_reversed_date_range_is_refused_with_a_message(client, coordinator, youth):
    client.force_login(coordinator)
    response = _youth_log(client, youth, date_from="2026-05-01", date_to="2026-04-01", export="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "must not be before" in response.content.decode() or "får inte vara före" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_youth_log_export_csv_is_the_filtered_answer_and_is_audited(client, coordinator, coach, youth):
    _entry(user=coach, youth=youth, action=AuditAction.UPDATE, detail="=cmd|calc")
    _entry(user=coach, youth=youth, action=AuditAction.VIEW, detail="a-view")
    client.force_login(coordinator)
    response = _youth_log(client, youth, action="update", export="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"audit-youth-{youth.pk}" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\n")
    assert len(lines) == 2  # the header and the one update
    assert "'=cmd|calc" in lines[1]  # through kaa.core.tabular: never a formula
    assert "a-view" not in text
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (export.user_id, export.object_type, export.youth_id) == (coordinator.pk, "audit_log", youth.pk)
    assert export.detail.startswith("youth_log:") and export.detail.endswith(":update:csv")
    # The export is not also counted as a page view of the youth.
    assert not AuditEntry.objects.filter(user=coordinator, action=AuditAction.VIEW).exists()


def test_user_log_export_xlsx_and_filters(client, coordinator, coach, youth):
    _entry(user=coach, youth=youth, action=AuditAction.VIEW, detail="coach-view")
    _entry(user=coach, youth=youth, action=AuditAction.EXPORT, detail="coach-export")
    _entry(user=coordinator, youth=youth, detail="not-the-coach")
    client.force_login(coordinator)
    url = reverse("audit:user", args=[coach.pk])
    body = client.get(url, {"action": "view"}).content.decode()
    assert "coach-view" in body and "coach-export" not in body and "not-the-coach" not in body
    response = client.get(url, {"action": "view", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "coach-view" in rows[1]
    export = AuditEntry.objects.get(user=coordinator, action=AuditAction.EXPORT)
    assert (export.object_type, export.object_id, export.youth_id) == ("audit_log", str(coach.pk), None)
    assert export.detail.startswith("user_log:") and export.detail.endswith(":view:xlsx")


def test_the_export_is_refused_where_the_page_is(client, coach, youth):
    client.force_login(coach)
    assert _youth_log(client, youth, export="csv").status_code == 403
    assert client.get(reverse("audit:user", args=[coach.pk]), {"export": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_pagination_keeps_the_filter(client, coordinator, coach, youth):
    AuditEntry.objects.bulk_create([
        AuditEntry(user_id=coach.pk, username=coach.username, action=AuditAction.VIEW, object_type="youth",
                   object_id=str(youth.pk), youth_id=youth.pk, municipality_id=youth.municipality_id, channel="ui")
        for _ in range(120)])
    client.force_login(coordinator)
    body = _youth_log(client, youth, action="view").content.decode()
    assert "action=view" in body and "page=2" in body


@pytest.mark.parametrize("which", ["youth", "user"])
def test_both_questions_in_bounded_queries(client, coordinator, coach, youth, which,
                                           django_assert_max_num_queries):
    AuditEntry.objects.bulk_create([
        AuditEntry(user_id=coach.pk, username=coach.username, action=AuditAction.VIEW, object_type="youth",
                   object_id=str(youth.pk), youth_id=youth.pk, municipality_id=youth.municipality_id, channel="ui")
        for _ in range(300)])
    client.force_login(coordinator)
    url = (reverse("register:youth_log", args=[youth.pk]) if which == "youth"
           else reverse("audit:user", args=[coach.pk]))
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url, {"page": 3}).status_code == 200
    with django_assert_max_num_queries(20):
        response = client.get(url, {"export": "csv"})
    assert response.content.decode("utf-8-sig").count(f";{coach.username};") == 300


@pytest.mark.parametrize("column", ["youth_id", "user_id"])
def test_the_questions_use_their_index(coordinator, coach, youth, column):
    from kaa.audit.selectors import audit_entries

    today = timezone.localdate()
    filters = {"youth_id": youth.pk} if column == "youth_id" else {"user_id": coach.pk}
    qs = audit_entries(user=coordinator, date_from=today - datetime.timedelta(days=365), date_to=today,
                       action="view", **filters)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "USING INDEX" in plan and f"{column}=?" in plan.replace(" ", ""), plan
        else:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "Index" in plan, plan
