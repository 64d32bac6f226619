"""Board reports (issue 13, item 5): the monthly statistics to the board and school heads (seed 002)
and the June and December report on how the goals were met (seed 004).

``report`` is the one function computing a report's figures: the page, the PDF and the XLSX all
render what it returns, so they cannot differ. Every figure comes from what is already recorded,
with the definitions of the statistics to SCB and the follow-up (``kaa.reporting.scb`` and
``kaa.reporting.followup``): the youths in the target group on at least one day of the month or
half-year, their stretch in the register, first contact, occupations, measures and action plans.

The goals are the three of the municipality's plan (seed 004):
1. every youth in the responsibility is *mapped* (*kartlagd*): an occupation other than "unknown"
   is recorded on the last day of the period;
2. every youth is contacted and offered individual measures: contacted (ever, up to the end of the
   period) and offered a measure in the period (declined offers count: they were offered);
3. the measures are documented and followed up: the youth has an action plan.

A board report is read by the board and school heads, so small numbers are hidden
(``kaa.reporting.smallnumbers``) on the page, in the PDF and in the XLSX alike, whoever makes it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kaa.accounts.models import Membership, Role
from kaa.accounts.policy import Perm, municipality_ids_with
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.casework.codes import CodeTable
from kaa.casework.models import CodeKind
from kaa.core.tabular import XlsxBarChart, xlsx_bytes
from kaa.organisations.models import Municipality

from . import charts, followup, scb, selectors, smallnumbers
from .models import BoardReport
from .periods import DateRange, HalfYear, local_day

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
FONT_DIR = settings.BASE_DIR / "static" / "fonts"

MONTH, HALF_YEAR = "month", "half_year"
KINDS = (MONTH, HALF_YEAR)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class BoardPeriod:
    """A calendar month (``2026-11``) or a half-year (``2026H2``) of a board report."""

    kind: str
    key: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def parse(cls, key: str) -> BoardPeriod:
        """``2026-11`` or ``2026H2``; ValueError otherwise."""
        key = (key or "").strip().upper()
        match = _MONTH.match(key)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12 or year < 2000:
                raise ValueError(f"no such month: {key!r}")
            start = datetime.date(year, month, 1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            return cls(MONTH, key, start, end)
        half = HalfYear.parse(key)
        return cls(HALF_YEAR, str(half), half.start, half.end)

    @classmethod
    def month_before(cls, day: datetime.date) -> BoardPeriod:
        last = day.replace(day=1) - datetime.timedelta(days=1)
        return cls.parse(f"{last.year}-{last.month:02d}")

    def label(self) -> str:
        if self.kind == MONTH:
            return date_format(self.start, "F Y")
        if self.start.month == 1:
            return _("January–June %(year)d") % {"year": self.start.year}
        return _("July–December %(year)d") % {"year": self.start.year}


def recent_periods(today: datetime.date, months: int = 12, halves: int = 4) -> list[BoardPeriod]:
    """The choices of the page: the last ``months`` months and ``halves`` half-years, newest first."""
    out, day = [], today
    for _i in range(months):
        out.append(BoardPeriod.parse(f"{day.year}-{day.month:02d}"))
        day = day.replace(day=1) - datetime.timedelta(days=1)
    half = HalfYear.containing(today)
    for _i in range(halves):
        out.append(BoardPeriod.parse(str(half)))
        half = half.previous()
    return out


@dataclass
class Section:
    """One table of a report: rows of (label, shown value) and the shown total (None: no total row)."""

    title: str
    rows: list[tuple[str, int | str]]
    total: int | str | None = None
    chart: charts.Chart | None = None


@dataclass
class Report:
    municipality: Any
    period: BoardPeriod
    made_at: datetime.datetime
    summary: list[tuple[str, Any]]
    goals: list[dict[str, Any]]
    sections: list[Section] = field(default_factory=list)
    exact: bool = False
    written: Any = None  # the coordinator's goals of the year (FollowUpGoals): half-year reports only

    @property
    def title(self) -> str:
        if self.period.kind == MONTH:
            return _("Monthly statistics, %(period)s") % {"period": self.period.label()}
        return _("How the goals were met, %(period)s") % {"period": self.period.label()}


def counts(*, municipality: Any, period: BoardPeriod, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The exact counts of a report (no small-number rule): the follow-up's and the goals'."""
    now = now or timezone.now()
    # Each youth's stretch and history, computed once: the follow-up counts from it, and so do the
    # figures the follow-up does not give.
    youths = scb.youth_statistics(municipality=municipality, period=DateRange(period.start, period.end), now=now)
    figures = followup.follow_up(municipality=municipality, start=period.start, end=period.end, now=now,
                                 youths=youths)
    figures.update(
        {
            "new": sum(1 for y in youths if period.start <= y.stretch.start <= period.end),
            "at_end": sum(1 for y in youths if y.stretch.end is None or y.stretch.end > period.end),
            "mapped": sum(1 for y in youths if y.occupation_on(period.end) not in (None, scb.UNKNOWN_OCCUPATION)),
            "ever_contacted": sum(1 for y in youths if y.ever_contacted),
            "offered": sum(1 for y in youths if y.measures),
            "planned": sum(1 for y in youths if y.planned),
        }
    )
    return figures


