"""The SCB file: every column against the known answers of the scenario (tests/reporting/conftest.py)."""

import csv
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from kaa.audit.models import AuditEntry
from kaa.reporting import scb
from kaa.reporting.models import StatisticsFile
from kaa.reporting.periods import HalfYear

pytestmark = pytest.mark.django_db

HEADER = ("personnummer;kommunkod;registreringsdatum;registreringsorsak;forstagangsregistrerad;kontaktdatum;"
          "sysselsattning_vid_kontakt;atgard;atgard_startdatum;tackat_nej;atgard_slutdatum;"
          "sysselsattning_efter_atgard;avregistreringsdatum;avregistreringsorsak")


def expected_rows(s) -> list[list[str]]:
    # personnummer;kommun;reg.datum;orsak;första;kontakt;syss.kontakt;atgard;start;nej;slut;efter;avreg;orsak
    return [
        # D: turned 20 on 12 April; an earlier stretch elsewhere; first meeting 8 Jan while at komvux.
        [s.d.personnummer, "0765", "2025-08-01", "studiebevis", "nej", "2026-01-08", "komvux",
         "", "", "", "", "", "2026-04-12", "fyllt_20"],
        # C: moved in, replied on the public page, moved out; no occupation recorded: okand.
        [s.c.personnummer, "0765", "2026-02-15", "inflyttad", "ja", "2026-03-03", "okand",
         "annan_atgard", "2026-03-10", "nej", "", "", "2026-05-10", "ej_folkbokford"],
        # A: latest stretch from 1 April (not the first); reached 20 Jan; two measures touching.
        [s.a.personnummer, "0765", "2026-04-01", "ovrigt", "nej", "2026-01-20", "ingen",
         "praktik", "2025-11-01", "nej", "2026-03-15", "arbete", "", ""],
        [s.a.personnummer, "0765", "2026-04-01", "ovrigt", "nej", "2026-01-20", "ingen",
         "syv", "2026-05-05", "ja", "", "", "", ""],
        # B: only the guardian was reached: no contact.
        [s.b.personnummer, "0765", "2025-09-01", "ej_paborjat", "ja", "", "", "", "", "", "", "", "", ""],
        # E: protected identity (personnummer only); got in touch herself; a measure past the half-year.
        [s.e.personnummer, "0765", "2026-01-01", "im", "ja", "2026-06-01", "praktik",
         "regelbundna_samtal", "2026-06-10", "nej", "", "", "", ""],
    ]


def test_every_column_has_the_known_answer(scenario):
    statistics = scb.compute(municipality=scenario.municipality, period=HalfYear.parse("2026H1"))
    assert statistics.rows == expected_rows(scenario)
    assert [y.youth_id for y in statistics.youths] == [scenario.d.pk, scenario.c.pk, scenario.a.pk,
                                                         scenario.b.pk, scenario.e.pk]


def test_export_command_writes_the_csv_and_keeps_a_record(scenario, tmp_path):
    out = tmp_path / "scb.csv"
    call_command("export_statistics", "--period", "2026H1", "--municipality", "0765", "--output", str(out),
                 stderr=io.StringIO())
    content = out.read_bytes()
    lines = content.decode("utf-8").split("\n")
    assert lines[0] == HEADER
    assert list(csv.reader(lines[1:-1], delimiter=";")) == expected_rows(scenario)
    assert "Hemliga" not in content.decode("utf-8")  # never an address
    record = StatisticsFile.objects.get()
    assert (record.period, record.file_format, record.youths, record.rows, record.via) == (
        "2026H1", "csv", 5, 6, "command")
    assert record.checksum == hashlib.sha256(content).hexdigest()
    assert record.errors == 1  # C's "other measure" without which
    exported = set(AuditEntry.objects.filter(action="export", object_type="youth").values_list("youth_id", flat=True))
    assert exported == {scenario.a.pk, scenario.b.pk, scenario.c.pk, scenario.d.pk, scenario.e.pk}
    assert AuditEntry.objects.filter(action="export", object_type="statistics_file", object_id=str(record.pk)).exists()


def test_export_command_to_stdout_and_xlsx(scenario, tmp_path):
    stdout = io.StringIO()
    call_command("export_statistics", "--period", "2026h1", "--municipality", "0765", stdout=stdout,
                 stderr=io.StringIO())
    assert stdout.getvalue().startswith(HEADER + "\n")
    out = tmp_path / "scb.xlsx"
    call_command("export_statistics", "--period", "2026H1", "--municipality", "0765", "--format", "xlsx",
                 "--output", str(out), stderr=io.StringIO())
    sheet = load_workbook(out).active
    values = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert ";".join(values[0]) == HEADER
    assert values[1:] == expected_rows(scenario)


def test_the_other_half_year(scenario):
    """2026H2: D and C left in H1 and are not in the file; A's measure from H1 has ended before it."""
    statistics = scb.compute(municipality=scenario.municipality, period=HalfYear.parse("2026H2"))
    assert {y.youth_id for y in statistics.youths} == {scenario.a.pk, scenario.b.pk, scenario.e.pk}
    rows = {tuple(r[:1] + r[7:]) for r in statistics.rows}
    # E's measure started in H1 and ends in H2: now with its end and the occupation after it.
    assert (scenario.e.personnummer, "regelbundna_samtal", "2026-06-10", "nej", "2026-09-01", "praktik", "",
            "") in rows
    # A's offer declined in May touches only that day: A has one row, without a measure.
    assert (scenario.a.personnummer, "", "", "", "", "", "", "") in rows
    assert len(statistics.rows) == 3
    assert all(r[5] == "" for r in statistics.rows)  # nobody contacted in H2


@pytest.mark.parametrize("args", [["--period", "2026H3"], ["--period", "2026H1", "--municipality", "9999"]])
def test_bad_arguments_are_named(scenario, args):
    with pytest.raises(CommandError):
        call_command("export_statistics", *args)
