"""A coordinator assigns a youth to a coach; the coach logs a phone attempt from the worklist."""

import pytest

from kaa.accounts.models import Role
from kaa.outreach.models import ContactAttempt
from kaa.register.models import Youth
from tests.factories import MunicipalityFactory, TeamFactory, staff
from tests.outreach.conftest import adult_birth, enter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_assigns_and_coach_logs_a_call(page, live_url, log_in):
    import datetime

    from django.utils import timezone
    from playwright.sync_api import expect

    from tests.factories import YouthFactory

    municipality = MunicipalityFactory(code="0765", name="Älmhult")
    team = TeamFactory(municipality=municipality, name="Team Syd")
    staff(Role.COORDINATOR, municipality, username="samordnare")
    coach = staff(Role.COACH, municipality, team=team, username="coach1")
    youth = enter(YouthFactory(municipality=municipality, birth_date=adult_birth(), given_name="Alva",
                               family_name="Exempel"), timezone.localdate() - datetime.timedelta(days=20))
    enter(YouthFactory(municipality=municipality, birth_date=adult_birth(), given_name="Bo", family_name="Annan"),
          timezone.localdate() - datetime.timedelta(days=3))

    # The coordinator assigns Alva to coach1 from the unassigned queue.
    log_in(page, "samordnare")
    page.goto(f"{live_url}/outreach/assign/")
    queue = page.get_by_test_id("unassigned-table")
    expect(queue.locator("tbody tr")).to_have_count(2)
    page.locator(f"input[name=youth][value='{youth.pk}']").check()
    page.locator("select[name=coach]").select_option(str(coach.pk))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("unassigned-table").locator("tbody tr")).to_have_count(1)
    assert "Exempel" not in page.get_by_test_id("unassigned-table").inner_text()
    youth.refresh_from_db()
    assert youth.coach_id == coach.pk and youth.team_id == team.pk

    # The coach logs a call from the worklist: click 1 opens the outcome buttons, click 2 saves.
    page.context.clear_cookies()
    log_in(page, "coach1")
    page.goto(f"{live_url}/outreach/worklist/")
    row = page.locator(f"#work-row-{youth.pk}")
    expect(row).to_contain_text("Exempel, Alva")
    row.locator(f"#work-actions-{youth.pk} a").first.click()
    button = row.locator("button[name=outcome][value=no_answer]")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(f"#work-row-{youth.pk} [role=status]")).to_be_visible()
    attempt = ContactAttempt.objects.get(youth=youth)
    assert attempt.channel == "phone" and attempt.outcome == "no_answer" and attempt.by_id == coach.pk
    assert Youth.objects.get(pk=youth.pk).coach_id == coach.pk
