"""The attendance import: CSV and SS 12000 JSON, errors naming row and column in Swedish, nothing half-written,
and signals for pupils over the municipality's threshold N weeks in a row."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kaa.prevention.attendance import parse_week, read_attendance
from kaa.prevention.models import AttendanceSettings, AttendanceSignal, AttendanceWeek, SignalState
from kaa.prevention.services import attendance_import, attendance_signal_dismiss, attendance_thin
from kaa.register.models import RegisterPeriod, YouthEvent

from .conftest import pupil_pnr

pytestmark = pytest.mark.django_db
HEADER = "personnummer;vecka;franvaro_procent;ogiltig_procent\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def weeks_of(pnr: str, unexcused: list[float], start: str = "2026-W10") -> list[str]:
    monday = parse_week(start)
    out = []
    for i, value in enumerate(unexcused):
        year, week, _d = (monday + datetime.timedelta(weeks=i)).isocalendar()
        out.append(f"{pnr};{year}-W{week:02d};{value + 5:.1f};{str(value).replace('.', ',')}")
    return out


def test_parse_week_is_the_iso_monday():
    assert parse_week("2026-W14") == datetime.date(2026, 3, 30)
    assert parse_week("2026-W01") == datetime.date(2025, 12, 29)
    for bad in ("2026-14", "2026-W54", "26-W14", "2026W14"):
        with pytest.raises(ValueError):
            parse_week(bad)


def test_a_csv_file_is_imported_and_signals_pupils_over_the_threshold(place):
    m = place["municipality"]
    AttendanceSettings.objects.create(municipality=m, threshold_percent=20, weeks=3)
    high, low, once = pupil_pnr(1), pupil_pnr(2), pupil_pnr(3)
    data = csv(*weeks_of(high, [25, 30, 22.5]), *weeks_of(low, [5, 2, 0]), *weeks_of(once, [40, 10, 40]))
    run = attendance_import(source=data, municipality=m)
    assert run.ok, run.errors
    assert run.rows == 9 and len(run.weeks) == 3
    assert AttendanceWeek.objects.filter(municipality=m).count() == 9
    signals = list(AttendanceSignal.objects.filter(municipality=m))
    assert [s.personnummer for s in signals] == [high]
    assert signals[0].status == SignalState.NEW and float(signals[0].average_unexcused) == pytest.approx(25.8, 0.01)
    assert run.signals == 1
    # Nothing about absence reaches the register or the youth's history.
    assert not RegisterPeriod.objects.exists() and not YouthEvent.objects.exists()


def test_importing_the_same_weeks_again_replaces_them(place):
    m = place["municipality"]
    data = csv(*weeks_of(pupil_pnr(1), [25, 30, 22]))
    attendance_import(source=data, municipality=m)
    attendance_import(source=data, municipality=m)
    assert AttendanceWeek.objects.filter(municipality=m).count() == 3
    # A pupil back at school in the latest week is no longer a (new) signal.
    attendance_import(source=csv(*weeks_of(pupil_pnr(1), [0], start="2026-W12")), municipality=m)
    assert not AttendanceSignal.objects.exists()


def test_errors_name_row_and_column_in_swedish_and_nothing_is_written(place):
    m = place["municipality"]
    good = weeks_of(pupil_pnr(1), [25])[0]
    data = csv(
        good,
        "199001011234;2026-W10;10;5",
        f"{pupil_pnr(2)};2026-14;10;5",
        f"{pupil_pnr(3)};2026-W10;10;50",
        f"{pupil_pnr(4)};2026-W10;abc;0",
        good,
    )
    with translation.override("sv"):
        run = attendance_import(source=data, municipality=m)
    assert not run.ok
    messages = [e["message"] for e in run.errors]
    assert any(
        msg.startswith("Rad 3, kolumn ”personnummer”") or msg.startswith("Rad 3, kolumn “personnummer”")
        for msg in messages
    ), messages
    assert any("Rad 4" in msg and "vecka" in msg for msg in messages)
    assert any("Rad 5" in msg and "ogiltig_procent" in msg for msg in messages)
    assert any("Rad 6" in msg and "franvaro_procent" in msg for msg in messages)
    assert any("Rad 7" in msg and "rad 2" in msg for msg in messages), messages  # the same pupil and week twice
    assert not AttendanceWeek.objects.exists() and not AttendanceSignal.objects.exists()


def test_a_missing_column_is_named(place):
    run = attendance_import(source=b"personnummer;vecka;franvaro_procent\n", municipality=place["municipality"])
    assert not run.ok and any(e["column"] == "ogiltig_procent" for e in run.errors)


def ss12000(records: list[dict], marking: str = "Ingen") -> bytes:
    return json.dumps(
        {
            "persons": [{"id": "p1", "civicNo": {"value": pupil_pnr(1)}, "securityMarking": marking}],
            "aggregatedAttendance": records,
        }
    ).encode()


def test_ss12000_aggregated_attendance_is_summed_per_week(place):
    m = place["municipality"]
    AttendanceSettings.objects.create(municipality=m, threshold_percent=20, weeks=2)
    records = [
        {
            "student": {"id": "p1"},
            "startDate": "2026-03-02",
            "endDate": "2026-03-06",
            "offeredSum": 1000,
            "validAbsenceSum": 100,
            "invalidAbsenceSum": 200,
        },
        {
            "student": {"id": "p1"},
            "startDate": "2026-03-02",
            "endDate": "2026-03-02",
            "offeredSum": 1000,
            "validAbsenceSum": 0,
            "invalidAbsenceSum": 300,
        },
        {
            "student": {"id": "p1"},
            "startDate": "2026-03-09",
            "endDate": "2026-03-13",
            "offeredSum": 1200,
            "validAbsenceSum": 0,
            "invalidAbsenceSum": 600,
        },
    ]
    run = attendance_import(source=ss12000(records, marking="Skyddad folkbokföring"), municipality=m)
    assert run.ok and run.format == "ss12000"
    first = AttendanceWeek.objects.get(week=datetime.date(2026, 3, 2))
    assert float(first.absence_percent) == 30.0 and float(first.unexcused_percent) == 25.0 and first.protected
    signal = AttendanceSignal.objects.get()
    assert signal.protected


def test_ss12000_errors_name_the_record(place):
    records = [
        {"student": {"id": "nobody"}, "startDate": "2026-03-02", "offeredSum": 10},
        {"student": {"id": "p1"}, "startDate": "2026-03-06", "endDate": "2026-03-10", "offeredSum": 10},
        {"student": {"id": "p1"}, "startDate": "2026-03-02", "offeredSum": "x"},
    ]
    run = attendance_import(source=ss12000(records), municipality=place["municipality"])
    assert not run.ok
    assert [(e["row"], e["column"]) for e in run.errors] == [(1, "student"), (2, "endDate"), (3, "offeredSum")]


def test_a_dismissed_signal_stays_dismissed_until_a_new_run_of_weeks(place):
    m = place["municipality"]
    AttendanceSettings.objects.create(municipality=m, threshold_percent=20, weeks=2)
    attendance_import(source=csv(*weeks_of(pupil_pnr(1), [30, 30])), municipality=m)
    signal = AttendanceSignal.objects.get()
    attendance_signal_dismiss(signal=signal, user=place["counsellor"])
    attendance_import(source=csv(*weeks_of(pupil_pnr(1), [30], start="2026-W12")), municipality=m)
    signal.refresh_from_db()
    assert signal.status == SignalState.DISMISSED


def test_the_command_imports_and_refuses(place, tmp_path, capsys):
    good = tmp_path / "v14.csv"
    good.write_bytes(csv(*weeks_of(pupil_pnr(1), [30, 30, 30])))
    call_command("import_attendance", str(good), "--municipality", "0480")
    assert "imported 3 rows" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv("x;2026-W10;1;1"))
    with pytest.raises(CommandError):
        call_command("import_attendance", str(bad), "--municipality", "0480")
    assert "personnummer" in capsys.readouterr().err
    assert AttendanceWeek.objects.count() == 3


def test_old_weeks_are_thinned(place):
    m = place["municipality"]
    AttendanceSettings.objects.create(municipality=m, keep_weeks=4)
    attendance_import(source=csv(*weeks_of(pupil_pnr(1), [1, 1, 1, 1, 1, 1])), municipality=m)
    deleted = attendance_thin(on=parse_week("2026-W15"))
    assert deleted == 1 and AttendanceWeek.objects.count() == 5


def test_read_attendance_refuses_a_spreadsheet():
    assert read_attendance(b"PK\x03\x04rest").errors
