import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kaa.accounts.models import Role
from kaa.imports.models import ImportStatus
from kaa.imports.rows import source_key
from kaa.imports.services import population_import, school_import
from kaa.organisations.models import SchoolUnit
from kaa.register.models import Enrolment, Protection, Youth
from kaa.register.services import school_report_create
from tests.factories import MunicipalityFactory, YouthFactory, staff

from .helpers import csv_bytes, pnr, pop_row, school_row, write

pytestmark = pytest.mark.django_db
SS12000 = Path(__file__).resolve().parent.parent / "data" / "ss12000" / "persons.json"


def run_file(tmp_path, data: bytes, name="school.csv", **kwargs):
    return school_import(path_or_file=write(tmp_path, name, data), **kwargs)


@pytest.fixture
def nykoping(db):
    return MunicipalityFactory(code="0480", name="Nyköping")


def test_enrolments_of_known_youths(tmp_path, nykoping, lookup):
    youth = YouthFactory(municipality=nykoping, personnummer=pnr(1), needs_evaluation=False)
    run = run_file(tmp_path, csv_bytes([school_row(1), school_row(1, skolform="GR", program="", arskurs="9",
                                                                  startdatum="2023-08-21", resultat="slutbetyg",
                                                                  resultat_datum="2024-06-12")]))
    assert (run.status, run.created, run.changed, run.unchanged) == (ImportStatus.SUCCEEDED, 2, 0, 0)
    gy = youth.enrolments.get(school_type="GY")
    assert gy.programme == "NA" and gy.start_date == datetime.date(2024, 8, 19) and gy.source == "import"
    assert gy.source_key == source_key("GY", "04800001", "NA", datetime.date(2024, 8, 19))
    gr = youth.enrolments.get(school_type="GR")
    assert gr.school_year == 9 and gr.result == "slutbetyg"
    youth.refresh_from_db()
    assert youth.needs_evaluation
    assert SchoolUnit.objects.get(code="04800001").name == "Nyköpings gymnasium"


def test_person_known_only_from_school_data(tmp_path, nykoping):
    run = run_file(tmp_path, csv_bytes([school_row(5)]))
    youth = Youth.objects.get(personnummer=pnr(5))
    assert run.created == 1 and not youth.in_population and youth.municipality == nykoping
    assert youth.municipality_code == ""


def test_school_only_person_goes_to_the_school_units_municipality(tmp_path, nykoping):
    almhult = MunicipalityFactory(code="0765", name="Älmhult")
    SchoolUnit.objects.create(code="77770001", name="Haganässkolan", municipality_code="0765")
    run_file(tmp_path, csv_bytes([school_row(5, skolenhetskod="77770001"), school_row(6)]))
    assert Youth.objects.get(personnummer=pnr(5)).municipality == almhult
    assert Youth.objects.get(personnummer=pnr(6)).municipality == nykoping  # unit code 0480…


def test_unknown_municipality_among_several_is_an_error(tmp_path, nykoping):
    MunicipalityFactory(code="0765")
    run = run_file(tmp_path, csv_bytes([school_row(5, skolenhetskod="99990001")]), language="en")
    assert run.status == ImportStatus.FAILED and run.errors[0]["row"] == 2
    assert not Youth.objects.exists()


def test_reimport_is_unchanged_and_a_change_is_updated(tmp_path, nykoping, lookup):
    rows = [school_row(i) for i in range(4)]
    run_file(tmp_path, csv_bytes(rows))
    Youth.objects.update(needs_evaluation=False)
    again = run_file(tmp_path, csv_bytes(rows))
    assert (again.status, again.created, again.changed, again.unchanged) == (ImportStatus.UNCHANGED, 0, 0, 4)
    assert again.already_imported
    rows[1] = school_row(1, avbrott_datum="2025-03-01")
    changed = run_file(tmp_path, csv_bytes(rows))
    assert (changed.created, changed.changed, changed.unchanged) == (0, 1, 3)
    assert Enrolment.objects.get(youth__personnummer=pnr(1)).interruption_date == datetime.date(2025, 3, 1)
    assert list(Youth.objects.filter(needs_evaluation=True).values_list("personnummer", flat=True)) == [pnr(1)]


