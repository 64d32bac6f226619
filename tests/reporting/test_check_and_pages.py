"""The pre-submission check (command and page), the download, the code table and resource planning."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kaa.accounts.models import ApiToken, Role
from kaa.casework.models import Code
from kaa.reporting import scb
from kaa.reporting.models import PlanningSettings, StatisticsFile
from kaa.reporting.periods import HalfYear
from kaa.reporting.selectors import resource_percent
from tests.factories import YouthFactory, staff

from .conftest import D, measure, occupation, period

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def login(client, user) -> Client:
    client.force_login(user)
    return client


def test_check_lists_each_problem_by_record_id_and_exits_non_zero(scenario):
    # A youth without a reason, and one with a measure ending before it starts.
    x = YouthFactory(municipality=scenario.municipality, birth_date=D(2008, 9, 9))
    period(x, D(2026, 3, 1), None, "")
    measure(x, "praktik", D(2026, 4, 1), D(2026, 3, 1))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("check_statistics", "--period", "2026H1", "--municipality", "0765", stdout=out)
    assert exited.value.code == 1
    lines = out.getvalue().splitlines()
    assert f"Error: youth {x.pk}: No valid reason for registration" in lines
    assert f"Error: youth {x.pk}: A measure that ends before it starts (2026-04-01)" in lines
    assert f"Error: youth {scenario.c.pk}: A measure coded “other measure” without saying which (2026-03-10)" in lines
    assert f"Warning: youth {scenario.c.pk}: Contact made, but no occupation recorded on that day (2026-03-03)" in lines
    # B: reached only through the guardian in February, nothing since: never contacted, no attempt in 30 days.
    assert (f"Warning: youth {scenario.b.pk}: In the register, never contacted and no contact attempt in 30 days "
            "(2026-02-02)") in lines
    # A and E were contacted; D left in April.
    assert not any(f"youth {y.pk}:" in line for y in (scenario.a, scenario.d, scenario.e) for line in lines)
    assert lines[-1] == ("2026H1 0765: 6 youths, 4 contacted, 4 with an action plan, 4 in a measure; "
                         "3 errors, 3 warnings")
    for y in (scenario.a, scenario.b, scenario.c, scenario.d, scenario.e, x):
        assert y.personnummer not in out.getvalue()


def test_check_passes_when_nothing_is_wrong(scenario):
    scenario.c.measures.update(other_which="Körkortsteori")
    out = io.StringIO()
    call_command("check_statistics", "--period", "2026H1", "--municipality", "0765", stdout=out)  # no exit
    assert "0 errors" in out.getvalue()


def test_coordinator_reads_the_check_with_links_then_downloads(scenario, client):
    coordinator = staff(Role.COORDINATOR, scenario.municipality)
    login(client, coordinator)
    page = client.get(reverse("reporting:statistics"), {"period": "2026H1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("register:youth_detail", args=[scenario.c.pk]) in html
    assert scenario.c.personnummer not in html
    assert html.index('data-testid="problems"') < html.index(reverse("reporting:statistics_download"))
    response = client.post(reverse("reporting:statistics_download"),
                           {"period": "2026H1", "format": "csv", "municipality": "0765"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kaa-statistik-0765-2026H1.csv"'
    assert response.content.decode().splitlines()[0].startswith("personnummer;kommunkod;")
    record = StatisticsFile.objects.get()
    assert (record.created_by, record.via, record.youths) == (coordinator, "web", 5)
    xlsx = client.post(reverse("reporting:statistics_download"),
                       {"period": "2026H1", "format": "xlsx", "municipality": "0765"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert next(sheet.iter_rows(values_only=True))[0] == "personnummer"
    assert StatisticsFile.objects.filter(file_format="xlsx", created_by=coordinator).count() == 1
    assert record.checksum[:16] in client.get(reverse("reporting:statistics"), {"period": "2026H1"}).content.decode()


def test_head_reads_reports_but_never_the_file(scenario, client):
    head = staff(Role.HEAD, scenario.municipality)
    login(client, head)
    assert client.get(reverse("reporting:index")).status_code == 200
    assert client.get(reverse("reporting:statistics")).status_code == 403
    assert client.post(reverse("reporting:statistics_download"), {"period": "2026H1"}).status_code == 403
    assert not StatisticsFile.objects.exists()


def test_coordinator_of_another_municipality_cannot_ask_for_this_one(scenario, client):
    login(client, staff(Role.COORDINATOR, scenario.other))
    assert client.post(reverse("reporting:statistics_download"),
                       {"period": "2026H1", "municipality": "0765"}).status_code == 404


def test_the_file_writes_the_codes_valid_in_the_half_year(scenario, client):
    """An administrator ends "praktik" at 2025 and adds SCB's new code from 2026: H1 2026 writes the new one."""
    admin = staff(Role.ADMINISTRATOR, scenario.municipality)
    login(client, admin)
    old = Code.objects.get(kind="measure", code="praktik")
    response = client.post(reverse("reporting:code_edit", args=[old.pk]), {
        "label_sv": "Praktik", "label_en": "Work practice", "scb_code": "praktik", "maps_from": "",
        "valid_from": "", "valid_to": "2025-12-31"})
    assert response.status_code == 302
    Code.objects.create(kind="measure", code="arbetsplatsforlagt", label_sv="Arbetsplatsförlagt lärande",
                        scb_code="apl", maps_from="praktik", valid_from=datetime.date(2026, 1, 1))
    rows = scb.compute(municipality=scenario.municipality, period=HalfYear.parse("2026H1")).rows
    assert [r[7] for r in rows if r[0] == scenario.a.personnummer] == ["apl", "syv"]
    bad = client.post(reverse("reporting:code_edit", args=[old.pk]), {
        "label_sv": "Praktik", "label_en": "", "scb_code": "praktik", "maps_from": "",
        "valid_from": "2026-01-01", "valid_to": "2025-12-31"})
    assert bad.status_code == 200  # Swedish UI:
    assert "Koden kan inte sluta gälla innan den börjar gälla." in bad.content.decode()


