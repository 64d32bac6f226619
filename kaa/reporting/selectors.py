"""Reads of the reporting app: aggregates only, never a youth's name or record.

Scoped by the access policy: the figures of the municipalities where the user may read reports.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from kaa.accounts.policy import Perm, municipalities_with
from kaa.register.labels import reason_label
from kaa.register.models import Youth


def _reached() -> Exists:
    from kaa.outreach.models import ContactAttempt, Outcome

    return Exists(ContactAttempt.objects.filter(youth=OuterRef("pk"), outcome=Outcome.REACHED))


def key_figures(*, user: Any, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per municipality the user may report on: youths in the register now, new this month, the share
    reached, without a coach, and the count per reason. Two queries, whatever the number of youths."""
    municipalities = municipalities_with(user, Perm.REPORTS_VIEW)
    if not municipalities:
        return []
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    ids = [m.pk for m in municipalities]
    in_register = Youth.objects.filter(municipality_id__in=ids, in_target_group=True)
    totals = {row["municipality_id"]: row for row in in_register.values("municipality_id").annotate(
        total=Count("pk"),
        new_this_month=Count("pk", filter=Q(register_since__gte=month_start, register_since__lte=today)),
        unassigned=Count("pk", filter=Q(coach__isnull=True)),
        reached=Count("pk", filter=Q(_reached())),
        extended=Count("pk", filter=Q(register_extended=True)),
    ).order_by()}
    reasons: dict[int, list[dict[str, Any]]] = {}
    for row in (in_register.values("municipality_id", "register_reason").annotate(n=Count("pk"))
                .order_by("municipality_id", "-n", "register_reason")):
        reasons.setdefault(row["municipality_id"], []).append(
            {"label": reason_label(row["register_reason"]) or "–", "count": row["n"]})
    figures = []
    for municipality in municipalities:
        row = totals.get(municipality.pk, {})
        total = row.get("total", 0)
        figures.append({
            "municipality": municipality,
            "total": total,
            "new_this_month": row.get("new_this_month", 0),
            "unassigned": row.get("unassigned", 0),
            "reached": row.get("reached", 0),
            "reached_percent": round(100 * row.get("reached", 0) / total) if total else None,
            "extended": row.get("extended", 0),
            "by_reason": reasons.get(municipality.pk, []),
            "month": month_start,
        })
    return figures


def dashboard_context(user: Any) -> dict[str, Any]:
    return {"figures": key_figures(user=user)}
