"""Issue 10, a coach's day in the browser: the youth's reply read and acted on, a call that keeps the
reply, keyboard focus and live counters after a quick call, and the phone-first pages at 375 px."""

import datetime

import pytest
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.messaging.services import reply_codes_issue
from kaa.outreach import selectors, services
from kaa.outreach.models import ContactAttempt, FirstMeeting
from kaa.register.models import Guardian, Youth
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff
from tests.outreach.conftest import adult_birth, enter, minor_birth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 375
SCROLL_WIDTH = "() => document.documentElement.scrollWidth"
ACTIVE = "() => { const a = document.activeElement; return a ? a.outerHTML.slice(0, 200) : ''; }"


@pytest.fixture
def world():
    municipality = MunicipalityFactory(code="0765", name="Älmhult")
    team = TeamFactory(municipality=municipality, name="Team Syd")
    coach = staff(Role.COACH, municipality, team=team, username="coach1")
    staff(Role.COORDINATOR, municipality, username="samordnare")  # a colleague for a meeting at home

    def youth(*, minor=False, days=20, **kwargs):
        birth = minor_birth() if minor else adult_birth()
        made = YouthFactory(municipality=municipality, birth_date=birth, coach=coach, team=team, **kwargs)
        return enter(made, timezone.localdate() - datetime.timedelta(days=days))

    return {"municipality": municipality, "coach": coach, "youth": youth}


def answer(browser, live_url, code: str, *, kind: str, respondent: str = "youth", **fields) -> None:
    """The youth (or a guardian) answers on the public page, without logging in."""
    context = browser.new_context(base_url=live_url, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_url}/svar/{code}/")
    page.locator(f"input[name=respondent][value={respondent}]").check()
    page.locator(f"input[name=kind][value={kind}]").check()
    for name, value in fields.items():
        field = page.locator(f"[name={name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/svar/tack/")
    context.close()


def count(page, key: str) -> str:
    return page.locator(f"#work-counts [data-count={key}]").inner_text()


# --- 1. The reply is read where the coach acts, and acted on -------------------------------------------

def test_the_reply_is_read_and_acted_on(page, browser, live_url, log_in, world):
    from playwright.sync_api import expect

    youth = world["youth"](phone="070-1111111", given_name="Alva", family_name="Exempel")
    (_, code), = reply_codes_issue(youths=[youth])
    answer(browser, live_url, code, kind="meeting", phone="073-174 06 99", best_time="efter 17",
           meeting_when="tisdag eftermiddag", meeting_where="biblioteket", message="Jag vill gärna träffas.")

    log_in(page, "coach1")
    page.goto(f"{live_url}/outreach/worklist/")
    row = page.locator(f"#work-row-{youth.pk}")
    reply = row.get_by_test_id("reply")
    for text in ("Jag vill gärna träffas.", "efter 17", "tisdag eftermiddag", "biblioteket"):
        expect(reply).to_contain_text(text)
    # Call at the time given: a tel: link with the time beside it.
    call = reply.get_by_test_id("reply-call")
    expect(call).to_have_attribute("href", "tel:0731740699")
    expect(call).to_contain_text("efter 17")

    # One click takes the reply's number as the youth's phone number.
    with page.expect_navigation():
        reply.get_by_test_id("reply-phone").click()
    assert Youth.objects.get(pk=youth.pk).phone == "073-174 06 99"
    expect(row.locator("a[href='tel:0731740699']").first).to_be_visible()
    expect(row.get_by_test_id("reply-phone")).to_have_count(0)

    # The youth page shows the same reply in the outreach section.
    page.goto(f"{live_url}/register/youths/{youth.pk}/")
    panel = page.get_by_test_id("reply-panel")
    expect(panel).to_contain_text("Jag vill gärna träffas.")

    # Booking the meeting asked for shows the wish, and handles the reply.
    panel.get_by_test_id("reply-book").click()
    expect(page.get_by_test_id("meeting-wish")).to_contain_text("tisdag eftermiddag")
    expect(page.locator("input[name=place_note]")).to_have_value("biblioteket")
    day = timezone.localdate() + datetime.timedelta(days=5)
    page.locator("input[name=date]").fill(day.isoformat())
    page.locator("input[name=time]").fill("15:00")
    page.locator("select[name=place]").select_option("other")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert FirstMeeting.objects.filter(youth=youth).exists()
    expect(page.get_by_test_id("reply-panel")).to_have_count(0)
    page.goto(f"{live_url}/outreach/worklist/")
    expect(page.locator("#work-counts [data-count=reply]")).to_contain_text("0")


