"""Charts drawn on the server (issue 13, item 11): SVG safe inline under the CSP, native XLSX charts."""

import io
import re
import xml.etree.ElementTree as ET

from django.template.loader import render_to_string
from openpyxl import load_workbook

from kaa.core.tabular import XlsxBarChart, XlsxSheet, xlsx_bytes, xlsx_workbook_bytes
from kaa.reporting.charts import bar_chart


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 (our own chart)


ROWS = [("Studerar", 12), ("Arbetar", 3), ("Kostar $5 & <mer>", 0)]


def test_svg_is_an_accessible_image_without_inline_styles():
    chart = bar_chart(title="Vad de gör nu", rows=ROWS)
    root = _parse(chart.svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Vad de gör nu"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Vad de gör nu"
    assert "style=" not in chart.svg and "<style" not in chart.svg and "<script" not in chart.svg
    texts = "".join(root.itertext())
    assert "Studerar" in texts and "12" in texts
    assert "Kostar $5 & <mer>" in texts  # a label is text, never TeX and never markup
    assert root.get("width") is None and root.get("viewBox")


def test_ids_differ_between_charts_and_every_reference_resolves():
    one, two = bar_chart(title="A", rows=ROWS), bar_chart(title="A", rows=ROWS, key="second")
    ids_one = set(re.findall(r' id="([^"]+)"', one.svg))
    ids_two = set(re.findall(r' id="([^"]+)"', two.svg))
    assert ids_one and not ids_one & ids_two
    for chart, ids in ((one, ids_one), (two, ids_two)):
        refs = set(re.findall(r"url\(#([^)]+)\)", chart.svg)) | set(re.findall(r'href="#([^"]+)"', chart.svg))
        assert refs <= ids


def test_small_numbers_are_hidden_in_bars_and_rows():
    chart = bar_chart(title="Orsak", rows=[("Studier", 7), ("Arbete", 2), ("Inget", 0)], small_under=5)
    assert [r.shown for r in chart.rows] == ["7", "<5", "0"]
    texts = "".join(_parse(chart.svg).itertext())
    assert "<5" in texts and ">2<" not in chart.svg


def test_no_rows_draws_nothing_and_the_partial_says_none():
    chart = bar_chart(title="Tomt", rows=[])
    assert chart.empty and str(chart.svg) == ""
    html = render_to_string("reporting/_chart.html", {"chart": chart})
    assert "<svg" not in html and "<caption>Tomt</caption>" in html


def test_partial_shows_picture_and_table():
    html = render_to_string("reporting/_chart.html", {"chart": bar_chart(title="Kanal", rows=ROWS)})
    assert html.count("<svg") == 1 and "<caption>Kanal</caption>" in html
    assert '<th scope="row">Kostar $5 &amp; &lt;mer&gt;</th><td>0</td>' in html


def test_xlsx_native_bar_chart_reads_the_written_cells():
    content = xlsx_bytes(
        [["Studerar", 12], ["Arbetar", 3], ["Okänd", "<5"]],
        header=["Kategori", "Unga"],
        sheet_title="Nu",
        charts=[XlsxBarChart(title="Vad de gör\x00 nu", first_row=0, count=3)],
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet["A"]] == ["Kategori", "Studerar", "Arbetar", "Okänd"]
    charts = sheet._charts
    assert len(charts) == 1
    series = charts[0].series[0]
    assert series.val.numRef.f == "'Nu'!$B$2:$B$4"
    assert series.cat.numRef.f == "'Nu'!$A$2:$A$4" or series.cat.strRef.f == "'Nu'!$A$2:$A$4"
    title = "".join(r.t for p in charts[0].title.tx.rich.p for r in (p.r or []))
    assert title == "Vad de gör\ufffd nu"


def test_workbook_with_several_sheets_keeps_cells_safe():
    content = xlsx_workbook_bytes(
        [
            XlsxSheet(title="Sammanfattning", rows=[["=1+1", 3]]),
            XlsxSheet(
                title="Orsak/skäl",
                rows=[["Studier", 2], ["Arbete", 1]],
                header=["Orsak", "Unga"],
                charts=[XlsxBarChart(title="Orsak", first_row=0, count=2)],
            ),
        ]
    )
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Sammanfattning", "Orsak skäl"]
    assert workbook["Sammanfattning"]["A1"].value == "'=1+1"
    assert workbook["Sammanfattning"]["A1"].data_type == "s"
    assert len(workbook["Orsak skäl"]._charts) == 1
