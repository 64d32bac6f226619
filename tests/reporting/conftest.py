"""The known-answer scenario of the half-year statistics (2026H1, municipality 0765).

A: two stretches in the half-year; a measure that started before it and ended in it; a declined one.
B: reached only through a guardian (no contact with the youth); never contacted otherwise.
C: moved in, replied on the public page, moved out within the half-year; "other measure" without which.
D: turned 20 within the half-year; first meeting held; an earlier stretch in another municipality.
E: protected identity; got in touch herself; a measure running past the half-year.
Not in the file: F (left before the half-year), G (extended responsibility only), H (another municipality).
"""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from kaa.casework.codes import ensure_default_codes
from kaa.casework.models import ActionPlan, JournalEntry, Measure, Occupation
from kaa.outreach.models import ContactAttempt, FirstMeeting
from kaa.register.models import RegisterPeriod, YouthEvent
from kaa.reporting.periods import TZ
from tests.factories import MunicipalityFactory, YouthFactory, make_personnummer

D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def period(youth: Any, start: datetime.date, end: datetime.date | None, reason: str, *, inside: bool = True,
           municipality: Any = None, extended: bool = False) -> RegisterPeriod:
    return RegisterPeriod.objects.create(youth=youth, municipality=municipality or youth.municipality,
                                         in_target_group=inside, reason=reason, valid_from=start, valid_to=end,
                                         extended=extended)


def measure(youth: Any, code: str, start: datetime.date, end: datetime.date | None = None, **kw: Any) -> Measure:
    plan, _created = ActionPlan.objects.get_or_create(youth=youth)
    return Measure.objects.create(plan=plan, youth=youth, code=code, start=start, end=end, **kw)


def attempt(youth: Any, day: datetime.date, *, outcome: str = "reached", channel: str = "phone",
            to_guardian: bool = False) -> ContactAttempt:
    return ContactAttempt.objects.create(youth=youth, channel=channel, at=at(day), outcome=outcome,
                                         to_guardian=to_guardian)


def occupation(youth: Any, code: str, start: datetime.date) -> Occupation:
    return Occupation.objects.create(youth=youth, code=code, start=start)


@dataclass
class Scenario:
    municipality: Any
    other: Any
    a: Any
    b: Any
    c: Any
    d: Any
    e: Any
    outside: list


@pytest.fixture
def scenario(db) -> Scenario:
    ensure_default_codes()
    m = MunicipalityFactory(code="0765", name="Älmhult")
    other = MunicipalityFactory(code="0780", name="Växjö")

    a = YouthFactory(municipality=m, birth_date=D(2008, 3, 1), personnummer=make_personnummer(D(2008, 3, 1), 238))
    period(a, D(2026, 1, 10), D(2026, 2, 1), "avbrott")
    period(a, D(2026, 2, 1), D(2026, 4, 1), "nationellt_program", inside=False)
    period(a, D(2026, 4, 1), None, "ovrigt")
    attempt(a, D(2026, 1, 15), to_guardian=True)  # the guardian: not a contact with the youth
    attempt(a, D(2026, 1, 20))
    occupation(a, "ingen", D(2025, 12, 1))
    occupation(a, "arbete", D(2026, 3, 16))
    measure(a, "enstaka_samtal", D(2025, 10, 1), D(2025, 12, 20), end_reason="genomford")  # before: not in
    measure(a, "praktik", D(2025, 11, 1), D(2026, 3, 15), end_reason="genomford")
    measure(a, "syv", D(2026, 5, 5), declined=True)

    b = YouthFactory(municipality=m, birth_date=D(2008, 5, 5), personnummer=make_personnummer(D(2008, 5, 5), 238))
    period(b, D(2025, 9, 1), None, "ej_paborjat")
    attempt(b, D(2026, 2, 2), to_guardian=True)
    YouthEvent.objects.create(youth=b, kind="outreach.reply", occurred_at=at(D(2026, 2, 3)),
                              data={"kind": "contact", "respondent": "guardian"})

    c = YouthFactory(municipality=m, birth_date=D(2007, 11, 11), personnummer=make_personnummer(D(2007, 11, 11), 238))
    period(c, D(2026, 2, 15), D(2026, 5, 10), "inflyttad")
    period(c, D(2026, 5, 10), None, "ej_folkbokford", inside=False)
    YouthEvent.objects.create(youth=c, kind="outreach.reply", occurred_at=at(D(2026, 3, 3)),
                              data={"kind": "contact", "respondent": "youth"})
    measure(c, "annan_atgard", D(2026, 3, 10))

    d = YouthFactory(municipality=m, birth_date=D(2006, 4, 12), personnummer=make_personnummer(D(2006, 4, 12), 238))
    period(d, D(2024, 1, 1), D(2024, 6, 1), "avbrott", municipality=other)
    period(d, D(2024, 6, 1), D(2025, 8, 1), "ej_folkbokford", inside=False, municipality=other)
    period(d, D(2025, 8, 1), D(2026, 4, 12), "studiebevis")
    period(d, D(2026, 4, 12), None, "fyllt_20", inside=False)
    FirstMeeting.objects.create(youth=d, at=at(D(2026, 1, 8)), place="office")
    attempt(d, D(2026, 2, 1), channel="youth_initiated", outcome="reached")
    occupation(d, "komvux", D(2025, 10, 1))

    e = YouthFactory(municipality=m, birth_date=D(2008, 8, 8), personnummer=make_personnummer(D(2008, 8, 8), 238),
                     protection="skyddad_folkbokforing", address="Hemliga gatan 1")
    period(e, D(2026, 1, 1), None, "im")
    attempt(e, D(2026, 6, 1), channel="youth_initiated", outcome="message_left")
    JournalEntry.objects.create(youth=e, kind="meeting", occurred_on=D(2026, 5, 20), text="Sekretess",
                                confidential=True)  # confidential: never in statistics
    occupation(e, "praktik", D(2026, 5, 1))
    measure(e, "regelbundna_samtal", D(2026, 6, 10), D(2026, 9, 1))

    f = YouthFactory(municipality=m, birth_date=D(2008, 1, 2))
    period(f, D(2025, 3, 1), D(2026, 1, 1), "avbrott")
    period(f, D(2026, 1, 1), None, "examen", inside=False)
    g = YouthFactory(municipality=m, birth_date=D(2005, 1, 3))
    period(g, D(2025, 1, 3), None, "fyllt_20", inside=False, extended=True)
    h = YouthFactory(municipality=other, birth_date=D(2008, 1, 4))
    period(h, D(2025, 1, 1), None, "avbrott")
    assert timezone.now().date() > D(2026, 6, 30)  # the half-year is over: every meeting in it was held
    return Scenario(m, other, a, b, c, d, e, [f, g, h])
