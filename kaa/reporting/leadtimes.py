"""Lead times (*ledtider*): days from entering the register to the first contact attempt and to contact made.

Skolinspektionen found delays in identifying and contacting youths; these figures show them.

- An *entry* is the start of a stretch in the target group in the municipality (``scb.stretches_sql``:
  back-to-back periods make one stretch) that lies within the chosen range. A youth who entered
  twice in the range counts twice.
- The *first contact attempt* is the first ``ContactAttempt`` of any kind (to a guardian too) on or
  after the entry and before the stretch ended; *contact made* is the SCB file's definition
  (``scb.contacts``: reached, the youth got in touch, a reply by the youth, a meeting held).
- Days are counted up to today, so an entry late in the range may still be waiting: it counts in
  ``entered`` but not in the median and 90th percentile, which are of the entries that got there.
- The 90th percentile is the nearest rank: the smallest value at least 90 % of the values reach.

Each source is read in one query for the whole municipality, so the number of queries does not grow
with the number of youths.
"""

from __future__ import annotations

import datetime
import math
import statistics as stats
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Subquery
from django.utils import timezone

from kaa.accounts.models import User
from kaa.accounts.policy import Perm, municipalities_with, visible_youths
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.core.bulk import in_chunks
from kaa.outreach.models import ContactAttempt
from kaa.register.models import RegisterPeriod, Youth

from . import scb
from .periods import DateRange, day_start, local_day


@dataclass(frozen=True)
class Figures:
    """The lead times of a set of entries; None where no entry got there."""

    entered: int
    attempted: int
    contacted: int
    median_to_attempt: float | None
    p90_to_attempt: int | None
    median_to_contact: float | None
    p90_to_contact: int | None

    @property
    def waiting(self) -> int:
        """Entries not yet contacted."""
        return self.entered - self.contacted


@dataclass(frozen=True)
class CoachFigures:
    coach_id: int | None  # None: youths without a coach
    name: str
    figures: Figures


@dataclass(frozen=True)
class LeadTimes:
    start: datetime.date
    end: datetime.date
    municipality: Figures
    by_coach: list[CoachFigures]


@dataclass
class Entry:
    youth_id: int
    start: datetime.date
    end: datetime.date | None  # the first day out; None while the stretch runs
    attempt: datetime.date | None = None
    contact: datetime.date | None = None

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def percentile(values: list[int], share: float) -> int | None:
    """Nearest-rank percentile: the smallest value that ``share`` of the values are at most."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def figures_of(entries: list[Entry]) -> Figures:
    to_attempt = [(e.attempt - e.start).days for e in entries if e.attempt]
    to_contact = [(e.contact - e.start).days for e in entries if e.contact]
    return Figures(
        entered=len(entries),
        attempted=len(to_attempt),
        contacted=len(to_contact),
        median_to_attempt=float(stats.median(to_attempt)) if to_attempt else None,
        p90_to_attempt=percentile(to_attempt, 0.9),
        median_to_contact=float(stats.median(to_contact)) if to_contact else None,
        p90_to_contact=percentile(to_contact, 0.9),
    )


def _youth_ids(municipality: Any, span: DateRange, user: Any) -> Any:
    """The youths in the target group in the municipality on a day of ``span`` (that the user sees)."""
    touching = RegisterPeriod.objects.filter(scb._touching(span), municipality=municipality, in_target_group=True)
    if user is not None:
        touching = touching.filter(youth_id__in=visible_youths(user).values("pk"))
    if connection.vendor == "postgresql":
        # Read once and handed on as one array: the subquery nested in every source's subquery is
        # planned badly on PostgreSQL (tens of seconds before the tables' statistics are current).
        ids = list(touching.values_list("youth_id", flat=True).distinct())
        return Youth.objects.filter(pk__any=ids).values("pk")
    return Subquery(touching.values("youth_id"))


def _stretches_by_youth(youth_ids: Any) -> dict[int, list[scb.StretchRow]]:
    out: dict[int, list[scb.StretchRow]] = defaultdict(list)
    for stretch in scb.stretches(youth_ids):
        out[stretch.youth_id].append(stretch)
    return out


def _fill(entries: dict[int, list[Entry]], youth_ids: Any, now: datetime.datetime) -> None:
    """The first attempt and the first contact within each entry's stretch (one query per source)."""
    if not entries:
        return
    earliest = min(e.start for es in entries.values() for e in es)
    today = local_day(now)
    attempts = ContactAttempt.objects.filter(
        youth_id__in=youth_ids, at__gte=day_start(earliest), at__lt=day_start(today + datetime.timedelta(days=1))
    ).values_list("youth_id", "at")
    for youth_id, at in attempts.iterator(chunk_size=5000):
        day = local_day(at)
        for e in entries.get(youth_id, ()):
            if e.covers(day) and (e.attempt is None or day < e.attempt):
                e.attempt = day
    for youth_id, day in scb.contact_days(youth_ids, earliest, today, now):
        for e in entries.get(youth_id, ()):
            if e.covers(day) and (e.contact is None or day < e.contact):
                e.contact = day


def entries_in(
    *,
    municipality: Any,
    start: datetime.date,
    end: datetime.date,
    user: Any = None,
    now: datetime.datetime | None = None,
) -> dict[int, list[Entry]]:
    """Per youth, the entries (stretch starts) within [start, end], with their first attempt and contact."""
    now = now or timezone.now()
    youth_ids = _youth_ids(municipality, DateRange(start, end), user)
    entries: dict[int, list[Entry]] = {}
    for youth_id, stretches in _stretches_by_youth(youth_ids).items():
        found = [
            Entry(youth_id, s.start, s.end)
            for s in stretches
            if s.municipality_id == municipality.pk and start <= s.start <= end
        ]
        if found:
            entries[youth_id] = found
    _fill(entries, youth_ids, now)
    return entries


