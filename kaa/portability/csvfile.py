"""The export's own CSV writer and reader: the one place outside ``kaa.core.tabular`` that writes CSV.

``kaa.core.tabular`` makes every cell safe for a spreadsheet program: text starting with ``=``, ``+``,
``-`` or ``@`` gets a leading quote and control characters become U+FFFD. That is right for files
people open in Excel, and wrong here: this folder is read by another system (or this one) to restore
the municipality's data exactly, and a journal note starting with "- " or a phone number "+4670…"
must come back as it was written. So cells are written as stored, and docs/portability.md warns a
reader not to open the files in a spreadsheet program unguarded. ``tests/core/test_tabular.py``
allows this file, and only this one, to call ``csv.writer``.

Dialect (RFC 4180): UTF-8 without a byte-order mark, ``,`` between cells, ``"`` around a cell that
holds ``,``, ``"``, CR or LF (a ``"`` inside doubled), CRLF after each row, a header row first.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

DIALECT = {
    "delimiter": ",",
    "quotechar": '"',
    "lineterminator": "\r\n",
    "quoting": csv.QUOTE_MINIMAL,
    "doublequote": True,
    "strict": True,
}


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write the header and the rows (every cell already text); return the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, **DIALECT)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def read_table(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    """The header and an iterator over the rows. The caller keeps the file open by consuming it."""
    handle = path.open(encoding="utf-8", newline="")
    reader = csv.reader(handle, **DIALECT)

    def rows() -> Iterator[list[str]]:
        with handle:
            yield from reader

    header = next(reader, None)
    if header is None:
        handle.close()
        raise ValueError("empty file")
    return header, rows()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
