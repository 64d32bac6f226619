"""Emergency access and the audit questions in a real browser at phone width (issue 15, items 5 and 6):
a coach covering for a colleague finds a youth outside their scope, states a reason and reads the record
read-only; the coordinator sees it on the start page and answers who has read the youth."""

import pytest

from kaa.accounts.models import Role
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_coach_breaks_the_glass_and_the_coordinator_reviews_it(page, live_url, log_in):
    page.set_viewport_size({"width": 375, "height": 800})
    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    norr = TeamFactory(municipality=municipality, name="Norr")
    soder = TeamFactory(municipality=municipality, name="Söder")
    staff(Role.COACH, municipality, team=norr, username="coach-kim")
    staff(Role.COORDINATOR, municipality, username="samordnare-bo")
    youth = YouthFactory(municipality=municipality, team=soder, given_name="Tova", family_name="Exempelsson",
                         in_target_group=True)

    log_in(page, "coach-kim")
    page.goto(f"{live_url}/register/youths/")
    with page.expect_navigation():
        page.get_by_role("link", name="Öppna en ungdom utanför ditt uppdrag", exact=False).click()
    page.locator("input#q").fill("Exempelsson")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    assert "Exempelsson" not in page.url
    results = page.get_by_test_id("emergency-results")
    assert "Ingår inte i ditt uppdrag" in results.inner_text()
    assert _fits(page)
    results.get_by_label("Skäl till nödåtkomst").fill("Täcker för Alva som är sjuk")
    with page.expect_navigation():
        results.locator("button[type=submit]").click()
    banner = page.get_by_test_id("emergency-banner").inner_text()
    assert "Nödåtkomst till" in banner and "skäl: Täcker för Alva som är sjuk" in banner
    assert _fits(page)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button[type=submit]").click()

    log_in(page, "samordnare-bo")
    card = page.get_by_test_id("dashboard-emergency")
    assert "Täcker för Alva som är sjuk" in card.inner_text()
    with page.expect_navigation():
        card.get_by_role("link", name=f"Ungdom nr {youth.pk}").click()
    page.locator("select[name=action]").select_option("create")
    with page.expect_navigation():
        page.get_by_test_id("audit-filter").get_by_role("button", name="Filtrera").click()
    table = page.get_by_test_id("audit-table").inner_text()
    assert "emergency_access" in table and "coach-kim" in table
    assert "action=create" in page.url
    assert _fits(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Exportera som CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
