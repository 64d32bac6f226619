"""Bar charts drawn on the server as SVG (issue 13, item 11), with matplotlib's SVG backend.

One picture serves the page (inline), the PDF (WeasyPrint draws inline SVG) and, through the same
rows, the XLSX's native chart (``Chart.xlsx_chart`` for ``kaa.core.tabular``). Each chart keeps
its figures (``Chart.rows``) for the accessible table shown beside it (``reporting/_chart.html``).

Why the SVG is rewritten after matplotlib has drawn it:

- the page's Content-Security-Policy allows no inline styles (``style-src 'self'``), so every
  ``style="…"`` becomes presentation attributes (``fill="…"``) and the ``<style>`` element goes;
- several charts share one page, so every id is given the chart's own prefix and the ids nobody
  refers to are dropped;
- text stays text (``svg.fonttype: none``), so it can be found, copied and read in the PDF.

Greyscale: bars take turns of grey shades and hatchings, with their value written at the bar's
end, so the chart reads the same printed on a black-and-white printer.

matplotlib is imported lazily (it is large) and is not thread-safe: one chart is drawn at a time.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Fill, hatching: dark to light, so that neighbouring bars differ in greyscale too.
STYLES = (
    ("#404040", ""),
    ("#a6a6a6", "//"),
    ("#737373", ".."),
    ("#d9d9d9", "xx"),
    ("#262626", ""),
    ("#bfbfbf", "\\\\"),
)
FONT = "'DejaVu Sans', Arial, sans-serif"
WIDTH_INCHES = 4.8  # 346 units of the viewBox: about one unit per CSS pixel in a phone's column
_LOCK = threading.Lock()
_URL_REF = re.compile(r"url\(#([^)]+)\)")


@dataclass(frozen=True)
class ChartRow:
    """One bar: its label, its value and the value as shown (``"<5"`` when hidden as a small number)."""

    label: str
    value: int
    shown: str


@dataclass(frozen=True)
class Chart:
    """A drawn chart: ``svg`` is safe to put inline in a page or a PDF; ``rows`` are its figures."""

    key: str
    title: str
    rows: tuple[ChartRow, ...]
    svg: SafeString
    label_header: str
    value_header: str

    @property
    def empty(self) -> bool:
        return not self.rows


def bar_chart(
    *,
    title: str,
    rows: list[tuple[str, int]],
    label_header: str = "",
    value_header: str = "",
    small_under: int = 0,
    key: str = "",
) -> Chart:
    """A horizontal bar chart of ``rows`` (label, count), one bar per row in the given order.

    ``small_under``: counts from 1 up to this bound (exclusive) are hidden: the bar is not drawn and
    its value reads ``<N`` (issue 13, item 12), in the chart and in ``rows``.
    ``key`` makes the chart's ids unique on a page; by default a digest of the title and rows.
    """
    shown_rows = tuple(ChartRow(str(label), int(n), _shown(int(n), small_under)) for label, n in rows)
    key = _slug(key) or "c" + hashlib.sha256(repr((title, shown_rows)).encode()).hexdigest()[:10]
    svg = _draw(title=title, rows=shown_rows, key=key) if shown_rows else mark_safe("")
    return Chart(key=key, title=title, rows=shown_rows, svg=svg, label_header=label_header, value_header=value_header)


def _shown(n: int, small_under: int) -> str:
    return f"<{small_under}" if 0 < n < small_under else str(n)


def _slug(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "", text)[:40]


# The same chart is asked for again by the PDF and by the next reader of the page: keep the last ones
# (an SVG is some 10 kB).
@functools.lru_cache(maxsize=256)
def _draw(*, title: str, rows: tuple[ChartRow, ...], key: str) -> SafeString:
    with _LOCK:
        raw = _matplotlib_svg(rows)
    return mark_safe(_clean_svg(raw, title=title, key=key))


def _matplotlib_svg(rows: tuple[ChartRow, ...]) -> str:
    import matplotlib
    from matplotlib.figure import Figure

    hidden = [row.shown != str(row.value) for row in rows]
    values = [0 if h else row.value for row, h in zip(rows, hidden, strict=True)]
    # Labels are data, never TeX: "$" in a label must not start mathtext.
    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "text.parse_math": False,
            "hatch.color": "#000000",
            "font.size": 10,
            "svg.hashsalt": "kaa",
        }
    ):
        height = 0.5 + 0.34 * len(rows)
        figure = Figure(figsize=(WIDTH_INCHES, height))
        # Margins from the longest label (DejaVu Sans: about 5.4 pt a character at 10 pt), not from a
        # layout engine: it would draw the figure once more only to measure it.
        width_pt, height_pt = WIDTH_INCHES * 72, height * 72
        longest = max((len(_short(row.label)) for row in rows), default=1)
        figure.subplots_adjust(
            left=min(0.6, (longest * 5.4 + 12) / width_pt), right=0.97, bottom=6 / height_pt, top=1 - 6 / height_pt
        )
        axes = figure.add_subplot()
        positions = list(range(len(rows)))[::-1]  # the first row on top, as in the table
        styles = [STYLES[i % len(STYLES)] for i in range(len(rows))]
        bars = axes.barh(
            positions,
            values,
            color=[s[0] for s in styles],
            edgecolor="#000000",
            linewidth=0.8,
            hatch=[s[1] for s in styles],
        )
        axes.bar_label(bars, labels=[row.shown for row in rows], padding=3)
        axes.set_yticks(positions, labels=[_short(row.label) for row in rows])
        axes.set_xlim(0, max(max(values, default=0), 1) * 1.15)
        axes.xaxis.set_visible(False)  # the values are written on the bars
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def _short(label: str, width: int = 32) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _clean_svg(raw: str, *, title: str, key: str) -> str:
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    # matplotlib's own output, labels escaped by it: no entities, no DTD of ours to expand.
    root = ET.fromstring(raw.encode())  # noqa: S314
    _drop(root, {f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"})
    referenced = set(_URL_REF.findall(raw)) | set(re.findall(r'xlink:href="#([^"]+)"', raw))
    for element in root.iter():
        _style_to_attributes(element)
        _prefix_ids(element, referenced, key)
    # What matplotlib's <style> said for every element, as inherited attributes.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for name in ("width", "height"):  # the viewBox alone: the picture fits its column
        root.attrib.pop(name, None)
    root.set("role", "img")
    root.set("aria-label", title)
    root.set("class", "kaa-chart-svg")
    title_element = ET.Element(f"{{{SVG_NS}}}title")
    title_element.text = title
    root.insert(0, title_element)
    return ET.tostring(root, encoding="unicode")


def _drop(root: ET.Element, tags: set[str]) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in tags:
                parent.remove(child)


def _style_to_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", None)
    if not style:
        return
    for declaration in style.split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font-family":
            value = FONT
        if name:
            element.set(name, value)


def _prefix_ids(element: ET.Element, referenced: set[str], key: str) -> None:
    own = element.attrib.pop("id", None)
    if own in referenced:
        element.set("id", f"{key}-{own}")
    for name, value in list(element.attrib.items()):
        if "url(#" in value:
            element.set(name, _URL_REF.sub(lambda m: f"url(#{key}-{m.group(1)})", value))
        elif name == f"{{{XLINK_NS}}}href" and value.startswith("#"):
            element.set(name, f"#{key}-{value[1:]}")


def xlsx_chart_rows(chart: Chart) -> list[list[Any]]:
    """The rows a sheet holds for the chart: label and the number, or the shown text when hidden."""
    return [[r.label, r.value if r.shown == str(r.value) else r.shown] for r in chart.rows]
