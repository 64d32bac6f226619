"""Hand-over at 375 px wide, in Swedish, with axe on every page (issue 14): the coach gives the fraktsedel
with two sections chosen with the youth and prints it (the PDF's text checked); the youth moves to another
municipality of the installation: the sending coordinator offers the case, the receiving coordinator sees
it on the start page, accepts, and finds the history on the youth's page."""

import io

import pytest

from kaa.accounts.models import Role
from kaa.handover.models import Fraktsedel, Transfer
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fraktsedel_and_transfer_between_municipalities(page, live_url, log_in):
    from django.utils import timezone
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from kaa.casework import services as cw

    today = timezone.localdate()
    home = MunicipalityFactory(code="0480", name="Nyköping")
    there = MunicipalityFactory(code="0481", name="Oxelösund")
    team = TeamFactory(municipality=home, name="Team Norr")
    sender = staff(Role.COORDINATOR, home, username="samordnare")
    staff(Role.COORDINATOR, there, username="samordnare-oxelosund")
    coach = staff(Role.COACH, home, team=team, username="coach1")
    youth = YouthFactory(
        municipality=home,
        coach=coach,
        team=team,
        given_name="Alva",
        family_name="Exempel",
        birth_date=today.replace(year=today.year - 19),
        in_target_group=True,
    )
    cw.mapping_save(
        youth=youth,
        user=coach,
        held_on=today,
        interests="Musik och att spela gitarr",
        school_worked="Små grupper",
        support_needs="Påminnelse på morgonen",
    )
    cw.plan_save(youth=youth, user=coach, goal="Läsa allmän kurs på folkhögskola")
    cw.journal_add(youth=youth, user=coach, text="Första mötet på biblioteket.")
    cw.consent_record(youth=youth, user=sender, partner=there.code, purpose="Flytt till Oxelösund", valid_from=today)

    page.set_viewport_size({"width": 375, "height": 900})
    log_in(page, "coach1")
    page.goto(f"{live_url}/register/youths/{youth.pk}/")
    section = page.get_by_test_id("handover-fraktsedel")
    expect(section).to_contain_text("Ingen fraktsedel lämnad än.")
    with page.expect_navigation():
        section.get_by_role("link", name="Lämna en fraktsedel").click()
    with page.expect_navigation():  # sent empty first: the error messages are checked by axe too
        page.get_by_role("button", name="Lämna fraktsedeln").click()
    expect(page.locator(".ds-validation-message").first).to_be_visible()
    page.get_by_label("Om mig: intressen, önskemål och styrkor").check()
    page.get_by_label("Mitt mål och min plan").check()
    page.get_by_label("Från KAA till en samverkanspart", exact=False).check()
    page.get_by_label("Mottagande verksamhet").fill("Folkhögskolan Väst")
    page.get_by_label("Mottagande person").fill("Kim Kursansvarig")
    page.get_by_label("Samtycke som ges nu av").select_option("youth")
    with page.expect_navigation():
        page.get_by_role("button", name="Lämna fraktsedeln").click()
    expect(page.locator("main")).to_contain_text("Fraktsedeln är registrerad")
    doc = Fraktsedel.objects.get()
    assert doc.sections == ["about_me", "plan"]
    response = page.context.request.get(page.get_by_test_id("fraktsedel-pdf").get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Fraktsedel" in text and "Folkhögskolan Väst" in text
    assert "Musik och att spela gitarr" in text and "Läsa allmän kurs på folkhögskola" in text
    assert "Små grupper" not in text and "Påminnelse" not in text and "biblioteket" not in text

    # The youth moves: the sending coordinator offers the case with it (the consent names Oxelösund).
    page.context.clear_cookies()
    log_in(page, "samordnare")
    page.goto(f"{live_url}/register/youths/{youth.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("handover-transfers").get_by_role("link", name="Erbjud ärendet").click()
    page.get_by_label("Mottagande kommun").select_option(str(there.pk))
    page.get_by_label("Skicka med ärendet", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Erbjud flytten").click()
    expect(page.get_by_test_id("transfer-status")).to_have_text("Väntar på svar")
    transfer = Transfer.objects.get()

    page.context.clear_cookies()
    log_in(page, "samordnare-oxelosund")
    dash = page.get_by_test_id("dash-transfers")
    expect(dash).to_contain_text("Exempel, Alva")
    with page.expect_navigation():
        dash.get_by_role("link", name="Exempel, Alva").click()
    with page.expect_navigation():
        page.get_by_test_id("transfer-accept").click()
    expect(page.locator("main")).to_contain_text("Flytten är mottagen")
    main = page.locator("main")
    expect(main).to_contain_text("Musik och att spela gitarr")  # the mapping, not asked again
    expect(main).to_contain_text("Första mötet på biblioteket.")  # the journal
    expect(page.get_by_test_id("handover-fraktsedel")).to_contain_text("Folkhögskolan Väst")
    expect(page.get_by_test_id("handover-transfers")).to_contain_text("Mottagen")
    transfer.refresh_from_db()
    assert transfer.status == "accepted"
    page.goto(f"{live_url}/handover/transfers/?direction=incoming")
    expect(page.get_by_test_id("transfer-list")).to_contain_text("Mottagen")