def _chart(key: str, title: str, values: dict[str, int], rows: list[tuple[str, Any]]) -> charts.Chart:
    """The section's bar chart with the section's own shown values: a hidden count ("<5" or "..") draws
    no bar, so the picture tells no more than the table (``charts.bar_chart`` knows only "<5")."""
    chart_rows = tuple(
        charts.ChartRow(label, n, str(shown)) for (label, shown), n in zip(rows, values.values(), strict=True)
    )
    svg = charts._draw(title=title, rows=chart_rows, key=key) if chart_rows else mark_safe("")
    return charts.Chart(
        key=key, title=title, rows=chart_rows, svg=svg, label_header=_("Category"), value_header=_("Youths")
    )


def _median(value: float | None, basis: int) -> Any:
    """A median of fewer than 5 youths could tell one youth's days: hidden like a small count."""
    if value is None:
        return None
    return smallnumbers.UNDER if 0 < basis < smallnumbers.SMALL else round(value)


def _goal(label: str, met: int, total: int, total_shown: Any, exact: bool) -> dict[str, Any]:
    """A goal as a two-cell table (met, not met) of the register: neither can be told when small."""
    if total_shown == smallnumbers.SECONDARY:  # the register's count is hidden elsewhere: keep it hidden
        return {"label": label, "met": smallnumbers.cell(met, exact=exact), "not_met": None, "percent": None}
    table = smallnumbers.suppress({"met": met, "not_met": total - met}, exact=exact)
    shown_met, shown_not = table.cells["met"], table.cells["not_met"]
    percent = round(100 * met / total) if total and isinstance(shown_met, int) and isinstance(shown_not, int) else None
    return {"label": label, "met": shown_met, "not_met": shown_not, "percent": percent}


def report(
    *, municipality: Any, period: BoardPeriod, now: datetime.datetime | None = None, exact: bool = False
) -> Report:
    """The report as shown (page, PDF, XLSX): labels in the active language, small numbers hidden."""
    now = now or timezone.now()
    c = counts(municipality=municipality, period=period, now=now)
    codes = CodeTable.load()

    def table(key: str, title: str, values: dict[str, int], kind: str, *, additive: bool = True) -> tuple[Section, Any]:
        shown = smallnumbers.suppress(values, additive=additive, exact=exact)
        rows = [(codes.label(kind, code) or "–", shown.cells[code]) for code in values]
        return Section(title, rows, shown.total, chart=_chart(f"board-{key}", title, values, rows)), shown

    by_reason, reason_t = table("reason", _("Reason for registration"), c["by_reason"], CodeKind.REGISTRATION_REASON)
    now_s, now_t = table("now", _("What they do at the end of the period"), c["occupation_now"], CodeKind.OCCUPATION)
    contact_s, contact_t = table(
        "contact", _("Occupation at first contact"), c["occupation_at_contact"], CodeKind.OCCUPATION
    )
    measures_s, _m = table(
        "measures", _("Measures (a youth may have several)"), c["measures"], CodeKind.MEASURE, additive=False
    )
    left_s, left_t = table("left", _("Left the register, by reason"), c["left"], CodeKind.DEREGISTRATION)
    # The same count is the total of two tables: if either had to hide it, both do.
    register_shown = smallnumbers.SECONDARY if reason_t.total_hidden or now_t.total_hidden else reason_t.total
    by_reason.total = now_s.total = register_shown
    summary = [
        (_("Youths in the register during the period"), register_shown),
        (_("New in the register"), smallnumbers.cell(c["new"], exact=exact)),
        (_("Registered for the first time"), smallnumbers.cell(c["first_time"], exact=exact)),
        (_("Left the register"), left_t.total),
        (_("In the register at the end of the period"), smallnumbers.cell(c["at_end"], exact=exact)),
        (_("First contact in the period"), contact_t.total),
        (_("In a measure"), smallnumbers.cell(c["youths_in_measure"], exact=exact)),
        (_("Declined their first measure"), smallnumbers.cell(c["declined_first_measure"], exact=exact)),
        (_("Median days in the register"), _median(c["median_days_in_register"], c["in_register"])),
        (_("Median days from registration to contact"), _median(c["median_days_to_contact"], c["ever_contacted"])),
    ]
    total = c["in_register"]
    goals = [
        _goal(_("Mapped: an occupation is known"), c["mapped"], total, register_shown, exact),
        _goal(_("Contacted"), c["ever_contacted"], total, register_shown, exact),
        _goal(_("Offered a measure in the period"), c["offered"], total, register_shown, exact),
        _goal(_("Has an action plan"), c["planned"], total, register_shown, exact),
    ]
    return Report(
        municipality=municipality,
        period=period,
        made_at=now,
        summary=summary,
        goals=goals,
        sections=[by_reason, contact_s, measures_s, now_s, left_s],
        exact=exact,
        # Seed 004: the June and December report says how the goals were met: the year's goals as written.
        written=(
            selectors.follow_up_goals(municipality=municipality, year=period.start.year)
            if period.kind == HALF_YEAR
            else None
        ),
    )


