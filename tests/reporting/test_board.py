"""Board reports (issue 13, item 5): known answers, small numbers hidden, page = PDF = XLSX, the job."""

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from kaa.accounts.models import Role
from kaa.casework.codes import ensure_default_codes
from kaa.core.scheduler import discover
from kaa.reporting import board, tasks
from kaa.reporting.models import BoardReport, FollowUpGoals
from kaa.reporting.periods import TZ
from kaa.reporting.smallnumbers import SECONDARY, UNDER
from tests.factories import MunicipalityFactory, YouthFactory, staff

from .conftest import D, attempt, measure, occupation, period

pytestmark = pytest.mark.django_db
OCTOBER = board.BoardPeriod.parse("2026-10")
NOW = datetime.datetime(2026, 11, 3, 9, tzinfo=TZ)


def test_periods_parse_months_and_half_years():
    assert (OCTOBER.kind, OCTOBER.start, OCTOBER.end) == (board.MONTH, D(2026, 10, 1), D(2026, 10, 31))
    half = board.BoardPeriod.parse("2026h1")
    assert (half.kind, half.key, half.start, half.end) == (board.HALF_YEAR, "2026H1", D(2026, 1, 1), D(2026, 6, 30))
    assert board.BoardPeriod.parse("2024-02").end == D(2024, 2, 29)
    for bad in ("2026-13", "2026", "x", ""):
        with pytest.raises(ValueError):
            board.BoardPeriod.parse(bad)
    assert board.BoardPeriod.month_before(D(2026, 1, 1)).key == "2025-12"
    assert [p.key for p in board.due_periods(D(2026, 7, 1))] == ["2026-06", "2026H1"]
    assert [p.key for p in board.due_periods(D(2026, 11, 1))] == ["2026-10"]


def test_counts_of_the_known_scenario(scenario):
    """The SCB scenario's first half-year: A, B, C, D and E (see conftest)."""
    c = board.counts(municipality=scenario.municipality, period=board.BoardPeriod.parse("2026H1"))
    assert c["in_register"] == 5
    assert c["new"] == 3  # A (again 1 Apr), C (15 Feb), E (1 Jan)
    assert c["at_end"] == 3  # A, B, E: C moved out, D turned 20
    assert c["mapped"] == 3  # A works, D at komvux, E in praktik; B and C nothing known
    assert c["ever_contacted"] == 4  # all but B (only the guardian)
    assert c["offered"] == 3  # A (praktik, syv declined), C, E
    assert c["planned"] == 3  # A, C, E have action plans
    assert c["left"] == {"ej_folkbokford": 1, "fyllt_20": 1}


@pytest.fixture
def october(db):
    """Nyköping in October 2026: 12 youths, 8 dropped out, 3 never started, 1 at IM; 6 contacted."""
    ensure_default_codes()
    m = MunicipalityFactory(code="0480", name="Nyköping")
    youths = []
    for i, reason in enumerate(["avbrott"] * 8 + ["ej_paborjat"] * 3 + ["im"]):
        y = YouthFactory(municipality=m, given_name="Synlig", family_name=f"Styrelsesson{i}")
        period(y, D(2026, 10, 5) if i < 7 else D(2026, 3, 1), None, reason)
        youths.append(y)
        if i < 6:
            attempt(y, D(2026, 10, 20))
            occupation(y, "ingen", D(2026, 9, 1))
    measure(youths[0], "praktik", D(2026, 10, 25))
    left = YouthFactory(municipality=m)
    period(left, D(2026, 1, 1), D(2026, 10, 10), "avbrott")
    period(left, D(2026, 10, 10), None, "examen", inside=False)
    return m


def test_the_board_sees_no_small_number(october):
    with translation.override("en"):
        rep = board.report(municipality=october, period=OCTOBER, now=NOW)
    summary = dict(rep.summary)
    assert summary["Youths in the register during the period"] == 13  # the 12 and the one who left
    assert summary["New in the register"] == 7
    assert summary["In the register at the end of the period"] == 12
    assert summary["Left the register"] == UNDER
    assert summary["First contact in the period"] == 6
    assert summary["In a measure"] == UNDER
    assert summary["Median days from registration to contact"] == 15
    reasons = rep.sections[0]
    # 9 dropped out (with the one who left), 3 never started, 1 at IM: the 3 and the 1 are hidden, and
    # together they are 4, which the total minus 9 would tell, but not how they split.
    assert [v for _label, v in reasons.rows] == [9, UNDER, UNDER]
    assert reasons.total == 13
    goals = {g["label"]: g for g in rep.goals}
    assert goals["Contacted"] == {"label": "Contacted", "met": 6, "not_met": 7, "percent": 46}
    assert goals["Has an action plan"]["met"] == UNDER and goals["Has an action plan"]["percent"] is None


def test_a_hidden_count_next_to_one_shown_hides_a_second_count(october):
    """6 + 1 youths by occupation at contact: with the 1 hidden alone, 7 − 6 would tell it."""
    y = YouthFactory(municipality=october)
    period(y, D(2026, 10, 1), None, "avbrott")
    attempt(y, D(2026, 10, 2))
    occupation(y, "arbete", D(2026, 9, 1))
    rep = board.report(municipality=october, period=OCTOBER, now=NOW)
    contact = next(s for s in rep.sections if s.chart.key == "board-contact")
    assert sorted(str(v) for _label, v in contact.rows) == sorted([SECONDARY, UNDER])
    assert contact.total == 7  # the hidden ones are 1 + 6 or 2 + 5: neither can be told


