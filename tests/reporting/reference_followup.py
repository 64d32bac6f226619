"""Reference only (tests): the follow-up as computed before issue 13's last point (see reference_scb).

The June follow-up (seed 001 §7) for any range of days: ``GET /api/v1/reports/follow-up`` and its page.

Counts are of youths, with the SCB file's definitions (kaa.reporting.scb) applied to the range: the
same youths, stretches, first contact, measures and codes. What the file does not need is read here
in a fixed number of queries: the channel of the first contact, the first attempt and the first
contact since each youth's stretch started (the lead times), and each youth's first measure ever.
"""

from __future__ import annotations

import datetime
import statistics as stats
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Subquery
from django.utils import timezone

from kaa.casework.models import CodeKind, JournalEntry, JournalKind, Measure
from kaa.messaging.services import REPLY_EVENT
from kaa.outreach.models import Channel, ContactAttempt, FirstMeeting, Outcome
from kaa.register.models import RegisterPeriod, YouthEvent
from kaa.reporting.periods import DateRange, day_start, local_day

from . import reference_scb as scb

PUBLIC_PAGE = "public_page"  # a reply on the public page
MEETING = "meeting"  # a meeting held


def _contacts(youth_ids: Any, since: datetime.date, until: datetime.date,
              now: datetime.datetime) -> Iterator[tuple[int, datetime.date, str]]:
    """Every contact made with the youths in [since, until]: (youth id, day, channel), streamed."""
    lo, hi = day_start(since), day_start(until + datetime.timedelta(days=1))
    attempts = (ContactAttempt.objects.filter(youth_id__in=youth_ids, to_guardian=False, at__gte=lo, at__lt=hi)
                .filter(Q(outcome=Outcome.REACHED) | Q(channel=Channel.YOUTH_INITIATED))
                .values_list("youth_id", "at", "channel"))
    for youth_id, at, channel in attempts.iterator(chunk_size=5000):
        yield youth_id, local_day(at), channel
    replies = (YouthEvent.objects.filter(youth_id__in=youth_ids, kind=REPLY_EVENT, occurred_at__gte=lo,
                                         occurred_at__lt=hi)
               .exclude(data__respondent="guardian").values_list("youth_id", "occurred_at"))
    for youth_id, at in replies.iterator(chunk_size=5000):
        yield youth_id, local_day(at), PUBLIC_PAGE
    meetings = FirstMeeting.objects.filter(youth_id__in=youth_ids, at__gte=lo, at__lt=hi, at__lte=now)
    for youth_id, at in meetings.values_list("youth_id", "at").iterator(chunk_size=5000):
        yield youth_id, local_day(at), MEETING
    journal = JournalEntry.objects.filter(youth_id__in=youth_ids, kind=JournalKind.MEETING, confidential=False,
                                          occurred_on__gte=since, occurred_on__lte=min(until, local_day(now)))
    for youth_id, day in journal.values_list("youth_id", "occurred_on").iterator(chunk_size=5000):
        yield youth_id, day, MEETING


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
              now: datetime.datetime | None = None) -> dict:
    """The follow-up's figures for persons in the target group on at least one day of [start, end]."""
    return follow_up_report(municipality=municipality, start=start, end=end, now=now).figures


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
    for n in days:
        key = next(k for k, lo, hi in TIME_BUCKETS if n >= lo and (hi is None or n < hi))
        counts[key] += 1
    return counts


