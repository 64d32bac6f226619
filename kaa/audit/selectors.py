"""Reads of the audit log, scoped to the municipalities where the user may read it."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
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
    singles = {e.pk: e for e in AuditEntry.objects.filter(pk__in=[r["first_pk"] for r in rows if r["n"] == 1])}
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


GROUP_FIELDS = ("pk", "at", "request_id", "user_id", "username", "action", "object_type", "detail", "channel",
                "youth_id")
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
    last: tuple[datetime.datetime, int] | None = None
    read = 0
    # A page of single entries needs ``size`` rows, a page of list views many more: read a few rows first,
    # then larger chunks (each row read costs the page time).
    chunk = min(SCAN_CHUNK, 2 * size)
    while read < SCAN_LIMIT:
        page_qs = qs
        if cursor is not None:
            page_qs = entries_before(qs, cursor)
        rows = list(page_qs.values(*GROUP_FIELDS)[:chunk])
        for row in rows:
            key = (row["request_id"] or f"#{row['pk']}", row["user_id"], row["username"], row["action"],
                   row["object_type"], row["detail"], row["channel"])
            group = groups.get(key)
            if group is None:
                if len(groups) == size:
                    return GroupPage(audit_group_rows(list(groups.values())), _cursor(*last), first)
                group = groups[key] = {**{k: row[k] for k in GROUP_FIELDS[3:9]}, "group": key[0], "n": 0,
                                       "youth_set": set(), "last_at": row["at"], "first_pk": row["pk"],
                                       "youth_id": row["youth_id"]}
            group["n"] += 1
            group["first_pk"] = min(group["first_pk"], row["pk"])
            if row["youth_id"] is not None:
                group["youth_set"].add(row["youth_id"])
                group["youth_id"] = min(group["youth_id"] or row["youth_id"], row["youth_id"])
            last = (row["at"], row["pk"])
        read += len(rows)
        if len(rows) < chunk:
            return GroupPage(audit_group_rows(list(groups.values())), "", first)
        cursor = last
        chunk = min(SCAN_CHUNK, chunk * 4)
    return GroupPage(audit_group_rows(list(groups.values())), _cursor(*last) if last else "", first)
