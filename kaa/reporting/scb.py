"""The half-year statistics to SCB (INTERFACES.md "Statistics to SCB"), computed set-based.

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

The database finds each youth's stretch, first contact, last attempt and first measure in one query
(window functions and GROUP BYs: ``_youth_rows``; where PostgreSQL and SQLite need different SQL for
one definition, both stand side by side there, and the tests run on both); that SQL
is the one definition of a stretch (``stretches_sql``) and of contact made (``contacts``), used by
the follow-up and the lead times too. Occupations and the measures touching the period are read in
one query each, so Python handles about one row per row of the file, and the number of queries
does not grow with the number of youths.
"""

from __future__ import annotations

import datetime
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from kaa.casework.codes import OTHER_DEREGISTRATION, OTHER_MEASURE
from kaa.casework.models import ActionPlan, Code, CodeKind, JournalEntry, JournalKind, Measure, Occupation
from kaa.messaging.services import REPLY_EVENT
from kaa.outreach.models import Channel, ContactAttempt, FirstMeeting, Outcome
from kaa.register.models import RegisterPeriod, Youth, YouthEvent

from .periods import TZ, Span, day_start, local_day

COLUMNS = ("personnummer", "kommunkod", "registreringsdatum", "registreringsorsak", "forstagangsregistrerad",
           "kontaktdatum", "sysselsattning_vid_kontakt", "atgard", "atgard_startdatum", "tackat_nej",
           "atgard_slutdatum", "sysselsattning_efter_atgard", "avregistreringsdatum", "avregistreringsorsak")
UNKNOWN_OCCUPATION = "okand"
MOVED_OUT = "ej_folkbokford"  # the register's reason when the youth is registered elsewhere
NO_ATTEMPT_DAYS = 30
PUBLIC_PAGE = "public_page"  # the channel of a reply on the public page
MEETING = "meeting"  # the channel of a meeting held

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


@dataclass(slots=True)
class Stretch:
    start: datetime.date
    end: datetime.date | None  # exclusive: the first day out; None while it runs
    reason: str
    municipality_id: int


@dataclass(slots=True)
class YouthStatistics:
    youth_id: int
    personnummer: str
    stretch: Stretch
    first_time: bool
    contact_day: datetime.date | None = None
    contact_channel: str | None = None  # the channel of the contact on contact_day
    occupation_at_contact: str | None = None
    ever_contacted: bool = False
    last_attempt: datetime.date | None = None
    planned: bool = False
    deregistration_day: datetime.date | None = None
    deregistration_reason: str = ""  # the register's out-reason
    # Lead times: the first attempt of any kind and the first contact in the period since the stretch began.
    first_attempt_in_stretch: datetime.date | None = None
    first_contact_in_stretch: datetime.date | None = None
    first_measure: tuple[datetime.date, bool] | None = None  # the first measure ever: offered on, declined
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


def in_file(municipality: Any, period: Span) -> QuerySet:
    """The youths in the municipality's target group on at least one day of the period (``youth_id`` values)."""
    return (RegisterPeriod.objects.filter(_touching(period), municipality=municipality, in_target_group=True)
            .values("youth_id"))


# --- SQL helpers: the queries below run unchanged on PostgreSQL and SQLite (window functions). ---

