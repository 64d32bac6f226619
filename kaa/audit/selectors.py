"""Reads of the audit log, scoped to the municipalities where the user may read it."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from kaa.accounts.models import Membership
from kaa.accounts.policy import Perm, municipality_ids_with

from .models import AuditEntry


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_entries(*, user: Any, youth_id: int | None = None, user_id: int | None = None,
                  action: str = "", date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None) -> QuerySet[AuditEntry]:
    """The entries the user may read, newest first. ``date_from`` and ``date_to`` are local days, both
    included. The youth's question uses the index (youth_id, at), the user's question (user, at)."""
    municipality_ids = municipality_ids_with(user, Perm.AUDIT_VIEW)
    staff_ids = Membership.objects.filter(municipality_id__in=municipality_ids).values("user_id")
    qs = AuditEntry.objects.filter(
        Q(municipality_id__in=municipality_ids) | Q(municipality_id__isnull=True, user_id__in=staff_ids)
    )
    if youth_id is not None:
        qs = qs.filter(youth_id=youth_id)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if action:
        qs = qs.filter(action=action)
    if date_from is not None:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-at", "-pk")


def audit_group_rows(rows: list[dict]) -> list[dict]:
    """A page of groups made ready to show: a one-entry row gets its entry (fields, object id): one query."""
    single = [r for r in rows if r["n"] == 1]
    singles = {}
    if single:
        # Between the oldest and newest of their times: on PostgreSQL only those months' partitions are read.
        singles = {e.pk: e for e in AuditEntry.objects.filter(
            pk__in=[r["first_pk"] for r in single], at__gte=min(r["last_at"] for r in single),
            at__lte=max(r["last_at"] for r in single)).only("pk", "object_type", "fields")}
    for row in rows:
        if "youth_set" in row:
            row["youths"] = len(row.pop("youth_set"))
        row["entry"] = singles.get(row["first_pk"])
        row["fields"] = row["entry"].fields if row["entry"] else []
    return rows


@dataclass
class GroupPage:
    """One page of the grouped log, newest first, read by keyset (``before``: the last entry shown), so a
    page costs the same at 20 million rows as at 20: no grouping or counting over the whole log."""

    groups: list[dict]
    before: str  # the cursor of the next (older) page; "" on the last page
    first: bool  # the newest page

    def __iter__(self):
        return iter(self.groups)

    def __len__(self) -> int:
        return len(self.groups)


def _cursor(at: datetime.datetime, pk: int) -> str:
    return f"{at.isoformat()}_{pk}"


def parse_cursor(value: str) -> tuple[datetime.datetime, int] | None:
    """The (time, id) of a ``before`` cursor; None when it is missing or not one (then: the newest page)."""
    at, _sep, pk = (value or "").rpartition("_")
    try:
        parsed = datetime.datetime.fromisoformat(at)
        return (parsed, int(pk)) if parsed.tzinfo is not None else None
    except ValueError:
        return None


def entries_before(qs: QuerySet[AuditEntry], cursor: tuple[datetime.datetime, int]) -> QuerySet[AuditEntry]:
    """The entries of ``qs`` older than the cursor (time, id) in the log's order. ``at <= time`` repeats what
    the OR implies, as a plain range: PostgreSQL takes it as the index condition (each month's backward scan
    starts at the cursor, not at the month's newest row) and prunes the newer months' partitions."""
    at, pk = cursor
    return qs.filter(at__lte=at).filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))


GROUP_FIELDS = ("pk", "at_text", "request_id", "user_id", "username", "action", "object_type", "detail",
                "channel", "youth_id")


def _at(text: str) -> datetime.datetime:
    """An entry's time from its text (``at_text``): PostgreSQL writes the offset, SQLite a UTC time without one."""
    value = datetime.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


def _typed(last: tuple[Any, int] | None) -> tuple[datetime.datetime, int] | None:
    """The (time, id) of the last row read, its time a datetime."""
    if last is None or not isinstance(last[0], str):
        return last
    return _at(last[0]), last[1]
SCAN_CHUNK = 1000
SCAN_LIMIT = 20_000  # entries read for one page at most (a page of 50 list views of 400 youths each)


def audit_group_page(*, user: Any, before: str = "", size: int = 50, youth_id: int | None = None,
                     user_id: int | None = None, action: str = "", date_from: datetime.date | None = None,
                     date_to: datetime.date | None = None) -> GroupPage:
    """``size`` groups of the entries the user may read, newest first, after the ``before`` cursor: one
    row per request and kind of action (a list page that read 50 youths is one row "listed 50 youths", not
    50); entries without a request id (jobs, commands) stay one row each. Reads entries in index order until the
    group after the last one shown begins."""
    qs = audit_entries(user=user, youth_id=youth_id, user_id=user_id, action=action, date_from=date_from,
                       date_to=date_to)
    cursor = parse_cursor(before)
    first = cursor is None
    groups: dict[tuple, dict] = {}
    last: tuple[Any, int] | None = None
    read = 0
    # A page of single entries needs ``size`` rows, a page of list views many more: read a few rows first,
    # then larger chunks (each row read costs the page time).
    chunk = min(SCAN_CHUNK, 2 * size)
    # Rows as plain tuples in GROUP_FIELDS order (no dict per row: a page of list views reads thousands).
    while read < SCAN_LIMIT:
        page_qs = qs
        if cursor is not None:
            page_qs = entries_before(qs, cursor)
        # The time as text, turned into a datetime only where a group begins and for the cursor: loading
        # every row's timestamp with its time zone was the larger part of reading a page of list views.
        rows = list(page_qs.annotate(at_text=Cast("at", TextField())).values_list(*GROUP_FIELDS)[:chunk])
        for pk, at, request_id, user_id, username, action, object_type, detail, channel, youth_id in rows:
            key = (request_id or f"#{pk}", user_id, username, action, object_type, detail, channel)
            group = groups.get(key)
            if group is None:
                if len(groups) == size:
                    return GroupPage(audit_group_rows(list(groups.values())), _cursor(*_typed(last)), first)
                group = groups[key] = {"user_id": user_id, "username": username, "action": action,
                                       "object_type": object_type, "detail": detail, "channel": channel,
                                       "group": key[0], "n": 0, "youth_set": set(), "last_at": _at(at),
                                       "first_pk": pk, "youth_id": youth_id}
            group["n"] += 1
            if pk < group["first_pk"]:
                group["first_pk"] = pk
            if youth_id is not None:
                group["youth_set"].add(youth_id)
                if group["youth_id"] is None or youth_id < group["youth_id"]:
                    group["youth_id"] = youth_id
            last = (at, pk)
        read += len(rows)
        last = _typed(last)
        if len(rows) < chunk:
            return GroupPage(audit_group_rows(list(groups.values())), "", first)
        cursor = last
        chunk = min(SCAN_CHUNK, chunk * 4)
    return GroupPage(audit_group_rows(list(groups.values())), _cursor(*last) if last else "", first)