def test_page_pdf_and_xlsx_show_the_same_figures(october, client):
    coordinator = staff(Role.COORDINATOR, october)
    client.force_login(coordinator)
    args = {"municipality": "0480", "period": "2026-10"}
    with translation.override("sv"):
        rep = board.report(municipality=october, period=OCTOBER)
        page = client.get(reverse("reporting:board"), args)
        pdf = client.get(reverse("reporting:board_download", args=["pdf"]), args)
        xlsx = client.get(reverse("reporting:board_download", args=["xlsx"]), args)
    html = page.content.decode()
    assert page.status_code == 200 and "Synlig" not in html and "Styrelsesson" not in html
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].endswith('-2026-10.pdf"')
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Månadsstatistik, oktober 2026" in text and "Nyköping" in text
    assert "Styrelsesson" not in text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    for label, value in rep.summary:
        shown = "–" if value is None else value
        assert cells[label] == shown
        assert f"<td>{shown}</td>".replace("<5", "&lt;5") in html
        assert str(label) in text
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as raw:  # native charts (openpyxl reads them back not)
        assert sum(name.startswith("xl/charts/chart") for name in raw.namelist()) == 5  # one per table


def test_the_page_takes_a_bounded_number_of_queries(october, client, django_assert_max_num_queries):
    client.force_login(staff(Role.HEAD, october))
    client.get(reverse("reporting:board"), {"period": "2026-10"})
    with django_assert_max_num_queries(60) as ctx:
        client.get(reverse("reporting:board"), {"period": "2026-10"})
    first = len(ctx.captured_queries)
    for _ in range(25):
        y = YouthFactory(municipality=october)
        period(y, D(2026, 10, 7), None, "avbrott")
        attempt(y, D(2026, 10, 8))
    with django_assert_max_num_queries(first):
        client.get(reverse("reporting:board"), {"period": "2026-10"})


def test_the_job_prepares_last_month_once_and_tells_the_coordinator(october, client):
    coordinator = staff(Role.COORDINATOR, october)
    coordinator.email = "samordnare@example.org"
    coordinator.save()
    head = staff(Role.HEAD, october)
    assert "reporting_board_reports" in discover()
    assert tasks.prepare_board_reports.call(period="2026-11-01") == 1
    assert tasks.prepare_board_reports.call(period="2026-11-02") == 0  # already made: nothing again
    stored = BoardReport.objects.get()
    assert (stored.kind, stored.period, stored.created_by) == (board.MONTH, "2026-10", None)
    assert PdfReader(io.BytesIO(bytes(stored.pdf))).pages[0].extract_text().startswith("Månadsstatistik")
    assert [m.to for m in mail.outbox] == [["samordnare@example.org"]]
    assert "oktober 2026" in mail.outbox[0].subject and "Styrelsesson" not in mail.outbox[0].body
    assert reverse("reporting:board") in mail.outbox[0].body

    client.force_login(coordinator)
    home = client.get("/").content.decode()
    assert 'data-testid="board-ready"' in home and reverse("reporting:board_file", args=[stored.pk, "pdf"]) in home
    response = client.get(reverse("reporting:board_file", args=[stored.pk, "xlsx"]))
    assert response.status_code == 200 and response.content == bytes(stored.xlsx)
    client.force_login(head)
    assert 'data-testid="board-ready"' not in client.get("/").content.decode()
    other = staff(Role.COORDINATOR, MunicipalityFactory(code="0484", name="Eskilstuna"))
    client.force_login(other)
    assert client.get(reverse("reporting:board_file", args=[stored.pk, "pdf"])).status_code == 404


def test_half_year_report_after_june(scenario):
    staff(Role.COORDINATOR, scenario.municipality)
    FollowUpGoals.objects.create(
        municipality=scenario.municipality,
        year=2026,
        goals_text="Alla ska kontaktas.",
        work_text="Hembesök inom en månad.",
    )
    made = board.prepare_due(D(2026, 7, 1))
    assert sorted((r.kind, r.period) for r in made) == [(board.HALF_YEAR, "2026H1"), (board.MONTH, "2026-06")]
    text = PdfReader(io.BytesIO(bytes(BoardReport.objects.get(kind=board.HALF_YEAR).pdf))).pages[0].extract_text()
    assert "januari–juni 2026" in text.lower() and "Älmhult" in text
    assert "Alla ska kontaktas." in text and "Hembesök inom en månad." in text  # the year's goals as written
    monthly = BoardReport.objects.get(kind=board.MONTH).pdf
    assert "Alla ska kontaktas." not in PdfReader(io.BytesIO(bytes(monthly))).pages[0].extract_text()


def test_heads_key_figures_hide_small_numbers_and_coordinators_see_them(client):
    m = MunicipalityFactory(code="0488", name="Trosa")
    for reason in ["avbrott"] * 5 + ["im"]:
        YouthFactory(municipality=m, in_target_group=True, register_reason=reason, register_since=D(2026, 1, 1))
    client.force_login(staff(Role.HEAD, m))
    html = client.get("/").content.decode()
    # 5 + 1 = 6: the 1 is hidden, then the 5, and still 6 − 5 = 1, so the total goes too.
    assert 'data-testid="figure-total">..<' in html
    assert "<td>&lt;5</td>" in html and "<td>..</td>" in html and "<td>5</td>" not in html
    client.force_login(staff(Role.COORDINATOR, m))
    html = client.get("/").content.decode()
    assert 'data-testid="figure-total">6<' in html and "<td>5</td>" in html and "<td>1</td>" in html
