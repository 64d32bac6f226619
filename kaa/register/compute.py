"""Applying the target-group rules to the stored facts and recording every change (set-based).

``register_compute`` decides each candidate youth (``rules.decide``) and compares the decision with
the youth's open ``RegisterPeriod``. A new status or reason closes the open period on the new
``since`` and opens a new one from there; a move between in and out also writes a
``register.entered`` / ``register.left`` event. The first computation of a youth opens its first
period on ``since`` (a backfill of the current status). The cache fields on ``Youth`` are updated
in bulk. Youths are read in chunks, with plain tuples (no model instances), a constant number of
queries a chunk. Running it twice changes nothing.

Retroactive facts: when the new ``since`` lies before the open period's start (a correction about
the past), the open period is re-labelled instead of being cut to nothing. A computation for a date
before the open period's start (``--date`` in the past after a later run) leaves that youth alone:
history is not rewritten backwards.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kaa.core.bulk import bulk_insert, bulk_set, plain_rows
from kaa.organisations.models import Municipality

from .hooks import youths_entered
from .locks import lock_facts_for_computing
from .models import Enrolment, RegisterPeriod, Youth, YouthEvent
from .rules import Decision, EnrolmentFacts, Facts, decide, next_change_date

CHUNK = 5000
ONE_DAY = datetime.timedelta(days=1)
IdRange = tuple[int, int | None]  # youth ids [low, high); high None: no upper bound
# What ``rules.decide`` reads of a youth row, and the stored decision (the cache fields) it is compared with.
FACT_FIELDS = ("birth_date", "in_population", "municipality_code", "registered_from", "immigration_date",
               "population_status", "population_status_date")
CACHE_FIELDS = ("in_target_group", "register_reason", "register_since", "register_extended", "needs_evaluation",
                "next_evaluation_date")
YOUTH_FIELDS = ("id", "municipality_id", *FACT_FIELDS, *CACHE_FIELDS)
_FACTS = slice(2, 2 + len(FACT_FIELDS))  # positions in a youth row (a tuple of YOUTH_FIELDS)
_CACHE = slice(_FACTS.stop, None)
ENROLMENT_FIELDS = ("youth_id", "school_type", "start_date", "programme", "school_year", "equivalent", "end_date",
                    "interruption_date", "result", "result_date", "cancelled")
MEMO_LIMIT = 50_000  # distinct facts remembered by one computation (about 1 kB each)


@dataclass
class ComputeResult:
    evaluated: int = 0
    entered: int = 0
    left: int = 0
    changed: int = 0

    def add(self, other: ComputeResult) -> None:
        self.evaluated += other.evaluated
        self.entered += other.entered
        self.left += other.left
        self.changed += other.changed

    def __str__(self) -> str:
        return (f"evaluated {self.evaluated}, entered {self.entered}, left {self.left}, "
                f"changed {self.changed}")


@dataclass(frozen=True)
class _Settings:
    code: str
    summer_gap: tuple[int, int]
    wait_for_degree_check: bool
    extended_responsibility: bool


def _settings() -> dict[int, _Settings]:
    rows = Municipality.objects.values_list("id", "code", "summer_gap_month", "summer_gap_day",
                                            "wait_for_degree_check", "extended_responsibility")
    return {pk: _Settings(code, (month, day), wait, extended) for pk, code, month, day, wait, extended in rows}


def degree_checks(youth_ids: Iterable[int]) -> dict[int, datetime.date]:
    """The date of each youth's latest manual "degree checked" correction (set by the register UI)."""
    rows = (YouthEvent.objects.filter(youth_id__in=list(youth_ids), kind="register.correction",
                                      data__kind="degree_checked")
            .values_list("youth_id", "occurred_at"))
    checked: dict[int, datetime.date] = {}
    for youth_id, at in rows:
        day = timezone.localdate(at)
        checked[youth_id] = max(day, checked.get(youth_id, day))
    return checked


def for_youths(youth_ids: Sequence[int]) -> Q:
    """A filter on ``youth_id`` for a sorted chunk: a range when dense (cheap to send), else IN."""
    if youth_ids and youth_ids[-1] - youth_ids[0] < 2 * len(youth_ids):
        return Q(youth_id__gte=youth_ids[0], youth_id__lte=youth_ids[-1])
    return Q(youth_id__in=list(youth_ids))


