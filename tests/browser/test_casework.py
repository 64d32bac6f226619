"""The case-work journey (issue 12, "Done when"), at 375 px wide: a coach opens a reached youth from the
start page's worklist, records the mapping, makes a plan with two measures from the activity bank (one
declined), records an occupation change, writes a journal entry and a confidential one, prints the plan
PDF (its text checked), evaluates a measure, and confirms the closing proposal after the register says
the youth started a national programme."""

import datetime
import io

import pytest

from kaa.accounts.models import Role
from kaa.casework.codes import ensure_default_codes
from kaa.casework.models import Activity, Case, Closing, Evaluation, JournalEntry, Mapping, Measure, Occupation
from kaa.register.models import RegisterPeriod, YouthEvent
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375


OVERFLOW = """(selector) => [...document.querySelectorAll(selector)]
  .flatMap(root => [root, ...root.querySelectorAll("*")])
  .filter(e => !e.closest(".kaa-table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + (e.textContent || "").trim().slice(0, 40))"""


def _fits(page, selector: str = "main") -> None:
    """Nothing of case work sticks out sideways at 375 px (wide tables scroll inside their own box)."""
    assert page.evaluate(OVERFLOW, selector) == [], page.url


def _fits_case_sections(page) -> None:
    _fits(page, '[data-testid^="case-"]')


