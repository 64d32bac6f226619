"""The quarterly results of measures: the page with its quarter chooser and the same figures as XLSX. Thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.accounts.policy import Perm, has_perm, municipalities_with, require_perm
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.casework.codes import CodeTable
from kaa.casework.models import CodeKind, Happened
from kaa.core.tabular import XLSX_CONTENT_TYPE, xlsx_bytes

from . import results, selectors, smallnumbers

QUARTERS_SHOWN = 8


def _quarter(request: HttpRequest) -> results.Quarter:
    try:
        return results.Quarter.parse(request.GET.get("quarter") or "")
    except ValueError:
        return results.Quarter.containing(timezone.localdate()).previous()


def _shown(n: int, exact: bool) -> int | str:
    """Heads and boards see "<5" for a small count (no youth can be singled out); coordinators exact."""
    return smallnumbers.cell(n, exact=exact)


def _lines(rows: list[results.Row], codes: CodeTable, exact: bool) -> list[list[Any]]:
    """One line per figure: [name, what, category, number], for the page's details and the XLSX."""
    happened = {**dict(Happened.choices), results.NOT_RECORDED: _("Not said")}

    def counted(what: str, counter: Any, label: Callable[[str], str]) -> list[list[Any]]:
        return [[what, label(key), counter[key]] for key in sorted(counter, key=lambda k: (k == "", label(k)))]

    out = []
    for row in rows:
        figures = [
            [_("Started"), "", row.started],
            [_("Offered and declined"), "", row.declined],
            [_("Ended"), "", row.ended],
            [_("Ongoing at the end of the quarter"), "", row.ongoing],
        ]
        figures += counted(
            _("How it ended"),
            row.end_reasons,
            lambda c: codes.label(CodeKind.END_REASON, c) if c else _("No reason recorded"),
        )
        figures += counted(
            _("Occupation the day after the end"), row.occupation_after, lambda c: codes.label(CodeKind.OCCUPATION, c)
        )
        figures += counted(_("The youth's evaluation: did it happen"), row.happened, lambda c: str(happened[c]))
        figures.append([_("Evaluations with the youth's own view"), "", row.youth_views])
        out.extend([row.label or "–", what, category, _shown(n, exact)] for what, category, n in figures)
    return out


def _summary(rows: list[results.Row], exact: bool) -> list[dict[str, Any]]:
    return [
        {
            "label": row.label or "–",
            "started": _shown(row.started, exact),
            "declined": _shown(row.declined, exact),
            "ended": _shown(row.ended, exact),
            "ongoing": _shown(row.ongoing, exact),
            "evaluations": _shown(row.evaluations, exact),
            "youth_views": _shown(row.youth_views, exact),
        }
        for row in rows
    ]


def _compute(request: HttpRequest, action: str = AuditAction.LIST) -> tuple[Any, results.Results, CodeTable, bool]:
    municipality = selectors.municipality_for(
        user=request.user, perm=Perm.REPORTS_VIEW, code=request.GET.get("municipality")
    )
    quarter = _quarter(request)
    codes = CodeTable.load()
    figures = results.compute(
        municipality=municipality, quarter=quarter, code_label=lambda c: codes.label(CodeKind.MEASURE, c)
    )
    audit_record(
        user=request.user,
        action=action,
        object_type="measure_results",
        municipality_id=municipality.pk,
        detail=str(quarter),
    )
    return municipality, figures, codes, has_perm(request.user, Perm.STATISTICS_EXPORT, municipality.pk)


@require_perm(Perm.REPORTS_VIEW)
def results_page(request: HttpRequest) -> HttpResponse:
    municipality, figures, codes, exact = _compute(request)
    quarters = [results.Quarter.containing(timezone.localdate())]
    for _i in range(QUARTERS_SHOWN - 1):
        quarters.append(quarters[-1].previous())
    return render(
        request,
        "reporting/results.html",
        {
            "municipality": municipality,
            "municipalities": municipalities_with(request.user, Perm.REPORTS_VIEW),
            "quarter": figures.quarter,
            "quarters": [str(q) for q in quarters],
            "exact": exact,
            "groupings": [
                {
                    "id": "code",
                    "title": _("By measure"),
                    "name": _("Measure"),
                    "summary": _summary(figures.by_code, exact),
                    "lines": _lines(figures.by_code, codes, exact),
                },
                {
                    "id": "activity",
                    "title": _("By activity of the activity bank"),
                    "name": _("Activity"),
                    "summary": _summary(figures.by_activity, exact),
                    "lines": _lines(figures.by_activity, codes, exact),
                },
            ],
        },
    )


@require_perm(Perm.REPORTS_VIEW)
def results_download(request: HttpRequest) -> HttpResponse:
    municipality, figures, codes, exact = _compute(request, AuditAction.EXPORT)
    rows = [[_("Measure"), *line] for line in _lines(figures.by_code, codes, exact)]
    rows += [[_("Activity"), *line] for line in _lines(figures.by_activity, codes, exact)]
    content = xlsx_bytes(
        rows,
        header=[_("Grouped by"), _("Name"), _("Figure"), _("Category"), _("Count")],
        sheet_title=str(figures.quarter),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="results-{municipality.code}-{figures.quarter}.xlsx"'
    return response