def test_ss12000_json(tmp_path, nykoping):
    run = school_import(path_or_file=SS12000)
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert (run.file_format, run.rows_read, run.created) == ("ss12000", 4, 4)
    linnea = Youth.objects.get(personnummer="200906127113")
    assert (linnea.given_name, linnea.in_population, linnea.protection) == ("Linnea", False, "")
    sa = linnea.enrolments.get()
    assert (sa.school_type, sa.programme, sa.school_unit_code, sa.school_unit_name) == (
        "GY", "SA", "04800001", "Nyköpings gymnasium")
    assert sa.end_date == datetime.date(2028, 6, 9)
    hugo = Youth.objects.get(personnummer="200803147222")
    assert hugo.protection == Protection.PROTECTED_REGISTRATION
    im = hugo.enrolments.get(school_type="GY")
    assert im.programme == "IMSPR" and im.cancelled
    assert hugo.enrolments.get(school_type="GR").school_year == 9
    assert Youth.objects.get(personnummer="200911027332").protection == Protection.CONFIDENTIAL
    assert school_import(path_or_file=SS12000).status == ImportStatus.UNCHANGED


def test_ss12000_errors_name_the_enrolment(tmp_path, nykoping):
    data = b'{"persons": [{"civicNo": {"value": "200906127114"}, "enrolments": [{"schoolType": "GY", ' \
           b'"startDate": "2025-08-19", "programme": "NA"}]}]}'
    run = run_file(tmp_path, data, "x.json", language="en")
    assert run.status == ImportStatus.FAILED
    assert (run.errors[0]["row"], run.errors[0]["column"]) == (1, "personnummer")


def test_not_ss12000_json(tmp_path, nykoping):
    run = run_file(tmp_path, b'{"foo": 1}', "x.json", language="en")
    assert run.status == ImportStatus.FAILED and "SS 12000" in run.errors[0]["message"]


def test_population_then_school(tmp_path, nykoping):
    population_import(path_or_file=write(tmp_path, "p.csv", csv_bytes([pop_row(1)])), municipality_code="0480")
    run_file(tmp_path, csv_bytes([school_row(1)]))
    youth = Youth.objects.get()
    assert youth.in_population and youth.enrolments.count() == 1


def test_command(tmp_path, nykoping, capsys):
    call_command("import_school", str(write(tmp_path, "s.csv", csv_bytes([school_row(1)]))))
    assert "created 1" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import_school", str(write(tmp_path, "b.csv", csv_bytes([school_row(1, skolform="ZZ")]))))
    assert "skolform" in capsys.readouterr().err


def test_an_interruption_a_school_reported_survives_an_import_that_does_not_know_it(tmp_path, nykoping):
    youth = YouthFactory(municipality=nykoping, personnummer=pnr(1))
    run_file(tmp_path, csv_bytes([school_row(1)]))
    school_report_create(user=staff(Role.SCHOOL_STAFF, nykoping, username="skola"), personnummer=pnr(1),
                         family_name=youth.family_name, school_unit_name="Nyköpings gymnasium",
                         school_unit_code="04800001", leaving_date=datetime.date(2026, 3, 15), reason="work",
                         met_kaa=False, not_met_reason="Ville inte")
    enrolment = Enrolment.objects.get(youth=youth)
    assert enrolment.interruption_reported and enrolment.interruption_date == datetime.date(2026, 3, 15)

    # The school system has not heard of it yet: the next extract (other bytes, same facts) keeps it.
    run = run_file(tmp_path, csv_bytes([school_row(1)], delimiter=","), name="next.csv")
    assert (run.status, run.changed, run.unchanged) == (ImportStatus.UNCHANGED, 0, 1)
    enrolment.refresh_from_db()
    assert enrolment.interruption_date == datetime.date(2026, 3, 15)

    # Another change of the enrolment keeps the reported interruption too.
    run_file(tmp_path, csv_bytes([school_row(1, skolenhet="Nyköpings gymnasium, Väst")]), name="third.csv")
    enrolment.refresh_from_db()
    assert (enrolment.school_unit_name, enrolment.interruption_date) == ("Nyköpings gymnasium, Väst",
                                                                         datetime.date(2026, 3, 15))

    # Once the school system has the interruption, its date is the fact.
    run_file(tmp_path, csv_bytes([school_row(1, avbrott_datum="2026-03-13")]), name="fourth.csv")
    enrolment.refresh_from_db()
    assert (enrolment.interruption_date, enrolment.interruption_reported) == (datetime.date(2026, 3, 13), False)
