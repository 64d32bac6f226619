"""Thinning in a real browser at phone width (issue 15, item 1): the administrator reads the preview,
switches a rule on with the decision's reference (refused without it); the coordinator answers an
erasure request from the youth page. Every page passes axe (the ``page`` fixture)."""

import datetime

import pytest

from kaa.accounts.models import Role
from kaa.casework.models import Case, CaseStatus, JournalEntry
from kaa.register.models import RegisterPeriod
from tests.factories import MunicipalityFactory, YouthFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_administrator_switches_a_rule_on_and_the_coordinator_reads_the_youths_schedule(page, live_url, log_in):
    page.set_viewport_size({"width": 375, "height": 800})
    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    staff(Role.ADMINISTRATOR, municipality, username="admin-ada")
    staff(Role.COORDINATOR, municipality, username="samordnare-bo")
    youth = YouthFactory(
        municipality=municipality,
        in_target_group=False,
        given_name="Tova",
        family_name="Exempelsson",
        birth_date=datetime.date(2004, 3, 1),
    )
    RegisterPeriod.objects.create(
        youth=youth,
        municipality=municipality,
        in_target_group=True,
        reason="avbrott",
        valid_from=datetime.date(2022, 1, 10),
        valid_to=datetime.date(2022, 6, 30),
    )
    Case.objects.create(
        youth=youth,
        status=CaseStatus.CLOSED,
        opened_on=datetime.date(2022, 2, 1),
        status_since=datetime.date(2022, 9, 1),
    )
    JournalEntry.objects.create(youth=youth, occurred_on=datetime.date(2022, 2, 3), text="Samtal.")

    log_in(page, "admin-ada")
    page.goto(f"{live_url}/thinning/")
    assert "Exempelsson" not in page.content()
    assert "1 poster för 1 ungdom" in page.get_by_test_id("preview-casework").inner_text()
    assert _fits(page)
    with page.expect_navigation():
        page.locator('tr[data-kind="casework"] a').click()
    page.get_by_label("gallringen påslagen").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "Ange hänvisningen till kommunens beslut" in page.content()
    page.get_by_label("kommunens beslut").fill("KS 2025/17 §4")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "Regeln sparades" in page.content()
    assert "KS 2025/17 §4" in page.locator('tr[data-kind="casework"]').inner_text()

    page.context.clear_cookies()
    log_in(page, "samordnare-bo")
    page.goto(f"{live_url}/register/youths/{youth.pk}/")
    row = page.get_by_test_id("youth-thinning").locator('tr[data-kind="casework"]')
    assert "Vid nästa nattliga körning" in row.inner_text() and "KS 2025/17 §4" in row.inner_text()
    assert _fits(page)
