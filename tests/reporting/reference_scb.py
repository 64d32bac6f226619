"""Reference only (tests): the SCB file as computed before issue 13's last point, in Python per row.

``tests/reporting/test_reference.py`` compares kaa.reporting.scb (whose definitions now live in SQL)
with this on random registers. Kept as it was, apart from the imports.

The half-year statistics to SCB (INTERFACES.md "Statistics to SCB"), computed set-based.

Everything is read from what is already recorded, never kept a second time:
- who, registration and de-registration: ``register.RegisterPeriod`` (a *stretch* is a run of
  back-to-back periods in the target group in one municipality; its reason is the reason it
  started with, the youth's situation at registration);
- the first contact: outreach contact attempts reached to the youth (not a guardian), contacts the
  youth started, replies on the public page by the youth, and meetings held (a first meeting whose
  time has passed; a non-confidential journal entry of the kind meeting);
- occupations and measures: case work (``casework.Occupation``, ``casework.Measure``).

The codes written are the code table's (DOMAIN.md §10) rows valid in the half-year: a stored code
is written as the SCB code of the valid row that is that code or maps from it (``maps_from``).

Each source is read in one query over the whole municipality (a subquery selects the youths), so
the number of queries does not grow with the number of youths.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import F, Max, Min, Q, Subquery
from django.utils import timezone

from kaa.casework.codes import OTHER_DEREGISTRATION, OTHER_MEASURE
from kaa.casework.models import ActionPlan, Code, CodeKind, JournalEntry, JournalKind, Measure, Occupation
from kaa.messaging.services import REPLY_EVENT
from kaa.outreach.models import Channel, ContactAttempt, FirstMeeting, Outcome
from kaa.register.models import RegisterPeriod, Youth, YouthEvent
from kaa.reporting.periods import Span, day_start, local_day

COLUMNS = ("personnummer", "kommunkod", "registreringsdatum", "registreringsorsak", "forstagangsregistrerad",
           "kontaktdatum", "sysselsattning_vid_kontakt", "atgard", "atgard_startdatum", "tackat_nej",
           "atgard_slutdatum", "sysselsattning_efter_atgard", "avregistreringsdatum", "avregistreringsorsak")
UNKNOWN_OCCUPATION = "okand"
MOVED_OUT = "ej_folkbokford"  # the register's reason when the youth is registered elsewhere
NO_ATTEMPT_DAYS = 30

# Problem kinds of the pre-submission check; errors first.
ERROR, WARNING = "error", "warning"
NO_REASON = "no_reason"
CODE_NOT_VALID = "code_not_valid"
OTHER_WITHOUT_WHICH = "other_without_which"
END_BEFORE_START = "end_before_start"
NO_OCCUPATION_AT_CONTACT = "no_occupation_at_contact"
NEVER_CONTACTED = "never_contacted"
SEVERITY = {NO_REASON: ERROR, CODE_NOT_VALID: ERROR, OTHER_WITHOUT_WHICH: ERROR, END_BEFORE_START: ERROR,
            NO_OCCUPATION_AT_CONTACT: WARNING, NEVER_CONTACTED: WARNING}


class PeriodRow(NamedTuple):
    """A register period as read for the statistics (tuples, not model instances: bounded memory)."""

    youth_id: int
    municipality_id: int
    in_target_group: bool
    reason: str
    valid_from: datetime.date
    valid_to: datetime.date | None


class OccupationRow(NamedTuple):
    start: datetime.date
    code: str


class MeasureRow(NamedTuple):
    youth_id: int
    code: str
    start: datetime.date
    end: datetime.date | None
    declined: bool
    other_which: str


MEASURE_FIELDS = ("youth_id", "code", "start", "end", "declined", "other_which")


@dataclass(frozen=True)
class Problem:
    youth_id: int
    kind: str
    detail: str = ""  # a code or a date, never personal data

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind]


@dataclass
class Stretch:
    start: datetime.date
    end: datetime.date | None  # exclusive: the first day out; None while it runs
    reason: str
    municipality_id: int


@dataclass
class YouthStatistics:
    youth_id: int
    personnummer: str
    stretch: Stretch
    first_time: bool
    contact_day: datetime.date | None = None
    occupation_at_contact: str | None = None
    ever_contacted: bool = False
    last_attempt: datetime.date | None = None
    planned: bool = False
    deregistration_day: datetime.date | None = None
    deregistration_reason: str = ""  # the register's out-reason
    measures: list[MeasureRow] = field(default_factory=list)
    occupations: list[OccupationRow] = field(default_factory=list)

    def occupation_on(self, day: datetime.date) -> str | None:
        current = None
        for o in self.occupations:  # ordered by start
            if o.start > day:
                break
            current = o.code
        return current

    @property
    def in_measure(self) -> bool:
        return any(not m.declined for m in self.measures)


@dataclass
class Statistics:
    period: Span
    municipality: Any
    youths: list[YouthStatistics]
    rows: list[list[str]]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def shares(self) -> dict[str, int]:
        """Youths of the file: all, contacted within the half-year, with an action plan, in a measure."""
        return {"youths": len(self.youths), "contacted": sum(1 for y in self.youths if y.contact_day),
                "planned": sum(1 for y in self.youths if y.planned),
                "in_measure": sum(1 for y in self.youths if y.in_measure)}


class ScbCodes:
    """The code table as it stands for one half-year."""

    def __init__(self, period: Span) -> None:
        self.period = period
        self._cache: dict[tuple[str, str], str | None] = {}
        self.rows: dict[str, list[Code]] = defaultdict(list)
        for code in Code.objects.order_by("kind", "order", "code"):
            self.rows[code.kind].append(code)

    def _valid(self, code: Code) -> bool:
        return ((code.valid_from is None or code.valid_from <= self.period.end)
                and (code.valid_to is None or code.valid_to >= self.period.start))

    def lookup(self, kind: str, value: str) -> str | None:
        """The SCB code written for a stored code (or a register reason); None when no valid row has it."""
        key = (kind, value)
        if key not in self._cache:
            self._cache[key] = self._lookup(kind, value)
        return self._cache[key]

    def _lookup(self, kind: str, value: str) -> str | None:
        if not value:
            return None
        rows = [c for c in self.rows.get(kind, ()) if self._valid(c)]
        for c in rows:
            if c.code == value:
                return c.scb_code or c.code
        for c in rows:
            if value in c.maps_from.split():
                return c.scb_code or c.code
        return None

    def deregistration(self, register_reason: str) -> str:
        found = self.lookup(CodeKind.DEREGISTRATION, register_reason)
        if found is None:
            found = self.lookup(CodeKind.DEREGISTRATION, OTHER_DEREGISTRATION)
        return found or ""


def _touching(period: Span) -> Q:
    return Q(valid_from__lte=period.end) & (Q(valid_to__isnull=True) | Q(valid_to__gt=period.start))


def _stretches(periods: list[PeriodRow]) -> list[Stretch]:
    """Back-to-back periods in the target group, in one municipality, make one stretch."""
    out: list[Stretch] = []
    for p in periods:
        if not p.in_target_group:
            continue
        last = out[-1] if out else None
        if last is not None and last.end == p.valid_from and last.municipality_id == p.municipality_id:
            last.end = p.valid_to
        else:
            out.append(Stretch(p.valid_from, p.valid_to, p.reason, p.municipality_id))
    return out


def _first_contacts(youths: Any, since: datetime.date | None, until: datetime.date,
                    now: datetime.datetime) -> dict[int, datetime.date]:
    """The first day in [since, until] with contact made with each youth (one query per source)."""
    lo = day_start(since) if since else None
    hi = day_start(until + datetime.timedelta(days=1))

    def at_range(name: str) -> Q:
        q = Q(**{f"{name}__lt": hi})
        return q & Q(**{f"{name}__gte": lo}) if lo else q

    first: dict[int, datetime.date] = {}

    def keep(youth_id: int, day: datetime.date) -> None:
        if youth_id not in first or day < first[youth_id]:
            first[youth_id] = day

    attempts = (ContactAttempt.objects.filter(youth_id__in=youths, to_guardian=False)
                .filter(Q(outcome=Outcome.REACHED) | Q(channel=Channel.YOUTH_INITIATED)).filter(at_range("at"))
                .values("youth_id").annotate(first=Min("at")))
    for row in attempts:
        keep(row["youth_id"], local_day(row["first"]))
    replies = (YouthEvent.objects.filter(youth_id__in=youths, kind=REPLY_EVENT).filter(at_range("occurred_at"))
               .exclude(data__respondent="guardian").values("youth_id").annotate(first=Min("occurred_at")))
    for row in replies:
        keep(row["youth_id"], local_day(row["first"]))
    meetings = (FirstMeeting.objects.filter(youth_id__in=youths, at__lte=now).filter(at_range("at"))
                .values("youth_id").annotate(first=Min("at")))
    for row in meetings:
        keep(row["youth_id"], local_day(row["first"]))
    journal = JournalEntry.objects.filter(youth_id__in=youths, kind=JournalKind.MEETING, confidential=False,
                                          occurred_on__lte=min(until, local_day(now)))
    if since:
        journal = journal.filter(occurred_on__gte=since)
    for row in journal.values("youth_id").annotate(first=Min("occurred_on")):
        keep(row["youth_id"], row["first"])
    return first


def compute(*, municipality: Any, period: Span, now: datetime.datetime | None = None) -> Statistics:
    """The SCB file's rows and the pre-submission check's problems for one municipality and half-year."""
    now = now or timezone.now()
    today = local_day(now)
    reference = min(period.end, today)  # "now" for the checks: the half-year's end, or today while it runs
    in_file = (RegisterPeriod.objects.filter(_touching(period), municipality=municipality, in_target_group=True)
               .values("youth_id"))
    youth_ids = Subquery(in_file)

    # Register history of these youths, everywhere in the installation (first time, where they went).
    periods: dict[int, list[PeriodRow]] = defaultdict(list)
    history_rows = (RegisterPeriod.objects.filter(youth_id__in=youth_ids).order_by("youth_id", "valid_from", "pk")
                    .values_list(*PeriodRow._fields))
    for row in history_rows.iterator(chunk_size=5000):
        periods[row[0]].append(PeriodRow(*row))
    personnummer = dict(Youth.objects.filter(pk__in=youth_ids).values_list("pk", "personnummer"))

    youths: dict[int, YouthStatistics] = {}
    for youth_id, history in periods.items():
        stretches = _stretches(history)
        touching = [s for s in stretches if s.municipality_id == municipality.pk and s.start <= period.end
                    and (s.end is None or s.end > period.start)]
        if not touching:
            continue
        latest = touching[-1]
        y = YouthStatistics(youth_id=youth_id, personnummer=personnummer[youth_id], stretch=latest,
                            first_time=not any(s.start < latest.start for s in stretches))
        if latest.end is not None and period.start < latest.end <= period.end + datetime.timedelta(days=1):
            y.deregistration_day = latest.end
            after = next((p for p in history if p.valid_from == latest.end), None)
            if after is None:
                y.deregistration_reason = ""
            elif after.in_target_group or after.municipality_id != municipality.pk:
                y.deregistration_reason = MOVED_OUT if after.in_target_group else after.reason
            else:
                y.deregistration_reason = after.reason
        youths[youth_id] = y

    for youth_id, day in _first_contacts(youth_ids, period.start, period.end, now).items():
        if youth_id in youths:
            youths[youth_id].contact_day = day
    for youth_id in _first_contacts(youth_ids, None, reference, now):
        if youth_id in youths:
            youths[youth_id].ever_contacted = True
    until = day_start(reference + datetime.timedelta(days=1))
    last_attempts = (ContactAttempt.objects.filter(youth_id__in=youth_ids, at__lt=until)
                     .values("youth_id").annotate(last=Max("at")))
    for row in last_attempts:
        if row["youth_id"] in youths:
            youths[row["youth_id"]].last_attempt = local_day(row["last"])
    for youth_id in ActionPlan.objects.filter(youth_id__in=youth_ids).values_list("youth_id", flat=True):
        if youth_id in youths:
            youths[youth_id].planned = True
    occupations = (Occupation.objects.filter(youth_id__in=youth_ids).order_by("youth_id", "start", "pk")
                   .values_list("youth_id", "start", "code"))
    for youth_id, start, code in occupations.iterator(chunk_size=5000):
        if youth_id in youths:
            youths[youth_id].occupations.append(OccupationRow(start, code))
    measures = (Measure.objects.filter(youth_id__in=youth_ids, waiting=False, start__lte=period.end)
                # A measure whose end lies before its start is kept by its start: the check reports it.
                # A declined offer without an end touches only the day it was offered.
                .filter(Q(end__isnull=True, declined=False) | Q(end__gte=period.start)
                        | Q(end__isnull=True, declined=True, start__gte=period.start)
                        | Q(end__lt=F("start"), start__gte=period.start))
                .order_by("youth_id", "start", "pk").values_list(*MEASURE_FIELDS))
    for row in measures.iterator(chunk_size=5000):
        if row[0] in youths:
            youths[row[0]].measures.append(MeasureRow(*row))
    for y in youths.values():
        if y.contact_day:
            y.occupation_at_contact = y.occupation_on(y.contact_day)

    codes = ScbCodes(period)
    ordered = sorted(youths.values(), key=lambda y: y.personnummer)
    rows: list[list[str]] = []
    problems: list[Problem] = []
    for y in ordered:
        rows.extend(_rows(y, municipality.code, period, codes, problems))
        problems.extend(_youth_problems(y, reference))
    problems.sort(key=lambda p: (SEVERITY[p.kind] != ERROR, p.youth_id, p.kind, p.detail))
    return Statistics(period=period, municipality=municipality, youths=ordered, rows=rows, problems=problems)


def _date(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _code(codes: ScbCodes, kind: str, value: str, youth_id: int, problems: list[Problem]) -> str:
    found = codes.lookup(kind, value)
    if found is None:
        problems.append(Problem(youth_id, CODE_NOT_VALID, value))
        return value
    return found


def _rows(y: YouthStatistics, municipality_code: str, period: Span, codes: ScbCodes,
          problems: list[Problem]) -> list[list[str]]:
    reason = codes.lookup(CodeKind.REGISTRATION_REASON, y.stretch.reason)
    if reason is None:
        problems.append(Problem(y.youth_id, NO_REASON, y.stretch.reason))
        reason = ""
    contact = ""
    if y.contact_day:
        contact = _code(codes, CodeKind.OCCUPATION, y.occupation_at_contact or UNKNOWN_OCCUPATION, y.youth_id,
                        problems)
    head = [y.personnummer, municipality_code, _date(y.stretch.start), reason, "ja" if y.first_time else "nej",
            _date(y.contact_day), contact]
    tail = [_date(y.deregistration_day),
            codes.deregistration(y.deregistration_reason) if y.deregistration_day else ""]
    if not y.measures:
        return [[*head, "", "", "", "", "", *tail]]
    out = []
    for m in y.measures:
        ended = m.end is not None and m.end <= period.end
        after = ""
        if ended and not m.declined:
            after = _code(codes, CodeKind.OCCUPATION, y.occupation_on(m.end + datetime.timedelta(days=1))
                          or UNKNOWN_OCCUPATION, y.youth_id, problems)
        out.append([*head, _code(codes, CodeKind.MEASURE, m.code, y.youth_id, problems), _date(m.start),
                    "ja" if m.declined else "nej", _date(m.end) if ended else "", after, *tail])
    return out


def _youth_problems(y: YouthStatistics, reference: datetime.date) -> list[Problem]:
    out = []
    if y.contact_day and y.occupation_at_contact is None:
        out.append(Problem(y.youth_id, NO_OCCUPATION_AT_CONTACT, y.contact_day.isoformat()))
    for m in y.measures:
        if m.code == OTHER_MEASURE and not m.other_which.strip():
            out.append(Problem(y.youth_id, OTHER_WITHOUT_WHICH, m.start.isoformat()))
        if m.end is not None and m.end < m.start:
            out.append(Problem(y.youth_id, END_BEFORE_START, m.start.isoformat()))
    still_in = y.stretch.end is None or y.stretch.end > reference
    if still_in and not y.ever_contacted and (
            y.last_attempt is None or (reference - y.last_attempt).days > NO_ATTEMPT_DAYS):
        out.append(Problem(y.youth_id, NEVER_CONTACTED, y.last_attempt.isoformat() if y.last_attempt else ""))
    return out