def follow_up_report(*, municipality: Any, start: datetime.date, end: datetime.date,
                     now: datetime.datetime | None = None) -> FollowUpReport:
    """The follow-up's figures (the API's) with the activities and the time in the register."""
    now = now or timezone.now()
    span = DateRange(start, end)
    result = scb.compute(municipality=municipality, period=span, now=now)
    codes = scb.ScbCodes(span)
    youths = {y.youth_id: y for y in result.youths}
    youth_ids = Subquery(RegisterPeriod.objects.filter(scb._touching(span), municipality=municipality,
                                                       in_target_group=True).values("youth_id"))
    earliest = min((y.stretch.start for y in youths.values()), default=start)

    # First contact in the range (its channel) and first contact since the stretch started (lead time).
    first_in_range: dict[int, tuple[datetime.date, str]] = {}
    first_since_start: dict[int, datetime.date] = {}
    for youth_id, day, channel in _contacts(youth_ids, earliest, end, now):
        y = youths.get(youth_id)
        if y is None:
            continue
        if start <= day and (youth_id not in first_in_range or day < first_in_range[youth_id][0]):
            first_in_range[youth_id] = (day, channel)
        if day >= y.stretch.start and (youth_id not in first_since_start or day < first_since_start[youth_id]):
            first_since_start[youth_id] = day
    first_attempt: dict[int, datetime.date] = {}
    attempts = ContactAttempt.objects.filter(youth_id__in=youth_ids, at__gte=day_start(earliest),
                                             at__lt=day_start(end + datetime.timedelta(days=1)))
    for youth_id, at in attempts.values_list("youth_id", "at").iterator(chunk_size=5000):
        y, day = youths.get(youth_id), local_day(at)
        if y is not None and day >= y.stretch.start and day < first_attempt.get(youth_id, datetime.date.max):
            first_attempt[youth_id] = day
    first_measure: dict[int, tuple[datetime.date, bool]] = {}
    measure_rows = (Measure.objects.filter(youth_id__in=youth_ids, waiting=False).order_by("youth_id", "start", "pk")
                    .values_list("youth_id", "start", "declined"))
    for youth_id, measure_start, declined in measure_rows.iterator(chunk_size=5000):
        first_measure.setdefault(youth_id, (measure_start, declined))

    def code(kind: str, value: str) -> str:
        return codes.lookup(kind, value) or value

    by_reason = Counter(code(CodeKind.REGISTRATION_REASON, y.stretch.reason) for y in youths.values())
    occupation_at_contact = Counter(code(CodeKind.OCCUPATION, y.occupation_at_contact or scb.UNKNOWN_OCCUPATION)
                                    for y in youths.values() if y.contact_day)
    measures: Counter[str] = Counter()
    for y in youths.values():
        for measure_code in {code(CodeKind.MEASURE, m.code) for m in y.measures if not m.declined}:
            measures[measure_code] += 1
    occupation_now = Counter(code(CodeKind.OCCUPATION, y.occupation_on(end) or scb.UNKNOWN_OCCUPATION)
                             for y in youths.values())
    # Stretches that ended within the range (the file's de-registration), by de-registration code.
    left = Counter(codes.deregistration(y.deregistration_reason) for y in youths.values() if y.deregistration_day)
    after_end = end + datetime.timedelta(days=1)
    days_in_register = [(min(y.stretch.end or after_end, after_end) - y.stretch.start).days for y in youths.values()]
    figures = {
        "in_register": len(youths),
        "by_reason": dict(sorted(by_reason.items())),
        "first_time": sum(1 for y in youths.values() if y.first_time),
        "contacted": sum(1 for y in youths.values() if y.contact_day),
        "by_channel": dict(sorted(Counter(channel for _day, channel in first_in_range.values()).items())),
        "occupation_at_contact": dict(sorted(occupation_at_contact.items())),
        "measures": dict(sorted(measures.items())),
        "youths_in_measure": sum(1 for y in youths.values() if y.in_measure),
        "declined_first_measure": sum(1 for youth_id, (offered, declined) in first_measure.items()
                                      if declined and start <= offered <= end and youth_id in youths),
        "occupation_now": dict(sorted(occupation_now.items())),
        "median_days_in_register": _median(days_in_register),
        "median_days_to_first_attempt": _median([(day - youths[i].stretch.start).days
                                                 for i, day in first_attempt.items()]),
        "median_days_to_contact": _median([(day - youths[i].stretch.start).days
                                           for i, day in first_since_start.items()]),
        "left": dict(sorted(left.items())),
    }
    return FollowUpReport(figures=figures, activities=_activities(youth_ids, youths, start, end),
                          time_in_register=_time_buckets(days_in_register))
