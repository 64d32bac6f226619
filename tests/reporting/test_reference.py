"""The SCB file, the follow-up and the stretches against the Python they replaced, on random registers.

kaa.reporting.scb now lets the database find each youth's stretches, first contact, last attempt and
first measure (one SQL definition each); tests/reporting/reference_scb.py and reference_followup.py
keep the former per-row Python. On random registers (back-to-back and broken stretches, moves between
municipalities, contacts of every source around midnight, measures ending before they start) both
must give the same file, the same problems and the same follow-up. Contacts fall on different days
for one youth: the former code left the channel of two contacts on one day to the order rows came in.
"""

import datetime
import random

import pytest

from kaa.casework.codes import ensure_default_codes
from kaa.casework.models import ActionPlan, JournalEntry, Measure, Occupation
from kaa.outreach.models import ContactAttempt, FirstMeeting
from kaa.register.models import RegisterPeriod, YouthEvent
from kaa.reporting import followup, scb
from kaa.reporting.periods import DateRange, HalfYear
from tests.factories import MunicipalityFactory, YouthFactory

from . import reference_followup, reference_scb
from .conftest import D, at

pytestmark = pytest.mark.django_db

IN_REASONS = ["avbrott", "ej_paborjat", "studiebevis", "im", "inflyttad", "ovrigt", "no_such_reason"]
OUT_REASONS = ["nationellt_program", "fyllt_20", "examen", "ej_folkbokford", "utvandrad", "avliden", "annat"]
CHANNELS = ["phone", "sms", "letter", "youth_initiated", "home_visit"]
OUTCOMES = ["reached", "no_answer", "sent", "message_left"]
MEASURES = ["studier", "syv", "enstaka_samtal", "regelbundna_samtal", "praktik", "annan_atgard", "okand_kod"]
OCCUPATIONS = ["ingen", "arbete", "komvux", "praktik", "okand_kod"]


def day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def random_register(rng: random.Random, youths: int) -> tuple:
    ensure_default_codes()
    m = MunicipalityFactory(code="0765", name="Älmhult")
    other = MunicipalityFactory(code="0780", name="Växjö")
    for _i in range(youths):
        y = YouthFactory(municipality=m, birth_date=D(2008, 1, 1))
        day = day_between(rng, D(2025, 1, 1), D(2026, 5, 1))
        for k in range(rng.randint(1, 4)):
            last = k == 3 or rng.random() < 0.3
            end = None if last and rng.random() < 0.7 else day + datetime.timedelta(days=rng.randint(1, 150))
            inside = rng.random() < 0.7
            RegisterPeriod.objects.create(
                youth=y, municipality=m if rng.random() < 0.8 else other, in_target_group=inside,
                reason=rng.choice(IN_REASONS if inside else OUT_REASONS), valid_from=day, valid_to=end)
            if end is None or last:
                break
            day = end if rng.random() < 0.75 else end + datetime.timedelta(days=rng.randint(1, 40))
        days = rng.sample(range(0, 600), 8)  # contacts of one youth on different days
        for n in days[:5]:
            ContactAttempt.objects.create(
                youth=y, channel=rng.choice(CHANNELS), outcome=rng.choice(OUTCOMES), to_guardian=rng.random() < 0.2,
                at=at(D(2025, 1, 1) + datetime.timedelta(days=n), rng.choice([0, 10, 23])))
        if rng.random() < 0.3:
            YouthEvent.objects.create(youth=y, kind="outreach.reply",
                                      occurred_at=at(D(2025, 1, 1) + datetime.timedelta(days=days[5]), 23),
                                      data={"respondent": rng.choice(["youth", "guardian"])})
        if rng.random() < 0.3:
            FirstMeeting.objects.create(youth=y, at=at(D(2025, 1, 1) + datetime.timedelta(days=days[6]), 0),
                                        place="office")
        if rng.random() < 0.3:
            JournalEntry.objects.create(youth=y, kind="meeting", text="x", confidential=rng.random() < 0.3,
                                        occurred_on=D(2025, 1, 1) + datetime.timedelta(days=days[7]))
        for start in sorted(rng.sample(range(0, 600), rng.randint(0, 3))):
            Occupation.objects.create(youth=y, code=rng.choice(OCCUPATIONS),
                                      start=D(2025, 1, 1) + datetime.timedelta(days=start))
        if rng.random() < 0.8:
            plan = ActionPlan.objects.create(youth=y)
            for _k in range(rng.randint(0, 3)):
                start = day_between(rng, D(2025, 6, 1), D(2026, 12, 1))
                end = None if rng.random() < 0.4 else start + datetime.timedelta(days=rng.randint(-20, 150))
                Measure.objects.create(plan=plan, youth=y, code=rng.choice(MEASURES), start=start, end=end,
                                       declined=rng.random() < 0.3, waiting=rng.random() < 0.1,
                                       other_which=rng.choice(["", "Kurs"]))
    return m, other


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_file_follow_up_and_stretches_as_before(seed):
    rng = random.Random(seed)
    m, _other = random_register(rng, 40)
    spans = [HalfYear.parse("2025H2"), HalfYear.parse("2026H1"), HalfYear.parse("2026H2"),
             DateRange(D(2026, 3, 1), D(2026, 5, 31))]
    for now in (at(D(2026, 5, 15), 12), at(D(2027, 2, 1), 12)):
        for span in spans:
            new, old = scb.compute(municipality=m, period=span, now=now), reference_scb.compute(
                municipality=m, period=span, now=now)
            assert new.rows == old.rows
            assert [(p.youth_id, p.kind, p.detail) for p in new.problems] == [
                (p.youth_id, p.kind, p.detail) for p in old.problems]
            assert [y.youth_id for y in new.youths] == [y.youth_id for y in old.youths]
            assert new.shares() == old.shares()
            new_report = followup.follow_up_report(municipality=m, start=span.start, end=span.end, now=now)
            old_report = reference_followup.follow_up_report(municipality=m, start=span.start, end=span.end, now=now)
            assert (new_report.figures, new_report.activities, new_report.time_in_register) == (
                old_report.figures, old_report.activities, old_report.time_in_register)
    # The random register has what the comparison is about.
    rows = scb.compute(municipality=m, period=HalfYear.parse("2026H1"), now=at(D(2027, 2, 1), 12)).rows
    assert any(r[5] for r in rows) and any(r[12] for r in rows) and any(r[4] == "nej" for r in rows)
    youths = RegisterPeriod.objects.values("youth_id")
    histories: dict[int, list] = {}
    for row in RegisterPeriod.objects.order_by("youth_id", "valid_from", "pk").values_list(
            *reference_scb.PeriodRow._fields):
        histories.setdefault(row[0], []).append(reference_scb.PeriodRow(*row))
    expected = [(youth_id, s.municipality_id, s.reason, s.start, s.end)
                for youth_id, history in sorted(histories.items()) for s in reference_scb._stretches(history)]
    assert [tuple(s) for s in scb.stretches(youths)] == expected


