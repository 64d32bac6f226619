"""Building synthetic import files for the tests."""

import datetime
import io
from pathlib import Path

from tests.factories import make_personnummer

POP_HEADER = ["personnummer", "fornamn", "efternamn", "kommunkod", "folkbokford_datum", "adress", "postnummer",
              "postort", "skydd", "status", "status_datum", "vardnadshavare1_namn", "vardnadshavare1_telefon"]
SCHOOL_HEADER = ["personnummer", "skolform", "program", "arskurs", "skolenhetskod", "skolenhet", "startdatum",
                 "slutdatum", "avbrott_datum", "resultat", "resultat_datum"]


def pnr(n: int, year: int = 2008) -> str:
    return make_personnummer(datetime.date(year, 1, 1) + datetime.timedelta(days=n % 360), serial=n % 999 + 1)


def pop_row(n: int, **overrides: str) -> dict:
    row = {"personnummer": pnr(n), "fornamn": f"Namn{n}", "efternamn": "Exempel", "kommunkod": "0480",
           "folkbokford_datum": "2010-01-01", "adress": "Exempelvägen 1", "postnummer": "61130",
           "postort": "Nyköping", "skydd": "", "status": "", "status_datum": "",
           "vardnadshavare1_namn": "Förälder Exempel", "vardnadshavare1_telefon": "070-0000000"}
    row.update(overrides)
    return row


def school_row(n: int, **overrides: str) -> dict:
    row = {"personnummer": pnr(n), "skolform": "GY", "program": "NA", "arskurs": "", "skolenhetskod": "04800001",
           "skolenhet": "Nyköpings gymnasium", "startdatum": "2024-08-19", "slutdatum": "", "avbrott_datum": "",
           "resultat": "", "resultat_datum": ""}
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], header: list[str] | None = None, delimiter: str = ";",
              encoding: str = "utf-8") -> bytes:
    header = header or list(rows[0])
    lines = [delimiter.join(header)] + [delimiter.join(str(r.get(h, "")) for h in header) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def xlsx_bytes(rows: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    header = list(rows[0])
    sheet.append([h.upper() for h in header])
    for r in rows:
        sheet.append([r[h] for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
