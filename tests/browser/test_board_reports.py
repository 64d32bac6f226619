"""Board reports in the browser at 375 px (issue 13, items 5 and 10): a coordinator of two municipalities
opens the board report for October, downloads its PDF (text checked), opens the combined view; axe-core
checks every page (the ``page`` fixture)."""

import datetime
import io

import pytest

from kaa.accounts.models import Role
from kaa.casework.codes import ensure_default_codes
from kaa.outreach.models import ContactAttempt
from kaa.register.models import RegisterPeriod
from kaa.reporting.periods import TZ
from tests.factories import MembershipFactory, MunicipalityFactory, YouthFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = """(selector) => [...document.querySelectorAll(selector)]
  .flatMap(root => [root, ...root.querySelectorAll("*")])
  .filter(e => !e.closest(".kaa-table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + (e.textContent || "").trim().slice(0, 40))"""


def _register(municipality, n: int, reason: str) -> None:
    for i in range(n):
        youth = YouthFactory(municipality=municipality, given_name="Synlig", family_name=f"Nämndsson{i}")
        RegisterPeriod.objects.create(
            youth=youth,
            municipality=municipality,
            in_target_group=True,
            reason=reason,
            valid_from=datetime.date(2026, 10, 2),
        )
        if i % 2 == 0:
            ContactAttempt.objects.create(
                youth=youth, channel="phone", outcome="reached", at=datetime.datetime(2026, 10, 9, 10, tzinfo=TZ)
            )


def test_the_coordinator_reads_and_downloads_the_board_report(page, live_url, log_in):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    ensure_default_codes()
    one = MunicipalityFactory(code="0480", name="Nyköping")
    two = MunicipalityFactory(code="0482", name="Flen")
    _register(one, 10, "avbrott")
    _register(one, 2, "im")
    _register(two, 7, "ej_paborjat")
    user = staff(Role.COORDINATOR, one, username="samordnare")
    MembershipFactory(user=user, municipality=two, role=Role.HEAD)

    page.set_viewport_size({"width": 375, "height": 900})
    log_in(page, "samordnare")
    page.goto(f"{live_url}/reports/")
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Rapporter till nämnden: månadsstatistiken och rapporten i juni och december"
        ).click()
    page.locator("select[name=municipality]").select_option("0480")
    page.locator("select[name=period]").select_option("2026-10")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa").click()
    expect(page.get_by_test_id("board-title")).to_contain_text("Månadsstatistik, oktober 2026 – Nyköping")
    expect(page.get_by_test_id("board-summary")).to_contain_text("Ungdomar i registret under perioden")
    assert "Nämndsson" not in page.content()
    assert page.evaluate(OVERFLOW, "main") == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner PDF").click()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download_info.value.path().read_bytes())).pages)
    assert "Månadsstatistik, oktober 2026" in text and "Nyköping" in text and "Nämndsson" not in text

    with page.expect_navigation():
        page.get_by_role("link", name="Alla dina kommuner tillsammans").click()
    table = page.get_by_test_id("region-table")
    expect(table).to_contain_text("Flen")
    expect(table).to_contain_text("Nyköping")
    assert page.evaluate(OVERFLOW, "main") == []