def test_marking_the_reply_handled(page, browser, live_url, log_in, world):
    from playwright.sync_api import expect

    youth = world["youth"]()
    (_, code), = reply_codes_issue(youths=[youth])
    answer(browser, live_url, code, kind="occupation", occupation="work", occupation_detail="Lager i Älmhult",
           message="Jag jobbar nu.")
    log_in(page, "coach1")
    page.goto(f"{live_url}/outreach/worklist/")
    reply = page.locator(f"#work-row-{youth.pk}").get_by_test_id("reply")
    expect(reply).to_contain_text("Lager i Älmhult")
    with page.expect_navigation():
        reply.get_by_test_id("reply-handled").click()
    expect(page.get_by_test_id("reply")).to_have_count(0)
    assert not selectors.state_for(youth).reply_waiting


# --- 2. A call does not clear a waiting reply -----------------------------------------------------------

def test_a_no_answer_to_the_guardian_keeps_the_youths_meeting_request(page, browser, live_url, log_in, world):
    from playwright.sync_api import expect

    youth = world["youth"](minor=True)
    Guardian.objects.create(youth=youth, name="Förälder Exempel", phone="070-7654321")
    (_, code), = reply_codes_issue(youths=[youth])
    answer(browser, live_url, code, kind="meeting", meeting_when="fredag", meeting_where="skolan")

    log_in(page, "coach1")
    page.goto(f"{live_url}/outreach/worklist/")
    row = page.locator(f"#work-row-{youth.pk}")
    expect(row.locator("a[href='tel:0707654321']")).to_be_visible()  # the guardian's number, as a tel: link
    row.locator(f"#work-actions-{youth.pk} a").first.click()
    expect(row.locator("input[name=to_guardian][value=on]")).to_be_checked()
    row.locator("button[name=outcome][value=no_answer]").click()
    expect(page.locator(f"#work-row-{youth.pk} [data-testid=logged]")).to_be_visible()
    attempt = ContactAttempt.objects.get(youth=youth)
    assert attempt.to_guardian and attempt.outcome == "no_answer"

    # The reply is still there, in the row and in the counters, also after a reload.
    expect(page.locator(f"#work-row-{youth.pk}").get_by_test_id("reply")).to_contain_text("fredag")
    expect(page.locator("#work-counts [data-count=reply]")).to_contain_text("1")
    page.reload()
    expect(page.locator(f"#work-row-{youth.pk}").get_by_test_id("reply")).to_contain_text("skolan")


# --- 6. Keyboard focus after the htmx swaps, and the counters follow ---------------------------------------

def test_keyboard_focus_and_counters_after_a_quick_call(page, live_url, log_in, world):
    from playwright.sync_api import expect

    services.chain_install_preset(municipality=world["municipality"], preset="nykoping")
    adult = world["youth"](days=3, family_name="Vuxen")
    minor = world["youth"](days=3, minor=True, family_name="Minderårig")
    services.youths_assign(youths=[adult, minor], coach=world["coach"], user=world["coach"])  # due today

    log_in(page, "coach1")
    page.goto(f"{live_url}/outreach/worklist/")
    expect(page.locator("#work-counts [data-count=today]")).to_contain_text("2")

    # "Log call" with the keyboard: the focus lands on the first new control, the first outcome.
    page.locator(f"#work-actions-{adult.pk} a").first.focus()
    page.keyboard.press("Enter")
    first = page.locator(f"#work-actions-{adult.pk} button[name=outcome][value=no_answer]")
    expect(first).to_be_focused()
    # Saving: the focus lands on the row's confirmation, and the counters follow at once.
    page.keyboard.press("Enter")
    logged = page.locator(f"#work-row-{adult.pk} [data-testid=logged]")
    expect(logged).to_be_focused()
    expect(page.locator("#work-counts [data-count=today]")).to_contain_text("1")
    assert ContactAttempt.objects.filter(youth=adult).count() == 1

    # For a minor the first new control is the choice of whom the call went to.
    page.locator(f"#work-actions-{minor.pk} a").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#work-actions-{minor.pk} input[name=to_guardian][value=on]")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "No answer"
    expect(page.locator(f"#work-row-{minor.pk} [data-testid=logged]")).to_be_focused()
    expect(page.locator("#work-counts [data-count=today]")).to_contain_text("0")
    assert ContactAttempt.objects.get(youth=minor).to_guardian