def enrolments_by_youth(youth_ids: Sequence[int]) -> dict[int, list[EnrolmentFacts]]:
    """Enrolment facts of the youths (``youth_ids`` sorted), one query."""
    found: dict[int, list[EnrolmentFacts]] = defaultdict(list)
    rows = plain_rows(Enrolment.objects.filter(for_youths(youth_ids)), ENROLMENT_FIELDS)
    for (youth_id, school_type, start, programme, year, equivalent, end, interruption, result, result_date,
         cancelled) in rows:
        found[youth_id].append(EnrolmentFacts(
            school_type=school_type, start_date=start, programme=programme or "", school_year=year,
            equivalent=equivalent, end_date=end, interruption_date=interruption, result=result or "",
            result_date=result_date, cancelled=cancelled))
    return found


def facts_from_row(row: dict, enrolments: Sequence[EnrolmentFacts], settings: _Settings,
                   degree_checked_on: datetime.date | None = None) -> Facts:
    return Facts(
        birth_date=row["birth_date"], home_code=settings.code, in_population=row["in_population"],
        municipality_code=row["municipality_code"] or "", registered_from=row["registered_from"],
        immigration_date=row["immigration_date"], population_status=row["population_status"] or "normal",
        population_status_date=row["population_status_date"], enrolments=tuple(enrolments),
        summer_gap=settings.summer_gap, wait_for_degree_check=settings.wait_for_degree_check,
        degree_checked_on=degree_checked_on, extended_responsibility=settings.extended_responsibility,
    )


def decisions_for(rows: Sequence[dict], on: datetime.date,
                  settings: dict[int, _Settings] | None = None) -> dict[int, tuple[Facts, Decision]]:
    """Facts and decision on ``on`` for a chunk of youth rows (``values(*YOUTH_FIELDS)``): 1–2 queries."""
    settings = settings or _settings()
    ids = sorted(row["id"] for row in rows)
    enrolments = enrolments_by_youth(ids)
    waiting = [row["id"] for row in rows if settings[row["municipality_id"]].wait_for_degree_check]
    checked = degree_checks(waiting) if waiting else {}
    result = {}
    for row in rows:
        facts = facts_from_row(row, enrolments.get(row["id"], ()), settings[row["municipality_id"]],
                               checked.get(row["id"]))
        result[row["id"]] = (facts, decide(facts, on))
    return result


def candidates(*, on: datetime.date, municipality_ids=None, force: bool = False,
               id_range: IdRange | None = None) -> QuerySet[Youth]:
    """The youths to evaluate on ``on``: facts changed, or a date on which the status can change has come."""
    qs = Youth.objects.all()
    if municipality_ids is not None:
        qs = qs.filter(municipality_id__in=list(municipality_ids))
    if id_range is not None:
        qs = qs.filter(pk__gte=id_range[0])
        if id_range[1] is not None:
            qs = qs.filter(pk__lt=id_range[1])
    if not force:
        qs = qs.filter(Q(needs_evaluation=True) | Q(next_evaluation_date__lte=on))
    return qs


