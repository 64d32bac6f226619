"""A coordinator uploads the two sample files, sees the register, opens a youth and reads why."""

from pathlib import Path

import pytest

from kaa.accounts.models import Role
from tests.factories import MunicipalityFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def _upload(page, live_url: str, kind: str, name: str) -> None:
    page.goto(f"{live_url}/imports/upload/")
    page.locator(f"input[name=kind][value={kind}]").check()
    page.locator("input[name=file]").set_input_files(str(SAMPLES / name))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_coordinator_uploads_samples_and_reads_why_a_youth_is_in(page, live_url, log_in):
    from playwright.sync_api import expect

    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    staff(Role.COORDINATOR, municipality, username="samordnare")
    log_in(page, "samordnare")

    _upload(page, live_url, "population", "population.csv")
    _upload(page, live_url, "school", "school.csv")

    page.goto(f"{live_url}/register/")
    table = page.get_by_test_id("register-table")
    text = table.inner_text()
    assert "Exempel, Hugo" in text  # interrupted EE
    assert "Exempel, Linnea" not in text  # in a national programme: out
    assert "Exempel, Leo" not in text  # protected identity: hidden without the grant

    # The search is POSTed (htmx): the search text never reaches the address bar.
    page.locator("input#q").fill("Hugo")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.get_by_test_id("register-table").locator("tbody tr")).to_have_count(1)
    assert "Hugo" not in page.url

    with page.expect_navigation():
        page.get_by_test_id("register-table").get_by_role("link", name="Exempel, Hugo").click()
    explanation = page.get_by_test_id("register-explanation").inner_text()
    assert "2026-04-01" in explanation
    assert "Nyköpings gymnasium" in page.get_by_test_id("enrolments").inner_text()
    assert page.get_by_test_id("timeline").locator("li").count() >= 1