def _chart_rows(bars: int) -> int:
    return math.ceil(max(5.0, 1.5 + 0.8 * bars) / 0.53)


def _shown(value: Any) -> Any:
    return "–" if value is None else value


def xlsx(rep: Report) -> bytes:
    """The report as one sheet: the same figures as the page, section by section."""
    rows: list[list[Any]] = [
        [rep.title],
        [rep.municipality.name],
        [_("Made %(when)s") % {"when": local_day(rep.made_at).isoformat()}],
        [],
    ]
    rows += [[label, _shown(value)] for label, value in rep.summary]
    if rep.written is not None:
        rows += [
            [],
            [_("Our goals for KAA (%(year)s)") % {"year": rep.written.year}],
            [rep.written.goals_text],
            [_("How we work towards the goals")],
            [rep.written.work_text],
        ]
    rows += [[], [_("Goals")], [_("Goal"), _("Met"), _("Not met"), _("Share met (%)")]]
    rows += [[g["label"], _shown(g["met"]), _shown(g["not_met"]), _shown(g["percent"])] for g in rep.goals]
    bars = []
    for section in rep.sections:
        rows += [[], [section.title], [_("Category"), _("Youths")]]
        if section.rows:
            bars.append(XlsxBarChart(title=section.title, first_row=len(rows), count=len(section.rows)))
        rows += [[label, value] for label, value in section.rows] or [[_("None"), 0]]
        if section.total is not None:
            rows.append([_("Total"), section.total])
        if section.rows:  # room for the chart (tabular's height: 1.5 + 0.8 cm a bar, a row ≈ 0.53 cm)
            rows += [[] for _i in range(_chart_rows(len(section.rows)) - (len(rows) - bars[-1].first_row))]
    if not rep.exact:
        rows += [[], [legend()]]
    return xlsx_bytes(rows, sheet_title=rep.period.key, charts=bars)


def legend() -> str:
    return _("<5: fewer than 5 youths. “..”: hidden so that a number under 5 cannot be worked out.")


def pdf(rep: Report) -> bytes:
    """The report as a PDF (WeasyPrint), in the language active when ``rep`` was made."""
    from weasyprint import HTML

    html = render_to_string(
        "reporting/board_pdf.html",
        {
            "report": rep,
            "legend": legend(),
            "font_regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
            "font_bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
        },
    )
    out = io.BytesIO()
    HTML(string=html, base_url=str(FONT_DIR)).write_pdf(out)
    return out.getvalue()


def files(*, municipality: Any, period: BoardPeriod, now: datetime.datetime | None = None) -> tuple[bytes, bytes]:
    """The PDF and XLSX of a report, in Swedish (the board's language), from one computation."""
    with translation.override(settings.LANGUAGE_CODE):
        rep = report(municipality=municipality, period=period, now=now)
        return pdf(rep), xlsx(rep)


