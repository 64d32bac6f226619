"""The yearly wheel (*årshjul*, seed 001 Bilaga 5): when a recurring administrative task falls due.

Pure rules: no models, no database. A task's dates are never stored; they are computed from its rule
whenever a page, the start page or the reminder job asks (``occurrences``). Two kinds of rule:

- ``weekly``: every ``interval_weeks`` weeks, counted from ``anchor`` (the first occurrence): the
  Friday case review (every week), the network meeting (every 6 weeks);
- ``monthly``: on ``day_of_month`` of each month in ``months`` (a day past the month's end falls on
  its last day), from ``anchor`` on: SCB in January and July, the board in June and December, the
  monthly statistics, the steering group three times a term.

``DEFAULTS`` are the tasks a municipality gets when it is set up; the coordinator edits them.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

WEEKLY, MONTHLY = "weekly", "monthly"
KINDS = (WEEKLY, MONTHLY)
ALL_MONTHS = frozenset(range(1, 13))
MAX_INTERVAL_WEEKS = 52


@dataclass(frozen=True)
class Rule:
    kind: str
    anchor: datetime.date  # weekly: the first occurrence; monthly: no occurrence before it
    interval_weeks: int = 1
    day_of_month: int = 1
    months: frozenset[int] = field(default=ALL_MONTHS)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown rule kind {self.kind!r}")
        if not 1 <= self.interval_weeks <= MAX_INTERVAL_WEEKS:
            raise ValueError("interval_weeks must be 1–52")
        if not 1 <= self.day_of_month <= 31:
            raise ValueError("day_of_month must be 1–31")
        if not self.months or not self.months <= ALL_MONTHS:
            raise ValueError("months must be a non-empty set of 1–12")


def _weekly(rule: Rule, start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    step = 7 * rule.interval_weeks
    first = max(start, rule.anchor)
    skip = -(-(first - rule.anchor).days // step)  # the steps before ``first``, rounded up
    day = rule.anchor + datetime.timedelta(days=skip * step)
    while day <= end:
        yield day
        day += datetime.timedelta(days=step)


def day_in_month(year: int, month: int, day_of_month: int) -> datetime.date:
    """``day_of_month`` of the month, or its last day when the month is shorter (31 → 30 April)."""
    return datetime.date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


def _monthly(rule: Rule, start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if month in rule.months:
            day = day_in_month(year, month, rule.day_of_month)
            if start <= day <= end and day >= rule.anchor:
                yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def occurrences(rule: Rule, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The rule's dates within [start, end] (both included), in order; empty when end < start."""
    if end < start:
        return []
    return list(_weekly(rule, start, end) if rule.kind == WEEKLY else _monthly(rule, start, end))


def next_weekday(on: datetime.date, weekday: int) -> datetime.date:
    """The first day on or after ``on`` that is ``weekday`` (Monday 0 … Sunday 6)."""
    return on + datetime.timedelta(days=(weekday - on.weekday()) % 7)


@dataclass(frozen=True)
class Default:
    key: str
    title: object  # lazy translation, stored in the installation's language
    description: object
    kind: str
    remind_days: int
    interval_weeks: int = 1
    weekday: int = 4  # weekly: the anchor is the first such day from installation on (4 = Friday)
    day_of_month: int = 1
    months: tuple[int, ...] = tuple(range(1, 13))

    def rule_fields(self, installed_on: datetime.date) -> dict:
        anchor = next_weekday(installed_on, self.weekday) if self.kind == WEEKLY else installed_on
        return {
            "kind": self.kind,
            "anchor": anchor,
            "interval_weeks": self.interval_weeks,
            "day_of_month": self.day_of_month,
            "months": months_text(self.months),
        }


DEFAULTS: tuple[Default, ...] = (
    Default(
        "scb",
        _("Hand in the half-year statistics to SCB"),
        _("Run the pre-submission check, fix what it lists and download the file for SCB."),
        MONTHLY,
        remind_days=14,
        day_of_month=31,
        months=(1, 7),
    ),
    Default(
        "board_report",
        _("Report to the board on how the goals were met"),
        _("The June and December report: make the PDF and the XLSX from the reports page."),
        MONTHLY,
        remind_days=14,
        day_of_month=15,
        months=(6, 12),
    ),
    Default(
        "monthly_statistics",
        _("Monthly statistics to the board and school heads"),
        _("The month's figures to the board and the school heads."),
        MONTHLY,
        remind_days=3,
        day_of_month=5,
    ),
    Default(
        "case_review",
        _("Friday case review"),
        _("Go through the week's cases together."),
        WEEKLY,
        remind_days=1,
        weekday=4,
    ),
    Default(
        "network_meeting",
        _("Network meeting"),
        _("The network of partners meets every six weeks."),
        WEEKLY,
        remind_days=7,
        interval_weeks=6,
        weekday=1,
    ),
    Default(
        "steering_group",
        _("Steering group"),
        _("The steering group meets three times a term."),
        MONTHLY,
        remind_days=7,
        day_of_month=10,
        months=(2, 4, 6, 9, 10, 12),
    ),
)


def months_text(months: tuple[int, ...] | frozenset[int] | list[int]) -> str:
    """Months as stored: ``"1,7"``."""
    return ",".join(str(m) for m in sorted(set(months)))


def months_parse(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part.strip())
