"""Reporting's reads, scoped by the access policy (kaa.accounts.policy decides, nothing here does)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import Http404

from kaa.accounts.policy import Perm, municipalities_with
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.casework.models import Code
from kaa.register.models import Youth

from . import followup
from .models import StatisticsFile
from .services import planning_settings_for

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
