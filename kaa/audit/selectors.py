"""Reads of the audit log, scoped to the municipalities where the user may read it."""

import datetime
from typing import Any

from django.db.models import Case, CharField, Count, F, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
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


def audit_groups(*, user: Any, youth_id: int | None = None, user_id: int | None = None, action: str = "",
                 date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> QuerySet:
    """The entries the user may read, one row per request and kind of action: a list page that read 50
    youths is one row "listed 50 youths", not 50. Entries without a request id (jobs, commands) stay
    one row each. Rows are dicts: group key, who, action, object type, detail, channel, ``n`` entries,
    ``youths`` (distinct), ``last_at``, ``first_pk`` (the entry of a one-entry row), ``youth_id``."""
    qs = audit_entries(user=user, youth_id=youth_id, user_id=user_id, action=action)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min,
                                                        tzinfo=tz))
    key = Case(When(request_id="", then=Concat(Value("#"), Cast("pk", CharField()))), default=F("request_id"),
               output_field=CharField())
    return (qs.order_by().annotate(group=key)
            .values("group", "user_id", "username", "action", "object_type", "detail", "channel")
            .annotate(n=Count("pk"), youths=Count("youth_id", distinct=True), last_at=Max("at"), first_pk=Min("pk"),
                      last_pk=Max("pk"), youth_id=Min("youth_id"))
            .order_by("-last_at", "-last_pk"))


def audit_group_rows(rows: list[dict]) -> list[dict]:
    """A page of groups made ready to show: a one-entry row gets its entry (fields, object id): one query."""
    singles = {e.pk: e for e in AuditEntry.objects.filter(pk__in=[r["first_pk"] for r in rows if r["n"] == 1])}
    for row in rows:
        row["entry"] = singles.get(row["first_pk"])
        row["fields"] = row["entry"].fields if row["entry"] else []
    return rows
