"""Every kind of bad input gives a message naming its row and column, in Swedish and in English."""

import pytest

from kaa.imports.models import ImportStatus
from kaa.imports.services import population_import, school_import
from kaa.register.models import Enrolment, Youth
from tests.factories import MunicipalityFactory

from .helpers import POP_HEADER, csv_bytes, pnr, pop_row, school_row, write

pytestmark = pytest.mark.django_db


def bad_check_digit() -> str:
    good = pnr(1)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def without(row: dict, column: str) -> dict:
    return {k: v for k, v in row.items() if k != column}


POPULATION_CASES = {
    "check digit": (csv_bytes([pop_row(1, personnummer=bad_check_digit())]), 2, "personnummer",
                    "Invalid personal identity number"),
    "impossible date": (csv_bytes([pop_row(1, folkbokford_datum="2026-02-30")]), 2, "folkbokford_datum",
                        "is not a valid date"),
    "missing column": (csv_bytes([without(pop_row(1), "efternamn")]), 1, "efternamn", "Required column missing"),
    "duplicate": (csv_bytes([pop_row(1), pop_row(1, fornamn="Annan")]), 3, "personnummer", "already on row 2"),
    "bad kommunkod": (csv_bytes([pop_row(1, kommunkod="480")]), 2, "kommunkod", "not a municipality code"),
    "unknown skydd": (csv_bytes([pop_row(1, skydd="hemlig")]), 2, "skydd", "Unknown value"),
    "unknown status": (csv_bytes([pop_row(1, status="flyttad")]), 2, "status", "Unknown value"),
    "empty value": (csv_bytes([pop_row(1, fornamn="")]), 2, "fornamn", "A value is required"),
    "tab separated": (csv_bytes([pop_row(1)], delimiter="\t"), 1, "", "Wrong separator"),
    "semicolon header, comma rows": (";".join(POP_HEADER).encode() + b"\n" + b",".join(
        v.encode() for v in pop_row(1).values()) + b"\n", 2, "", "Wrong separator"),
    "empty file": (b"", None, "", "The file is empty"),
    "NUL in a name": (csv_bytes([pop_row(1, fornamn="An\x00na")]), 2, "fornamn", "control character"),
    "escape in an address": (csv_bytes([pop_row(1, adress="Gatan\x1b[2J 1")]), 2, "adress", "control character"),
    "DEL in a guardian's name": (csv_bytes([pop_row(1, vardnadshavare1_namn="Far\x7f")]), 2,
                                 "vardnadshavare1_namn", "control character"),
    "line break in a quoted cell": (";".join(POP_HEADER).encode() + b"\n" + ";".join(
        '"An\nna"' if k == "fornamn" else v for k, v in pop_row(1).items()).encode() + b"\n", 2, "fornamn",
        "control character"),
    "header only": (";".join(POP_HEADER).encode() + b"\n", None, "", "The file is empty"),
}

SCHOOL_CASES = {
    "unknown school type": (csv_bytes([school_row(1, skolform="XX")]), 2, "skolform", "Unknown school type"),
    "GY without programme": (csv_bytes([school_row(1, program="")]), 2, "program", "programme is required"),
    "GR without year": (csv_bytes([school_row(1, skolform="GR", program="", arskurs="")]), 2, "arskurs",
                        "school year is required"),
    "duplicate enrolment": (csv_bytes([school_row(1), school_row(1)]), 3, "personnummer", "already on row 2"),
    "impossible date": (csv_bytes([school_row(1, startdatum="2026-02-30")]), 2, "startdatum", "not a valid date"),
    "check digit": (csv_bytes([school_row(1, personnummer=bad_check_digit())]), 2, "personnummer",
                    "Invalid personal identity number"),
    "missing column": (csv_bytes([without(school_row(1), "startdatum")]), 1, "startdatum", "Required column"),
    "unknown result": (csv_bytes([school_row(1, resultat="godkänd")]), 2, "resultat", "Unknown result"),
    "empty file": (b"\r\n\r\n", None, "", "The file is empty"),
    "NUL in a school's name": (csv_bytes([school_row(1, skolenhet="Skolan\x00")]), 2, "skolenhet",
                               "control character"),
    "control character in a column name": (csv_bytes([{**school_row(1), "no\x01te": "x"}]), 1, "no?te",
                                           "column name contains a control character"),
}


