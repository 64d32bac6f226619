"""The quarterly results of measures (seed 001 §6: "the result is compiled quarterly").

Per measure code and per activity of the activity bank (``casework.Activity``), for one quarter:

- ``offered``: measures started (or offered) within the quarter, declined ones included;
- ``started``: of those, not declined (a measure on a waiting list has not started: left out);
- ``declined``: offered within the quarter and turned down;
- ``ended``: not declined, with an end date within the quarter; ``end_reasons`` counts their reason
  (the code table's "reason a measure ended"; empty when none was recorded);
- ``occupation_after``: for the ended ones, the youth's occupation on the day after the end, as the
  SCB file's ``sysselsattning_efter_atgard`` (kaa/reporting/scb.py), ``okand`` when none is recorded;
- ``ongoing``: not declined, started on or before the quarter's last day, not ended by then;
- the youth's own evaluation: evaluations (``casework.Evaluation``) dated within the quarter, by
  "did it happen" (yes, partly, no, not said) and how many of them record the youth's own view.

The municipality's measures are those of its youths (the youth's municipality now). Everything is
read in four queries, whatever the number of measures.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from kaa.casework.models import Activity, Evaluation, Measure, Occupation

from .scb import UNKNOWN_OCCUPATION

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
NOT_RECORDED = ""  # an end reason or "did it happen" left empty
HAPPENED = ("yes", "partly", "no", NOT_RECORDED)


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026Q1`` … ``2026Q4``; ValueError otherwise."""
        match = _QUARTER.match((text or "").strip().upper())
        if not match:
            raise ValueError(f"quarter must look like 2026Q1, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"


@dataclass
class Row:
    """The figures of one measure code or one activity."""

    key: str  # the measure code, or the activity's id as text
    label: str
    offered: int = 0
    started: int = 0
    declined: int = 0
    ended: int = 0
    ongoing: int = 0
    end_reasons: Counter[str] = field(default_factory=Counter)
    occupation_after: Counter[str] = field(default_factory=Counter)
    happened: Counter[str] = field(default_factory=Counter)
    youth_views: int = 0

    @property
    def evaluations(self) -> int:
        return sum(self.happened.values())


@dataclass
class Results:
    quarter: Quarter
    by_code: list[Row]
    by_activity: list[Row]


def occupation_on(history: list[tuple[datetime.date, str]], day: datetime.date) -> str | None:
    """The occupation recorded last on or before ``day`` (``history`` ordered by start), as scb.py reads it."""
    at = bisect.bisect_right(history, day, key=lambda row: row[0])
    return history[at - 1][1] if at else None


def _measures(municipality: Any, quarter: Quarter) -> list[dict[str, Any]]:
    # A declined offer without an end touches only the day it was offered (as in scb.py).
    touching = Q(start__lte=quarter.end) & (
        Q(end__isnull=True, declined=False) | Q(end__gte=quarter.start) | Q(start__gte=quarter.start)
    )
    return list(
        Measure.objects.filter(touching, youth__municipality=municipality, waiting=False).values(
            "youth_id", "code", "activity_id", "start", "end", "declined", "end_reason"
        )
    )


def compute(*, municipality: Any, quarter: Quarter, code_label: Any = str) -> Results:
    """The quarter's results; ``code_label(code)`` names a measure code (the code table's label)."""
    measures = _measures(municipality, quarter)
    ended_youths = {
        m["youth_id"] for m in measures if not m["declined"] and m["end"] and quarter.start <= m["end"] <= quarter.end
    }
    history: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    if ended_youths:
        for youth_id, start, code in (
            Occupation.objects.filter(youth_id__in=ended_youths)
            .order_by("youth_id", "start", "pk")
            .values_list("youth_id", "start", "code")
        ):
            history[youth_id].append((start, code))
    evaluations = Evaluation.objects.filter(
        measure__youth__municipality=municipality, measure__waiting=False, on__gte=quarter.start, on__lte=quarter.end
    ).values_list("measure__code", "measure__activity_id", "happened", "youth_view")
    activity_ids = {m["activity_id"] for m in measures if m["activity_id"]}
    eval_rows = list(evaluations)
    activity_ids |= {row[1] for row in eval_rows if row[1]}
    titles = dict(Activity.objects.filter(pk__in=activity_ids).values_list("pk", "title")) if activity_ids else {}

    codes: dict[str, Row] = {}
    activities: dict[str, Row] = {}

    def rows_of(code: str, activity_id: int | None) -> list[Row]:
        out = [codes.setdefault(code, Row(code, code_label(code)))]
        if activity_id:
            out.append(activities.setdefault(str(activity_id), Row(str(activity_id), titles.get(activity_id, ""))))
        return out

    for m in measures:
        _count(m, quarter, history, rows_of(m["code"], m["activity_id"]))
    for code, activity_id, happened, youth_view in eval_rows:  # by the measure's code and activity
        for row in rows_of(code, activity_id):
            row.happened[happened or NOT_RECORDED] += 1
            row.youth_views += bool(youth_view.strip())
    return Results(
        quarter=quarter,
        by_code=sorted(codes.values(), key=lambda r: r.label.casefold()),
        by_activity=sorted(activities.values(), key=lambda r: (r.label.casefold(), r.key)),
    )


def _count(
    m: dict[str, Any], quarter: Quarter, history: dict[int, list[tuple[datetime.date, str]]], rows: list[Row]
) -> None:
    offered_in = quarter.start <= m["start"] <= quarter.end
    ended_in = not m["declined"] and m["end"] is not None and quarter.start <= m["end"] <= quarter.end
    ongoing = not m["declined"] and m["start"] <= quarter.end and (m["end"] is None or m["end"] > quarter.end)
    after = ""
    if ended_in:
        after = occupation_on(history.get(m["youth_id"], []), m["end"] + datetime.timedelta(days=1))
        after = after or UNKNOWN_OCCUPATION
    for row in rows:
        row.offered += offered_in
        row.started += offered_in and not m["declined"]
        row.declined += offered_in and m["declined"]
        row.ongoing += ongoing
        if ended_in:
            row.ended += 1
            row.end_reasons[m["end_reason"] or NOT_RECORDED] += 1
            row.occupation_after[after] += 1
