"""Reads of the reporting app: aggregates only, never a youth's name or record (the SCB file and the
check, which name record ids, are computed in scb.py for coordinators).

Scoped by the access policy: the figures of the municipalities where the user may read reports.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from kaa.accounts.policy import Perm, has_perm, municipalities_with
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.casework.models import Code
from kaa.register.labels import reason_label
from kaa.register.models import Youth

from . import followup
from .models import StatisticsFile
from .services import planning_settings_for


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
    return {"figures": [shown_key_figures(f, exact=has_perm(user, Perm.STATISTICS_EXPORT, f["municipality"].pk))
                        for f in key_figures(user=user)]}


def shown_key_figures(figures: dict[str, Any], *, exact: bool) -> dict[str, Any]:
    """The key figures as a head sees them: small numbers hidden (kaa.reporting.smallnumbers); a
    coordinator (``exact``) sees them all. The reasons add up to the register's count; the share
    reached is shown only when neither the reached nor the others are hidden."""
    from .smallnumbers import cell, suppress

    total = figures["total"]
    reasons = suppress({i: r["count"] for i, r in enumerate(figures["by_reason"])}, exact=exact)
    reached = suppress({"reached": figures["reached"], "not": total - figures["reached"]}, exact=exact)
    both_shown = all(isinstance(v, int) for v in reached.cells.values())
    return {
        **figures,
        "total": reasons.total,
        "new_this_month": cell(figures["new_this_month"], exact=exact),
        "unassigned": cell(figures["unassigned"], exact=exact),
        "reached": reached.cells["reached"],
        "reached_percent": figures["reached_percent"] if both_shown else None,
        "extended": cell(figures["extended"], exact=exact),
        "by_reason": [{**r, "count": reasons.cells[i]} for i, r in enumerate(figures["by_reason"])],
        "reached_is_count": isinstance(reached.cells["reached"], int),
        "some_hidden": not both_shown or any(isinstance(v, str) for v in reasons.cells.values()),
    }


SEED_TABLE = (10, 50, 100)  # seed 000: 10 → 30 %, 50 → 51 %, 100 → 76 %


def municipality_for(*, user: Any, perm: Perm, code: str | None = None) -> Any:
    """The municipality asked for (by code) among those the user holds ``perm`` in; the first one by default."""
    allowed = municipalities_with(user, perm)
    if not allowed:
        raise Http404
    if code:
        found = next((m for m in allowed if m.code == code), None)
        if found is None:
            raise Http404
        return found
    return allowed[0]


def statistics_files(*, municipality: Any, limit: int = 20) -> list[StatisticsFile]:
    return list(StatisticsFile.objects.filter(municipality=municipality).select_related("created_by")[:limit])


def resource_percent(*, youths: int, fixed_percent: Decimal, hours_per_youth: Decimal, hours_per_year: int) -> int:
    """Share of a full-time post (whole per cent): the fixed share plus the hours the youths need (seed 000)."""
    exact = Decimal(fixed_percent) + Decimal(youths) * Decimal(hours_per_youth) * 100 / Decimal(hours_per_year)
    return int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def resource_plan(*, municipality: Any, youths: int) -> dict:
    """The figures of ``GET /api/v1/reports/resource-plan`` for a number of youths."""
    settings = planning_settings_for(municipality)
    return {"youths": youths, "fixed_percent": float(settings.fixed_percent),
            "hours_per_youth": float(settings.hours_per_youth), "hours_per_year": settings.hours_per_year,
            "percent": resource_percent(youths=youths, fixed_percent=settings.fixed_percent,
                                        hours_per_youth=settings.hours_per_youth,
                                        hours_per_year=settings.hours_per_year)}


def youths_in_register(*, municipality: Any) -> int:
    return Youth.objects.filter(municipality=municipality, in_target_group=True).count()


def follow_up(*, user: Any, municipality: Any, start: datetime.date, end: datetime.date) -> dict:
    """The follow-up's figures; audited as a listing of the municipality's aggregates (no youth is named)."""
    audit_record(user=user, action=AuditAction.LIST, object_type="follow_up", municipality_id=municipality.pk,
                 detail=f"{start.isoformat()} {end.isoformat()}")
    return followup.follow_up(municipality=municipality, start=start, end=end)


def code_table() -> list[Code]:
    return list(Code.objects.order_by("kind", "order", "code"))


def follow_up_report(*, user: Any, municipality: Any, start: datetime.date, end: datetime.date,
                     action: str = AuditAction.LIST) -> Any:
    """The follow-up as page, PDF and XLSX show it (``followup.FollowUpReport``); audited like ``follow_up``,
    a download as an export."""
    audit_record(user=user, action=action, object_type="follow_up", municipality_id=municipality.pk,
                 detail=f"{start.isoformat()} {end.isoformat()}")
    return followup.follow_up_report(municipality=municipality, start=start, end=end)


def follow_up_goals(*, municipality: Any, year: int) -> Any:
    """The coordinator's goals of ``year`` (``FollowUpGoals``), or None when none are written."""
    from .models import FollowUpGoals

    return FollowUpGoals.objects.filter(municipality=municipality, year=year).select_related("updated_by").first()
