"""Reading import files into a header and rows of text: CSV, XLSX and SS 12000 JSON.

Formats are detected by content, never by file name:
- XLSX: a zip file (``PK``); the first sheet, the first row is the header.
- JSON: text starting with ``{`` or ``[``: an SS 12000 (v2) document, see ``ss12000_rows``.
- CSV otherwise: UTF-8 with or without BOM, else Windows-1252; ``;`` or ``,`` chosen by the
  header line.

Row numbers are those a spreadsheet shows: the header is row 1, the first data row is row 2.
For SS 12000 JSON the "row" is the enrolment's ordinal in the document (1, 2, …).
Header names are compared case-insensitively after trimming.

A file may hold any number of problems, but only the first ``MAX_ISSUES`` errors and warnings are kept
(``IssueList``): a 50 MB file of bad rows must not become 100 MB of error text in memory or in a row.
Messages never carry control characters (a NUL cannot be stored in PostgreSQL's JSON).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from kaa.core.validators import without_control_characters

SCHOOL_COLUMNS = ("personnummer", "skolform", "program", "arskurs", "skolenhetskod", "skolenhet", "motsvarande",
                  "startdatum", "slutdatum", "avbrott_datum", "resultat", "resultat_datum")
# Extra columns only SS 12000 JSON fills (a school system knows names and protection too).
SS12000_EXTRA = ("fornamn", "efternamn", "skydd", "status", "avbruten", "kommunkod")
MAX_ISSUES = 1000  # errors (and warnings) kept per run; the rest are only counted


@dataclass
class Issue:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


def issue(row: int | None, column: str, problem: str) -> Issue:
    """An error or warning whose message names its row and column (translated now)."""
    if row is not None and column:
        text = _("Row %(row)s, column “%(column)s”: %(problem)s") % {"row": row, "column": column,
                                                                     "problem": problem}
    elif row is not None:
        text = _("Row %(row)s: %(problem)s") % {"row": row, "problem": problem}
    elif column:
        text = _("Column “%(column)s”: %(problem)s") % {"column": column, "problem": problem}
    else:
        text = problem
    # A value quoted in the message may hold a control character (the very problem reported).
    return Issue(row=row, column=without_control_characters(column), message=without_control_characters(text))


class IssueList(list):
    """The first ``limit`` issues of a file; ``total`` counts every issue, ``rows`` the distinct rows.

    Issues arrive in row order (a row's problems one after the other), so distinct rows are counted
    without keeping a set of half a million row numbers.
    """

    def __init__(self, items: Iterable[Issue] = (), limit: int = MAX_ISSUES) -> None:
        super().__init__()
        self.limit, self.total, self.rows = limit, 0, 0
        self._last_row: int | None = None
        for item in items:
            self.append(item)

    def _count(self, item: Issue) -> None:
        self.total += 1
        if item.row is not None and item.row != self._last_row:
            self.rows += 1
            self._last_row = item.row

    def append(self, item: Issue) -> None:
        self._count(item)
        if len(self) < self.limit:
            super().append(item)

    def insert(self, index: Any, item: Issue) -> None:
        self._count(item)
        super().insert(index, item)
        if len(self) > self.limit:
            self.pop()

    def extend(self, items: Iterable[Issue]) -> None:
        for item in items:
            self.append(item)


@dataclass
class Table:
    """A file read into text: the normalised header and (row number, cells) pairs.

    A CSV file's rows are read lazily (``source``), once, by ``each_row``: a region's file is never
    held in memory as text cells. ``rows`` holds the rows of the other formats (and, for tests, a CSV
    file's rows until they are streamed).
    """

    format: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    errors: IssueList = field(default_factory=IssueList)
    warnings: IssueList = field(default_factory=IssueList)
    source: Iterator[tuple[int, list[str]]] | None = None
    read: int = 0  # data rows read so far

    def __post_init__(self) -> None:
        if not isinstance(self.errors, IssueList):
            self.errors = IssueList(self.errors)
        if not isinstance(self.warnings, IssueList):
            self.warnings = IssueList(self.warnings)

    def each_row(self) -> Iterator[tuple[int, list[str]]]:
        """Every data row, once; a file without any becomes the "empty file" error."""
        source = self.source if self.source is not None else iter(self.rows)
        self.source, self.rows = None, []
        for item in source:
            self.read += 1
            yield item
        if not self.read and not self.errors:
            self.errors.append(_empty_issue())

    def materialise(self) -> list[tuple[int, list[str]]]:
        """All rows as a list (small files and tests); afterwards ``each_row`` reads them from the list."""
        if self.source is not None:
            self.rows, self.source = list(self.source), None
        return self.rows


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_table(data: bytes) -> Table:
    """Read any supported file; problems come back as errors on the table, never as exceptions."""
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data)
    text = decode(data)
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        return read_ss12000(stripped)
    return read_csv(text)


def _empty_issue() -> Issue:
    return issue(None, "", _("The file is empty: it has no data rows."))


def _empty() -> Table:
    return Table(errors=[_empty_issue()])


def _blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def read_csv(text: str) -> Table:
    if not text.strip():
        return _empty()
    first = text.lstrip("\r\n").split("\n", 1)[0]
    semi, comma = first.count(";"), first.count(",")
    if not semi and not comma and ("\t" in first or "|" in first):
        return Table(format="csv", errors=[issue(1, "", _(
            "Wrong separator: columns must be separated by semicolon (;) or comma (,)."))])
    delimiter = _delimiter(text)
    if "\n" not in text:
        text = text.replace("\r", "\n")  # old Mac line ends
    # Lines are split lazily from the text (no second copy of it); csv reads NUL characters as text.
    reader = csv.reader(_lines(text), delimiter=delimiter)
    try:
        header = next((row for row in reader if not _blank(row)), None)
    except csv.Error:
        return Table(format="csv", errors=[issue(None, "", _("The file could not be read as CSV."))])
    if header is None:
        return _empty()
    table = Table(format="csv", header=[cell.strip().lower() for cell in header])
    table.source = _csv_rows(reader, table, "," if delimiter == ";" else ";")
    return table


def _delimiter(text: str) -> str:
    """The separator: the one the first line has more of (``;`` on a tie)."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    return ";" if first.count(";") >= first.count(",") else ","


def _lines(text: str) -> Iterator[str]:
    start, find = 0, text.find
    while start < len(text):
        end = find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _csv_rows(reader: Any, table: Table, other: str) -> Iterator[tuple[int, list[str]]]:
    width = len(table.header)
    last = reader.line_num
    try:
        for cells in reader:
            # A row's number is the line it starts on (a quoted cell may span lines).
            start, last = last + 1, reader.line_num
            if _data_row(start, cells, width, other, table):
                yield start, cells
    except csv.Error:
        table.errors.append(issue(None, "", _("The file could not be read as CSV.")))


def _data_row(start: int, cells: list[str], width: int, other: str, table: Table) -> bool:
    """A CSV record is a data row: not blank, and not separated otherwise than the header (an error)."""
    if not cells or (not cells[0].strip() and _blank(cells)):
        return False
    if width > 1 and len(cells) == 1 and (other in cells[0] or "\t" in cells[0]):
        table.errors.append(issue(start, "", _("Wrong separator: this row is not separated like the header row.")))
        return False
    return True


# --- Plain CSV as raw lines (re-imports compare lines before parsing them) ---------------------

CSV_FIELD_LIMIT = csv.field_size_limit()


@dataclass
class CsvLines:
    """A plain CSV file as undecoded lines: no quote character anywhere and only ``\n`` or ``\r\n`` line
    ends, so each physical line is one record, its row number its line number, and its cells are the line
    split at the separator, exactly as ``read_csv`` reads them.

    An import compares each raw line with what the previous import stored for it (a digest of the line, see
    ``kaa.imports.services``) and parses only the lines it does not know: ``table`` reads those, through the
    same row checks as ``read_csv``, and the rows' validation stays in ``rows.py``.
    """

    header: Table  # the header only, as read_csv reads it
    encoding: str
    delimiter: str
    lines: list[bytes]
    first: int  # index in ``lines`` of the first line after the header; a line's row number is its index + 1

    def data_lines(self) -> Iterator[tuple[int, bytes]]:
        """(row number, line without its line end) of every line after the header that is not empty."""
        lines = self.lines
        for at in range(self.first, len(lines)):
            line = lines[at]
            if line and line != b"\r":
                yield at + 1, line[:-1] if line[-1:] == b"\r" else line

    def table(self, selected: Iterable[tuple[int, bytes]], already_read: int = 0) -> Table:
        """A table of the ``selected`` lines (row number, line from ``data_lines``), in row order;
        ``already_read``: data rows known without parsing (they count as read, so the file is not "empty")."""
        table = Table(format="csv", header=list(self.header.header))
        self.refill(table, selected, already_read)
        return table

    def refill(self, table: Table, selected: Iterable[tuple[int, bytes]], already_read: int = 0) -> None:
        """``table`` (not read yet) reads the ``selected`` lines instead."""
        table.read, table.rows = already_read, []
        table.source = self._rows(selected, table)

    def _rows(self, selected: Iterable[tuple[int, bytes]], table: Table) -> Iterator[tuple[int, list[str]]]:
        width, delimiter, encoding = len(table.header), self.delimiter, self.encoding
        other = "," if delimiter == ";" else ";"
        for num, line in selected:
            cells = line.decode(encoding, "replace").split(delimiter)
            if _data_row(num, cells, width, other, table):
                yield num, cells


def split_plain_csv(data: bytes) -> CsvLines | None:
    """``data`` as ``CsvLines`` when it is a plain CSV file (see there) whose header ``read_csv`` reads
    without error; None for any other file (XLSX, JSON, quoted cells, old Mac line ends …): read it whole."""
    if data.startswith(b"PK\x03\x04"):
        return None
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    if (body.lstrip()[:1] in (b"{", b"[") or b'"' in body or b"\n" not in body
            or body.count(b"\r") != body.count(b"\r\n")):
        return None
    encoding = "utf-8"
    if not bom:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    lines = body.split(b"\n")
    if max(map(len, lines)) >= CSV_FIELD_LIMIT:
        return None  # csv refuses such a field: let read_csv say so
    at = next((at for at, line in enumerate(lines)
               if line.decode(encoding, "replace").replace(";", "").replace(",", "").strip()), None)
    if at is None:
        return None
    prefix = "\n".join(x.decode(encoding, "replace") for x in lines[:at + 1])
    header = read_csv(prefix)
    # The header must be the prefix's last line, as read_csv sees it.
    if header.errors or not header.header or header.source is None or list(header.source) or header.errors:
        return None
    delimiter = _delimiter(prefix)
    return CsvLines(header=header, encoding=encoding, delimiter=delimiter, lines=lines, first=at + 1)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> Table:
    """The first sheet; the first non-blank row is the header. Data rows are read lazily, like CSV."""
    from openpyxl import load_workbook

    unreadable = _("The file could not be read as an Excel workbook.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return Table(format="xlsx", errors=[issue(None, "", unreadable)])
    table = Table(format="xlsx")
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header_at = 0
        for num, values in enumerate(rows, start=1):
            cells = [_cell(v) for v in values]
            if any(c.strip() for c in cells):
                table.header, header_at = [c.strip().lower() for c in cells], num
                break
    except Exception:
        book.close()
        return Table(format="xlsx", errors=[issue(None, "", unreadable)])
    if not table.header:
        book.close()
        return _empty()
    table.source = _xlsx_rows(book, rows, table, header_at + 1, unreadable)
    return table


def _xlsx_rows(book: Any, rows: Iterator, table: Table, start: int, unreadable: str) -> Iterator:
    code_at = table.header.index("kommunkod") if "kommunkod" in table.header else None
    try:
        for num, values in enumerate(rows, start=start):
            cells = [_cell(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if code_at is not None and code_at < len(values) and isinstance(values[code_at], int | float):
                cells[code_at] = f"{int(values[code_at]):04d}"  # a number cell lost the leading zero
            yield num, cells
    except Exception:
        table.errors.append(issue(None, "", unreadable))
    finally:
        book.close()


# --- SS 12000 JSON -----------------------------------------------------------------------------

SECURITY_MARKING = {"": "", "ingen": "", "sekretessmarkering": "sekretessmarkering",
                    "skyddad folkbokföring": "skyddad_folkbokforing", "skyddad_folkbokforing": "skyddad_folkbokforing"}
PERSON_STATUS = {"": "", "aktiv": "", "utvandrad": "utvandrad", "avliden": "avliden"}


def _items(value: Any) -> list:
    """A collection as SS 12000 returns it: a plain list, or a page ``{"data": [...]}``."""
    if isinstance(value, dict):
        value = value.get("data", [])
    return value if isinstance(value, list) else []


def _ref_id(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else ""
    return str(value)


def read_ss12000(text: str) -> Table:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return Table(format="json", errors=[issue(None, "", _("The file is not valid JSON."))])
    if isinstance(doc, list):
        doc = {"persons": doc}
    if not isinstance(doc, dict):
        return Table(format="json", errors=[issue(None, "", _("The file is not an SS 12000 document."))])
    persons = _items(doc.get("persons", doc.get("data")))
    if not persons:
        return Table(format="ss12000", errors=[issue(None, "persons", _(
            "The file is not an SS 12000 document with persons, or it has none."))])
    organisations = {str(o.get("id")): o for o in _items(doc.get("organisations")) if isinstance(o, dict)}
    programmes = {str(p.get("id")): p for p in _items(doc.get("programmes")) if isinstance(p, dict)}
    table = Table(format="ss12000", header=[*SCHOOL_COLUMNS, *SS12000_EXTRA])
    table.rows = list(_ss12000_rows(persons, organisations, programmes, table))
    if not table.rows and not table.errors:
        return _empty()
    return table


def _programme_code(enrolment: dict, programmes: dict) -> str:
    value = enrolment.get("programme")
    if isinstance(value, dict):
        found = programmes.get(_ref_id(value), {})
        return _text(found.get("code") or value.get("code") or found.get("displayName") or "")
    if value:
        return _text(value)
    return _text(enrolment.get("educationCode") or "")


def _ss12000_rows(persons: Iterable, organisations: dict, programmes: dict, table: Table) -> Iterable:
    ordinal = 0
    for person in persons:
        if not isinstance(person, dict):
            continue
        civic = person.get("civicNo")
        pnr = _text(civic.get("value") if isinstance(civic, dict) else civic)
        marking = _text(person.get("securityMarking")).strip().lower()
        status = _text(person.get("personStatus")).strip().lower()
        enrolments = person.get("enrolments")
        for enrolment in enrolments if isinstance(enrolments, list) else []:
            if not isinstance(enrolment, dict):
                continue
            ordinal += 1
            org = organisations.get(_ref_id(enrolment.get("enroledAt")), {})
            at = enrolment.get("enroledAt")
            unit_name = org.get("displayName") or (at.get("displayName") if isinstance(at, dict) else "")
            row = {
                "personnummer": pnr,
                "skolform": _text(enrolment.get("schoolType")),
                "program": _programme_code(enrolment, programmes),
                "arskurs": _text(enrolment.get("schoolYear")),
                "skolenhetskod": _text(org.get("schoolUnitCode")),
                "skolenhet": _text(unit_name),
                "motsvarande": "",
                "startdatum": _text(enrolment.get("startDate")),
                "slutdatum": _text(enrolment.get("endDate")),
                "avbrott_datum": "",
                "resultat": "",
                "resultat_datum": "",
                "fornamn": _text(person.get("givenName")),
                "efternamn": _text(person.get("familyName")),
                "skydd": SECURITY_MARKING.get(marking, marking),
                "status": PERSON_STATUS.get(status, status),
                "avbruten": "ja" if enrolment.get("cancelled") is True else "",
                "kommunkod": _text(org.get("municipalityCode")),
            }
            yield ordinal, [row[name] for name in table.header]
