"""The June follow-up as page, PDF and XLSX (seed 001 §7, issue 13 item 4): same figures, charts, goals."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from pypdf import PdfReader

from kaa.accounts.models import Role
from kaa.audit.models import AuditEntry
from kaa.casework.models import Activity
from kaa.reporting import followup
from kaa.reporting.models import FollowUpGoals
from tests.factories import YouthFactory, staff

from .conftest import D, attempt, measure, occupation, period

pytestmark = pytest.mark.django_db
RANGE = {"municipality": "0765", "start": "2026-01-01", "end": "2026-06-30"}


@pytest.fixture
def with_activities(scenario):
    """Two youths on the bank's "Praktik på bygg", one on a waiting list and one declined (not counted)."""
    bygg = Activity.objects.create(municipality=scenario.municipality, title="Praktik på bygg", measure_code="praktik")
    cafe = Activity.objects.create(municipality=scenario.municipality, title="Caféet", measure_code="praktik")
    measure(scenario.a, "praktik", D(2026, 2, 1), D(2026, 3, 1), activity=bygg)
    measure(scenario.a, "praktik", D(2026, 3, 2), D(2026, 3, 20), activity=bygg)  # A once, not twice
    measure(scenario.e, "praktik", D(2026, 6, 1), activity=bygg)
    measure(scenario.d, "praktik", D(2026, 2, 1), activity=cafe, waiting=True)
    measure(scenario.c, "praktik", D(2026, 3, 1), activity=cafe, declined=True)
    measure(scenario.b, "praktik", D(2025, 1, 1), D(2025, 12, 31), activity=cafe)  # ended before the range
    return scenario


@pytest.fixture
def goals(scenario):
    return FollowUpGoals.objects.create(
        municipality=scenario.municipality,
        year=2026,
        goals_text="Alla unga ska nås inom 30 dagar.",
        work_text="Vi ringer på kvällstid och gör hembesök.",
    )


def test_activities_and_time_in_register(with_activities):
    report = followup.follow_up_report(
        municipality=with_activities.municipality, start=D(2026, 1, 1), end=D(2026, 6, 30)
    )
    assert report.activities == {"Praktik på bygg": 2}
    # Days in the register up to the range's end: C 84; A 91 (its latest stretch), E 181; D 254, B 303.
    assert sum(report.time_in_register.values()) == report.figures["in_register"] == 5
    assert report.time_in_register == {"under_3_months": 1, "3_to_6_months": 2, "6_to_12_months": 2, "over_a_year": 0}
    assert (
        followup.follow_up(municipality=with_activities.municipality, start=D(2026, 1, 1), end=D(2026, 6, 30))
        == report.figures
    )


def test_page_shows_charts_tables_and_goals_in_bounded_queries(
    with_activities, goals, client, django_assert_max_num_queries
):
    coordinator = staff(Role.COORDINATOR, with_activities.municipality)
    client.force_login(coordinator)
    # A bound that does not grow with the register: twelve more youths with contacts, occupations and
    # measures on the bank's activities add no query.
    bygg = Activity.objects.get(title="Praktik på bygg")
    for _i in range(12):
        youth = YouthFactory(municipality=with_activities.municipality, birth_date=D(2008, 1, 1))
        period(youth, D(2026, 1, 5), None, "avbrott")
        attempt(youth, D(2026, 2, 1))
        occupation(youth, "praktik", D(2026, 1, 20))
        measure(youth, "praktik", D(2026, 3, 1), activity=bygg)
    with django_assert_max_num_queries(40):  # 34, and the lead times' five
        html = client.get(reverse("reporting:follow_up"), RANGE).content.decode()
    assert html.count("<svg") == 8  # every chart has rows in this scenario
    with translation.override("sv"):
        titles = [
            _(t)
            for t in (
                "Why they were registered",
                "Time in the register",
                "How contact was made",
                "Occupation at first contact",
                "Measures",
                "Activities of the activity bank",
                "What they do now",
                "Left the register",
            )
        ]
    assert "Varför de registrerades" in titles
    for title in titles:
        assert f"<caption>{title}</caption>" in html
    assert '<th scope="row">Praktik på bygg</th><td>14</td>' in html
    assert "Alla unga ska nås inom 30 dagar." in html and "Vi ringer på kvällstid" in html
    assert reverse("reporting:follow_up_goals", args=[2026]) in html
    assert "style=" not in html.split("<main", 1)[-1]  # the charts carry no inline style (CSP)


def test_pdf_has_the_same_figures_in_swedish(with_activities, goals, client):
    client.force_login(staff(Role.COORDINATOR, with_activities.municipality))
    response = client.get(reverse("reporting:follow_up_pdf"), RANGE)
    assert response["Content-Type"] == "application/pdf"
    assert "uppfoljning-0765-2026-01-01-2026-06-30.pdf" in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Uppföljning: Älmhult" in text
    assert "Ungdomar i registret under perioden 5" in text
    assert "Alla unga ska nås inom 30 dagar." in text and "Vi ringer på kvällstid och gör hembesök." in text
    assert "Hur kontakten togs" in text
    assert text.count("Praktik på bygg") == 2  # the chart's label (drawn as text) and its table
    for y in (with_activities.a, with_activities.e):
        assert y.personnummer not in text and y.family_name not in text
    assert AuditEntry.objects.filter(object_type="follow_up", action="export", detail="2026-01-01 2026-06-30").exists()