def candidate_ranges(*, on: datetime.date, parts: int, force: bool = False, smallest: int = 1) -> list[IdRange]:
    """Split the candidates into ``parts`` id ranges of about equal size, for workers to compute side by side.

    Contiguous ranges, so parallel workers write different pages of the youth table. The last range
    has no upper bound: a youth imported meanwhile is not left out. No range is smaller than ``smallest``
    (few candidates: one range).
    """
    ids = list(candidates(on=on, force=force).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return []
    parts = max(1, min(parts, len(ids) // max(smallest, 1)))
    step = -(-len(ids) // parts)
    bounds: list[int | None] = [ids[i] for i in range(0, len(ids), step)]
    return list(itertools.pairwise([*bounds, None]))  # type: ignore[arg-type]


def candidate_chunks(*, on: datetime.date, municipality_ids=None, youth_ids=None, force: bool = False,
                     id_range: IdRange | None = None) -> Iterator[list[tuple]]:
    """Youth rows (tuples of ``YOUTH_FIELDS``) to evaluate, in chunks by primary key (keyset, no big IN lists)."""
    if youth_ids is not None:
        qs = Youth.objects.all()
        if municipality_ids is not None:
            qs = qs.filter(municipality_id__in=list(municipality_ids))
        wanted = sorted(set(youth_ids))
        for start in range(0, len(wanted), CHUNK):
            yield _youth_rows(qs.filter(pk__in=wanted[start:start + CHUNK]))
        return
    qs = candidates(on=on, municipality_ids=municipality_ids, force=force, id_range=id_range)
    last = 0
    while True:
        rows = _youth_rows(qs.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _youth_rows(qs: QuerySet[Youth]) -> list[tuple]:
    """Tuples of ``YOUTH_FIELDS`` by primary key, read with a plain cursor (no per-value converters)."""
    if not qs.query.is_sliced:
        qs = qs.order_by("pk")
    return plain_rows(qs, YOUTH_FIELDS)


def register_compute(*, on: datetime.date | None = None, municipality_ids=None, youth_ids=None,
                     force: bool = False, id_range: IdRange | None = None) -> ComputeResult:
    """Decide the candidate youths on ``on`` (default today) and record every change. Idempotent.

    ``id_range`` (from ``candidate_ranges``) limits the run to youths with ids in [low, high): separate
    ranges can run at the same time in different workers (``kaa.register.tasks``).
    """
    on = on or timezone.localdate()
    result = ComputeResult()
    decider = _Decider(on, _settings())
    for rows in candidate_chunks(on=on, municipality_ids=municipality_ids, youth_ids=youth_ids, force=force,
                                 id_range=id_range):
        try:
            chunk = _compute_chunk(rows, decider)
        except IntegrityError:
            # Another computation recorded some of these youths meanwhile (one open period per youth):
            # decide them again from what it wrote.
            fresh = _youth_rows(Youth.objects.filter(pk__in=[row[0] for row in rows]))
            chunk = _compute_chunk(fresh, decider)
        result.add(chunk)
    return result


class _Decider:
    """``rules.decide`` and ``next_change_date`` on one date, once per distinct set of facts.

    Both are pure functions of the facts, so youths with equal facts (born the same day in the same
    municipality, with the same school dates: common in a cohort) get the same answer, computed once. The
    key is the raw values the facts are made of (the municipality, the youth's fact columns, its enrolment
    rows, its degree check), so nothing of a rule is repeated here. The memo is bounded (``MEMO_LIMIT``).
    """

    def __init__(self, on: datetime.date, settings: dict[int, _Settings]) -> None:
        self.on = on
        self.settings = settings
        self._decisions: dict[tuple, tuple[Decision, datetime.date | None]] = {}
        self._enrolments: dict[tuple, EnrolmentFacts] = {}
        self._starts: dict[datetime.date, datetime.datetime] = {}

    def decide(self, row: tuple, enrolments: tuple[tuple, ...], checked: datetime.date | None
               ) -> tuple[Decision, datetime.date | None]:
        """The decision for a youth row and its enrolment rows (``ENROLMENT_FIELDS`` without the youth),
        and the next day it may change by the calendar alone."""
        key = (row[1], row[_FACTS], enrolments, checked)
        known = self._decisions.get(key)
        if known is None:
            facts = self._facts(row, enrolments, checked)
            decision = decide(facts, self.on)
            known = (decision, next_change_date(facts, self.on, decision))
            if len(self._decisions) >= MEMO_LIMIT:
                self._decisions.clear()
            self._decisions[key] = known
        return known

    def _facts(self, row: tuple, enrolments: tuple[tuple, ...], checked: datetime.date | None) -> Facts:
        (birth_date, in_population, municipality_code, registered_from, immigration_date, population_status,
         population_status_date) = row[_FACTS]
        settings = self.settings[row[1]]
        return Facts(
            birth_date=birth_date, home_code=settings.code, in_population=in_population,
            municipality_code=municipality_code or "", registered_from=registered_from,
            immigration_date=immigration_date, population_status=population_status or "normal",
            population_status_date=population_status_date,
            enrolments=tuple(self._enrolment(values) for values in enrolments),
            summer_gap=settings.summer_gap, wait_for_degree_check=settings.wait_for_degree_check,
            degree_checked_on=checked, extended_responsibility=settings.extended_responsibility,
        )

    def _enrolment(self, values: tuple) -> EnrolmentFacts:
        known = self._enrolments.get(values)
        if known is None:
            school_type, start, programme, year, equivalent, end, interruption, result, result_date, cancelled = values
            known = EnrolmentFacts(
                school_type=school_type, start_date=start, programme=programme or "", school_year=year,
                equivalent=equivalent, end_date=end, interruption_date=interruption, result=result or "",
                result_date=result_date, cancelled=cancelled)
            if len(self._enrolments) >= MEMO_LIMIT:
                self._enrolments.clear()
            self._enrolments[values] = known
        return known

    def start_of(self, day: datetime.date) -> datetime.datetime:
        """The first moment of ``day`` in the current time zone (an event's ``occurred_at``)."""
        start = self._starts.get(day)
        if start is None:
            start = self._starts[day] = _start_of(day)
        return start


def _enrolment_rows(youth_ids: Sequence[int]) -> dict[int, list[tuple]]:
    """youth id → its enrolment rows (``ENROLMENT_FIELDS`` without the youth id), one query."""
    found: dict[int, list[tuple]] = defaultdict(list)
    for row in plain_rows(Enrolment.objects.filter(for_youths(youth_ids)), ENROLMENT_FIELDS):
        found[row[0]].append(row[1:])
    return found


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _open_periods(ids: list[int]) -> dict[int, tuple]:
    """youth id → (period id, (municipality, in, reason, extended), valid_from) of each open period."""
    return {youth_id: (pk, (municipality_id, in_group, reason, extended), valid_from)
            for pk, youth_id, municipality_id, in_group, reason, extended, valid_from in
            plain_rows(RegisterPeriod.objects.filter(for_youths(ids), valid_to__isnull=True),
                       ("pk", "youth_id", "municipality_id", "in_target_group", "reason", "extended", "valid_from"))}


@transaction.atomic
def _compute_chunk(rows: list[tuple], decider: _Decider) -> ComputeResult:
    """Decide a chunk of youth rows (sorted by id) and write what changed: a constant number of queries."""
    result = ComputeResult()
    lock_facts_for_computing()
    on, settings = decider.on, decider.settings
    ids = [row[0] for row in rows]
    enrolments = _enrolment_rows(ids)
    waiting = [row[0] for row in rows if settings[row[1]].wait_for_degree_check]
    checked = degree_checks(waiting) if waiting else {}
    open_periods = _open_periods(ids)
    closes: list[tuple[int, datetime.date]] = []
    relabels: list[tuple] = []
    new_periods: list[tuple] = []
    events: list[tuple] = []
    cache: list[tuple] = []
    no_enrolments: tuple = ()
    for row in rows:
        result.evaluated += 1
        youth_id, municipality_id = row[0], row[1]
        current = open_periods.get(youth_id)
        if current is not None and current[2] > on:
            continue  # a computation for a day before the recorded history: leave it alone
        mine = enrolments.get(youth_id)
        decision, next_date = decider.decide(row, tuple(mine) if mine else no_enrolments, checked.get(youth_id))
        status = (decision.in_target_group, decision.reason, decision.extended)
        if current is None or current[1] != (municipality_id, *status):
            valid_from = decision.since
            if current is not None and current[1][0] != municipality_id:
                # Moved: the old municipality's period ends, however far back the new decision reaches.
                valid_from = max(valid_from, current[2] + ONE_DAY)
                if valid_from > on:
                    continue  # the old period began today: the move takes effect tomorrow
            result.changed += 1
            if current is not None and valid_from <= current[2]:
                relabels.append((current[0], *status))
            else:
                if current is not None:
                    closes.append((current[0], valid_from))
                new_periods.append((youth_id, municipality_id, *status, valid_from))
            was_in = current[1][1] if current is not None else False
            if decision.in_target_group != was_in:
                kind = "register.entered" if decision.in_target_group else "register.left"
                if decision.in_target_group:
                    result.entered += 1
                else:
                    result.left += 1
                events.append((youth_id, kind, decider.start_of(decision.since),
                               {"reason": decision.reason, "date": decision.since.isoformat()}))
        values = (decision.in_target_group, decision.reason, decision.since, decision.extended, False, next_date)
        if values != row[_CACHE]:
            cache.append((youth_id, *values))
    bulk_set(RegisterPeriod, ("valid_to",), closes)
    bulk_set(RegisterPeriod, ("in_target_group", "reason", "extended"), relabels)
    bulk_insert(RegisterPeriod, ("youth", "municipality", "in_target_group", "reason", "extended", "valid_from"),
                new_periods)
    bulk_insert(YouthEvent, ("youth", "kind", "occurred_at", "data"), events)
    bulk_set(Youth, CACHE_FIELDS, cache)
    youths_entered([youth_id for youth_id, kind, *_rest in events if kind == "register.entered"])
    return result
