"""Preventive work (issue 14, "Done when"), at 375 px wide: a study counsellor opens a preventive case for a year-9
pupil from a school's signal with consent, records the autumn meeting and the mapping; later the pupil enters the
register, and the coach finds the mapping already there on the youth page (the pupil is not asked again)."""

import datetime

import pytest

from kaa.accounts.models import Role
from kaa.casework.models import Mapping
from kaa.prevention.models import PreventiveCase, PreventiveStatus
from kaa.register.models import EarlySignal, RegisterPeriod
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, make_personnummer, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
OVERFLOW = """() => [...document.querySelectorAll("main, main *")]
  .filter(e => !e.closest(".kaa-table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName.toLowerCase() + " " + (e.textContent || "").trim().slice(0, 40))"""


def _fits(page) -> None:
    assert page.evaluate(OVERFLOW) == [], page.url


def test_a_preventive_case_in_year_9_carries_its_mapping_into_kaa(page, live_url, log_in):
    from django.utils import timezone
    from playwright.sync_api import expect

    from kaa.register.compute import register_compute

    today = timezone.localdate()
    municipality = MunicipalityFactory(code="0765", name="Älmhult")
    team = TeamFactory(municipality=municipality, name="Team Syd")
    staff(Role.STUDY_COUNSELLOR, municipality, team=team, username="syv")
    coach = staff(Role.COACH, municipality, team=team, username="coach1")
    school = staff(Role.SCHOOL_STAFF, municipality, username="skola")
    born = datetime.date(today.year - 15, 2, 14)
    pnr = make_personnummer(born, 321)
    EarlySignal.objects.create(
        municipality=municipality,
        personnummer=pnr,
        given_name="Nova",
        family_name="Exempel",
        school_unit_name="Centralskolan",
        concern="Mycket ogiltig frånvaro i nian.",
        consent=True,
        consent_by="guardian",
        reported_by=school,
    )

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
    log_in(page, "syv")
    # The start page shows the new signal; the signal list opens a preventive case.
    expect(page.get_by_test_id("dashboard-prevention")).to_contain_text("1 ny signal från en skola")
    with page.expect_navigation():
        page.get_by_test_id("dashboard-prevention").get_by_role("link", name="1 ny signal från en skola").click()
    expect(page.get_by_test_id("early-signals")).to_contain_text("Exempel, Nova")
    _fits(page)
    with page.expect_navigation():
        page.get_by_test_id("early-signals").get_by_role("link", name="Öppna ett förebyggande ärende").click()
    expect(page.get_by_label("Förnamn")).to_have_value("Nova")
    page.get_by_label("Årskurs 9").check()
    _fits(page)
    # Without the consent ticked, nothing is opened.
    with page.expect_navigation():
        page.get_by_role("button", name="Öppna det förebyggande ärendet").click()
    expect(page.locator(".ds-validation-message").first).to_contain_text("samtycke")
    assert not PreventiveCase.objects.exists()
    page.get_by_label("Eleven eller en vårdnadshavare samtycker till förebyggande arbete med KAA").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Öppna det förebyggande ärendet").click()
    expect(page.get_by_test_id("case-facts")).to_contain_text("Årskurs 9")

    # The autumn meeting in year 9.
    with page.expect_navigation():
        page.get_by_role("link", name="Registrera ett möte").click()
    page.get_by_label("Höstmöte i årskurs 9 (KAA och eleven)").check()
    page.get_by_label("Vilka som deltog").fill("Eleven, KAA-coach")
    page.get_by_label("Anteckningar").fill("Eleven vill gå ett praktiskt program.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_test_id("case-meetings")).to_contain_text("Höstmöte i årskurs 9")

    # The mapping from the pupil's perspective, with the parents' support.
    with page.expect_navigation():
        page.get_by_test_id("case-mapping").get_by_role("link", name="Dokumentera kartläggningen").click()
    page.get_by_label("Vilka som deltog").fill("Nova och hennes pappa")
    page.get_by_label("Intressen").fill("Motorer och att skruva")
    page.get_by_label("Önskemål").fill("Fordonsprogrammet")
    page.get_by_label("Behov av stöd").fill("Hjälp med matematiken")
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara kartläggningen").click()
    expect(page.get_by_test_id("case-mapping")).to_contain_text("Motorer och att skruva")
    case = PreventiveCase.objects.get()
    assert case.workers.count() == 1

    # Later: the pupil (now past compulsory school, without upper-secondary school) enters the register.
    page.context.clear_cookies()
    born_earlier = born.replace(year=born.year - 2)
    youth = YouthFactory(
        municipality=municipality,
        personnummer=pnr,
        birth_date=born_earlier,
        given_name="Nova",
        family_name="Exempel",
        coach=coach,
        team=team,
    )
    assert register_compute(youth_ids=[youth.pk]).entered == 1
    assert RegisterPeriod.objects.filter(youth=youth, in_target_group=True).exists()
    case.refresh_from_db()
    assert case.status == PreventiveStatus.CARRIED

    # The coach finds the mapping already there: not asked again.
    log_in(page, "coach1")
    page.goto(f"{live_url}/register/youths/{youth.pk}/")
    mapping = page.get_by_test_id("case-mapping")
    expect(mapping).to_contain_text("Motorer och att skruva")
    expect(mapping).to_contain_text("Fordonsprogrammet")
    expect(mapping).to_contain_text("Nova och hennes pappa")
    expect(mapping.get_by_role("link", name="Revidera kartläggningen")).to_be_visible()
    _fits(page)
    assert Mapping.objects.get(youth=youth).version == 1


def test_attendance_import_signals_and_settings_pages(page, live_url, log_in, tmp_path):
    from playwright.sync_api import expect

    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    staff(Role.COORDINATOR, municipality, username="samordnare")
    staff(Role.ADMINISTRATOR, municipality, username="admin")
    pupils = [make_personnummer(datetime.date(2011, 3, 1 + i), 400 + i) for i in range(3)]
    rows = ["personnummer;vecka;franvaro_procent;ogiltig_procent"]
    for week in ("2026-W10", "2026-W11", "2026-W12"):
        rows += [f"{pupils[0]};{week};40;35", f"{pupils[1]};{week};5;0", f"{pupils[2]};{week};30;2"]
    upload = tmp_path / "narvaro-v12.csv"
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
    log_in(page, "samordnare")
    page.goto(f"{live_url}/prevention/attendance/import/")
    page.get_by_label("Fil").set_input_files(str(upload))
    with page.expect_navigation():
        page.get_by_role("button", name="Importera").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("9 rader importerade")
    expect(page.get_by_test_id("attendance-imports")).to_contain_text("narvaro-v12.csv")
    _fits(page)
    page.goto(f"{live_url}/prevention/signals/")
    signals = page.get_by_test_id("attendance-signals")
    expect(signals).to_contain_text(pupils[0])
    expect(signals).not_to_contain_text(pupils[2])
    _fits(page)
    with page.expect_navigation():
        signals.get_by_role("button", name="Ingen åtgärd just nu").click()
    expect(page.get_by_test_id("attendance-signals")).to_contain_text("Inga signaler")
    page.goto(f"{live_url}/prevention/cases/")
    expect(page.get_by_test_id("preventive-cases")).to_contain_text("Inga förebyggande ärenden")

    page.context.clear_cookies()
    log_in(page, "admin")
    page.goto(f"{live_url}/prevention/attendance/settings/")
    page.get_by_label("Ogiltig frånvaro på minst (%)").fill("1")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.locator(".ds-alert, [role=status]").first).to_contain_text("Inställningarna är sparade")
    _fits(page)
