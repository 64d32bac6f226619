"""Demo data for preventive work: early signals from the school (with consent), a few weeks of attendance with
some pupils over the threshold, and the study counsellor's preventive cases in year 9 (the autumn meeting, the
spring meeting with teacher, pupil and parents, a mapping), so that ``syv`` sees living preventive work.

``seed_demo`` is the hook the demo seed calls (``kaa.demo.seed.HOOK_APPS``, same signature); it writes through
the services. Synthetic people only (``kaa.demo.identity``), none of them in the register.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from kaa.prevention import services
from kaa.prevention.attendance import week_label
from kaa.prevention.models import AttendanceSettings, MeetingKind
from kaa.register.models import EarlySignal

from .identity import personnummer_for

PUPILS = [
    ("Wilma", "Demosson", "Centralskolan"),
    ("Isak", "Exempelsson", "Centralskolan"),
    ("Olivia", "Testberg", "Västra skolan"),
    ("Adam", "Provström", "Västra skolan"),
    ("Freja", "Demoberg", "Gymnasiet Nova"),
]
CONCERNS = [
    "Hög frånvaro sedan jul och svårt med matematiken.",
    "Har slutat komma på lektionerna efter lunch.",
    "Vill byta skola, trivs inte i klassen.",
    "Mycket ogiltig frånvaro, föräldrarna oroliga.",
    "Riskerar att inte nå gymnasiebehörighet.",
]


def _pupil_pnr(today: datetime.date, age: int, serial: int) -> str:
    return personnummer_for(datetime.date(today.year - age, 1 + serial % 12, 1 + serial % 27), 700 + serial)


def _attendance_file(today: datetime.date, rng: random.Random, over: list[str], rest: list[str]) -> bytes:
    monday = today - datetime.timedelta(days=today.weekday())
    lines = ["personnummer;vecka;franvaro_procent;ogiltig_procent"]
    for back in (3, 2, 1):
        week = week_label(monday - datetime.timedelta(weeks=back))
        for pnr in over:
            unexcused = rng.uniform(18, 40)
            lines.append(f"{pnr};{week};{unexcused + rng.uniform(0, 10):.1f};{unexcused:.1f}".replace(".", ","))
        for pnr in rest:
            unexcused = rng.uniform(0, 6)
            lines.append(f"{pnr};{week};{unexcused + rng.uniform(0, 8):.1f};{unexcused:.1f}".replace(".", ","))
    return ("\n".join(lines) + "\n").encode()


def seed_demo(*, municipality: Any, users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    counsellor, school = users["syv"], users["skolpersonal"]
    AttendanceSettings.objects.get_or_create(municipality=municipality)
    signals = []
    for i, (given, family, unit) in enumerate(PUPILS):
        signals.append(
            EarlySignal.objects.create(
                municipality=municipality,
                personnummer=_pupil_pnr(today, 17 if unit == "Gymnasiet Nova" else 15, i),
                given_name=given,
                family_name=family,
                school_unit_name=unit,
                concern=CONCERNS[i],
                consent=True,
                consent_by="guardian" if i % 2 else "pupil",
                reported_by=school,
            )
        )
    over = [_pupil_pnr(today, 15, 20 + i) for i in range(4)]
    rest = [_pupil_pnr(today, 14 + i % 3, 40 + i) for i in range(30)]
    services.attendance_import(
        source=_attendance_file(today, rng, over, rest), municipality=municipality, filename="narvaro-demo.csv"
    )
    autumn = min(today - datetime.timedelta(days=120), timezone.localdate())
    for signal in signals[:2]:
        case = services.preventive_case_open(
            user=counsellor,
            municipality_id=municipality.pk,
            personnummer=signal.personnummer,
            given_name=signal.given_name,
            family_name=signal.family_name,
            school_unit_name=signal.school_unit_name,
            stage="year_9",
            consent=True,
            consent_by=signal.consent_by,
            consent_on=autumn,
            early_signal=signal,
        )
        services.preventive_meeting_record(
            case=case,
            user=counsellor,
            kind=MeetingKind.AUTUMN,
            held_on=autumn,
            participants="Eleven, KAA-coach, studie- och yrkesvägledare",
            notes="Vi pratade om hur skolan känns och vad eleven vill efter nian.",
        )
        services.preventive_mapping_save(
            case=case,
            user=counsellor,
            held_on=autumn,
            participants="Eleven och en vårdnadshavare",
            place="Skolans bibliotek",
            school_worked="Idrott och bild",
            school_not_worked="Stora grupper, matematik",
            interests=rng.choice(["Musik", "Fotboll", "Datorer"]),
            wishes="Komma in på ett yrkesprogram",
            strengths="Hjälpsam och envis",
            support_needs="Någon att stämma av med varje vecka",
            obstacles="Långt till skolan",
        )
        if signal is signals[0]:
            spring = min(today - datetime.timedelta(days=10), timezone.localdate())
            services.preventive_meeting_record(
                case=case,
                user=counsellor,
                kind=MeetingKind.SPRING,
                held_on=spring,
                participants="Eleven, mentorn, vårdnadshavare, KAA-coach",
                notes="Plan inför gymnasievalet; uppföljning efter sommaren.",
                follow_up_on=today + datetime.timedelta(days=60),
            )
