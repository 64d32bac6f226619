"""Reading an attendance file (docs/attendance.md) into checked rows, or errors naming row and column.

Two formats, detected by content (as the school-data import does, ``kaa.imports.parsers``):

- CSV ``personnummer;vecka;franvaro_procent;ogiltig_procent`` (UTF-8 or Windows-1252, ``;`` or ``,``):
  one row per pupil and ISO week (``2026-W14``), percentages of the scheduled time, ``,`` or ``.`` as
  decimal sign.
- SS 12000 (v2.1) JSON: ``persons`` (``id``, ``civicNo``, ``securityMarking``) and ``aggregatedAttendance``
  (``student``, ``startDate``, ``endDate``, minutes in ``offeredSum``, ``validAbsenceSum``,
  ``invalidAbsenceSum``), summed per pupil and ISO week.

The reader never writes: ``services.attendance_import`` stores the rows only when there is no error.
A row is ``(personnummer, monday of the week, absence %, unexcused %, protected)``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kaa.imports.parsers import IssueList, Table, decode, issue, read_csv
from kaa.imports.rows import _columns, _records, _Row

CSV_COLUMNS = ("personnummer", "vecka", "franvaro_procent", "ogiltig_procent")
PROTECTED_MARKINGS = frozenset({"sekretessmarkering", "skyddad folkbokföring", "skyddad_folkbokforing"})

Row = tuple[str, datetime.date, float, float, bool]


@dataclass
class AttendanceFile:
    format: str = ""
    rows: list[Row] = field(default_factory=list)
    errors: IssueList = field(default_factory=IssueList)
    warnings: IssueList = field(default_factory=IssueList)

    @property
    def weeks(self) -> list[datetime.date]:
        return sorted({row[1] for row in self.rows})


def read_attendance(data: bytes) -> AttendanceFile:
    """Read and check a whole file; problems come back as errors, never as exceptions."""
    if data.startswith(b"PK\x03\x04"):
        out = AttendanceFile(format="xlsx")
        out.errors.append(
            issue(
                None,
                "",
                _(
                    "Attendance is imported from CSV or SS 12000 JSON, not a spreadsheet "
                    "file: save it as CSV separated by semicolons."
                ),
            )
        )
        return out
    text = decode(data)
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        return _read_ss12000(stripped)
    return _read_csv(text)


def parse_week(value: str) -> datetime.date:
    """The Monday of an ISO week written ``YYYY-Www`` (e.g. ``2026-W14``). Raises ValueError."""
    if len(value) != 8 or value[4:6].upper() != "-W" or not (value[:4].isdigit() and value[6:].isdigit()):
        raise ValueError(value)
    return datetime.date.fromisocalendar(int(value[:4]), int(value[6:]), 1)


def week_label(monday: datetime.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _percent(row: _Row, column: str) -> float | None:
    value = row.required(column)
    if not value:
        return None
    try:
        number = float(value.replace(",", ".").rstrip("%").strip())
    except ValueError:
        number = -1.0
    if not 0 <= number <= 100 or number != number:  # NaN
        row.error(column, _("“%(value)s” is not a percentage from 0 to 100.") % {"value": value[:20]})
        return None
    return round(number, 1)


def _check_row(row: _Row, seen: dict[tuple[str, datetime.date], int]) -> Row | None:
    row.check_controls()
    ident = row.identity()
    week = None
    raw_week = row.required("vecka")
    if raw_week:
        try:
            week = parse_week(raw_week)
        except ValueError:
            row.error("vecka", _("“%(value)s” is not an ISO week written like 2026-W14.") % {"value": raw_week[:20]})
    absence, unexcused = _percent(row, "franvaro_procent"), _percent(row, "ogiltig_procent")
    if absence is not None and unexcused is not None and unexcused > absence:
        row.error("ogiltig_procent", _("The unexcused absence cannot be larger than the whole absence."))
    if ident is None or week is None or absence is None or unexcused is None:
        return None
    key = (ident[0], week)
    if key in seen:
        row.error("vecka", _("The pupil's week is already on row %(row)s.") % {"row": seen[key]})
        return None
    seen[key] = row.num
    return ident[0], week, absence, unexcused, False


def _check_rows(records: Iterator[tuple[int, dict[str, str]]], out: AttendanceFile) -> None:
    seen: dict[tuple[str, datetime.date], int] = {}
    for num, values in records:
        checked = _check_row(_Row(num, values, out.errors), seen)
        if checked is not None and not out.errors:
            out.rows.append(checked)
    if out.errors:
        out.rows = []  # nothing half-written: an error anywhere refuses the whole file


def _read_csv(text: str) -> AttendanceFile:
    table: Table = read_csv(text)
    out = AttendanceFile(format="csv", errors=table.errors, warnings=table.warnings)
    if table.errors:
        return out
    index, missing = _columns(table, CSV_COLUMNS, CSV_COLUMNS)
    if missing:
        return out
    records = (
        (num, dict(zip(CSV_COLUMNS, values, strict=True))) for num, values in _records(table, index, CSV_COLUMNS)
    )
    _check_rows(records, out)
    return out


# --- SS 12000 -------------------------------------------------------------------------------------


def _items(value: Any) -> list:
    if isinstance(value, dict):
        value = value.get("data", [])
    return value if isinstance(value, list) else []


def _ref(value: Any) -> str:
    return str(value.get("id") or "") if isinstance(value, dict) else str(value or "")


def _minutes(record: dict, name: str) -> int | None:
    value = record.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _read_ss12000(text: str) -> AttendanceFile:
    out = AttendanceFile(format="ss12000")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        out.errors.append(issue(None, "", _("The file is not valid JSON.")))
        return out
    records = _items(doc.get("aggregatedAttendance")) if isinstance(doc, dict) else []
    if not records:
        out.errors.append(
            issue(
                None,
                "aggregatedAttendance",
                _("The file is not an SS 12000 document with aggregated attendance, or it has none."),
            )
        )
        return out
    persons = {str(p.get("id")): p for p in _items(doc.get("persons")) if isinstance(p, dict)}
    weeks: dict[tuple[str, datetime.date], list] = {}
    for num, record in enumerate(records, start=1):
        _sum_record(num, record, persons, weeks, out)
    if out.errors:
        return out
    for (pnr, monday), (offered, valid, invalid, protected) in sorted(weeks.items()):
        if offered:
            out.rows.append(
                (pnr, monday, round(100 * (valid + invalid) / offered, 1), round(100 * invalid / offered, 1), protected)
            )
    return out


def _sum_record(num: int, record: Any, persons: dict, weeks: dict, out: AttendanceFile) -> None:
    """Add one ``aggregatedAttendance`` record (its ordinal is the "row") to its pupil's week."""
    if not isinstance(record, dict):
        out.errors.append(issue(num, "", _("The record is not an object.")))
        return
    person = persons.get(_ref(record.get("student")))
    if person is None:
        out.errors.append(issue(num, "student", _("The student is not among the file's persons.")))
        return
    civic = person.get("civicNo")
    pnr_raw = str((civic.get("value") if isinstance(civic, dict) else civic) or "").strip()
    row = _Row(num, {"personnummer": pnr_raw}, out.errors)
    ident = row.identity()
    try:
        start = datetime.date.fromisoformat(str(record.get("startDate", "")))
        end = datetime.date.fromisoformat(str(record.get("endDate") or record.get("startDate")))
    except ValueError:
        out.errors.append(issue(num, "startDate", _("Enter the dates as YYYY-MM-DD.")))
        return
    if start.isocalendar()[:2] != end.isocalendar()[:2] or end < start:
        out.errors.append(issue(num, "endDate", _("The record must lie within one ISO week (Monday to Sunday).")))
        return
    sums = [_minutes(record, name) for name in ("offeredSum", "validAbsenceSum", "invalidAbsenceSum")]
    for name, value in zip(("offeredSum", "validAbsenceSum", "invalidAbsenceSum"), sums, strict=True):
        if value is None:
            out.errors.append(issue(num, name, _("Enter a whole number of minutes.")))
    if ident is None or None in sums:
        return
    offered, valid, invalid = sums
    if valid + invalid > offered:
        out.errors.append(issue(num, "invalidAbsenceSum", _("The absence is longer than the offered time.")))
        return
    marking = str(person.get("securityMarking") or "").strip().lower()
    key = (ident[0], start - datetime.timedelta(days=start.weekday()))
    total = weeks.setdefault(key, [0, 0, 0, False])
    total[0] += offered
    total[1] += valid
    total[2] += invalid
    total[3] = total[3] or marking in PROTECTED_MARKINGS