def run_population(tmp_path, data, language):
    MunicipalityFactory(code="0480")
    return population_import(path_or_file=write(tmp_path, "p.csv", data), municipality_code="0480",
                             language=language)


def run_school(tmp_path, data, language):
    MunicipalityFactory(code="0480")
    return school_import(path_or_file=write(tmp_path, "s.csv", data), language=language)


def check(run, row, column, text) -> dict:
    assert run.status == ImportStatus.FAILED
    matching = [e for e in run.errors if e["row"] == row and e["column"] == column]
    assert matching, run.errors
    return matching[0]


@pytest.mark.parametrize("case", POPULATION_CASES)
def test_population_error_in_english(tmp_path, case):
    data, row, column, text = POPULATION_CASES[case]
    error = check(run_population(tmp_path, data, "en"), row, column, text)
    assert text in error["message"]
    if row:
        assert f"Row {row}" in error["message"]
    if column:
        assert f"“{column}”" in error["message"]
    assert not Youth.objects.exists()


@pytest.mark.parametrize("case", POPULATION_CASES)
def test_population_error_in_swedish(tmp_path, case):
    data, row, column, text = POPULATION_CASES[case]
    error = check(run_population(tmp_path, data, None), row, column, text)
    assert text not in error["message"]  # translated
    if row:
        assert f"Rad {row}" in error["message"]
    if column:
        assert f"kolumn ”{column}”" in error["message"] or f"Kolumn ”{column}”" in error["message"]


@pytest.mark.parametrize("case", SCHOOL_CASES)
def test_school_error_in_english(tmp_path, case):
    data, row, column, text = SCHOOL_CASES[case]
    error = check(run_school(tmp_path, data, "en"), row, column, text)
    assert text in error["message"]
    assert not Enrolment.objects.exists() and not Youth.objects.exists()


@pytest.mark.parametrize("case", SCHOOL_CASES)
def test_school_error_in_swedish(tmp_path, case):
    data, row, column, text = SCHOOL_CASES[case]
    error = check(run_school(tmp_path, data, "sv"), row, column, text)
    assert text not in error["message"]
    if row:
        assert f"Rad {row}" in error["message"]


def test_personnummer_never_in_a_message(tmp_path):
    run = run_population(tmp_path, csv_bytes([pop_row(1, personnummer=bad_check_digit()), pop_row(2),
                                              pop_row(2)]), "en")
    text = " ".join(e["message"] for e in run.errors)
    assert bad_check_digit() not in text and pnr(2) not in text


def test_a_control_character_is_never_stored_in_a_message(tmp_path):
    run = run_population(tmp_path, csv_bytes([pop_row(1, kommunkod="04\x0080", skydd="x\x00", fornamn="\x00")]),
                         "en")
    assert run.status == ImportStatus.FAILED and run.errors
    text = "".join(e["message"] + e["column"] for e in run.errors)
    assert not any(ord(c) < 32 or ord(c) == 127 for c in text)
    assert any(e["column"] == "fornamn" and "control character" in e["message"] for e in run.errors)


def test_control_character_in_an_xlsx_cell(tmp_path):
    from .helpers import xlsx_bytes

    MunicipalityFactory(code="0480")
    data = xlsx_bytes([pop_row(1), pop_row(2, efternamn="Exem\tpel")])
    run = population_import(path_or_file=write(tmp_path, "p.xlsx", data), municipality_code="0480", language="sv")
    assert run.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "efternamn")]
    assert "kontrolltecken" in run.errors[0]["message"]
    assert not Youth.objects.exists()


def test_control_character_in_ss12000_json(tmp_path):
    import json

    enrolment = {"schoolType": "GY", "startDate": "2025-08-19", "programme": "NA"}
    data = json.dumps({"persons": [{"civicNo": {"value": pnr(1)}, "givenName": "Lin\x00nea", "familyName": "Exempel",
                                    "enrolments": [enrolment]}]})
    MunicipalityFactory(code="0480")
    run = school_import(path_or_file=write(tmp_path, "s.json", data.encode()), language="en")
    assert run.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in run.errors] == [(1, "fornamn")]
    assert not Youth.objects.exists()