def test_stretches_of_unusual_histories_as_before():
    """Histories the random registers rarely make: two periods starting the same day (the later
    recorded comes second), an open period followed by another, a chain of four back-to-back
    periods, a move between municipalities on the day, a period outside the target group between."""
    m, other = MunicipalityFactory(code="0765"), MunicipalityFactory(code="0780")
    histories = [
        [(D(2025, 1, 1), D(2025, 3, 1), m, True), (D(2025, 1, 1), D(2025, 5, 1), m, True),
         (D(2025, 3, 1), None, m, True)],
        [(D(2025, 1, 1), None, m, True), (D(2025, 6, 1), D(2025, 7, 1), m, True)],
        [(D(2025, 1, 1), D(2025, 2, 1), m, True), (D(2025, 2, 1), D(2025, 3, 1), m, True),
         (D(2025, 3, 1), D(2025, 4, 1), m, True), (D(2025, 4, 1), D(2025, 5, 1), m, True)],
        [(D(2025, 1, 1), D(2025, 2, 1), m, True), (D(2025, 2, 1), D(2025, 3, 1), other, True),
         (D(2025, 3, 1), None, m, True)],
        [(D(2025, 1, 1), D(2025, 2, 1), m, True), (D(2025, 2, 1), D(2025, 3, 1), m, False),
         (D(2025, 3, 1), D(2025, 4, 1), m, True), (D(2025, 4, 1), None, m, True)],
        [(D(2025, 1, 1), D(2025, 1, 1), m, True), (D(2025, 1, 1), D(2025, 2, 1), m, True)],
    ]
    for k, history in enumerate(histories):
        y = YouthFactory(municipality=m, birth_date=D(2008, 1, 1 + k))
        for start, end, where, inside in history:
            RegisterPeriod.objects.create(youth=y, municipality=where, in_target_group=inside,
                                          reason=f"r{start.month}", valid_from=start, valid_to=end)
    rows: dict[int, list] = {}
    for row in RegisterPeriod.objects.order_by("youth_id", "valid_from", "pk").values_list(
            *reference_scb.PeriodRow._fields):
        rows.setdefault(row[0], []).append(reference_scb.PeriodRow(*row))
    expected = [(youth_id, s.municipality_id, s.reason, s.start, s.end)
                for youth_id, history in sorted(rows.items()) for s in reference_scb._stretches(history)]
    assert len(expected) >= 10
    assert [tuple(s) for s in scb.stretches(RegisterPeriod.objects.values("youth_id"))] == expected
