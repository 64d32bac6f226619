"""The coordinator's yearly wheel, results of measures and lead times at 375 px wide (axe on every page)."""

import datetime

import pytest
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.casework.codes import ensure_default_codes
from kaa.register.models import RegisterPeriod
from kaa.reporting.models import WheelDone, WheelTask
from tests.factories import MunicipalityFactory, YouthFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
OVERFLOW = """(selector) => [...document.querySelectorAll(selector)]
  .flatMap(root => [root, ...root.querySelectorAll("*")])
  .filter(e => !e.closest(".kaa-table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + (e.textContent || "").trim().slice(0, 40))"""


def _fits(page) -> None:
    assert page.evaluate(OVERFLOW, "main") == [], page.url


def test_the_coordinator_keeps_the_wheel_and_reads_the_figures(page, live_url, log_in):
    from playwright.sync_api import expect

    ensure_default_codes()
    municipality = MunicipalityFactory(code="0765", name="Älmhult")
    staff(Role.COORDINATOR, municipality, username="samordnare")
    today = timezone.localdate()
    youth = YouthFactory(
        municipality=municipality,
        given_name="Alva",
        family_name="Exempel",
        in_target_group=True,
        register_reason="avbrott",
        register_since=today - datetime.timedelta(days=40),
    )
    RegisterPeriod.objects.create(
        youth=youth,
        municipality=municipality,
        in_target_group=True,
        reason="avbrott",
        valid_from=today - datetime.timedelta(days=40),
    )
    review = WheelTask.objects.get(municipality=municipality, preset="case_review")

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
    log_in(page, "samordnare")
    expect(page.get_by_test_id("dash-lead-times")).to_contain_text("Exempel, Alva")
    expect(page.get_by_test_id("dash-wheel")).to_be_visible()
    _fits(page)

    page.goto(f"{live_url}/reports/wheel/")
    _fits(page)
    first = page.get_by_test_id("wheel-occurrence").filter(has_text=review.title).first
    with page.expect_navigation():
        first.get_by_role("button").click()
    assert WheelDone.objects.filter(task=review).count() == 1
    expect(page.locator('[data-status="done"]').first).to_contain_text(review.title)
    _fits(page)

    page.goto(f"{live_url}/reports/wheel/?view=month")
    _fits(page)
    page.goto(f"{live_url}/reports/wheel/tasks/")
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("link", name=review.title).click()
    page.get_by_label("Var hur många veckor").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    review.refresh_from_db()
    assert review.interval_weeks == 2
    _fits(page)

    page.goto(f"{live_url}/reports/results/")
    _fits(page)
    page.goto(f"{live_url}/reports/lead-times/waiting/")
    expect(page.get_by_test_id("waiting-table")).to_contain_text("Exempel, Alva")
    _fits(page)
