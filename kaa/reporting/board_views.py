"""Board report pages: choose a municipality and a month or half-year, read the figures, download the
PDF or XLSX (the same figures: one computation, ``kaa.reporting.board.report``), and the stored reports
the scheduled job prepared. Thin: the figures are computed in ``board``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from kaa.accounts.policy import Perm, municipalities_with, require_perm
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.core.tabular import XLSX_CONTENT_TYPE

from . import board, selectors

CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}


def _chosen(request: HttpRequest) -> tuple[Any, board.BoardPeriod]:
    municipality = selectors.municipality_for(
        user=request.user, perm=Perm.REPORTS_VIEW, code=request.GET.get("municipality")
    )
    try:
        period = board.BoardPeriod.parse(request.GET.get("period", ""))
    except ValueError:
        period = board.BoardPeriod.month_before(timezone.localdate())
    return municipality, period


@require_perm(Perm.REPORTS_VIEW)
def board_report(request: HttpRequest) -> HttpResponse:
    municipality, period = _chosen(request)
    report = board.report(municipality=municipality, period=period)
    audit_record(
        user=request.user,
        action=AuditAction.LIST,
        object_type="board_report",
        municipality_id=municipality.pk,
        detail=period.key,
    )
    return render(
        request,
        "reporting/board.html",
        {
            "report": report,
            "municipality": municipality,
            "period": period,
            "legend": board.legend(),
            "municipalities": municipalities_with(request.user, Perm.REPORTS_VIEW),
            "periods": board.recent_periods(timezone.localdate()),
            "stored": board.stored_reports(municipality=municipality),
        },
    )


def _attachment(content: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


@require_perm(Perm.REPORTS_VIEW)
def board_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """The chosen report as PDF or XLSX, made now, in Swedish (the board's language)."""
    if file_format not in CONTENT_TYPES:
        raise Http404
    municipality, period = _chosen(request)
    with translation.override("sv"):
        report = board.report(municipality=municipality, period=period)
        content = board.pdf(report) if file_format == "pdf" else board.xlsx(report)
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="board_report",
        municipality_id=municipality.pk,
        detail=f"{period.key} {file_format}",
    )
    return _attachment(content, file_format, f"styrelserapport-{municipality.code}-{period.key}")


@require_perm(Perm.REPORTS_VIEW)
def board_file(request: HttpRequest, report_pk: int, file_format: str) -> HttpResponse:
    """A stored report's PDF or XLSX, as the scheduled job prepared it."""
    if file_format not in CONTENT_TYPES:
        raise Http404
    stored = board.stored_report_or_404(user=request.user, pk=report_pk)
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="board_report",
        object_id=stored.pk,
        municipality_id=stored.municipality_id,
        detail=f"{stored.period} {file_format}",
    )
    content = bytes(stored.pdf if file_format == "pdf" else stored.xlsx)
    return _attachment(content, file_format, f"styrelserapport-{stored.municipality.code}-{stored.period}")