def _coach_names(coach_ids: set[int]) -> dict[int, str]:
    users = User.objects.filter(pk__in=coach_ids).only("pk", "first_name", "last_name", "username")
    return {u.pk: (u.get_full_name() or u.get_username()) for u in users}


def lead_times(
    *,
    municipality: Any,
    start: datetime.date,
    end: datetime.date,
    user: Any = None,
    now: datetime.datetime | None = None,
) -> LeadTimes:
    """Lead times of the entries into the municipality's register within [start, end], for the
    municipality and per coach (the youth's coach now). With ``user``, only the youths the user sees
    (kaa.accounts.policy); without, every youth (commands, the follow-up's aggregates)."""
    entries = entries_in(municipality=municipality, start=start, end=end, user=user, now=now)
    # By the entries' ids (one array parameter on PostgreSQL): the nested subquery plans badly.
    coach_of: dict[int, int | None] = {}
    for chunk in in_chunks(Youth.objects.all(), "pk", entries):
        coach_of.update(chunk.values_list("pk", "coach_id"))
    per_coach: dict[int | None, list[Entry]] = defaultdict(list)
    for youth_id, es in entries.items():
        per_coach[coach_of.get(youth_id)].extend(es)
    names = _coach_names({c for c in per_coach if c is not None})
    by_coach = [
        CoachFigures(coach_id, names.get(coach_id, "") if coach_id else "", figures_of(es))
        for coach_id, es in per_coach.items()
    ]
    by_coach.sort(key=lambda c: (c.coach_id is None, c.name.casefold(), c.coach_id or 0))
    everything = [e for es in entries.values() for e in es]
    return LeadTimes(start=start, end=end, municipality=figures_of(everything), by_coach=by_coach)


@dataclass(frozen=True)
class Waiting:
    """A youth in the register not yet contacted in the current stretch (the record id, never a personnummer)."""

    youth_id: int
    name: str
    since: datetime.date
    days: int
    attempted: bool
    coach: str


def waiting_longest(*, user: Any, municipality: Any, now: datetime.datetime | None = None) -> list[Waiting]:
    """The youths in the register now whom the user sees, not contacted since entering, longest first."""
    now = now or timezone.now()
    today = local_day(now)
    youths = visible_youths(user).filter(municipality=municipality, in_target_group=True)
    youth_ids = Subquery(youths.values("pk"))
    entries: dict[int, list[Entry]] = {}
    for youth_id, stretches in _stretches_by_youth(youth_ids).items():
        current = stretches[-1] if stretches else None
        if current is not None and current.end is None and current.municipality_id == municipality.pk:
            entries[youth_id] = [Entry(youth_id, current.start, None)]
    _fill(entries, youth_ids, now)
    waiting = {youth_id: es[0] for youth_id, es in entries.items() if es[0].contact is None}
    if not waiting:
        return []
    people = {
        pk: (f"{family}, {given}".strip(", "), coach)
        for pk, given, family, coach in youths.values_list("pk", "given_name", "family_name", "coach_id")
        if pk in waiting
    }
    names = _coach_names({coach for _name, coach in people.values() if coach})
    out = [
        Waiting(
            youth_id=youth_id,
            name=people[youth_id][0] or f"#{youth_id}",
            since=e.start,
            days=(today - e.start).days,
            attempted=e.attempt is not None,
            coach=names.get(people[youth_id][1], "") if people[youth_id][1] else "",
        )
        for youth_id, e in waiting.items()
        if youth_id in people
    ]
    out.sort(key=lambda w: (w.since, w.youth_id))
    return out


DASHBOARD_DAYS = 365  # the start page shows the entries of the last twelve months
DASHBOARD_WAITING = 5


DASHBOARD_CACHE_SECONDS = 600  # lead times need not be to the minute; the start page is loaded often


def _dashboard_figures(user: Any, municipality: Any, now: datetime.datetime) -> dict[str, Any]:
    """The section's figures for one municipality, kept a while per user and day (the scope is the user's)."""
    today = local_day(now)
    key = f"reporting:lead_times:{user.pk}:{municipality.pk}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        start = today - datetime.timedelta(days=DASHBOARD_DAYS)
        waiting = waiting_longest(user=user, municipality=municipality, now=now)
        found = {
            "start": start,
            "end": today,
            "times": lead_times(municipality=municipality, start=start, end=today, user=user, now=now),
            "waiting": waiting[:DASHBOARD_WAITING],
            "waiting_total": len(waiting),
        }
        cache.set(key, found, DASHBOARD_CACHE_SECONDS)
    return found


def dashboard_context(user: Any) -> dict[str, Any]:
    """The coordinator's start page: per municipality the lead times of the last year and the youths
    waiting longest (audited, at every showing, as a listing of those shown)."""
    now = timezone.now()
    out = []
    shown: list[tuple[int, int]] = []
    for municipality in municipalities_with(user, Perm.ASSIGN):
        figures = _dashboard_figures(user, municipality, now)
        shown.extend((w.youth_id, municipality.pk) for w in figures["waiting"])
        out.append({"municipality": municipality, **figures})
    _audit_listing(user, shown, "lead_times_dashboard")
    return {"municipalities": out}


def _audit_listing(user: Any, youths: list[tuple[int, int]], detail: str) -> None:
    if youths:
        audit_records(user=user, action=AuditAction.LIST, object_type="youth", youths=youths, detail=detail)


def audit_waiting_page(*, user: Any, municipality: Any, rows: list[Waiting]) -> None:
    _audit_listing(user, [(w.youth_id, municipality.pk) for w in rows], "lead_times_waiting")
