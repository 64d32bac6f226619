"""The outreach journey: assign, log a call from the worklist, print the letters, the youth replies,
the reply tops the coach's worklist."""

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
    # Already the coach's, with overdue steps: the reply must still come first.
    enter(YouthFactory(municipality=municipality, birth_date=adult_birth(), given_name="Cilla", family_name="Tidig",
                       coach=coach, team=team), timezone.localdate() - datetime.timedelta(days=40))

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

    # The coach prints the letter batch: one PDF, the youth's letter with a personal reply code.
    import io
    import re

    from pypdf import PdfReader

    from kaa.messaging.codes import ALPHABET, CODE_LENGTH

    page.goto(f"{live_url}/letters/print/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    pdf_link = page.locator("main a[href$='/pdf/']")
    response = page.context.request.get(pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages]
    assert any("Cilla" in t for t in pages) and not any("Annan" in t for t in pages)
    alva_page = next(t for t in pages if "Alva" in t)
    code = re.search(rf"Your code.*?([{ALPHABET}]{{{CODE_LENGTH}}})", alva_page, re.S).group(1)
    assert ContactAttempt.objects.filter(youth=youth, channel="letter", outcome="sent").count() == 1

    # The youth answers on the public page with the letter's code, without logging in.
    public = page.context.browser.new_context(base_url=live_url, locale="sv-SE")
    reply_page = public.new_page()
    reply_page.goto(f"{live_url}/svar/")
    reply_page.locator("input[name=code]").fill(code)
    with reply_page.expect_navigation():
        reply_page.locator("main form button[type=submit]").click()
    assert "Alva" not in reply_page.content()  # the public page shows no personal data
    reply_page.locator("input[name=kind][value=contact]").check()
    reply_page.locator("input[name=phone]").fill("070-1740699")
    with reply_page.expect_navigation():
        reply_page.locator("main form button[type=submit]").click()
    assert reply_page.url.endswith("/svar/tack/")
    public.close()

    # The reply is at the very top of the coach's worklist.
    page.goto(f"{live_url}/outreach/worklist/")
    first = page.get_by_test_id("work-row").first
    expect(first).to_have_id(f"work-row-{youth.pk}")
    expect(first.locator(".ds-tag[data-color=info]")).to_be_visible()