def _compiled(queryset: Any) -> tuple[str, list[Any]]:
    """SQL and parameters of a queryset (or a Subquery of one), for a query written around it."""
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def _date_param(day: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _time_param(at: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(at)


def _local_day_sql(at: str) -> tuple[str, list[Any]]:
    """SQL giving the Swedish local day of a time (the ``TruncDate(..., tzinfo=TZ)`` of the querysets)."""
    sql, params = connection.ops.datetime_cast_date_sql(at, (), TZ.key)
    return sql, list(params)


def _as_date(value: Any) -> datetime.date | None:
    """A date read from raw SQL (SQLite gives computed dates as text)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def stretches_sql(youths: Any) -> tuple[str, list[Any]]:
    """SQL giving every stretch of the youths: the one definition of a *stretch*.

    A stretch is a run of back-to-back periods in the target group in one municipality (a period
    continues the previous one in the target group when it starts the day that one ended, in the same
    municipality). Its reason is the reason it started with (the youth's situation at registration),
    its end the first day out (NULL while it runs). Columns: ``youth_id, municipality_id, reason,
    stretch_start, stretch_end, number`` (1, 2, … in order of start) and ``first_start`` (the start
    of the youth's first stretch).

    How: a period *opens* a stretch unless it continues the one before, and *closes* it unless the
    next continues it (the same comparison seen from either side, so a period closes exactly when
    the next opens). Only the opening and closing periods are kept; a stretch is its opening period
    (start, reason, municipality: every period of a stretch is in one municipality) up to its closing
    period's end, which is the opening period itself or the next one kept. Two passes over the
    periods in order, no grouping.
    """
    youth_sql, params = _compiled(youths)
    # Only identifiers from the models' metadata and compiled querysets are formatted in; values are parameters.
    sql = f"""
        SELECT youth_id, municipality_id, reason, valid_from AS stretch_start,
               CASE WHEN closes = 1 THEN valid_to ELSE next_to END AS stretch_end, number, first_start
        FROM (
            SELECT youth_id, municipality_id, reason, valid_from, valid_to, opens, closes,
                   LEAD(valid_to) OVER b AS next_to, SUM(opens) OVER b AS number,
                   FIRST_VALUE(valid_from) OVER b AS first_start
            FROM (
                SELECT id, youth_id, municipality_id, reason, valid_from, valid_to,
                       CASE WHEN LAG(valid_to) OVER w = valid_from AND LAG(municipality_id) OVER w = municipality_id
                            THEN 0 ELSE 1 END AS opens,
                       CASE WHEN LEAD(valid_from) OVER w = valid_to AND LEAD(municipality_id) OVER w = municipality_id
                            THEN 0 ELSE 1 END AS closes
                FROM {_table(RegisterPeriod)}
                WHERE in_target_group = %s AND youth_id IN ({youth_sql})
                WINDOW w AS (PARTITION BY youth_id ORDER BY valid_from, id)
            ) periods
            WHERE opens = 1 OR closes = 1
            WINDOW b AS (PARTITION BY youth_id ORDER BY valid_from, id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ) boundaries
        WHERE opens = 1"""  # noqa: S608
    return sql, [True, *params]


class StretchRow(NamedTuple):
    youth_id: int
    municipality_id: int
    reason: str
    start: datetime.date
    end: datetime.date | None  # exclusive: the first day out; None while it runs


def stretches(youths: Any) -> Iterator[StretchRow]:
    """Every stretch of the youths (``stretches_sql``), by youth and start, streamed."""
    sql, params = stretches_sql(youths)
    with connection.cursor() as cursor:
        query = f"SELECT youth_id, municipality_id, reason, stretch_start, stretch_end FROM ({sql}) s"  # noqa: S608
        cursor.execute(query + " ORDER BY youth_id, number", params)
        while rows := cursor.fetchmany(5000):
            for youth_id, municipality_id, reason, start, end in rows:
                yield StretchRow(youth_id, municipality_id, reason, _as_date(start), _as_date(end))


def contacts(youths: Any, since: datetime.date | None, until: datetime.date,
             now: datetime.datetime) -> tuple[str, list[Any]]:
    """SQL giving every contact made with the youths on a day in [since, until] (since None: ever).

    The one definition of *contact made* (INTERFACES.md ``kontaktdatum``): a contact attempt reached
    to the youth (not a guardian) or one the youth started, a reply on the public page by the youth,
    a first meeting held (its time has passed), a non-confidential journal entry of the kind meeting
    (held: not after today). Columns: ``contact_youth``, ``contact_day`` (the local day),
    ``contact_source`` (0 attempt, 1 reply, 2 first meeting, 3 journal), ``contact_at`` (the time; NULL
    for a journal entry), ``contact_channel``. A day's first contact is the first by source, then time.
    """
    lo = day_start(since) if since else None
    hi = day_start(until + datetime.timedelta(days=1))

    def at_range(name: str) -> Q:
        q = Q(**{f"{name}__lt": hi})
        return q & Q(**{f"{name}__gte": lo}) if lo else q

    def columns(queryset: QuerySet, at: str | None, day: Any, source: int, channel: Any) -> QuerySet:
        return (queryset.order_by()
                .annotate(contact_youth=F("youth_id"), contact_day=day,
                          contact_source=Value(source, output_field=IntegerField()),
                          contact_at=F(at) if at else Value(None, output_field=DateTimeField()),
                          contact_channel=channel)
                .values_list("contact_youth", "contact_day", "contact_source", "contact_at", "contact_channel"))

    text = CharField()
    attempts = (ContactAttempt.objects.filter(youth_id__in=youths, to_guardian=False)
                .filter(Q(outcome=Outcome.REACHED) | Q(channel=Channel.YOUTH_INITIATED)).filter(at_range("at")))
    replies = (YouthEvent.objects.filter(youth_id__in=youths, kind=REPLY_EVENT).filter(at_range("occurred_at"))
               .exclude(data__respondent="guardian"))
    meetings = FirstMeeting.objects.filter(youth_id__in=youths, at__lte=now).filter(at_range("at"))
    journal = JournalEntry.objects.filter(youth_id__in=youths, kind=JournalKind.MEETING, confidential=False,
                                          occurred_on__lte=min(until, local_day(now)))
    if since:
        journal = journal.filter(occurred_on__gte=since)
    parts = [
        columns(attempts, "at", TruncDate("at", tzinfo=TZ), 0, F("channel")),
        columns(replies, "occurred_at", TruncDate("occurred_at", tzinfo=TZ), 1, Value(PUBLIC_PAGE, output_field=text)),
        columns(meetings, "at", TruncDate("at", tzinfo=TZ), 2, Value(MEETING, output_field=text)),
        columns(journal, None, F("occurred_on"), 3, Value(MEETING, output_field=text)),
    ]
    compiled = [_compiled(part) for part in parts]
    return " UNION ALL ".join(sql for sql, _params in compiled), [p for _sql, params in compiled for p in params]


def contact_days(youths: Any, since: datetime.date | None, until: datetime.date,
                 now: datetime.datetime) -> Iterator[tuple[int, datetime.date]]:
    """Every contact made with the youths on a day in [since, until] (``contacts``): (youth id, day), streamed."""
    sql, params = contacts(youths, since, until, now)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT contact_youth, contact_day FROM ({sql}) c", params)  # noqa: S608
        while rows := cursor.fetchmany(5000):
            for youth_id, day in rows:
                yield youth_id, _as_date(day)


class YouthRow(NamedTuple):
    """Per youth, what the database finds (``_youth_rows``)."""

    youth_id: int
    personnummer: str
    start: datetime.date
    end: datetime.date | None
    reason: str
    first_time: bool
    deregistration_day: datetime.date | None
    deregistration_reason: str | None
    planned: bool
    contact_day: datetime.date | None
    contact_channel: str | None
    ever_contacted: bool
    last_attempt: datetime.date | None
    first_attempt_in_stretch: datetime.date | None
    first_contact_in_stretch: datetime.date | None
    first_measure_start: datetime.date | None
    first_measure_declined: bool | None


@contextmanager
def _hash_joins() -> Iterator[None]:
    """PostgreSQL plans ``_youth_rows`` with hash joins and without JIT compilation.

    Its per-youth parts are filtered on window-function results, which the planner estimates at a
    row or two whatever the register's size; it would then nest loops over every youth twice (hours
    at 100,000 youths) and JIT-compile a plan that runs once. Its sorts and hashes (a row per contact
    attempt, a group per youth) get the memory to stay off disk (``work_mem``, per sort or hash: about
    60 MB at 100,000 youths and 1,000,000 attempts). The settings hold for this one query:
    set in a savepoint, reset after it (and undone with the savepoint if it fails)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        yield
        cursor.execute("RESET enable_nestloop")
        cursor.execute("RESET jit")
        cursor.execute("RESET work_mem")


_DATE_COLUMNS = frozenset(i for i, name in enumerate(YouthRow._fields)
                           if name in ("start", "end", "deregistration_day", "contact_day", "last_attempt",
                                       "first_attempt_in_stretch", "first_contact_in_stretch",
                                       "first_measure_start"))


def _youth_rows(municipality: Any, period: Span, now: datetime.datetime) -> Iterator[YouthRow]:
    """One row per youth of the file: the definitions of the file's per-youth columns, in one query.

    - the stretch: the latest stretch (``stretches_sql``) in the municipality touching the period;
      *first time* when the youth had no stretch (anywhere) starting before it;
    - de-registration: when that stretch ended within the period (its end is the first day out), on
      the day it ended, for the reason of the period that followed (another stretch: moved,
      ``MOVED_OUT``; none: empty);
    - contact: the first day of contact (``contacts``) within the period and its channel; whether
      there was contact ever up to the reference day (the period's end, or today while it runs);
    - the last contact attempt of any kind up to the reference day;
    - lead times: the first attempt of any kind and the first contact within the period on or after
      the stretch's start;
    - the youth's first measure ever (not waiting): when offered, whether declined.
    """
    today = local_day(now)
    reference = min(period.end, today)
    # The file's youths, a semi-join in each part below (a hash of the periods touching the period;
    # read once into a CTE, PostgreSQL cannot tell how many youths it holds and de-duplicates it
    # again before every join, which costs more than reading the periods again).
    youths = in_file(municipality, period).order_by()
    stretch_sql, stretch_params = stretches_sql(youths)
    contact_sql, contact_params = contacts(youths, None, period.end, now)
    # A time is on or after the stretch's first (local) day: on PostgreSQL compared with the midnight
    # starting that day (``start_at``, converted once per youth), on SQLite by the time's local day.
    # Both say the same; times are converted to local days only after they are aggregated.
    if connection.vendor == "postgresql":
        start_at, start_at_params = "(stretch_start::timestamp AT TIME ZONE %s)", [TZ.key]

        def since_stretch(at: str) -> tuple[str, list[Any]]:
            return f"{at} >= l.start_at", []
    else:
        start_at, start_at_params = "NULL", []

        def since_stretch(at: str) -> tuple[str, list[Any]]:
            day, day_params = _local_day_sql(at)
            return f"{day} >= l.stretch_start", day_params

    # The last attempt and the first since the stretch began: per youth, the latest or earliest time
    # found on the index of (youth, time), then that one time's local day.
    attempt_since, attempt_since_params = since_stretch("a.at")
    attempts = _table(ContactAttempt)
    last_attempt, last_attempt_params = _local_day_sql(
        f"(SELECT MAX(a.at) FROM {attempts} a WHERE a.youth_id = l.youth_id AND a.at < %s)")  # noqa: S608
    last_attempt_params = [_time_param(day_start(reference + datetime.timedelta(days=1))), *last_attempt_params]
    attempt_in_stretch, attempt_in_stretch_params = _local_day_sql(
        f"(SELECT MIN(a.at) FROM {attempts} a WHERE a.youth_id = l.youth_id AND a.at < %s"  # noqa: S608
        f" AND {attempt_since})")
    attempt_in_stretch_params = [_time_param(day_start(period.end + datetime.timedelta(days=1))),
                                 *attempt_since_params, *attempt_in_stretch_params]
    measures_sql, measures_params = _compiled(
        Measure.objects.filter(youth_id__in=youths, waiting=False).order_by().values_list("youth_id", "start",
                                                                                          "declined", "id"))
    # The first contact's channel: the first by source, time and channel among the contacts on the
    # first day of contact (``contacted``), so only that day's contacts are ordered.
    start, end = _date_param(period.start), _date_param(period.end)
    after_end = _date_param(period.end + datetime.timedelta(days=1))
    periods = _table(RegisterPeriod)
    sql = f"""
        WITH stretch AS ({stretch_sql}),
        latest AS (
            SELECT youth_id, reason, stretch_start, stretch_end, first_start, {start_at} AS start_at FROM (
                SELECT youth_id, municipality_id, reason, stretch_start, stretch_end, first_start,
                       ROW_NUMBER() OVER (PARTITION BY youth_id ORDER BY number DESC) AS k
                FROM stretch
                WHERE municipality_id = %s AND stretch_start <= %s AND (stretch_end IS NULL OR stretch_end > %s)
            ) ranked
            WHERE k = 1
        ),
        contact AS ({contact_sql}),
        contacted AS (
            SELECT c.contact_youth AS youth_id,
                   MIN(CASE WHEN c.contact_day >= %s THEN c.contact_day END) AS contact_day,
                   MIN(CASE WHEN c.contact_day <= %s THEN c.contact_day END) AS ever,
                   MIN(CASE WHEN c.contact_day >= l.stretch_start THEN c.contact_day END) AS in_stretch
            FROM contact c JOIN latest l ON l.youth_id = c.contact_youth
            GROUP BY c.contact_youth
        ),
        first_contact AS (
            SELECT contact_youth AS youth_id, contact_channel AS channel FROM (
                SELECT c.contact_youth, c.contact_channel,
                       ROW_NUMBER() OVER (PARTITION BY c.contact_youth
                                          ORDER BY c.contact_source, c.contact_at, c.contact_channel) AS k
                FROM contact c JOIN contacted d ON d.youth_id = c.contact_youth AND c.contact_day = d.contact_day
            ) ranked WHERE k = 1
        ),
        first_measure AS (
            SELECT youth_id, start, declined FROM (
                SELECT youth_id, start, declined, ROW_NUMBER() OVER (PARTITION BY youth_id ORDER BY start, id) AS k
                FROM ({measures_sql}) m
            ) ranked WHERE k = 1
        )
        SELECT l.youth_id, y.personnummer, l.stretch_start, l.stretch_end, l.reason,
               CASE WHEN l.first_start < l.stretch_start THEN 0 ELSE 1 END,
               CASE WHEN l.stretch_end > %s AND l.stretch_end <= %s THEN l.stretch_end END,
               CASE WHEN l.stretch_end > %s AND l.stretch_end <= %s THEN COALESCE((
                   SELECT CASE WHEN a.in_target_group = %s THEN %s ELSE a.reason END FROM {periods} a
                   WHERE a.youth_id = l.youth_id AND a.valid_from = l.stretch_end ORDER BY a.id LIMIT 1), '') END,
               CASE WHEN p.youth_id IS NULL THEN 0 ELSE 1 END,
               c.contact_day, fc.channel, CASE WHEN c.ever IS NULL THEN 0 ELSE 1 END, {last_attempt},
               {attempt_in_stretch}, c.in_stretch, fm.start, fm.declined
        FROM latest l
        JOIN {_table(Youth)} y ON y.id = l.youth_id
        LEFT JOIN contacted c ON c.youth_id = l.youth_id
        LEFT JOIN first_contact fc ON fc.youth_id = l.youth_id
        LEFT JOIN first_measure fm ON fm.youth_id = l.youth_id
        LEFT JOIN {_table(ActionPlan)} p ON p.youth_id = l.youth_id"""  # noqa: S608
    params = [*stretch_params, *start_at_params, municipality.pk, end, start, *contact_params,
              start, _date_param(reference), *measures_params,
              start, after_end, start, after_end, True, MOVED_OUT, *last_attempt_params, *attempt_in_stretch_params]
    text_dates = connection.vendor == "sqlite"  # PostgreSQL gives dates as dates
    with connection.cursor() as cursor:
        with _hash_joins():
            cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            for r in rows:
                if text_dates:
                    r = tuple(_as_date(v) if i in _DATE_COLUMNS else v for i, v in enumerate(r))
                yield YouthRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7], bool(r[8]), r[9], r[10],
                               bool(r[11]), r[12], r[13], r[14], r[15], None if r[16] is None else bool(r[16]))


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Building the statistics makes a few objects per youth and row (about a million at 100,000
    youths), none in a reference cycle; the cyclic garbage collector would walk the growing heap
    again and again meanwhile (a third of the Python time). It is paused for the build and resumed
    after (if it was running), whatever happens; reference counting frees memory as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def youth_statistics(*, municipality: Any, period: Span, now: datetime.datetime | None = None
                     ) -> list[YouthStatistics]:
    """The file's youths with their stretch, contact, occupations and the measures touching the period,
    ordered by personnummer (shared by the file, the follow-up and the board reports)."""
    with _without_cycle_collection():
        return _youth_statistics(municipality, period, now or timezone.now())


def _streamed(queryset: QuerySet) -> Iterator[tuple]:
    """A ``values_list`` queryset's rows as the database driver gives them (plain columns of the
    models: dates and booleans as such on both databases), read in chunks without a model layer."""
    sql, params = _compiled(queryset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def _youth_statistics(municipality: Any, period: Span, now: datetime.datetime) -> list[YouthStatistics]:
    youths: dict[int, YouthStatistics] = {}
    for r in _youth_rows(municipality, period, now):
        youths[r.youth_id] = YouthStatistics(
            youth_id=r.youth_id, personnummer=r.personnummer,
            stretch=Stretch(r.start, r.end, r.reason, municipality.pk), first_time=r.first_time,
            contact_day=r.contact_day, contact_channel=r.contact_channel, ever_contacted=r.ever_contacted,
            last_attempt=r.last_attempt, planned=r.planned, deregistration_day=r.deregistration_day,
            deregistration_reason=r.deregistration_reason or "",
            first_attempt_in_stretch=r.first_attempt_in_stretch,
            first_contact_in_stretch=r.first_contact_in_stretch,
            first_measure=None if r.first_measure_start is None else (r.first_measure_start,
                                                                       bool(r.first_measure_declined)))
    selected = in_file(municipality, period)
    occupations = (Occupation.objects.filter(youth_id__in=selected).order_by("youth_id", "start", "pk")
                   .values_list("youth_id", "start", "code"))
    for youth_id, start, code in _streamed(occupations):
        y = youths.get(youth_id)
        if y is not None:
            y.occupations.append(OccupationRow(start, code))
    measures = (Measure.objects.filter(youth_id__in=selected, waiting=False, start__lte=period.end)
                # A measure whose end lies before its start is kept by its start: the check reports it.
                # A declined offer without an end touches only the day it was offered.
                .filter(Q(end__isnull=True, declined=False) | Q(end__gte=period.start)
                        | Q(end__isnull=True, declined=True, start__gte=period.start)
                        | Q(end__lt=F("start"), start__gte=period.start))
                .order_by("youth_id", "start", "pk").values_list(*MEASURE_FIELDS))
    for row in _streamed(measures):
        y = youths.get(row[0])
        if y is not None:
            y.measures.append(MeasureRow._make(row))
    for y in youths.values():
        if y.contact_day:
            y.occupation_at_contact = y.occupation_on(y.contact_day)
    return sorted(youths.values(), key=lambda y: y.personnummer)


def compute(*, municipality: Any, period: Span, now: datetime.datetime | None = None) -> Statistics:
    """The SCB file's rows and the pre-submission check's problems for one municipality and half-year."""
    now = now or timezone.now()
    with _without_cycle_collection():
        return _compute(municipality, period, now)


def _compute(municipality: Any, period: Span, now: datetime.datetime) -> Statistics:
    reference = min(period.end, local_day(now))  # "now" for the checks: the half-year's end, or today while it runs
    ordered = youth_statistics(municipality=municipality, period=period, now=now)
    codes = ScbCodes(period)
    rows: list[list[str]] = []
    problems: list[Problem] = []
    dates: dict[datetime.date, str] = {}  # the file repeats few distinct dates: each written once

    def iso(day: datetime.date | None) -> str:
        if day is None:
            return ""
        text = dates.get(day)
        if text is None:
            text = dates[day] = day.isoformat()
        return text

    period_end = period.end
    for y in ordered:
        rows.extend(_rows(y, municipality.code, period_end, codes, problems, iso))
        problems.extend(_youth_problems(y, reference))
    problems.sort(key=lambda p: (SEVERITY[p.kind] != ERROR, p.youth_id, p.kind, p.detail))
    return Statistics(period=period, municipality=municipality, youths=ordered, rows=rows, problems=problems)


def _code(codes: ScbCodes, kind: str, value: str, youth_id: int, problems: list[Problem]) -> str:
    found = codes.lookup(kind, value)
    if found is None:
        problems.append(Problem(youth_id, CODE_NOT_VALID, value))
        return value
    return found


def _rows(y: YouthStatistics, municipality_code: str, period_end: datetime.date, codes: ScbCodes,
          problems: list[Problem], iso: Any) -> list[list[str]]:
    reason = codes.lookup(CodeKind.REGISTRATION_REASON, y.stretch.reason)
    if reason is None:
        problems.append(Problem(y.youth_id, NO_REASON, y.stretch.reason))
        reason = ""
    contact = ""
    if y.contact_day:
        contact = _code(codes, CodeKind.OCCUPATION, y.occupation_at_contact or UNKNOWN_OCCUPATION, y.youth_id,
                        problems)
    head = [y.personnummer, municipality_code, iso(y.stretch.start), reason, "ja" if y.first_time else "nej",
            iso(y.contact_day), contact]
    tail = [iso(y.deregistration_day),
            codes.deregistration(y.deregistration_reason) if y.deregistration_day else ""]
    if not y.measures:
        return [[*head, "", "", "", "", "", *tail]]
    out = []
    for m in y.measures:
        ended = m.end is not None and m.end <= period_end
        after = ""
        if ended and not m.declined:
            after = _code(codes, CodeKind.OCCUPATION, y.occupation_on(m.end + datetime.timedelta(days=1))
                          or UNKNOWN_OCCUPATION, y.youth_id, problems)
        out.append([*head, _code(codes, CodeKind.MEASURE, m.code, y.youth_id, problems), iso(m.start),
                    "ja" if m.declined else "nej", iso(m.end) if ended else "", after, *tail])
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
