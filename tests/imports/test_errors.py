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