def test_a_coach_works_a_case_from_first_meeting_to_closing(page, live_url, log_in):
    from django.utils import timezone
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from kaa.casework import services
    from kaa.register.services import correction_enrolment_add

    ensure_default_codes()  # a transactional test starts from empty tables
    today = timezone.localdate()
    municipality = MunicipalityFactory(code="0765", name="Älmhult")
    team = TeamFactory(municipality=municipality, name="Team Syd")
    coordinator = staff(Role.COORDINATOR, municipality, username="samordnare")
    coach = staff(Role.COACH, municipality, team=team, username="coach1")
    coach.memberships.update(may_see_confidential=True)
    youth = YouthFactory(municipality=municipality, coach=coach, team=team, given_name="Alva", family_name="Exempel",
                         birth_date=today.replace(year=today.year - 18) - datetime.timedelta(days=40),
                         in_target_group=True, register_reason="avbrott",
                         register_since=today - datetime.timedelta(days=60))
    long_ago = timezone.now() - datetime.timedelta(days=35)
    RegisterPeriod.objects.create(youth=youth, municipality=municipality, in_target_group=True, reason="avbrott",
                                  valid_from=today - datetime.timedelta(days=60))
    YouthEvent.objects.create(youth=youth, kind="register.entered", data={"reason": "avbrott"},
                              occurred_at=timezone.now() - datetime.timedelta(days=60))
    YouthEvent.objects.create(youth=youth, kind="outreach.contact", occurred_at=long_ago,
                              data={"channel": "phone", "outcome": "reached"})
    # Reached 35 days ago (occupation at first contact recorded): "no contact for 30 days" puts her on the list.
    services.occupation_record(youth=youth, user=coach, code="ingen", start=today - datetime.timedelta(days=35))
    practice = Activity.objects.create(municipality=municipality, title="Praktik på biblioteket",
                                       measure_code="praktik", provider="Kulturförvaltningen", capacity=3)
    steg1 = Activity.objects.create(municipality=municipality, title="Steg1", measure_code="regelbundna_samtal",
                                    provider="Fritidsgården")

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
    log_in(page, "coach1")
    # The start page's worklist of case work: open the youth.
    due = page.get_by_test_id("dash-casework")
    expect(due).to_contain_text("Exempel, Alva")
    expect(due).to_contain_text("Ingen kontakt på 30 dagar")
    with page.expect_navigation():
        due.get_by_role("link", name="Exempel, Alva").click()
    summary = page.get_by_test_id("case-summary")
    expect(summary).to_be_visible()
    _fits_case_sections(page)

    # Mapping.
    with page.expect_navigation():
        page.get_by_test_id("case-mapping").get_by_role("link", name="Dokumentera kartläggningen").click()
    page.get_by_label("Var (platsen som ungdomen valde)").fill("Biblioteket")
    page.get_by_label("Intressen").fill("Böcker och spel")
    page.get_by_label("Önskemål").fill("Jobba på ett bibliotek")
    page.get_by_label("Praktiska hinder").fill("Saknar busskort")
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("case-mapping")).to_contain_text("Böcker och spel")
    assert Mapping.objects.get(youth=youth).obstacles == "Saknar busskort"

    # The plan: the goal, then two measures from the activity bank, one declined.
    with page.expect_navigation():
        page.get_by_test_id("case-plan").get_by_role("link", name="Skriv målet").click()
    page.get_by_label("Ungdomens mål").fill("Få praktik och sedan ett jobb på ett bibliotek")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    for activity, declined in ((practice, False), (steg1, True)):
        with page.expect_navigation():
            page.get_by_test_id("case-plan").get_by_role("link", name="Lägg till åtgärd").click()
        page.get_by_label("Från aktivitetsbanken").select_option(str(activity.pk))
        page.get_by_label("Mål och syfte").fill("Prova på arbete" if not declined else "Träffa andra")
        if declined:
            page.get_by_label("Erbjuden, och ungdomen tackade nej").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Spara").click()
    measures = page.get_by_test_id("measures")
    expect(measures).to_contain_text("Praktik på biblioteket")
    expect(measures).to_contain_text("Nej tack")
    assert [(m.code, m.declined) for m in Measure.objects.filter(youth=youth).order_by("pk")] == [
        ("praktik", False), ("regelbundna_samtal", True)]

    # An occupation change, in one click from the summary.
    page.get_by_label("Sysselsättning från i dag").select_option("praktik")
    with page.expect_navigation():
        page.get_by_test_id("occupation-quick").get_by_role("button", name="Registrera sysselsättning").click()
    expect(page.get_by_test_id("current-occupation")).to_contain_text("Praktik")
    assert Occupation.objects.filter(youth=youth).count() == 2

    # A journal entry from the meeting template, and a confidential one.
    with page.expect_navigation():
        page.get_by_test_id("case-journal").get_by_role("link", name="Möte").click()
    entry = page.locator("textarea[name=text]")
    expect(entry).to_have_value("Plats:\nVilka som deltog:\nVad vi pratade om:\nVad vi kom överens om:\nNästa steg:")
    entry.fill("Plats: biblioteket\nVad vi pratade om: praktiken börjar på måndag.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    with page.expect_navigation():
        page.get_by_test_id("case-journal").get_by_role("link", name="Anteckning").click()
    page.locator("textarea[name=text]").fill("Ungdomen har kontakt med vården (påhittat).")
    page.get_by_label("Sekretess (hälsa, socialtjänst)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    journal = page.get_by_test_id("case-journal")
    expect(journal).to_contain_text("praktiken börjar på måndag")
    expect(journal.get_by_test_id("confidential-entry")).to_contain_text("kontakt med vården")
    assert JournalEntry.objects.filter(youth=youth, confidential=True).count() == 1

    # The plan as a PDF in plain Swedish: the goal and the measure taken, not the declined one nor the journal.
    href = page.get_by_test_id("plan-pdf").get_attribute("href")
    response = page.context.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    for expected in ("Min handlingsplan", "Mitt mål", "Få praktik och sedan ett jobb", "Praktik på biblioteket",
                     "Prova på arbete", "Vem ansvarar", "Din underskrift"):
        assert expected in text, expected
    assert "Träffa andra" not in text and "vården" not in text

    # Evaluate the measure.
    measure = Measure.objects.get(youth=youth, declined=False)
    with page.expect_navigation():
        page.locator(f"#measure-{measure.pk}").get_by_role("link", name="Utvärdera").click()
    page.get_by_label("Blev den av?").select_option("yes")
    page.get_by_label("Hur det gick").fill("Första veckan gick bra.")
    page.get_by_label("Ungdomens egen bild").fill("Roligt att sortera böcker.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.locator(f"#measure-{measure.pk}")).to_contain_text("Ja, som planerat")
    assert Evaluation.objects.get(measure=measure).youth_view == "Roligt att sortera böcker."

    # The register learns that the youth started a national programme: the closing is proposed.
    correction_enrolment_add(youth=youth, user=coordinator, reason="Skolan meddelade", school_type="GY",
                             programme="NA", start_date=today, school_unit_name="Haganässkolan")
    youth.refresh_from_db()
    assert not youth.in_target_group
    page.reload()
    proposal = page.get_by_test_id("case-summary").get_by_test_id("closing-proposal")
    expect(proposal).to_contain_text("Påbörjat utbildning")
    with page.expect_navigation():
        proposal.get_by_role("link", name="Bekräfta utskrivningen").click()
    expect(page.get_by_label("Orsak")).to_have_value("paborjat_utbildning")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("case-status")).to_contain_text("Avslutad")
    closing = Closing.objects.get(youth=youth)
    assert closing.from_proposal and closing.reason == "paborjat_utbildning" and closing.by == coach
    assert Case.objects.get(youth=youth).status == "closed"
    _fits_case_sections(page)


def test_the_activity_bank_for_a_coordinator(page, live_url, log_in):
    from playwright.sync_api import expect

    ensure_default_codes()
    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    staff(Role.COORDINATOR, municipality, username="samordnare")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
    log_in(page, "samordnare")
    page.goto(f"{live_url}/casework/activities/")
    with page.expect_navigation():
        page.get_by_role("link", name="Ny aktivitet").click()
    page.locator("input[name=title]").fill("Körkortsteori")
    page.locator("select[name=measure_code]").select_option("studier")
    page.locator("input[name=capacity]").fill("8")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_test_id("activities")).to_contain_text("Körkortsteori")
    expect(page.get_by_test_id("activities")).to_contain_text("0 av 8")
    _fits(page)


def test_the_other_case_pages_fit_a_phone(page, live_url, log_in):
    """History, journal, consent, measure and activity pages at 375 px (axe checks each page it loads)."""
    from django.utils import timezone

    from kaa.casework import services

    ensure_default_codes()
    today = timezone.localdate()
    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    team = TeamFactory(municipality=municipality, name="Team Norr")
    staff(Role.COORDINATOR, municipality, username="samordnare")
    coach = staff(Role.COACH, municipality, team=team, username="coach1")
    youth = YouthFactory(municipality=municipality, coach=coach, team=team, in_target_group=True,
                         given_name="Bo", family_name="Exempel")
    activity = Activity.objects.create(municipality=municipality, title="Coffee 'n coaching",
                                       measure_code="regelbundna_samtal", capacity=1)
    services.mapping_save(youth=youth, user=coach, held_on=today, interests="Musik", wishes="Jobba")
    services.mapping_save(youth=youth, user=coach, held_on=today, interests="Musik och bilar", wishes="Jobba")
    measure = services.measure_add(youth=youth, user=coach, activity=activity, start=today, goal="Samtal varje vecka")
    services.consent_record(youth=youth, user=coach, partner="Arbetsförmedlingen", purpose="Praktik",
                            valid_from=today)
    for i in range(3):
        services.journal_add(youth=youth, user=coach, text=f"Samtal nummer {i}", kind="phone")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
    log_in(page, "coach1")
    for path in (f"/casework/youths/{youth.pk}/mapping/history/", f"/casework/youths/{youth.pk}/plan/history/",
                 f"/casework/youths/{youth.pk}/journal/", f"/casework/youths/{youth.pk}/consents/new/",
                 f"/casework/youths/{youth.pk}/measures/{measure.pk}/", f"/casework/youths/{youth.pk}/occupation/",
                 f"/casework/youths/{youth.pk}/close/", f"/casework/activities/{activity.pk}/"):
        response = page.goto(f"{live_url}{path}")
        assert response.ok, path
        _fits(page)
    page.context.clear_cookies()
    log_in(page, "samordnare")
    page.goto(f"{live_url}/casework/activities/{activity.pk}/")
    assert "Väntelista" in page.locator("main").inner_text()
    _fits(page)
