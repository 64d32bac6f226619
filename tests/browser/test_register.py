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


def test_a_coach_on_a_phone_reads_the_history_newest_first_and_shows_older(page, live_url, log_in):
    """A youth with 60 events: the newest 25 first; "Visa äldre" adds the next ones in place (htmx), until
    the oldest is there and the link is gone."""
    import datetime

    from django.utils import timezone
    from playwright.sync_api import expect

    from kaa.register.models import YouthEvent
    from tests.factories import TeamFactory, YouthFactory

    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    team = TeamFactory(municipality=municipality)
    coach = staff(Role.COACH, municipality, team=team, username="coach")
    youth = YouthFactory(municipality=municipality, coach=coach, team=team)
    now = timezone.now()
    YouthEvent.objects.bulk_create([
        YouthEvent(youth=youth, kind="outreach.contact", occurred_at=now - datetime.timedelta(days=i),
                   data={"channel": "phone", "outcome": "no_answer"}) for i in range(60)])
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, "coach")
    page.goto(f"{live_url}/register/youths/{youth.pk}/")
    items = page.get_by_test_id("timeline").locator("li:not(#timeline-more)")
    expect(items).to_have_count(25)
    assert timezone.localdate(now).isoformat() in items.first.inner_text()
    page.get_by_role("link", name="Visa äldre").click()
    expect(items).to_have_count(50)
    page.get_by_role("link", name="Visa äldre").click()
    expect(items).to_have_count(60)
    expect(page.get_by_role("link", name="Visa äldre")).to_have_count(0)
    assert page.url.endswith(f"/register/youths/{youth.pk}/")  # fetched in place, the page stayed
