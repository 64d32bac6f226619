"""Every CSV and XLSX file the product writes goes through here (issue 9, items 3 and 4).

A spreadsheet program turns a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) into a formula, so text from a form or an import could run as a formula on the
reader's machine (formula injection). Such text is written with a leading single quote, as OWASP
advises, in CSV and XLSX alike, and XLSX text cells are stored as text, never as formulas.

XLSX (XML) cannot store most control characters: openpyxl raises ``IllegalCharacterError`` on them,
with the text in the message. They are replaced by U+FFFD, so no export fails on stored text.

Numbers, dates and other non-text values are written as they are: a personnummer, a code or an ISO
date starts with a digit or a letter and is not touched (INTERFACES.md formats stay as documented).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 has no place for these (openpyxl's ILLEGAL_CHARACTERS_RE, plus DEL, lone surrogates and
# the two non-characters).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


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
    return [safe_cell(value) for value in row]


class SafeCsvWriter:
    """``csv.writer`` with every cell passed through ``safe_cell``."""

    def __init__(self, out: IO[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
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


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, header: Sequence[str] | None = None,
               sheet_title: str = "Sheet") -> bytes:
    """One sheet with an optional header row, every cell safe, as the bytes of an .xlsx file."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    title = _SHEET_TITLE_FORBIDDEN.sub(" ", CONTROL_CHARACTERS.sub("", sheet_title)).strip()[:31] or "Sheet"
    sheet = workbook.create_sheet(title)
    if header is not None:
        sheet.append(_xlsx_row(sheet, header))
    for row in rows:
        sheet.append(_xlsx_row(sheet, row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