# --- Phone first: 375 px, tel: links, a home visit in two taps ---------------------------------------------

def test_the_coachs_pages_work_on_a_phone(page, browser, live_url, log_in, world):
    from playwright.sync_api import expect

    youth = world["youth"](minor=True, phone="070-1234567", given_name="Alexandra-Josefine",
                           family_name="Exempelsson-Långnamnsdotter")
    Guardian.objects.create(youth=youth, name="Förälder Exempelsson-Långnamnsdotter", phone="070-7654321")
    services.contact_record(youth=youth, user=world["coach"], channel="phone", outcome="no_answer",
                            at=timezone.now() - datetime.timedelta(hours=2), to_guardian=True,
                            note="Ingen svarade, försök igen i kväll efter klockan sjutton")
    for _ in range(3):
        world["youth"](days=30)
    (_, code), = reply_codes_issue(youths=[youth])
    answer(browser, live_url, code, kind="contact", phone="073-174 06 99", best_time="vardagar efter 17",
           email="alexandra.josefine.exempelsson@example.invalid", message="Ring mig gärna.")

    page.set_viewport_size({"width": PHONE, "height": 800})
    log_in(page, "coach1")
    pages = [
        "/outreach/worklist/",
        f"/register/youths/{youth.pk}/",
        f"/outreach/youths/{youth.pk}/contact/",
        f"/outreach/youths/{youth.pk}/call/?channel=home_visit",
        f"/outreach/youths/{youth.pk}/meeting/",
        f"/outreach/youths/{youth.pk}/refusal/",
        f"/outreach/youths/{youth.pk}/concern/",
        f"/svar/{code}/",
    ]
    for url in pages:
        page.goto(f"{live_url}{url}")
        assert page.evaluate(SCROLL_WIDTH) <= PHONE, url

    # On the worklist, each row's call button is on screen and the numbers are tel: links.
    page.goto(f"{live_url}/outreach/worklist/")
    for button in page.locator("[id^=work-actions-] a").all():
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE
    row = page.locator(f"#work-row-{youth.pk}")
    expect(row.locator("a[href='tel:0701234567']")).to_be_visible()
    expect(row.locator("a[href='tel:0707654321']")).to_be_visible()

    # A home visit in two taps: "Home visit" on the row, then the outcome.
    row.locator(f"#work-actions-{youth.pk} a").nth(1).click()
    row.locator("button[name=outcome][value=message_left]").click()
    expect(page.locator(f"#work-row-{youth.pk} [data-testid=logged]")).to_be_visible()
    visit = ContactAttempt.objects.get(youth=youth, channel="home_visit")
    assert visit.outcome == "message_left" and visit.by == world["coach"]
    assert page.evaluate(SCROLL_WIDTH) <= PHONE


# --- 11. The worklist's rows line up and dates stay whole ----------------------------------------------------

ROW_LAYOUT = """(sel) => Array.from(document.querySelectorAll(sel)).map(tr => {
  const cells = Array.from(tr.children);
  const time = tr.querySelector('time');
  const line = time ? parseFloat(getComputedStyle(time).lineHeight) || 24 : 0;
  return {
    displays: cells.map(c => getComputedStyle(c).display),
    tops: cells.map(c => Math.round(c.getBoundingClientRect().top)),
    heights: cells.map(c => Math.round(c.getBoundingClientRect().height)),
    dateLines: time ? time.getClientRects().length : 0,
    dateTall: time ? time.getBoundingClientRect().height > line * 1.5 : false,
  };
})"""


@pytest.mark.parametrize("width", [1280, 800])
def test_worklist_rows_line_up_and_dates_do_not_wrap(page, live_url, log_in, world, width):
    youths = [world["youth"](days=days, minor=days % 2 == 0, phone="070-1234567") for days in (3, 12, 25, 40)]
    Guardian.objects.create(youth=youths[1], name="Förälder", phone="070-7654321")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "coach1")
    page.goto(f"{live_url}/outreach/worklist/")
    rows = page.evaluate(ROW_LAYOUT, "[data-testid=work-row] > tr:first-child")
    assert len(rows) == 4
    for row in rows:
        assert row["displays"] == ["table-cell"] * 5  # the actions cell too: no flex box in place of a cell
        assert len(set(row["tops"])) == 1 and len(set(row["heights"])) == 1
        assert row["dateLines"] == 1 and not row["dateTall"]
