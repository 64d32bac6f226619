"""Parsers: any bytes give a table or errors, never an exception; valid rows round-trip through CSV."""

import csv
import datetime
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaa.imports.parsers import decode, read_table
from kaa.imports.rows import POPULATION_COLUMNS, SCHOOL_COLUMNS, population_rows, school_rows
from tests.factories import make_personnummer

cell_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)


def write_csv(header: list[str], rows: list[list[str]], delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cell_text, min_size=3, max_size=3).filter(lambda r: any(c.strip() for c in r)),
                     min_size=1, max_size=10),
       delimiter=st.sampled_from([";", ","]))
def test_csv_round_trip(rows, delimiter):
    table = read_table(write_csv(["personnummer", "fornamn", "efternamn"], rows, delimiter))
    assert not table.errors
    assert table.header == ["personnummer", "fornamn", "efternamn"]
    assert [cells for _num, cells in table.each_row()] == rows


people = st.builds(
    lambda birth, serial, coordination, given_name, family, code: {
        "personnummer": make_personnummer(birth, serial=serial, coordination=coordination),
        "fornamn": given_name, "efternamn": family, "kommunkod": code},
    st.dates(datetime.date(1990, 1, 1), datetime.date(2015, 12, 31)), st.integers(1, 999), st.booleans(),
    cell_text.map(str.strip).filter(bool), cell_text.map(str.strip).filter(bool),
    st.from_regex(r"\A[0-9]{4}\Z"))


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(persons=st.lists(people, min_size=1, max_size=8, unique_by=lambda p: p["personnummer"]),
       delimiter=st.sampled_from([";", ","]), encoding=st.sampled_from(["utf-8", "utf-8-sig"]))
def test_valid_population_rows_round_trip(persons, delimiter, encoding):
    header = ["personnummer", "fornamn", "efternamn", "kommunkod"]
    data = write_csv(header, [[p[h] for h in header] for p in persons], delimiter).decode().encode(encoding)
    table = read_table(data)
    rows = population_rows(table)
    assert not table.errors, table.errors
    assert [(r.personnummer, r.given_name, r.family_name, r.municipality_code) for r in rows] == [
        (p["personnummer"], p["fornamn"], p["efternamn"], p["kommunkod"]) for p in persons]


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_garbage_bytes_never_crash(data):
    for rows in (population_rows, school_rows):
        table = read_table(data)
        rows(table)
        assert table.errors or table.read


garbage_csv = st.lists(st.lists(cell_text, max_size=14), max_size=6)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(rows=garbage_csv, delimiter=st.sampled_from([";", ",", "\t"]), kind=st.sampled_from(["pop", "school"]))
def test_garbage_rows_under_a_valid_header_only_give_errors(rows, delimiter, kind):
    header = list(POPULATION_COLUMNS if kind == "pop" else SCHOOL_COLUMNS)
    table = read_table(write_csv(header, rows, delimiter))
    parsed = (population_rows if kind == "pop" else school_rows)(table)
    assert all(isinstance(e.message, str) and e.message for e in table.errors)
    assert len(parsed) <= table.read


@given(data=st.recursive(st.none() | st.booleans() | st.integers() | cell_text,
                         lambda children: st.lists(children, max_size=4)
                         | st.dictionaries(st.sampled_from(["persons", "data", "civicNo", "value", "enrolments",
                                                            "schoolType", "startDate", "enroledAt", "id",
                                                            "organisations", "programme"]), children, max_size=4),
                         max_leaves=20))
@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_garbage_json_never_crashes(data):
    import json

    table = read_table(json.dumps({"persons": data}).encode())
    school_rows(table)


def test_unicode_digits_are_not_digits():
    from kaa.imports.parsers import Table

    table = Table(header=list(SCHOOL_COLUMNS), rows=[(2, ["200906127113", "GR", "", "¹", "", "", "", "2025-08-18",
                                                          "", "", "", ""])])
    assert school_rows(table) == [] and table.errors[0].column == "arskurs"


def test_cp1252_fallback():
    assert decode("Åsa;Östen".encode("cp1252")) == "Åsa;Östen"
    assert decode(b"\xef\xbb\xbfabc") == "abc"
