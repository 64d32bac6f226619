"""The region's combined view: counts of every municipality where the user may read reports. Thin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kaa.accounts.policy import Perm, require_perm
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record

from . import board, region


@require_perm(Perm.REPORTS_VIEW)
def region_view(request: HttpRequest) -> HttpResponse:
    try:
        period = board.BoardPeriod.parse(request.GET.get("period", ""))
    except ValueError:
        period = board.BoardPeriod.month_before(timezone.localdate())
    view = region.combined(user=request.user, period=period)
    for row in view.rows:
        audit_record(
            user=request.user,
            action=AuditAction.LIST,
            object_type="region_report",
            municipality_id=row["municipality"].pk,
            detail=period.key,
        )
    return render(
        request,
        "reporting/region.html",
        {
            "view": view,
            "period": period,
            "periods": board.recent_periods(timezone.localdate()),
            "legend": board.legend(),
        },
    )
