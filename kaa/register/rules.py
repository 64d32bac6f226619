"""The target-group rules (*målgruppen*, DOMAIN.md §2), written once as pure functions.

``decide(facts, on)`` says whether a youth is in the target group on a date, why, and since when.
It reads only facts dated on or before ``on``: an enrolment that starts later, an interruption,
a result or a status dated later are ignored, so the decision for a day never changes when facts
about later days arrive.

Out reasons, first wins: avliden, utvandrad, fyllt_20, ej_folkbokford, skolplikt_ej_fullgjord,
examen, nationellt_program, anpassad_gymnasieskola, motsvarande_utbildning, introduktionsprogram.

In reasons (*orsak till registrering*), decided in this order:
1. the upper-secondary enrolment (GY, GYS or equivalent education) that stopped last decides when there is one:
   an introduction programme (IM…) → ``im``; a studiebevis → ``studiebevis``; otherwise an
   interrupted or unfinished national programme → ``avbrott`` (equivalent education that ended
   without a pass → ``ovrigt``);
2. no Swedish school history at all (no compulsory or upper-secondary enrolment) and a move-in or
   immigration date → ``inflyttad``;
3. a compulsory-school enrolment and no upper-secondary one → ``ej_paborjat``;
4. otherwise (no school data and no move-in date: we cannot say what the background is) → ``ovrigt``.

Local settings (a municipality's choice, not law):
- The summer gap: a youth whose compulsory school was completed between 1 June and the gap end
  (default 1 September) and who has no upper-secondary history is not registered before the gap
  end. Until then the status simply continues: ``skolplikt_ej_fullgjord``, as while at school,
  because for the register the compulsory-school period is not over before the autumn term begins.
  The in-decision then takes effect on the gap end.
- Waiting for the degree check: a youth who moved in at 17–19 with no school history is out with
  the local reason ``vantar_examenskontroll`` until a manual correction says the degree was
  checked; from then they are in (``inflyttad``).
- Extended responsibility (UKAA): a youth who was in the target group the day before turning 20 is
  out with ``fyllt_20`` (not in the statutory register) and ``Decision.extended`` is True until
  the 25th birthday, so statistics can count them apart.

``since`` is the first day of the stretch of days up to ``on`` with the same status and reason,
so running the computation every day and running it once give the same periods.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

Date = datetime.date
ONE_DAY = datetime.timedelta(days=1)

COMPULSORY = frozenset({"GR", "GRS", "SP", "SAM"})
DEGREES = frozenset({"gymnasieexamen", "gymnasiesarskolebevis"})

# Reason codes (INTERFACES.md "Register export").
IN_REASONS = ("ej_paborjat", "avbrott", "im", "studiebevis", "inflyttad", "ovrigt")
OUT_REASONS = ("avliden", "utvandrad", "fyllt_20", "ej_folkbokford", "skolplikt_ej_fullgjord", "examen",
               "nationellt_program", "anpassad_gymnasieskola", "motsvarande_utbildning", "introduktionsprogram")
# Not an SCB code: a local setting holds these youths back (DOMAIN.md §2 "Older youths who move in").
WAITING_FOR_DEGREE_CHECK = "vantar_examenskontroll"

REASON_LABELS: dict[str, Any] = {
    "ej_paborjat": _("Never started upper-secondary school"),
    "avbrott": _("Interrupted a national programme"),
    "im": _("Left an introduction programme"),
    "studiebevis": _("Finished without a degree (certificate of courses)"),
    "inflyttad": _("Moved in or immigrated, no Swedish school history"),
    "ovrigt": _("Other reason"),
    "avliden": _("Deceased"),
    "utvandrad": _("Emigrated"),
    "fyllt_20": _("Has turned 20"),
    "ej_folkbokford": _("Not registered in the municipality"),
    "skolplikt_ej_fullgjord": _("Compulsory school not completed"),
    "examen": _("Has an upper-secondary degree"),
    "nationellt_program": _("In a national programme"),
    "anpassad_gymnasieskola": _("In adapted upper-secondary school"),
    "motsvarande_utbildning": _("In equivalent education"),
    "introduktionsprogram": _("In an introduction programme"),
    WAITING_FOR_DEGREE_CHECK: _("Moved in at 17–19: waiting for the degree check"),
}


@dataclass(frozen=True)
class EnrolmentFacts:
    """One enrolment (*inskrivning*) as the rules see it."""

    school_type: str
    start_date: Date
    programme: str = ""
    school_year: int | None = None
    equivalent: bool = False
    end_date: Date | None = None
    interruption_date: Date | None = None
    result: str = ""
    result_date: Date | None = None
    cancelled: bool = False

    def stop(self) -> Date | None:
        """The first day the enrolment is no longer running (None: open-ended)."""
        # A dated result without an end date (a slutbetyg, a studiebevis) ends the enrolment too.
        end = self.end_date or (self.result_date if self.result else None)
        days = [d for d in (end and end + ONE_DAY, self.interruption_date) if d]
        return min(days) if days else None

    def running_on(self, on: Date) -> bool:
        stop = self.stop()
        return not self.cancelled and self.start_date <= on and (stop is None or on < stop)

    @property
    def is_intro(self) -> bool:
        return self.school_type == "GY" and self.programme.upper().startswith("IM")

    @property
    def is_upper_secondary(self) -> bool:
        return self.school_type in ("GY", "GYS") or self.equivalent

    def result_on(self, on: Date) -> str:
        """The result when it is dated on or before ``on`` (an undated result counts from the end)."""
        if not self.result:
            return ""
        day = self.result_day()
        return self.result if day <= on else ""

    def result_day(self) -> Date:
        return self.result_date or self.end_date or self.start_date

    def as_of(self, on: Date) -> EnrolmentFacts:
        """What was known of this enrolment on ``on``: later interruptions and results are dropped.

        An end date after ``on`` is kept: it only says the enrolment is still running on ``on``.
        """
        interruption = self.interruption_date if self.interruption_date and self.interruption_date <= on else None
        result = self.result_on(on)
        return EnrolmentFacts(
            school_type=self.school_type, start_date=self.start_date, programme=self.programme,
            school_year=self.school_year, equivalent=self.equivalent,
            end_date=self.end_date if self.end_date and self.end_date < on else None,
            interruption_date=interruption, result=result, result_date=self.result_day() if result else None,
            cancelled=self.cancelled,
        )


@dataclass(frozen=True)
class Facts:
    """Everything the rules need about one youth: population facts, enrolments, local settings."""

    birth_date: Date
    home_code: str = ""  # the municipality holding the record
    in_population: bool = True
    municipality_code: str = ""  # kommunkod from the population register ("" = the home municipality)
    registered_from: Date | None = None  # folkbokford_datum
    immigration_date: Date | None = None
    population_status: str = "normal"
    population_status_date: Date | None = None
    enrolments: tuple[EnrolmentFacts, ...] = ()
    summer_gap: tuple[int, int] = (9, 1)  # (month, day)
    wait_for_degree_check: bool = False
    degree_checked_on: Date | None = None  # from a register.correction {"kind": "degree_checked"}
    extended_responsibility: bool = False


@dataclass(frozen=True)
class Decision:
    in_target_group: bool
    reason: str
    since: Date
    extended: bool = False  # UKAA: out of the statutory group, followed apart (see module doc)

    @property
    def status(self) -> str:
        return "i_malgrupp" if self.in_target_group else "ej_i_malgrupp"


@dataclass(frozen=True)
class _View:
    """The facts as known on a date."""

    on: Date
    enrolments: tuple[EnrolmentFacts, ...] = field(default=())


def birthday(birth: Date, years: int) -> Date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February: the birthday is 1 March in a common year
        return Date(birth.year + years, 3, 1)


def age_on(birth: Date, on: Date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _gap_end(facts: Facts, year: int) -> Date:
    month, day = facts.summer_gap
    try:
        return Date(year, month, day)
    except ValueError:
        return Date(year, month, 28)


def _status_on(facts: Facts, on: Date) -> tuple[str, Date]:
    """The population status in effect on ``on`` and its date (a later-dated status is not yet in effect)."""
    status = facts.population_status or "normal"
    when = facts.population_status_date
    if status == "normal" or (when and when > on):
        return "normal", facts.birth_date
    return status, when or facts.birth_date


def _not_registered_since(facts: Facts, on: Date) -> Date | None:
    """When the youth is not folkbokförd in the municipality on ``on``: since when; else None."""
    status, when = _status_on(facts, on)
    if status in ("utflyttad", "avregistrerad"):
        return when
    if not facts.in_population:
        return facts.birth_date
    if facts.municipality_code and facts.home_code and facts.municipality_code != facts.home_code:
        return facts.birth_date
    for arrival in (facts.registered_from, facts.immigration_date):
        if arrival and arrival > on:
            return facts.birth_date
    return None


def _registered_floor(facts: Facts) -> Date:
    """The first day the youth is folkbokförd here (as far as the facts say)."""
    return max(d for d in (facts.birth_date, facts.registered_from, facts.immigration_date) if d)


def _completion(facts: Facts, view: _View) -> Date | None:
    """The first day compulsory school counts as completed (None: not by ``view.on``)."""
    on = view.on
    compulsory = [e for e in view.enrolments if e.school_type in COMPULSORY]
    if any(e.running_on(on) for e in compulsory):
        return None
    candidates = []
    for e in compulsory:
        final_year = 10 if e.school_type == "SP" else 9
        if e.school_year is not None and e.school_year >= final_year:
            if e.end_date and e.end_date < on:
                candidates.append(e.end_date + ONE_DAY)
            if e.result == "slutbetyg" and e.result_date and e.result_date < on:
                candidates.append(e.result_date + ONE_DAY)
    # Age rule: after the spring term of the year the youth turns 16, once no compulsory enrolment runs.
    # (Immigration after that point is covered too: nobody has a school duty from then on.)
    candidates.append(Date(facts.birth_date.year + 16, 7, 1))
    first = min(candidates)
    if first > on:
        return None
    # The current stretch of "completed" starts after the last compulsory enrolment stopped running.
    stops = [e.stop() for e in compulsory]
    return max([first, *(s for s in stops if s)])


def _in_summer_gap(facts: Facts, completed: Date) -> Date | None:
    """The gap end when the completion falls in the summer gap of its year, else None."""
    end = _gap_end(facts, completed.year)
    if Date(completed.year, 6, 1) <= completed < end:
        return end
    return None


def _earliest_start(enrolments: Iterable[EnrolmentFacts]) -> Date:
    return min(e.start_date for e in enrolments)


def _view(facts: Facts, on: Date) -> _View:
    return _View(on, tuple(e.as_of(on) for e in facts.enrolments if not e.cancelled and e.start_date <= on))


def _school_duty_since(facts: Facts, view: _View, floor: Date) -> Date:
    """First day of the current stretch without completed compulsory school (``view.on`` in it).

    The stretch can only begin where a compulsory enrolment starts after a day on which school was
    completed (a youth placed back in compulsory school); otherwise it runs from the floor.
    """
    starts = sorted({e.start_date for e in view.enrolments if e.school_type in COMPULSORY
                     and floor < e.start_date <= view.on}, reverse=True)
    for start in starts:
        if _completion(facts, _view(facts, start - ONE_DAY)) is not None:
            return start
    return floor


def decide(facts: Facts, on: Date) -> Decision:
    """Is the youth in the target group on ``on``, why, and since when (see the module doc)."""
    view = _view(facts, on)
    status, when = _status_on(facts, on)
    if status == "avliden":
        return Decision(False, "avliden", when)
    if status == "utvandrad":
        return Decision(False, "utvandrad", when)
    turned_20 = birthday(facts.birth_date, 20)
    if on >= turned_20:
        return _turned_20(facts, on, turned_20)
    away = _not_registered_since(facts, on)
    if away is not None:
        return Decision(False, "ej_folkbokford", away)
    floor = _registered_floor(facts)
    completed = _completion(facts, view)
    if completed is None:
        return Decision(False, "skolplikt_ej_fullgjord", _school_duty_since(facts, view, floor))
    floor = max(floor, completed)
    out = _out_by_education(view, floor)
    if out is not None:
        return out
    return _in_decision(facts, view, floor, completed)


def _out_by_education(view: _View, floor: Date) -> Decision | None:
    degrees = [e.result_day() for e in view.enrolments if e.result in DEGREES]
    if degrees:
        return Decision(False, "examen", max(min(degrees), floor))
    running = [e for e in view.enrolments if e.running_on(view.on)]
    checks = (
        ("nationellt_program", lambda e: e.school_type == "GY" and not e.is_intro),
        ("anpassad_gymnasieskola", lambda e: e.school_type == "GYS"),
        ("motsvarande_utbildning", lambda e: e.equivalent),
        ("introduktionsprogram", lambda e: e.is_intro),
    )
    for index, (reason, test) in enumerate(checks):
        matching = [e for e in running if test(e)]
        if matching:
            # The reason holds from when no enrolment of a stronger reason runs any more.
            stronger = [stop for e in view.enrolments if any(t(e) for _r, t in checks[:index])
                        if (stop := e.stop()) and stop <= view.on]
            return Decision(False, reason, max(_earliest_start(matching), floor, *stronger))
    return None


def _in_decision(facts: Facts, view: _View, floor: Date, completed: Date) -> Decision:
    upper = [e for e in view.enrolments if e.is_upper_secondary]
    if upper:
        # The enrolment that stopped last (no upper-secondary enrolment runs any more, see
        # _out_by_education): its stop is where this stretch begins, and it gives the reason.
        latest = max(upper, key=lambda e: (e.stop() or view.on, e.start_date))
        since = max(latest.stop() or view.on, floor)
        if latest.is_intro:
            return Decision(True, "im", since)
        if latest.result == "studiebevis":
            return Decision(True, "studiebevis", max(since, latest.result_day()))
        if latest.school_type in ("GY", "GYS"):
            return Decision(True, "avbrott", since)
        return Decision(True, "ovrigt", since)
    gap_end = _in_summer_gap(facts, completed)
    if gap_end is not None:
        if view.on < gap_end:
            return Decision(False, "skolplikt_ej_fullgjord", _registered_floor(facts))
        floor = max(floor, gap_end)
    has_compulsory = any(e.school_type in COMPULSORY for e in view.enrolments)
    moved_in = facts.registered_from or facts.immigration_date
    if not has_compulsory and moved_in:
        if facts.wait_for_degree_check and age_on(facts.birth_date, floor) >= 17:
            checked = facts.degree_checked_on
            if checked is None or checked > view.on:
                return Decision(False, WAITING_FOR_DEGREE_CHECK, floor)
            floor = max(floor, checked)
        return Decision(True, "inflyttad", floor)
    if has_compulsory:
        return Decision(True, "ej_paborjat", floor)
    return Decision(True, "ovrigt", floor)


def _turned_20(facts: Facts, on: Date, turned_20: Date) -> Decision:
    """Out from the 20th birthday; followed under UKAA until the 25th when the youth was in the day before."""
    if not facts.extended_responsibility or not decide(facts, turned_20 - ONE_DAY).in_target_group:
        return Decision(False, "fyllt_20", turned_20)
    turned_25 = birthday(facts.birth_date, 25)
    if on < turned_25:
        return Decision(False, "fyllt_20", turned_20, extended=True)
    return Decision(False, "fyllt_20", turned_25)


def next_change_date(facts: Facts, on: Date, decision: Decision | None = None) -> Date | None:
    """The next day after ``on`` on which the decision may change by the calendar alone.

    ``decision`` is ``decide(facts, on)`` when the caller has it already.
    """
    birth = facts.birth_date
    days = [birthday(birth, 20), Date(birth.year + 16, 7, 1), facts.registered_from, facts.immigration_date,
            facts.population_status_date, facts.degree_checked_on]
    if facts.extended_responsibility:
        days.append(birthday(birth, 25))
    for e in facts.enrolments:
        if not e.cancelled:
            days += (e.start_date, e.interruption_date, e.end_date and e.end_date + ONE_DAY,
                     e.result_date, e.result_date and e.result_date + ONE_DAY)
    # Held back by the summer gap (or still at school): the next gap end may release the youth.
    decision = decision or decide(facts, on)
    if decision.reason == "skolplikt_ej_fullgjord":
        gap_end = _gap_end(facts, on.year)
        days.append(gap_end if gap_end > on else _gap_end(facts, on.year + 1))
    later = [d for d in days if d and d > on]
    return min(later) if later else None


def explain(decision: Decision) -> str:
    """One sentence: why the youth is in or out, and since when."""
    label = str(REASON_LABELS.get(decision.reason, decision.reason))
    if decision.in_target_group:
        text = gettext("In the target group since %(date)s: %(reason)s.")
    else:
        text = gettext("Not in the target group since %(date)s: %(reason)s.")
    sentence = text % {"date": decision.since.isoformat(), "reason": label.lower()}
    if decision.extended:
        sentence += " " + gettext("Followed under the extended responsibility (20–24).")
    return sentence


def enrolment_facts(row: Any) -> EnrolmentFacts:
    """An ``EnrolmentFacts`` from an Enrolment instance or a dict of its fields."""
    get = row.get if isinstance(row, dict) else (lambda name, default=None: getattr(row, name, default))
    return EnrolmentFacts(
        school_type=get("school_type") or "", start_date=get("start_date"), programme=get("programme") or "",
        school_year=get("school_year"), equivalent=bool(get("equivalent")), end_date=get("end_date"),
        interruption_date=get("interruption_date"), result=get("result") or "",
        result_date=get("result_date"), cancelled=bool(get("cancelled")),
    )


def facts_for(youth: Any, enrolments: Iterable[Any], municipality: Any, *,
              degree_checked_on: Date | None = None) -> Facts:
    """The facts of one youth (a Youth instance, its enrolments, its Municipality), read from the
    values given and nothing else: the rules never query the database.

    ``degree_checked_on`` is the date of the youth's latest manual "degree checked" correction; the
    caller loads it (``kaa.register.compute.degree_checks``) when the municipality waits for the
    degree check.
    """
    return Facts(
        birth_date=youth.birth_date, home_code=municipality.code, in_population=youth.in_population,
        municipality_code=youth.municipality_code or "", registered_from=youth.registered_from,
        immigration_date=youth.immigration_date, population_status=youth.population_status or "normal",
        population_status_date=youth.population_status_date,
        enrolments=tuple(enrolment_facts(e) for e in enrolments),
        summer_gap=(municipality.summer_gap_month, municipality.summer_gap_day),
        wait_for_degree_check=municipality.wait_for_degree_check, degree_checked_on=degree_checked_on,
        extended_responsibility=municipality.extended_responsibility,
    )
