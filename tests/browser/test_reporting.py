"""The statistics journey (issue 13, "Done when"), at 375 px wide: the coordinator opens the reports page,
reads the pre-submission check, follows the link to a youth with a problem, fixes it (records the
occupation), comes back, sees the check clean and downloads the SCB file (its text checked); then opens
the June follow-up, writes the year's goals and downloads the follow-up's PDF (its text checked)."""

import datetime
import re

import pytest

from kaa.accounts.models import Role
from kaa.casework.codes import ensure_default_codes
from kaa.outreach.models import ContactAttempt
from kaa.register.models import RegisterPeriod
from kaa.reporting.periods import TZ
from tests.factories import MunicipalityFactory, YouthFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
OVERFLOW = """(selector) => [...document.querySelectorAll(selector)]
  .flatMap(root => [root, ...root.querySelectorAll("*")])
  .filter(e => !e.closest(".kaa-table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + (e.textContent || "").trim().slice(0, 40))"""


def _fits(page) -> None:
    assert page.evaluate(OVERFLOW, "main") == [], page.url


def test_the_coordinator_checks_fixes_and_downloads_the_half_year_file(page, live_url, log_in, tmp_path):
    from playwright.sync_api import expect

    ensure_default_codes()  # a transactional test starts from empty tables
    municipality = MunicipalityFactory(code="0765", name="Älmhult")
    staff(Role.COORDINATOR, municipality, username="samordnare")
    youth = YouthFactory(municipality=municipality, given_name="Alva", family_name="Exempel",
                         birth_date=datetime.date(2008, 2, 2), in_target_group=True, register_reason="avbrott",
                         register_since=datetime.date(2026, 1, 10))
    RegisterPeriod.objects.create(youth=youth, municipality=municipality, in_target_group=True, reason="avbrott",
                                  valid_from=datetime.date(2026, 1, 10))
    ContactAttempt.objects.create(youth=youth, channel="phone", outcome="reached",
                                  at=datetime.datetime(2026, 2, 3, 10, 0, tzinfo=TZ))

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
    log_in(page, "samordnare")
    page.goto(f"{live_url}/reports/")
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Statistik till SCB: kontrollera och ladda ner halvårsfilen").click()
    page.locator("select[name=period]").select_option("2026H1")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa").click()
    problems = page.get_by_test_id("problems")
    expect(problems).to_contain_text("Kontakt etablerad, men ingen sysselsättning registrerad den dagen")
    assert youth.personnummer not in page.content()
    _fits(page)

    with page.expect_navigation():
        problems.get_by_role("link", name=f"Ungdom {youth.pk}").click()
    assert page.url.endswith(f"/register/youths/{youth.pk}/")
    page.goto(f"{live_url}/casework/youths/{youth.pk}/occupation/")
    page.locator("select[name=code]").select_option("arbete")
    page.locator("input[name=start]").fill("2026-01-15")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()

    page.goto(f"{live_url}/reports/statistics/?period=2026H1")
    expect(page.locator("main")).to_contain_text("Inga problem hittades.")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Ladda ner filen (CSV)").click()
    path = tmp_path / "scb.csv"
    download_info.value.save_as(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("personnummer;kommunkod;registreringsdatum;")
    assert lines[1] == f"{youth.personnummer};0765;2026-01-10;avbrott;ja;2026-02-03;arbete;;;;;;;"
    page.reload()
    expect(page.get_by_test_id("files")).to_contain_text("2026H1 (CSV)")
    _fits(page)

    _follow_up_journey(page, live_url, tmp_path)


def _follow_up_journey(page, live_url, tmp_path) -> None:
    """The June follow-up: the range of the first half-year, the year's goals, the charts and the PDF."""
    from playwright.sync_api import expect
    from pypdf import PdfReader

    page.goto(f"{live_url}/reports/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Uppföljningen")).click()
    page.locator("input[name=start]").fill("2026-01-01")
    page.locator("input[name=end]").fill("2026-06-30")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa").click()
    expect(page.get_by_test_id("summary")).to_contain_text("Ungdomar i registret under perioden")
    expect(page.get_by_role("img", name="Hur kontakten togs")).to_be_visible()  # the chart, named
    expect(page.get_by_role("table", name="Hur kontakten togs")).to_contain_text("Telefon")  # and its table
    _fits(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Skriv målen för 2026").click()
    page.get_by_label("Våra mål för KAA").fill("Alla unga ska nås inom en månad.")
    page.get_by_label("Hur vi arbetar för att nå målen").fill("Sms och samtal på kvällstid.")
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("goals")).to_contain_text("Alla unga ska nås inom en månad.")
    _fits(page)

    # The PDF is drawn while the browser waits: give a busy machine time.
    with page.expect_download(timeout=120_000) as download_info:
        page.get_by_role("link", name="Ladda ner som PDF").click(timeout=120_000)
    assert download_info.value.suggested_filename == "uppfoljning-0765-2026-01-01-2026-06-30.pdf"
    path = tmp_path / "uppfoljning.pdf"
    download_info.value.save_as(path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Uppföljning: Älmhult" in text
    assert "Ungdomar i registret under perioden 1" in text and "Kontaktade (nådda) 1" in text
    assert "Alla unga ska nås inom en månad." in text and "Sms och samtal på kvällstid." in text
    assert "Hur kontakten togs" in text and "Arbete" in text
