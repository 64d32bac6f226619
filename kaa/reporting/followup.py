"""The June follow-up (seed 001 §7) for any range of days: ``GET /api/v1/reports/follow-up`` and its page.

Counts are of youths, with the SCB file's definitions (kaa.reporting.scb) applied to the range: the
same youths, stretches, first contact (and its channel), measures and codes, computed once by
``scb.youth_statistics``, which also gives the first attempt and the first contact since each
youth's stretch started (the lead times) and each youth's first measure ever.
"""

from __future__ import annotations

import datetime
import statistics as stats
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kaa.casework.models import CodeKind, Measure

from . import scb
from .periods import DateRange

PUBLIC_PAGE = scb.PUBLIC_PAGE  # a reply on the public page
MEETING = scb.MEETING  # a meeting held


def _median(values: list[int]) -> float | None:
    return float(stats.median(values)) if values else None


# Time in the register (seed 001 §7 "registreringstid"), as buckets of days: (key, from, to exclusive).
TIME_BUCKETS = (("under_3_months", 0, 91), ("3_to_6_months", 91, 183), ("6_to_12_months", 183, 365),
                ("over_a_year", 365, None))


@dataclass(frozen=True)
class FollowUpReport:
    """The follow-up as the page, the PDF and the XLSX show it.

    ``figures`` are exactly the API's (INTERFACES.md); besides them, the youths per activity of the
    activity bank (title: youths with a measure on it touching the range, not declined, not
    waiting) and per bucket of time in the register (``TIME_BUCKETS``).
    """

    figures: dict
    activities: dict[str, int]
    time_in_register: dict[str, int]


def follow_up(*, municipality: Any, start: datetime.date, end: datetime.date,
              now: datetime.datetime | None = None, youths: list[scb.YouthStatistics] | None = None) -> dict:
    """The follow-up's figures for persons in the target group on at least one day of [start, end].

    ``youths``: ``scb.youth_statistics`` for the same municipality, range and ``now`` when the caller
    has it already (the board's counts), so it is not computed twice."""
    return follow_up_report(municipality=municipality, start=start, end=end, now=now, youths=youths).figures


def _activities(youth_ids: Any, youths: dict, start: datetime.date, end: datetime.date) -> dict[str, int]:
    rows = (Measure.objects.filter(youth_id__in=youth_ids, waiting=False, declined=False, activity__isnull=False,
                                   start__lte=end)
            .filter(Q(end__isnull=True) | Q(end__gte=start))
            .values_list("youth_id", "activity__title"))
    # A youth counts once per activity, however many of its measures used it.
    pairs = {(youth_id, title) for youth_id, title in rows.iterator(chunk_size=5000) if youth_id in youths}
    counts = Counter(title for _youth_id, title in pairs)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _time_buckets(days: list[int]) -> dict[str, int]:
    counts = dict.fromkeys((key for key, _lo, _hi in TIME_BUCKETS), 0)
    for n, times in Counter(days).items():  # a few hundred distinct values among the youths
        key = next(k for k, lo, hi in TIME_BUCKETS if n >= lo and (hi is None or n < hi))
        counts[key] += times
    return counts


def _mapped(raw: Counter, code: Any) -> Counter:
    """Counts of stored values as counts of the codes written for them (several values may map to one)."""
    out: Counter = Counter()
    for value, n in raw.items():
        out[code(value)] += n
    return out


def follow_up_report(*, municipality: Any, start: datetime.date, end: datetime.date,
                     now: datetime.datetime | None = None,
                     youths: list[scb.YouthStatistics] | None = None) -> FollowUpReport:
    """The follow-up's figures (the API's) with the activities and the time in the register (``youths``:
    as for ``follow_up``)."""
    now = now or timezone.now()
    span = DateRange(start, end)
    if youths is None:
        youths = scb.youth_statistics(municipality=municipality, period=span, now=now)
    by_id = {y.youth_id: y for y in youths}
    codes = scb.ScbCodes(span)

    def code(kind: str, value: str) -> str:
        return codes.lookup(kind, value) or value

    def reason_code(value: str) -> str:
        return code(CodeKind.REGISTRATION_REASON, value)

    def occupation_code(value: str) -> str:
        return code(CodeKind.OCCUPATION, value)

    # Stored values are counted first and then mapped: a code per distinct value, not per youth.
    by_reason = _mapped(Counter(y.stretch.reason for y in by_id.values()), reason_code)
    occupation_at_contact = _mapped(Counter(y.occupation_at_contact or scb.UNKNOWN_OCCUPATION
                                            for y in by_id.values() if y.contact_day), occupation_code)
    measure_codes: dict[str, str] = {}
    measures: Counter[str] = Counter()
    for y in by_id.values():
        if y.measures:
            taken = set()
            for m in y.measures:
                if not m.declined:
                    found = measure_codes.get(m.code)
                    if found is None:
                        found = measure_codes[m.code] = code(CodeKind.MEASURE, m.code)
                    taken.add(found)
            measures.update(taken)
    occupation_now = _mapped(Counter(y.occupation_on(end) or scb.UNKNOWN_OCCUPATION for y in by_id.values()),
                             occupation_code)
    # Stretches that ended within the range (the file's de-registration), by de-registration code.
    left = Counter(codes.deregistration(y.deregistration_reason) for y in by_id.values() if y.deregistration_day)
    after_end = end + datetime.timedelta(days=1)
    days_in_register = [(min(y.stretch.end or after_end, after_end) - y.stretch.start).days for y in by_id.values()]
    figures = {
        "in_register": len(by_id),
        "by_reason": dict(sorted(by_reason.items())),
        "first_time": sum(1 for y in by_id.values() if y.first_time),
        "contacted": sum(1 for y in by_id.values() if y.contact_day),
        "by_channel": dict(sorted(Counter(y.contact_channel for y in by_id.values() if y.contact_day).items())),
        "occupation_at_contact": dict(sorted(occupation_at_contact.items())),
        "measures": dict(sorted(measures.items())),
        "youths_in_measure": sum(1 for y in by_id.values() if y.in_measure),
        "declined_first_measure": sum(1 for y in by_id.values() if y.first_measure is not None
                                      and y.first_measure[1] and start <= y.first_measure[0] <= end),
        "occupation_now": dict(sorted(occupation_now.items())),
        "median_days_in_register": _median(days_in_register),
        "median_days_to_first_attempt": _median([(y.first_attempt_in_stretch - y.stretch.start).days
                                                 for y in by_id.values() if y.first_attempt_in_stretch]),
        "median_days_to_contact": _median([(y.first_contact_in_stretch - y.stretch.start).days
                                           for y in by_id.values() if y.first_contact_in_stretch]),
        "left": dict(sorted(left.items())),
    }
    return FollowUpReport(figures=figures, activities=_activities(scb.in_file(municipality, span), by_id, start, end),
                          time_in_register=_time_buckets(days_in_register))
