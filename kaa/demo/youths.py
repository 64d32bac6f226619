"""Synthetic youths with population and school facts, so that every register reason occurs.

A scenario says what the facts are; register_compute (kaa.register) decides in or out from them.
The expected outcome is noted on each scenario for the reader and the tests, not stored.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker

from kaa.organisations.models import Municipality, SchoolUnit, Team
from kaa.register.models import Enrolment, Guardian, PopulationStatus, Protection, Youth

from .identity import IdentityGenerator

STREETS = ("Exempelgatan", "Påhittade vägen", "Demovägen", "Testgränd", "Låtsasstigen", "Fiktiva torget")
OTHER_MUNICIPALITY = "0486"  # Strängnäs: where the demo's movers go

SCHOOL_UNITS = (
    ("04809001", "Exempelskolan", "0480"),
    ("04809002", "Demoskolan", "0480"),
    ("04809101", "Nyköpings gymnasium (demo)", "0480"),
    ("04809102", "Campus Exempel", "0480"),
    ("04809201", "Komvux Exempel", "0480"),
)
GRUNDSKOLOR = SCHOOL_UNITS[:2]
GYMNASIER = SCHOOL_UNITS[2:4]
KOMVUX = SCHOOL_UNITS[4]
NATIONAL_PROGRAMMES = ("BA", "BF", "EE", "EK", "ES", "FT", "HA", "HT", "HU", "IN", "NA", "SA", "TE", "VO")
IM_PROGRAMMES = ("IMA", "IMS", "IMV", "IMY")


@dataclass
class Draft:
    """A youth being built, before bulk_create."""

    youth: Youth
    enrolments: list[Enrolment] = field(default_factory=list)
    guardians: list[Guardian] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    code: str
    expected: str  # the reason code register_compute should arrive at (for tests and readers)
    weight: int
    build: Callable[[Builder], Draft]


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def phone(rng: random.Random) -> str:
    """A mobile number in 070-174 06 05 – 070-174 06 99, the range PTS reserves for fiction."""
    return f"070-174 06 {rng.randint(5, 99):02d}"


class Builder:
    """Makes one youth per call; all randomness from ``rng`` and ``fake`` (seeded by the caller)."""

    def __init__(self, *, municipality: Municipality, rng: random.Random, fake: Faker, today: datetime.date,
                 ids: IdentityGenerator) -> None:
        self.municipality, self.rng, self.fake, self.today, self.ids = municipality, rng, fake, today, ids
        # The last spring term that has ended, and the autumn term running now (or next).
        self.last_spring = today.year if today >= datetime.date(today.year, 6, 30) else today.year - 1
        self.school_year_start = today.year if today.month >= 8 else today.year - 1

    # --- dates -----------------------------------------------------------------------------
    def birth_in(self, year: int) -> datetime.date:
        start = datetime.date(year, 1, 1)
        return start + datetime.timedelta(days=self.rng.randint(0, 364))

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        if last <= first:
            return first
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def age(self, birth: datetime.date) -> int:
        years = self.today.year - birth.year
        return years - ((self.today.month, self.today.day) < (birth.month, birth.day))

    # --- people ----------------------------------------------------------------------------
    def person(self, birth: datetime.date, *, coordination: bool = False, in_population: bool = True) -> Draft:
        male = self.rng.random() < 0.5
        given = self.fake.first_name_male() if male else self.fake.first_name_female()
        family = self.fake.last_name()
        youth = Youth(
            municipality=self.municipality, birth_date=birth,
            personnummer=self.ids.new(birth, male=male, coordination=coordination),
            is_coordination_number=coordination, given_name=given, family_name=family,
            in_population=in_population,
            municipality_code=self.municipality.code if in_population else "",
            registered_from=birth if in_population else None,
            needs_evaluation=True,
        )
        if in_population:
            youth.address = f"{self.rng.choice(STREETS)} {self.rng.randint(1, 60)}"
            youth.postal_code = f"611{self.rng.randint(30, 99)}"
            youth.city = "Nyköping"
        if self.rng.random() < 0.8:
            youth.phone = phone(self.rng)
        if self.rng.random() < 0.4:
            youth.email = f"{_ascii(given)}.{_ascii(family)}{self.rng.randint(1, 99)}@example.com"
        draft = Draft(youth=youth)
        if in_population and self.age(birth) < 18:
            for position in range(1, self.rng.choice((1, 2, 2, 2)) + 1):
                draft.guardians.append(Guardian(
                    position=position, name=f"{self.fake.first_name()} {family}", phone=phone(self.rng)))
        return draft

    # --- school facts ----------------------------------------------------------------------
    def enrol(self, draft: Draft, unit: tuple[str, str, str], school_type: str, start: datetime.date, *,
              programme: str = "", school_year: int | None = None, end: datetime.date | None = None,
              interrupted: datetime.date | None = None, result: str = "",
              result_date: datetime.date | None = None) -> None:
        draft.enrolments.append(Enrolment(
            school_type=school_type, programme=programme, school_year=school_year,
            school_unit_code=unit[0], school_unit_name=unit[1], start_date=start, end_date=end,
            interruption_date=interrupted, result=result, result_date=result_date,
            source_key=_key(school_type, unit[0], programme, start)))

    def compulsory(self, draft: Draft, y16: int, *, finished: bool = True) -> None:
        """Year 9 in grundskola, ending the spring term of the year the youth turns 16."""
        end = datetime.date(y16, 6, 10)
        self.enrol(draft, self.rng.choice(GRUNDSKOLOR), "GR", datetime.date(y16 - 1, 8, 20), school_year=9,
                   end=end, result="slutbetyg" if finished else "", result_date=end if finished else None)

    def upper_secondary(self, draft: Draft, y16: int, **kwargs) -> None:
        programme = kwargs.pop("programme", None) or self.rng.choice(NATIONAL_PROGRAMMES)
        start = datetime.date(y16, 8, 19)
        kwargs.setdefault("end", datetime.date(y16 + 3, 6, 10))
        self.enrol(draft, self.rng.choice(GYMNASIER), "GY", start, programme=programme, **kwargs)

    def y16_in_group(self, oldest: int = 3, youngest: int = 0) -> int:
        """A year of finishing compulsory school for a youth now 16–19."""
        return self.rng.randint(self.last_spring - oldest, self.last_spring - youngest)


def years_ago(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _ascii(text: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum()) or "ung"


# --- scenarios ---------------------------------------------------------------------------------

def never_started(b: Builder) -> Draft:
    y16 = b.y16_in_group()
    d = b.person(b.birth_in(y16 - 16))
    b.compulsory(d, y16)
    if b.rng.random() < 0.2:  # studying at komvux without a degree keeps the youth in
        b.enrol(d, KOMVUX, "VUX", b.day_between(datetime.date(y16 + 1, 1, 10), b.today - datetime.timedelta(30)))
    return d


def interrupted(b: Builder) -> Draft:
    y16 = b.y16_in_group(3, 0)
    d = b.person(b.birth_in(y16 - 16))
    b.compulsory(d, y16)
    start = datetime.date(y16, 8, 19)
    last = min(b.today - datetime.timedelta(days=14), datetime.date(y16 + 3, 5, 1))
    b.upper_secondary(d, y16, interrupted=b.day_between(start + datetime.timedelta(days=40), last))
    return d


def introduction_finished(b: Builder) -> Draft:
    y16 = b.y16_in_group(3, 1)
    d = b.person(b.birth_in(y16 - 16))
    b.compulsory(d, y16, finished=b.rng.random() < 0.5)
    b.upper_secondary(d, y16, programme=b.rng.choice(IM_PROGRAMMES), end=datetime.date(y16 + 1, 6, 10))
    return d


def course_certificate(b: Builder) -> Draft:
    y16 = b.last_spring - 3
    d = b.person(b.birth_in(y16 - 16))
    b.compulsory(d, y16)
    end = datetime.date(y16 + 3, 6, 10)
    b.upper_secondary(d, y16, end=end, result="studiebevis", result_date=end)
    return d


def moved_in(b: Builder) -> Draft:
    y16 = b.y16_in_group(3, 1)
    d = b.person(b.birth_in(y16 - 16), coordination=False)
    arrived = b.day_between(b.today - datetime.timedelta(days=400), b.today - datetime.timedelta(days=20))
    d.youth.immigration_date = arrived
    d.youth.registered_from = arrived
    return d


def national_programme(b: Builder) -> Draft:
    y16 = b.y16_in_group(2, 0)
    d = b.person(b.birth_in(y16 - 16))
    b.compulsory(d, y16)
    b.upper_secondary(d, y16)
    return d


def introduction_running(b: Builder) -> Draft:
    y16 = b.last_spring
    d = b.person(b.birth_in(y16 - 16))
    b.compulsory(d, y16, finished=False)
    b.upper_secondary(d, y16, programme=b.rng.choice(IM_PROGRAMMES), end=datetime.date(y16 + 1, 6, 10))
    return d


def degree(b: Builder) -> Draft:
    y16 = b.last_spring - 3
    d = b.person(b.birth_in(y16 - 16))
    b.compulsory(d, y16)
    end = datetime.date(y16 + 3, 6, 10)
    b.upper_secondary(d, y16, end=end, result="gymnasieexamen", result_date=end)
    return d


def turned_20(b: Builder) -> Draft:
    first = years_ago(b.today, 22) + datetime.timedelta(days=1)
    last = years_ago(b.today, 20)
    d = b.person(b.day_between(first, last - datetime.timedelta(days=1)))
    b.compulsory(d, d.youth.birth_date.year + 16)
    return d


def _left(b: Builder, status: str) -> Draft:
    y16 = b.y16_in_group()
    d = b.person(b.birth_in(y16 - 16))
    b.compulsory(d, y16)
    d.youth.population_status = status
    d.youth.population_status_date = b.day_between(b.today - datetime.timedelta(days=300),
                                                   b.today - datetime.timedelta(days=5))
    if status == PopulationStatus.MOVED_OUT:
        d.youth.municipality_code = OTHER_MUNICIPALITY
    return d


def moved_out(b: Builder) -> Draft:
    return _left(b, PopulationStatus.MOVED_OUT)


def emigrated(b: Builder) -> Draft:
    return _left(b, PopulationStatus.EMIGRATED)


def deceased(b: Builder) -> Draft:
    return _left(b, PopulationStatus.DECEASED)


def in_compulsory_school(b: Builder) -> Draft:
    y16 = b.school_year_start + 1
    birth = b.birth_in(y16 - 16)
    if b.age(birth) < 15:  # keep every demo youth 15–21
        birth = b.day_between(datetime.date(y16 - 16, 1, 1), years_ago(b.today, 15))
    d = b.person(birth)
    b.compulsory(d, y16, finished=False)
    return d


def school_data_only(b: Builder) -> Draft:
    """Known from school data only, with a samordningsnummer: not folkbokförd here."""
    y16 = b.y16_in_group(2, 0)
    d = b.person(b.birth_in(y16 - 16), coordination=True, in_population=False)
    b.upper_secondary(d, y16, programme=b.rng.choice(IM_PROGRAMMES), end=datetime.date(y16 + 1, 6, 10))
    return d


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("never_started", "ej_paborjat", 22, never_started),
    Scenario("interrupted", "avbrott", 18, interrupted),
    Scenario("introduction_finished", "im", 8, introduction_finished),
    Scenario("course_certificate", "studiebevis", 8, course_certificate),
    Scenario("moved_in", "inflyttad", 6, moved_in),
    Scenario("national_programme", "nationellt_program", 14, national_programme),
    Scenario("introduction_running", "introduktionsprogram", 3, introduction_running),
    Scenario("degree", "examen", 6, degree),
    Scenario("turned_20", "fyllt_20", 4, turned_20),
    Scenario("moved_out", "ej_folkbokford", 3, moved_out),
    Scenario("emigrated", "utvandrad", 1, emigrated),
    Scenario("deceased", "avliden", 1, deceased),
    Scenario("in_compulsory_school", "skolplikt_ej_fullgjord", 4, in_compulsory_school),
    Scenario("school_data_only", "ej_folkbokford", 2, school_data_only),
)
IN_GROUP = frozenset({"ej_paborjat", "avbrott", "im", "studiebevis", "inflyttad", "ovrigt"})


def scenario_plan(count: int, rng: random.Random) -> list[Scenario]:
    """Every scenario at least once (when count allows), the rest by weight, in a shuffled order."""
    plan = list(SCENARIOS[:count])
    plan += rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS], k=max(count - len(plan), 0))
    rng.shuffle(plan)
    return plan


def protect(drafts: list[tuple[Scenario, Draft]], rng: random.Random) -> None:
    """A few youths in the target group get a protected identity, at every level; no address is kept."""
    candidates = [d for s, d in drafts if s.expected in IN_GROUP]
    levels = [Protection.CONFIDENTIAL, Protection.PROTECTED_REGISTRATION, Protection.FICTITIOUS]
    count = min(len(candidates), max(3, len(drafts) // 50))
    for i, draft in enumerate(rng.sample(candidates, count)):
        draft.youth.protection = levels[i % 3]
        draft.youth.address = draft.youth.postal_code = draft.youth.city = ""


def assign(drafts: list[tuple[Scenario, Draft]], rng: random.Random, coaches: list, teams: list[Team]) -> None:
    """About two thirds of the youths in the group have a coach; the rest wait for the coordinator."""
    for scenario, draft in drafts:
        if scenario.expected in IN_GROUP and rng.random() < 0.67:
            i = rng.randrange(len(coaches))
            draft.youth.coach, draft.youth.team = coaches[i], teams[i]


def school_units_seed() -> None:
    existing = set(SchoolUnit.objects.values_list("code", flat=True))
    SchoolUnit.objects.bulk_create([SchoolUnit(code=c, name=n, municipality_code=m)
                                    for c, n, m in SCHOOL_UNITS if c not in existing])


def youths_seed(*, municipality: Municipality, count: int, rng: random.Random, fake: Faker,
                today: datetime.date, coaches: list, teams: list[Team]) -> list[tuple[Scenario, Youth]]:
    """Build and bulk-insert ``count`` youths with enrolments and guardians."""
    taken = set(Youth.objects.values_list("personnummer", flat=True))
    builder = Builder(municipality=municipality, rng=rng, fake=fake, today=today,
                      ids=IdentityGenerator(rng, taken))
    drafts = [(scenario, scenario.build(builder)) for scenario in scenario_plan(count, rng)]
    protect(drafts, rng)
    assign(drafts, rng, coaches, teams)
    school_units_seed()
    Youth.objects.bulk_create([d.youth for _s, d in drafts], batch_size=500)
    # bulk_create sets pks on PostgreSQL and SQLite ≥ 3.35; look them up to be safe on any backend.
    pks = dict(Youth.objects.filter(personnummer__in=[d.youth.personnummer for _s, d in drafts])
               .values_list("personnummer", "pk"))
    enrolments, guardians = [], []
    for _s, draft in drafts:
        draft.youth.pk = pks[draft.youth.personnummer]
        for row in draft.enrolments:
            row.youth_id = draft.youth.pk
            enrolments.append(row)
        for row in draft.guardians:
            row.youth_id = draft.youth.pk
            guardians.append(row)
    Enrolment.objects.bulk_create(enrolments, batch_size=1000)
    Guardian.objects.bulk_create(guardians, batch_size=1000)
    return [(s, d.youth) for s, d in drafts]
