"""Meetings at 375 px wide, in Swedish, with axe on every page: a coach team's Friday case review (the
page proposes a youth, the team records a decision, the coach finds it in the youth's journal and the
next step on the start page); a network meeting refuses a youth without consent to share with the
partners taking part."""

import datetime

import pytest

from kaa.accounts.models import Role
from kaa.casework.models import JournalEntry, Partner
from kaa.meetings.models import Meeting, MeetingYouth
from kaa.register.models import YouthEvent
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    from django.utils import timezone

    today = timezone.localdate()
    municipality = MunicipalityFactory(code="0765", name="Älmhult")
    team = TeamFactory(municipality=municipality, name="Team Syd")
    staff(Role.COORDINATOR, municipality, username="samordnare")
    coach = staff(Role.COACH, municipality, team=team, username="coach1")
    youth = YouthFactory(
        municipality=municipality,
        coach=coach,
        team=team,
        given_name="Alva",
        family_name="Exempel",
        birth_date=today.replace(year=today.year - 18),
        in_target_group=True,
        register_since=today - datetime.timedelta(days=2),
    )
    YouthEvent.objects.create(
        youth=youth,
        kind="register.entered",
        data={"reason": "avbrott"},
        occurred_at=timezone.now() - datetime.timedelta(days=2),
    )
    return municipality, team, youth, today


def test_the_friday_review_records_a_decision_in_the_journal(page, live_url, log_in):
    from django.urls import reverse
    from playwright.sync_api import expect

    _municipality, team, youth, today = _world()
    page.set_viewport_size({"width": 375, "height": 900})
    log_in(page, "coach1")
    page.goto(live_url + reverse("meetings:review_team", args=[team.pk]))
    row = page.get_by_test_id("proposal").filter(has_text="Exempel, Alva")
    expect(row).to_contain_text("Ny denna vecka")
    with page.expect_navigation():
        row.get_by_role("link", name="Registrera beslut").click()
    page.get_by_label("Beslut").fill("Alva erbjuds ett första möte på biblioteket.")
    page.get_by_label("Nästa steg", exact=True).fill("Ring Alva och boka mötet")
    page.get_by_label("Nästa steg senast").fill((today + datetime.timedelta(days=2)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Spara beslutet").click()
    expect(page.locator("main")).to_contain_text("Beslutet är registrerat i journalen för Alva Exempel")
    expect(page.get_by_test_id("proposal").filter(has_text="Exempel, Alva")).to_contain_text(
        "Alva erbjuds ett första möte på biblioteket."
    )
    entry = JournalEntry.objects.get(youth=youth)
    assert "Ring Alva och boka mötet" in entry.text

    with page.expect_navigation():
        page.get_by_role("link", name="Protokoll från den här genomgången").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("Alva erbjuds ett första möte på biblioteket.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1, "nothing sticks out at 375 px"

    page.goto(live_url + reverse("casework:journal_list", args=[youth.pk]))
    expect(page.locator("main")).to_contain_text("Alva erbjuds ett första möte på biblioteket.")
    page.goto(live_url + reverse("core:home"))
    expect(page.get_by_test_id("dash-casework")).to_contain_text("Nästa steg som beslutats på ett möte")


def test_a_network_meeting_refuses_a_youth_without_consent(page, live_url, log_in):
    from django.urls import reverse
    from playwright.sync_api import expect

    municipality, _team, _youth, _today = _world()
    af = Partner.objects.get(municipality=municipality, name="Arbetsförmedlingen")
    page.set_viewport_size({"width": 375, "height": 900})
    log_in(page, "samordnare")
    page.goto(live_url + reverse("meetings:meeting_list"))
    with page.expect_navigation():
        page.get_by_test_id("next-meetings").get_by_role("link", name="Planera det").first.click()
    page.get_by_label("Arbetsförmedlingen").check()
    page.get_by_label("Närvarande personer").fill("Kim Exempelsson, Arbetsförmedlingen")
    page.get_by_label("Dagordning").fill("Ungdomar vi inte har nått")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    meeting = Meeting.objects.get()
    assert list(meeting.partners.all()) == [af]
    page.get_by_label("Namn").fill("Alva")
    with page.expect_navigation():
        page.get_by_role("button", name="Sök").click()
    expect(page.get_by_test_id("candidates")).to_contain_text("Samtycke saknas för: Arbetsförmedlingen")
    with page.expect_navigation():
        page.get_by_test_id("candidates").get_by_role("button", name="Lägg till på dagordningen").click()
    expect(page.locator("main")).to_contain_text(
        "Alva Exempel har inget giltigt samtycke till att dela uppgifter med: Arbetsförmedlingen"
    )
    assert not MeetingYouth.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1, "nothing sticks out at 375 px"