def test_xlsx_has_the_same_figures_and_native_charts(with_activities, goals, client):
    client.force_login(staff(Role.COORDINATOR, with_activities.municipality))
    response = client.get(reverse("reporting:follow_up_xlsx"), RANGE)
    workbook = load_workbook(io.BytesIO(response.content))
    first = workbook.worksheets[0]
    values = {row[0]: row[1] for row in first.iter_rows(values_only=True) if row and row[0]}
    assert values["Uppföljning"] == "Älmhult"
    assert values["Ungdomar i registret under perioden"] == 5
    assert values["Kontaktade (nådda)"] == 4
    assert values["Våra mål för KAA (2026)"] == "Alla unga ska nås inom 30 dagar."
    assert len(workbook.worksheets) == 10  # the summary, 8 charts, the lead times
    activities = workbook["Aktiviteter i aktivitetsbanken"]
    assert list(activities.iter_rows(values_only=True)) == [("Kategori", "Ungdomar"), ("Praktik på bygg", 2)]
    assert all(len(sheet._charts) == 1 for sheet in workbook.worksheets[1:-1])


def test_the_coordinators_follow_up_has_the_lead_times_per_coach(with_activities, client):
    """The same figures as kaa.reporting.leadtimes (issue 13, item 7), in the page, the PDF and the XLSX."""
    from kaa.reporting.leadtimes import lead_times

    times = lead_times(municipality=with_activities.municipality, start=D(2026, 1, 1), end=D(2026, 6, 30))
    assert times.municipality.entered > 0
    client.force_login(staff(Role.COORDINATOR, with_activities.municipality))
    html = client.get(reverse("reporting:follow_up"), RANGE).content.decode()
    assert 'data-testid="lead-times"' in html
    workbook = load_workbook(io.BytesIO(client.get(reverse("reporting:follow_up_xlsx"), RANGE).content))
    rows = list(workbook["Ledtider"].iter_rows(values_only=True))
    f = times.municipality
    assert rows[1] == ("Hela kommunen", f.entered, f.median_to_attempt, f.p90_to_attempt, f.median_to_contact,
                       f.p90_to_contact, f.waiting)
    pdf = client.get(reverse("reporting:follow_up_pdf"), RANGE).content
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Ledtider" in text
    client.force_login(staff(Role.HEAD, with_activities.municipality, username="rektor2"))
    assert 'data-testid="lead-times"' not in client.get(reverse("reporting:follow_up"), RANGE).content.decode()


def test_heads_get_small_numbers_hidden_in_pdf_and_xlsx(with_activities, client):
    client.force_login(staff(Role.HEAD, with_activities.municipality))
    workbook = load_workbook(io.BytesIO(client.get(reverse("reporting:follow_up_xlsx"), RANGE).content))
    values = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True) if row and row[0]}
    assert values["Ungdomar i registret under perioden"] == 5 and values["Kontaktade (nådda)"] == "<5"
    assert "Andel av registret som nåtts" not in values  # a share would give the hidden count away
    assert list(workbook["Aktiviteter i aktivitetsbanken"].iter_rows(values_only=True))[1] == ("Praktik på bygg", "<5")
    pdf = client.get(reverse("reporting:follow_up_pdf"), RANGE).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<5" in text


def test_coordinator_writes_the_goals_of_a_year(scenario, client):
    coordinator = staff(Role.COORDINATOR, scenario.municipality)
    client.force_login(coordinator)
    url = reverse("reporting:follow_up_goals", args=[2026])
    assert client.get(url).status_code == 200
    response = client.post(url, {"goals_text": "Nå alla.", "work_text": "Hembesök."})
    assert response.status_code == 302
    goals = FollowUpGoals.objects.get(municipality=scenario.municipality, year=2026)
    assert (goals.goals_text, goals.work_text, goals.updated_by) == ("Nå alla.", "Hembesök.", coordinator)
    client.post(url, {"goals_text": "Nå alla snabbare.", "work_text": ""})
    assert FollowUpGoals.objects.get().goals_text == "Nå alla snabbare."
    assert AuditEntry.objects.filter(object_type="follow_up_goals", detail="2026").count() == 2
    assert client.post(url, {"goals_text": "bad\x00", "work_text": ""}).status_code == 200  # refused
    assert client.get(reverse("reporting:follow_up_goals", args=[1999])).status_code == 404
    head = staff(Role.HEAD, scenario.municipality)
    client.force_login(head)
    assert client.post(url, {"goals_text": "x", "work_text": ""}).status_code == 403
    other = staff(Role.COORDINATOR, scenario.other)
    client.force_login(other)
    assert client.get(url, {"municipality": "0765"}).status_code == 404