def prepare(
    *, municipality: Any, period: BoardPeriod, user: Any = None, now: datetime.datetime | None = None
) -> tuple[BoardReport, bool]:
    """The stored report of ``period`` (made now if missing) and whether it was made by this call.

    Idempotent: a report exists once per municipality, kind and period (a unique constraint), so two
    workers preparing the same month store one report.
    """
    found = BoardReport.objects.filter(municipality=municipality, kind=period.kind, period=period.key)
    existing = found.defer("pdf", "xlsx").first()
    if existing is not None:
        return existing, False
    pdf_bytes, xlsx_data = files(municipality=municipality, period=period, now=now)
    try:
        with transaction.atomic():
            made = BoardReport.objects.create(
                municipality=municipality,
                kind=period.kind,
                period=period.key,
                created_by=user,
                pdf=pdf_bytes,
                xlsx=xlsx_data,
                checksum=hashlib.sha256(pdf_bytes).hexdigest(),
            )
    except IntegrityError:
        return found.defer("pdf", "xlsx").get(), False
    audit_record(
        user=user,
        action=AuditAction.CREATE,
        object_type="board_report",
        object_id=str(made.pk),
        municipality_id=municipality.pk,
        detail=period.key,
    )
    return made, True


def due_periods(day: datetime.date) -> list[BoardPeriod]:
    """What the job prepares on ``day``: last month, and after June or December that half-year too."""
    month = BoardPeriod.month_before(day)
    due = [month]
    if month.start.month in (6, 12):
        due.append(BoardPeriod.parse(str(HalfYear.containing(month.start))))
    return due


def ready_messages(made: list[BoardReport]) -> list[tuple[str, str, str, list[str]]]:
    """One e-mail per coordinator of a municipality with a new report: a link, no figures."""
    if not made:
        return []
    link = settings.KAA_PUBLIC_BASE_URL.rstrip("/") + reverse("reporting:board")
    by_municipality: dict[int, list[BoardReport]] = {}
    for rep in made:
        by_municipality.setdefault(rep.municipality_id, []).append(rep)
    coordinators = (
        Membership.objects.filter(municipality_id__in=by_municipality, role=Role.COORDINATOR, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "municipality")
    )
    out = []
    with translation.override(settings.LANGUAGE_CODE):
        for membership in coordinators:
            reports = by_municipality[membership.municipality_id]
            titles = [BoardPeriod.parse(r.period).label() for r in reports]
            body = render_to_string(
                "reporting/board_email.txt",
                {"municipality": membership.municipality.name, "titles": titles, "link": link},
            )
            subject = _("KAA: the board report for %(period)s is ready") % {"period": titles[0]}
            out.append((subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]))
    return out


def prepare_due(day: datetime.date, now: datetime.datetime | None = None) -> list[BoardReport]:
    """Prepare the due reports of every municipality with a coordinator; the ones made now."""
    made = []
    municipalities = Municipality.objects.filter(memberships__role=Role.COORDINATOR).distinct().order_by("code")
    for municipality in municipalities:
        for period in due_periods(day):
            rep, created = prepare(municipality=municipality, period=period, now=now)
            if created:
                made.append(rep)
    return made


def stored_reports(*, municipality: Any, limit: int = 12) -> list[BoardReport]:
    """The municipality's prepared reports, newest first (without their bytes)."""
    return list(BoardReport.objects.filter(municipality=municipality).defer("pdf", "xlsx")[:limit])


def stored_report_or_404(*, user: Any, pk: int) -> BoardReport:
    """A prepared report of a municipality where the user may read reports."""
    return get_object_or_404(
        BoardReport.objects.select_related("municipality"),
        pk=pk,
        municipality_id__in=municipality_ids_with(user, Perm.REPORTS_VIEW),
    )


def dashboard_context(user: Any, *, days: int = 31) -> dict[str, Any]:
    """The coordinator's start page: the reports prepared in the last month, one line each."""
    since = timezone.now() - datetime.timedelta(days=days)
    ids = municipality_ids_with(user, Perm.STATISTICS_EXPORT)
    ready = (
        BoardReport.objects.filter(municipality_id__in=ids, created_at__gte=since)
        .select_related("municipality")
        .defer("pdf", "xlsx")[:6]
    )
    return {"ready": [{"report": r, "label": BoardPeriod.parse(r.period).label()} for r in ready]}
