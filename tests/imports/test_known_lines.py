"""Re-imports compare raw lines first (issue 16): only lines the stored rows do not hold are parsed.

The outcome must be exactly that of parsing every row: the same counts, errors naming the same rows, the
same facts written, nothing written for a file with errors.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaa.imports import services
from kaa.imports.models import ImportStatus
from kaa.imports.parsers import read_csv, split_plain_csv
from kaa.imports.services import population_import, school_import
from kaa.register.models import Enrolment, Guardian, PopulationStatus, Youth
from kaa.register.services import school_report_create
from tests.factories import MunicipalityFactory, staff

from .helpers import POP_HEADER, csv_bytes, pnr, pop_row, school_row, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def parsed(monkeypatch):
    """How many rows each import parsed (the rows ``rows.py`` validated)."""
    counts: list[int] = []
    for name in ("population_rows", "school_rows"):
        original = getattr(services, name)

        def counting(table, original=original):
            out = original(table)
            counts.append(len(out))
            return out

        monkeypatch.setattr(services, name, counting)
    return counts


def population(tmp_path, data: bytes, name="pop.csv", **kwargs):
    kwargs.setdefault("municipality_code", "0480")
    return population_import(path_or_file=write(tmp_path, name, data), **kwargs)


def school(tmp_path, data: bytes, name="school.csv", **kwargs):
    return school_import(path_or_file=write(tmp_path, name, data), **kwargs)


def snapshot() -> list:
    return (list(Youth.objects.order_by("pk").values_list()) + list(Guardian.objects.order_by("pk").values_list())
            + list(Enrolment.objects.order_by("pk").values_list()))


def test_same_facts_in_new_bytes_parse_no_line(tmp_path, parsed):
    rows = [pop_row(i) for i in range(6)]
    first = population(tmp_path, csv_bytes(rows))
    assert first.created == 6 and parsed == [6]
    assert Youth.objects.exclude(source_digest="").count() == 6
    before = snapshot()
    again = population(tmp_path, csv_bytes(rows) + b"\r\n", name="again.csv")
    assert not again.already_imported
    assert (again.status, again.rows_read, again.created, again.changed, again.unchanged) == (
        ImportStatus.UNCHANGED, 6, 0, 0, 6)
    assert parsed == [6, 0]
    assert snapshot() == before


def test_identical_bytes_are_unchanged_by_their_checksum(tmp_path, parsed):
    data = csv_bytes([pop_row(i) for i in range(3)])
    population(tmp_path, data)
    again = population(tmp_path, data)
    assert (again.status, again.already_imported, again.unchanged) == (ImportStatus.UNCHANGED, True, 3)
    assert parsed == [3]


def test_one_changed_one_removed_one_added(tmp_path, parsed):
    rows = [pop_row(i) for i in range(6)]
    population(tmp_path, csv_bytes(rows), full=True)
    Youth.objects.update(needs_evaluation=False)
    rows[2] = pop_row(2, adress="Nya gatan 2", vardnadshavare1_namn="Ny Förälder")
    del rows[4]
    rows.append(pop_row(10))
    again = population(tmp_path, csv_bytes(rows), name="again.csv", full=True, force=True)
    assert (again.status, again.created, again.changed, again.unchanged, again.removed) == (
        ImportStatus.SUCCEEDED, 1, 1, 4, 1)
    assert parsed == [6, 2]  # only the changed and the added line
    changed = Youth.objects.get(personnummer=pnr(2))
    assert changed.address == "Nya gatan 2" and changed.needs_evaluation
    assert list(changed.guardians.values_list("name", flat=True)) == ["Ny Förälder"]
    removed = Youth.objects.get(personnummer=pnr(4))
    assert (removed.population_status, removed.source_digest) == (PopulationStatus.REMOVED, "")
    assert Youth.objects.get(personnummer=pnr(10)).source_digest
    assert set(Youth.objects.filter(needs_evaluation=True).values_list("personnummer", flat=True)) == {
        pnr(2), pnr(4), pnr(10)}
    # The removed person's line again: parsed (its digest was cleared), back in the population.
    rows.append(pop_row(4))
    back = population(tmp_path, csv_bytes(rows), name="back.csv", full=True)
    assert (back.created, back.changed, back.unchanged, back.removed) == (0, 1, 6, 0)
    assert parsed[-1] == 1
    assert Youth.objects.get(personnummer=pnr(4)).population_status == PopulationStatus.NORMAL


def test_an_invalid_line_names_its_row_and_writes_nothing(tmp_path, parsed):
    rows = [pop_row(i) for i in range(5)]
    population(tmp_path, csv_bytes(rows))
    before = snapshot()
    rows[1] = pop_row(1, adress="Ändrad")
    rows[3] = pop_row(3, folkbokford_datum="2010-13-01")
    again = population(tmp_path, csv_bytes(rows), name="bad.csv", language="en")
    assert again.status == ImportStatus.FAILED and (again.created, again.changed) == (0, 0)
    assert [e["row"] for e in again.errors] == [5]
    assert again.errors[0]["column"] == "folkbokford_datum" and "Row 5" in again.errors[0]["message"]
    assert snapshot() == before


def test_a_parsed_line_about_a_person_on_an_unchanged_line_is_a_duplicate(tmp_path):
    rows = [pop_row(i) for i in range(3)]
    population(tmp_path, csv_bytes(rows))
    before = snapshot()
    ten_digits = pnr(0)[2:8] + "-" + pnr(0)[8:]  # the same person as row 2, written otherwise
    again = population(tmp_path, csv_bytes([*rows, pop_row(0, personnummer=ten_digits)]), name="dup.csv",
                       language="en")
    assert again.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in again.errors] == [(5, "personnummer")]
    assert "already on row 2" in again.errors[0]["message"]
    # The very same line twice: the second names the first.
    twice = population(tmp_path, csv_bytes([*rows, rows[1]]), name="twice.csv", language="en")
    assert [(e["row"], e["column"]) for e in twice.errors] == [(5, "personnummer")]
    assert "already on row 3" in twice.errors[0]["message"]
    assert snapshot() == before


def test_a_line_under_another_header_is_parsed_and_compared_by_facts(tmp_path, parsed):
    rows = [pop_row(i) for i in range(4)]
    population(tmp_path, csv_bytes(rows))
    before = snapshot()
    reordered = [POP_HEADER[1], POP_HEADER[0], *POP_HEADER[2:]]
    again = population(tmp_path, csv_bytes(rows, header=reordered), name="reordered.csv")
    assert (again.status, again.unchanged) == (ImportStatus.UNCHANGED, 4)
    assert parsed == [4, 4]
    assert snapshot() == before  # nothing written, not even the new lines' digests


def test_a_kept_protection_level_keeps_its_line_parsed(tmp_path, parsed):
    from kaa.accounts.models import Role
    from kaa.organisations.models import Municipality

    rows = [pop_row(i) for i in range(3)]
    rows[1]["skydd"] = "skyddad_folkbokforing"
    population(tmp_path, csv_bytes(rows))
    rows[1]["skydd"] = ""
    user = staff(Role.COORDINATOR, Municipality.objects.get(code="0480"), username="utan-skydd")
    kept = population(tmp_path, csv_bytes(rows), name="lower.csv", user=user)
    assert kept.warnings and kept.warnings[0]["column"] == "skydd"
    assert Youth.objects.get(personnummer=pnr(1)).protection == "skyddad_folkbokforing"
    # The same file in new bytes again: the line is compared again and the warning repeated.
    again = population(tmp_path, csv_bytes(rows) + b"\r\n", name="lower-again.csv", user=user)
    assert again.warnings and again.warnings[0]["column"] == "skydd"
    assert parsed[-1] == 1
    # The operator may lower it: the line is parsed and the level lowered.
    lowered = population(tmp_path, csv_bytes(rows) + b"\r\n\r\n", name="lower-cli.csv")
    assert lowered.changed == 1 and Youth.objects.get(personnummer=pnr(1)).protection == ""


def test_school_reimport_changed_added_invalid(tmp_path, parsed):
    MunicipalityFactory(code="0480", name="Nyköping")
    rows = [school_row(i) for i in range(5)]
    first = school(tmp_path, csv_bytes(rows))
    assert first.created == 5 and Enrolment.objects.exclude(source_digest="").count() == 5
    again = school(tmp_path, csv_bytes(rows) + b"\r\n", name="again.csv")
    assert (again.status, again.unchanged, parsed[-1]) == (ImportStatus.UNCHANGED, 5, 0)
    rows[0] = school_row(0, avbrott_datum="2025-03-01")
    rows.append(school_row(7))
    changed = school(tmp_path, csv_bytes(rows), name="changed.csv")
    assert (changed.created, changed.changed, changed.unchanged, parsed[-1]) == (1, 1, 4, 2)
    assert Enrolment.objects.get(youth__personnummer=pnr(0)).interruption_date == datetime.date(2025, 3, 1)
    before = snapshot()
    rows[2] = school_row(2, skolform="XX")
    bad = school(tmp_path, csv_bytes(rows), name="bad.csv", language="en")
    assert bad.status == ImportStatus.FAILED and [(e["row"], e["column"]) for e in bad.errors] == [(4, "skolform")]
    assert snapshot() == before
    twice = school(tmp_path, csv_bytes([*rows[:2], rows[1]]), name="twice.csv", language="en")
    assert [(e["row"], e["column"]) for e in twice.errors] == [(4, "personnummer")]
    assert "already on row 3" in twice.errors[0]["message"]


def test_an_interruption_a_school_reported_is_always_compared(tmp_path, parsed):
    from kaa.accounts.models import Role

    nykoping = MunicipalityFactory(code="0480", name="Nyköping")
    rows = [school_row(i) for i in range(3)]
    school(tmp_path, csv_bytes(rows), municipality_code="0480")
    school_report_create(user=staff(Role.SCHOOL_STAFF, nykoping, username="skola"), personnummer=pnr(1),
                         family_name="Exempel", school_unit_name="Nyköpings gymnasium",
                         school_unit_code="04800001", leaving_date=datetime.date(2026, 3, 15), reason="work",
                         met_kaa=False, not_met_reason="Ville inte")
    enrolment = Enrolment.objects.get(youth__personnummer=pnr(1))
    assert enrolment.interruption_reported and enrolment.interruption_date == datetime.date(2026, 3, 15)
    # The same lines in new bytes: the reported enrolment's line is parsed and compared; the report stays.
    again = school(tmp_path, csv_bytes(rows) + b"\r\n", name="again.csv", municipality_code="0480")
    assert (again.status, again.unchanged, parsed[-1]) == (ImportStatus.UNCHANGED, 3, 1)
    enrolment.refresh_from_db()
    assert (enrolment.interruption_date, enrolment.interruption_reported) == (datetime.date(2026, 3, 15), True)
    # The school system's own date: the fact (as for any import).
    rows[1] = school_row(1, avbrott_datum="2026-03-13")
    school(tmp_path, csv_bytes(rows), name="third.csv", municipality_code="0480")
    enrolment.refresh_from_db()
    assert (enrolment.interruption_date, enrolment.interruption_reported) == (datetime.date(2026, 3, 13), False)
    assert enrolment.source_digest


# --- The lines read as read_csv reads them -----------------------------------------------------

plain_cell = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters='"\r\n'), max_size=12)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters='"\r\n;,'),
                                min_size=1, max_size=8), min_size=1, max_size=4),
       rows=st.lists(st.lists(plain_cell, min_size=0, max_size=5), max_size=8),
       delimiter=st.sampled_from([";", ","]), line_end=st.sampled_from(["\n", "\r\n"]),
       leading=st.sampled_from(["", "\n", " \n", ";\n"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_plain_lines_read_as_read_csv_reads_them(header, rows, delimiter, line_end, leading, encoding):
    text = leading + line_end.join([delimiter.join(header), *(delimiter.join(r) for r in rows)]) + line_end
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    lines = split_plain_csv(data)
    from kaa.imports.parsers import decode

    expected = read_csv(decode(data))
    if lines is None:
        return  # read whole, as before
    assert not expected.errors
    assert lines.header.header == expected.header
    table = lines.table(lines.data_lines())
    assert list(table.each_row()) == list(expected.each_row())
    assert (table.errors, table.read) == (expected.errors, expected.read)


def test_files_that_are_not_plain_are_read_whole():
    assert split_plain_csv(b'personnummer;fornamn\r\n"1";x\r\n') is None  # quotes
    assert split_plain_csv(b"personnummer;fornamn\rx;y\r") is None  # old Mac line ends
    assert split_plain_csv(b"PK\x03\x04") is None
    assert split_plain_csv(b'{"persons": []}\n') is None
    assert split_plain_csv(b"personnummer\tfornamn\n1\t2\n") is None  # wrong separator: read_csv says so
    lines = split_plain_csv(b"\xef\xbb\xbfpersonnummer;fornamn\r\n\r\n1;x\r\n")
    assert lines is not None and lines.header.header == ["personnummer", "fornamn"]
    assert list(lines.data_lines()) == [(3, b"1;x")]
