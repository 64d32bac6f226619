"""Referrals at 375 px wide, in Swedish, with axe on every page: a coach refers a youth to a partner from
the youth page (refused, naming the missing consent, until the consent is recorded), records the answer;
the coordinator keeps the partners."""

import pytest

from kaa.accounts.models import Role
from kaa.casework.models import Partner, Referral
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coach_refers_a_youth_and_the_coordinator_keeps_the_partners(page, live_url, log_in):
    from django.utils import timezone
    from playwright.sync_api import expect

    today = timezone.localdate()
    municipality = MunicipalityFactory(code="0765", name="Älmhult")
    team = TeamFactory(municipality=municipality, name="Team Syd")
    staff(Role.COORDINATOR, municipality, username="samordnare")
    coach = staff(Role.COACH, municipality, team=team, username="coach1")
    youth = YouthFactory(municipality=municipality, coach=coach, team=team, given_name="Alva", family_name="Exempel",
                         birth_date=today.replace(year=today.year - 19), in_target_group=True)
    af = Partner.objects.get(municipality=municipality, name="Arbetsförmedlingen")

    page.set_viewport_size({"width": 375, "height": 900})
    log_in(page, "coach1")
    page.goto(live_url + _youth_url(youth))
    section = page.get_by_test_id("case-referrals")
    expect(section).to_contain_text("Inga remisser ännu.")
    with page.expect_navigation():
        section.get_by_test_id("referral-new").click()  # click 2 (the youth page was 1)
    page.get_by_label("Samverkanspart").select_option(str(af.pk))
    page.get_by_label("Syfte").fill("Inskrivning och stöd i jobbsökandet")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()  # click 3
    expect(page.locator("main")).to_contain_text(
        "Det finns inget giltigt samtycke till att dela uppgifter med Arbetsförmedlingen")
    assert not Referral.objects.exists()
    with page.expect_navigation():
        page.get_by_test_id("referral-consent-link").click()
    expect(page.get_by_label("Samverkanspart", exact=True)).to_have_value(str(af.pk))
    page.get_by_label("Syfte").fill("Planera praktik")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    with page.expect_navigation():
        page.get_by_test_id("case-referrals").get_by_test_id("referral-new").click()
    page.get_by_label("Samverkanspart").select_option(str(af.pk))
    page.get_by_label("Syfte").fill("Inskrivning och stöd i jobbsökandet")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    section = page.get_by_test_id("case-referrals")
    expect(section).to_contain_text("Skickad, inget svar ännu")
    with page.expect_navigation():
        section.get_by_role("link", name="Registrera svaret").click()
    page.get_by_label("Genomförd").check()
    page.get_by_label("Anteckning").fill("Inskriven hos en handläggare.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("case-referrals")).to_contain_text("Genomförd")
    referral = Referral.objects.get(youth=youth)
    assert referral.status == "done" and referral.answered_on == today
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1, "nothing sticks out at 375 px"

    page.context.clear_cookies()
    log_in(page, "samordnare")
    page.goto(live_url + _partners_url())
    expect(page.get_by_test_id("partners")).to_contain_text("Försäkringskassan")
    with page.expect_navigation():
        page.get_by_role("link", name="Ny samverkanspart").click()
    page.get_by_label("Namn").fill("Psykiatrin")
    page.get_by_label("Kontakt").fill("010-123 45 67")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("partners")).to_contain_text("Psykiatrin")
    assert Partner.objects.filter(municipality=municipality, name="Psykiatrin").exists()


def _youth_url(youth) -> str:
    from django.urls import reverse

    return reverse("register:youth_detail", args=[youth.pk])


def _partners_url() -> str:
    from django.urls import reverse

    return reverse("casework:partner_list")
