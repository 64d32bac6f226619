"""A GY row with motsvarande = ja needs no programme code (INTERFACES.md, school data)."""

import pytest

from kaa.imports.models import ImportStatus
from kaa.imports.services import school_import
from kaa.register.models import Youth
from tests.factories import MunicipalityFactory

from .helpers import csv_bytes, pnr, school_row, write

pytestmark = pytest.mark.django_db
HEADER = ["personnummer", "skolform", "program", "arskurs", "skolenhetskod", "skolenhet", "startdatum",
          "slutdatum", "avbrott_datum", "resultat", "resultat_datum", "motsvarande"]


def _run(tmp_path, rows):
    MunicipalityFactory(code="0480", name="Nyköping")
    return school_import(path_or_file=write(tmp_path, "school.csv", csv_bytes(rows, header=HEADER)), language="en")


def test_equivalent_education_without_programme_is_accepted(tmp_path):
    ten_digits = pnr(2)[2:8] + "-" + pnr(2)[8:]  # another form of the number: the row takes the full check
    run = _run(tmp_path, [school_row(1, program="", motsvarande="ja", skolenhet="Internationella skolan"),
                          school_row(2, personnummer=ten_digits, program="", motsvarande="ja")])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    for n in (1, 2):
        enrolment = Youth.objects.get(personnummer=pnr(n)).enrolments.get()
        assert enrolment.school_type == "GY" and enrolment.programme == "" and enrolment.equivalent


def test_gy_without_programme_and_not_equivalent_is_still_refused(tmp_path):
    run = _run(tmp_path, [school_row(1, program="", motsvarande="")])
    assert run.status == ImportStatus.FAILED
    assert run.errors[0]["row"] == 2 and run.errors[0]["column"] == "program"
    assert not Youth.objects.exists()
