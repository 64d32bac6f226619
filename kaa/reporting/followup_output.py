"""The June follow-up (seed 001 §7) as people read it: labelled figures and charts, for the page,
the PDF and the XLSX alike, so the three show the same numbers.

Labels are taken in the active language: the PDF and the XLSX are built inside
``translation.override("sv")`` (plain Swedish), the page in the user's language. A reader who may
not see exact figures (heads, boards) gets counts from 1 to 4 as "<5" everywhere, charts included
(issue 13, item 12); the coordinator sees exact figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from kaa.casework.codes import CodeTable
from kaa.casework.models import CodeKind
from kaa.core import tabular
from kaa.outreach.models import Channel

from . import charts, followup, leadtimes, smallnumbers

SMALL = smallnumbers.SMALL  # cells under this are "<5" to heads and boards (the one rule: smallnumbers.py)


@dataclass(frozen=True)
class SummaryRow:
    label: str
    shown: str  # as the page prints it
    value: int | float | str | None  # as the XLSX stores it


@dataclass
class FollowUpDocument:
    municipality: Any
    start: datetime.date
    end: datetime.date
    exact: bool
    summary: list[SummaryRow]
    charts: list[charts.Chart]
    goals: Any  # FollowUpGoals of the range's year, or None
    year: int = field(default=0)
    # Days from entering the register to the first attempt and to contact (issue 13, item 7): per coach,
    # so only in the coordinator's exact document; None in the one for heads and boards.
    lead_times: leadtimes.LeadTimes | None = None


def _cell(n: int, exact: bool) -> str:
    return str(smallnumbers.cell(n, exact=exact))


def _days(value: float | None) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, decimal_pos=0 if value == int(value) else 1)


def _summary(figures: dict, exact: bool) -> list[SummaryRow]:
    def count(label: str, n: int) -> SummaryRow:
        shown = _cell(n, exact)
        return SummaryRow(label, shown, n if shown == str(n) else shown)

    rows = [
        count(_("Youths in the register during the range"), figures["in_register"]),
        count(_("Registered for the first time"), figures["first_time"]),
        count(_("Contacted (reached)"), figures["contacted"]),
    ]
    total, reached = figures["in_register"], figures["contacted"]
    if total and (exact or not 0 < reached < SMALL):
        share = round(100 * reached / total)
        rows.append(SummaryRow(_("Share of the register reached"), f"{share} %", share))
    rows += [
        count(_("In a measure"), figures["youths_in_measure"]),
        count(_("Declined their first measure"), figures["declined_first_measure"]),
    ]
    for label, key in (
        (_("Median days in the register"), "median_days_in_register"),
        (_("Median days to the first contact attempt"), "median_days_to_first_attempt"),
        (_("Median days to contact"), "median_days_to_contact"),
    ):
        rows.append(SummaryRow(label, _days(figures[key]), figures[key]))
    return rows


def _bucket_labels() -> dict[str, str]:
    return {
        "under_3_months": _("Under 3 months"),
        "3_to_6_months": _("3 to 6 months"),
        "6_to_12_months": _("6 to 12 months"),
        "over_a_year": _("A year or more"),
    }


def _charts(report: followup.FollowUpReport, exact: bool) -> list[charts.Chart]:
    codes = CodeTable.load()
    channels = {
        **{k: str(v) for k, v in Channel.choices},
        followup.PUBLIC_PAGE: _("Reply on the public page"),
        followup.MEETING: _("Meeting"),
    }
    buckets = _bucket_labels()
    figures = report.figures

    def coded(kind: str) -> Any:
        return lambda c: codes.label(kind, c)

    specs = [
        ("reason", _("Why they were registered"), figures["by_reason"], coded(CodeKind.REGISTRATION_REASON)),
        ("time", _("Time in the register"), report.time_in_register, buckets.get),
        ("channel", _("How contact was made"), figures["by_channel"], lambda c: channels.get(c, c)),
        ("at-contact", _("Occupation at first contact"), figures["occupation_at_contact"], coded(CodeKind.OCCUPATION)),
        ("measures", _("Measures"), figures["measures"], coded(CodeKind.MEASURE)),
        ("activities", _("Activities of the activity bank"), report.activities, str),
        ("now", _("What they do now"), figures["occupation_now"], coded(CodeKind.OCCUPATION)),
        ("left", _("Left the register"), figures["left"], coded(CodeKind.DEREGISTRATION)),
    ]
    header = _("Youths")
    return [
        charts.bar_chart(
            title=title,
            rows=[(str(label(key)), n) for key, n in counts.items()],
            label_header=_("Category"),
            value_header=header,
            small_under=0 if exact else SMALL,
            key=f"fu-{key}",
        )
        for key, title, counts, label in specs
    ]


def document(
    *,
    report: followup.FollowUpReport,
    municipality: Any,
    start: datetime.date,
    end: datetime.date,
    exact: bool,
    goals: Any,
) -> FollowUpDocument:
    """The follow-up's labelled figures and charts in the active language."""
    return FollowUpDocument(
        municipality=municipality,
        start=start,
        end=end,
        exact=exact,
        summary=_summary(report.figures, exact),
        charts=_charts(report, exact),
        goals=goals,
        year=end.year,
        lead_times=leadtimes.lead_times(municipality=municipality, start=start, end=end) if exact else None,
    )


def xlsx(doc: FollowUpDocument) -> bytes:
    """One sheet with the summary and the year's goals, then one sheet per chart with a native chart."""
    goals_text = doc.goals.goals_text if doc.goals else ""
    work_text = doc.goals.work_text if doc.goals else ""
    first = [
        [_("Follow-up"), doc.municipality.name],
        [_("From"), doc.start],
        [_("To"), doc.end],
        [],
        *[[row.label, row.value if row.value is not None else row.shown] for row in doc.summary],
        [],
        [_("Our goals for KAA (%(year)s)") % {"year": doc.year}, goals_text],
        [_("How we work towards the goals"), work_text],
    ]
    if not doc.exact:
        first.append([_("Numbers under 5 are shown as “<5” so that no youth can be singled out.")])
    sheets = [tabular.XlsxSheet(title=_("Follow-up"), rows=first)]
    for chart in doc.charts:
        rows = charts.xlsx_chart_rows(chart)
        sheets.append(
            tabular.XlsxSheet(
                title=chart.title,
                rows=rows,
                header=[chart.label_header, chart.value_header],
                charts=[tabular.XlsxBarChart(title=chart.title, first_row=0, count=len(rows))] if rows else [],
            )
        )
    if doc.lead_times is not None:
        sheets.append(tabular.XlsxSheet(title=_("Lead times"), rows=_lead_time_rows(doc.lead_times), header=[
            _("Who"), _("Entered"), _("Days to the first attempt, median"), _("90th percentile"),
            _("Days to contact, median"), _("90th percentile"), _("Not yet contacted")]))
    return tabular.xlsx_workbook_bytes(sheets)


def _lead_time_rows(times: leadtimes.LeadTimes) -> list[list[Any]]:
    def row(who: str, f: leadtimes.Figures) -> list[Any]:
        return [who, f.entered, f.median_to_attempt, f.p90_to_attempt, f.median_to_contact, f.p90_to_contact,
                f.waiting]

    return [row(_("The whole municipality"), times.municipality),
            *[row(c.name if c.coach_id else _("No coach"), c.figures) for c in times.by_coach]]


def filename(doc: FollowUpDocument, extension: str) -> str:
    return f"uppfoljning-{doc.municipality.code}-{doc.start.isoformat()}-{doc.end.isoformat()}.{extension}"
