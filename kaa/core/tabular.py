"""Every CSV and XLSX file the product writes goes through here (issue 9, items 3 and 4).

A spreadsheet program turns a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) into a formula, so text from a form or an import could run as a formula on the
reader's machine (formula injection). Such text is written with a leading single quote, as OWASP
advises, in CSV and XLSX alike, and XLSX text cells are stored as text, never as formulas.

XLSX (XML) cannot store most control characters: openpyxl raises ``IllegalCharacterError`` on them,
with the text in the message. They are replaced by U+FFFD, so no export fails on stored text.

Numbers, dates and other non-text values are written as they are: a personnummer, a code or an ISO
date starts with a digit or a letter and is not touched (INTERFACES.md formats stay as documented).

A workbook may hold several sheets (``xlsx_workbook_bytes``), each with native bar charts drawn from
a block of its own cells (``XlsxBarChart``): the chart reads the cells, so it shows exactly the
figures written, and its title passes the same control-character filter.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 has no place for these (openpyxl's ILLEGAL_CHARACTERS_RE, plus DEL, lone surrogates and
# the two non-characters).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# A line starting (after spaces) like a formula, seen from the line break before it.
_FORMULA_LINE = re.compile("\n *[=+\\-@\t\r]")


def _needs_care(text: str) -> bool:
    """Whether safe_text would change any line of the text: a control character, or a line starting
    (after spaces) like a formula. Used to pass a whole row, or many rows, of ordinary cells at once
    (large files); two searches with a fixed start are quicker than one with alternatives."""
    return CONTROL_CHARACTERS.search(text) is not None or _FORMULA_LINE.search("\n" + text) is not None


def safe_text(text: str) -> str:
    """Text as a spreadsheet cell may hold it: no control characters, never the start of a formula."""
    text = CONTROL_CHARACTERS.sub(REPLACEMENT, text)
    # Leading spaces do not stop every program from reading a formula.
    if text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text


def safe_cell(value: Any) -> Any:
    """One cell: text is made safe (``safe_text``); numbers, dates and None are left as they are."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(row: Iterable[Any]) -> list[Any]:
    cells = list(row)
    # One search over the row's text cells, one per line: when no line needs care, no cell does
    # (a cell's own line breaks only make the search stricter, never looser).
    if not _needs_care("\n".join([value for value in cells if isinstance(value, str)])):
        return cells
    return [safe_cell(value) for value in cells]


class SafeCsvWriter:
    """``csv.writer`` with every cell passed through ``safe_cell``."""

    def __init__(self, out: IO[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Rows in chunks: when no text cell of a chunk needs care (one search over them all, as
        ``safe_row`` does for one row), the chunk is written as it is; otherwise row by row."""
        chunk: list[Any] = []
        for row in rows:
            chunk.append(row if isinstance(row, list | tuple) else list(row))
            if len(chunk) == 10_000:
                self._write_chunk(chunk)
                chunk = []
        self._write_chunk(chunk)

    def _write_chunk(self, rows: list[Any]) -> None:
        text = "\n".join([value for row in rows for value in row if isinstance(value, str)])
        if not _needs_care(text):
            self._writer.writerows(rows)
        else:
            for row in rows:
                self.writerow(row)


def csv_writer(out: IO[str], *, delimiter: str = ";", lineterminator: str = "\n", **fmtparams: Any) -> SafeCsvWriter:
    """The product's CSV dialect (UTF-8 is the caller's file, ``;``-separated, ``\\n`` line ends)."""
    return SafeCsvWriter(out, delimiter=delimiter, lineterminator=lineterminator, **fmtparams)


def _xlsx_row(sheet: Any, row: Iterable[Any]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        value = safe_cell(value)
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, whatever it looks like: never a formula
            cells.append(cell)
        else:
            cells.append(value)
    return cells


@dataclass(frozen=True)
class XlsxBarChart:
    """A native bar chart of a block of a sheet's rows: labels in one column, numbers in another.

    ``first_row`` is the 0-based index of the block's first row among the sheet's ``rows`` (the
    header row not counted) and ``count`` its number of rows; columns are 0-based. The chart is put
    at ``anchor`` (a cell such as ``"E2"``), by default two columns right of the values, at the
    block's first row. A cell that holds text (``"<5"``) is drawn as no bar.
    """

    title: str
    first_row: int
    count: int
    label_column: int = 0
    value_column: int = 1
    anchor: str | None = None


@dataclass(frozen=True)
class XlsxSheet:
    """One sheet of a workbook: rows (every cell made safe), an optional header row, charts."""

    title: str
    rows: Iterable[Sequence[Any]]
    header: Sequence[str] | None = None
    charts: Sequence[XlsxBarChart] = ()


def _sheet_title(title: str) -> str:
    return _SHEET_TITLE_FORBIDDEN.sub(" ", CONTROL_CHARACTERS.sub("", title)).strip()[:31] or "Sheet"


def _bar_chart(sheet: Any, spec: XlsxBarChart, offset: int) -> Any:
    """The chart of ``spec`` on ``sheet``: horizontal bars, dark grey (prints in greyscale), values shown."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.utils import get_column_letter

    first, last = offset + spec.first_row + 1, offset + spec.first_row + spec.count
    chart = BarChart()
    chart.type = "bar"
    chart.title = CONTROL_CHARACTERS.sub(REPLACEMENT, spec.title)
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=spec.value_column + 1, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(sheet, min_col=spec.label_column + 1, min_row=first, max_row=last))
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # the first row on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    series = chart.series[0]
    series.graphicalProperties.solidFill = "404040"
    series.graphicalProperties.line.solidFill = "000000"
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    chart.height = max(5.0, 1.5 + 0.8 * spec.count)
    chart.width = 16.0
    sheet.add_chart(chart, spec.anchor or f"{get_column_letter(spec.value_column + 3)}{first}")
    return chart


def xlsx_workbook_bytes(sheets: Sequence[XlsxSheet]) -> bytes:
    """Several sheets, every cell safe, with their native charts, as the bytes of an .xlsx file."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_title(spec.title))
        if spec.header is not None:
            sheet.append(_xlsx_row(sheet, spec.header))
        for row in spec.rows:
            sheet.append(_xlsx_row(sheet, row))
        for chart in spec.charts:
            _bar_chart(sheet, chart, offset=1 if spec.header is not None else 0)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bytes(
    rows: Iterable[Sequence[Any]],
    *,
    header: Sequence[str] | None = None,
    sheet_title: str = "Sheet",
    charts: Sequence[XlsxBarChart] = (),
) -> bytes:
    """One sheet with an optional header row and charts, every cell safe, as the bytes of an .xlsx file."""
    return xlsx_workbook_bytes([XlsxSheet(title=sheet_title, rows=rows, header=header, charts=charts)])