def test_a_code_valid_in_no_row_is_an_error(scenario):
    Code.objects.filter(kind="occupation", code="ingen").update(valid_to=datetime.date(2025, 6, 30))
    statistics = scb.compute(municipality=scenario.municipality, period=HalfYear.parse("2026H1"))
    assert scb.Problem(scenario.a.pk, scb.CODE_NOT_VALID, "ingen") in statistics.errors


@pytest.mark.parametrize(("youths", "percent"), [(10, 30), (50, 51), (100, 76), (0, 25)])
def test_seed_table(youths, percent):
    assert resource_percent(youths=youths, fixed_percent=25, hours_per_youth=9, hours_per_year=1760) == percent


def test_resource_plan_page_and_api(scenario, client):
    head = staff(Role.HEAD, scenario.municipality)
    login(client, head)
    page = client.get(reverse("reporting:resource_plan"), {"youths": "50"}).content.decode()
    assert "50 ungdomar behöver 51 % av en heltidstjänst." in page  # Swedish UI
    assert "<th scope=\"row\">100</th><td>76 %</td>" in page
    api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=head)[1]}")
    assert api.get("/api/v1/reports/resource-plan", {"youths": 10}).json() == {
        "youths": 10, "fixed_percent": 25.0, "hours_per_youth": 9.0, "hours_per_year": 1760, "percent": 30}
    assert api.get("/api/v1/reports/resource-plan", {"youths": -1}).status_code == 422
    coach = staff(Role.COACH, scenario.municipality)
    coach_api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=coach)[1]}")
    assert coach_api.get("/api/v1/reports/resource-plan", {"youths": 10}).status_code == 403


def test_administrator_changes_the_planning_figures(scenario, client):
    admin = staff(Role.ADMINISTRATOR, scenario.municipality)
    login(client, admin)
    response = client.post(reverse("reporting:resource_plan"),
                           {"fixed_percent": "20", "hours_per_youth": "10", "hours_per_year": "1700"})
    assert response.status_code == 302
    saved = PlanningSettings.objects.get(municipality=scenario.municipality)
    assert (saved.fixed_percent, saved.hours_per_youth, saved.hours_per_year) == (20, 10, 1700)
    # 100 youths: 20 + 100 × 10 / 1700 × 100 = 78.8 → 79
    assert "<th scope=\"row\">100</th><td>79 %</td>" in client.get(reverse("reporting:resource_plan")).content.decode()
    bad = client.post(reverse("reporting:resource_plan"),
                      {"fixed_percent": "120", "hours_per_youth": "9", "hours_per_year": "1760"})
    assert bad.status_code == 200


def test_occupation_is_read_from_the_history_by_date(scenario):
    occupation(scenario.b, "arbete", D(2026, 1, 2))
    statistics = scb.compute(municipality=scenario.municipality, period=HalfYear.parse("2026H1"))
    assert next(y for y in statistics.youths if y.youth_id == scenario.b.pk).occupation_on(D(2026, 6, 1)) == "arbete"


def test_administrator_adds_a_code_when_scb_adds_one(scenario, client):
    login(client, staff(Role.ADMINISTRATOR, scenario.municipality))
    data = {"kind": "measure", "code": "arbetsplatsforlagt", "label_sv": "Arbetsplatsförlagt lärande",
            "label_en": "Workplace learning", "scb_code": "apl", "maps_from": "", "valid_from": "2026-07-01",
            "valid_to": ""}
    assert client.post(reverse("reporting:code_new"), data).status_code == 302
    code = Code.objects.get(kind="measure", code="arbetsplatsforlagt")
    assert (code.scb_code, code.valid_from) == ("apl", datetime.date(2026, 7, 1))
    again = client.post(reverse("reporting:code_new"), data)
    assert again.status_code == 200 and Code.objects.filter(code="arbetsplatsforlagt").count() == 1
    assert client.get(reverse("reporting:code_list")).status_code == 200
