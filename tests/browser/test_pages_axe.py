"""axe-core on every page of every role, at 1280 px and 375 px wide (issue 10).

The ``page`` fixture (conftest.py) checks every page any browser test loads; this test makes sure
each role's start page, the worklist, the youth page and every form are among them, with data on
them, at a desktop and a phone width.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 375]


def _world() -> dict:
    from kaa.imports.models import ImportRun
    from kaa.messaging.services import letter_batch_create, reply_codes_issue, reply_submit
    from kaa.outreach import services as outreach
    from kaa.outreach.models import Channel, Outcome
    from kaa.register.models import Youth
    from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff
    from tests.outreach.conftest import adult_birth, enter, minor_birth

    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    team = TeamFactory(municipality=municipality, name="Team Norr")
    users = {
        "coordinator": staff(Role.COORDINATOR, municipality, username="samordnare"),
        "coach": staff(Role.COACH, municipality, team=team, username="coach1"),
        "study_counsellor": staff(Role.STUDY_COUNSELLOR, municipality, team=team, username="syv"),
        "teacher": staff(Role.TEACHER, municipality, team=team, username="larare"),
        "head": staff(Role.HEAD, municipality, username="rektor"),
        "school_staff": staff(Role.SCHOOL_STAFF, municipality, username="skolpersonal"),
        "administrator": staff(Role.ADMINISTRATOR, municipality, username="admin"),
    }
    coach = users["coach"]
    today = timezone.localdate()
    chain = outreach.chain_install_preset(municipality=municipality, preset="almhult", user=users["administrator"])
    youth = enter(YouthFactory(municipality=municipality, birth_date=adult_birth(), given_name="Alva",
                               family_name="Exempel", phone="070-174 06 55", coach=coach, team=team),
                  today - datetime.timedelta(days=20))
    minor = enter(YouthFactory(municipality=municipality, birth_date=minor_birth(), given_name="Bo",
                               family_name="Yngre", coach=coach, team=team), today - datetime.timedelta(days=12))
    enter(YouthFactory(municipality=municipality, birth_date=adult_birth(), given_name="Cilla",
                       family_name="Utan"), today - datetime.timedelta(days=3))
    YouthFactory(municipality=municipality, given_name="Dan", family_name="Ute", register_reason="examen")
    now = timezone.now()
    outreach.contact_record(youth=youth, user=coach, channel=Channel.PHONE, outcome=Outcome.NO_ANSWER,
                            at=now - datetime.timedelta(days=2))
    concern = outreach.concern_report_record(youth=minor, user=coach, sent_on=today - datetime.timedelta(days=1))
    ((_y, code),) = reply_codes_issue(youths=[youth])
    reply_submit(reply_code=youth.reply_codes.first(), kind="meeting",
                 answers={"respondent": "youth", "meeting_when": "Tisdag", "meeting_where": "Biblioteket"})
    ((_y, fresh_code),) = reply_codes_issue(youths=[minor])
    batch = letter_batch_create(user=coach, municipality=municipality, youths=Youth.objects.filter(pk=youth.pk))
    run = ImportRun.objects.create(kind="population", municipality=municipality, user=users["coordinator"],
                                   status="succeeded", finished_at=now, as_of=today)
    step = chain.steps.get(code="home_visit_1")
    template = batch.template_version.template
    y, m = youth.pk, minor.pk
    caseworker = ["/", reverse("outreach:worklist"), reverse("register:youth_list"),
                  reverse("register:youth_detail", args=[y]), reverse("register:youth_detail", args=[m]),
                  reverse("outreach:contact_new", args=[y]), reverse("outreach:refusal_new", args=[y]),
                  reverse("outreach:meeting_new", args=[y]), reverse("outreach:concern_new", args=[y]),
                  reverse("outreach:concern_feedback", args=[m, concern.pk]),
                  reverse("messaging:compose", args=[y]),
                  reverse("accounts:tokens")]
    return {
        "users": users,
        "pages": {
            "coordinator": [
                *caseworker, reverse("register:list"), reverse("register:youth_correct", args=[y, "moved_in"]),
                reverse("register:youth_correct", args=[y, "equivalent_education"]),
                reverse("outreach:assign"), reverse("outreach:overview"), reverse("messaging:print_letters"),
                reverse("messaging:batch_detail", args=[batch.pk]), reverse("imports:upload"),
                reverse("imports:runs"), reverse("imports:run_detail", args=[run.pk]),
                reverse("register:school_reports"), reverse("register:early_signals"),
                reverse("register:school_home"), reverse("register:school_report_new"),
                reverse("register:early_signal_new"), reverse("audit:index"),
                reverse("audit:user", args=[coach.pk]), "/finns-inte/"],
            "coach": [*caseworker, reverse("messaging:print_letters")],
            "study_counsellor": ["/", reverse("outreach:worklist")],
            "teacher": ["/", reverse("outreach:worklist")],
            "head": ["/"],
            "school_staff": ["/", reverse("register:school_home"), reverse("register:school_report_new"),
                             reverse("register:early_signal_new"), reverse("outreach:worklist")],
            "administrator": [
                "/", reverse("organisations:index"), reverse("organisations:municipality_edit", args=[municipality.pk]),
                reverse("organisations:team_list"), reverse("organisations:team_edit", args=[team.pk]),
                reverse("organisations:staff_list"), reverse("organisations:staff_create"),
                reverse("organisations:staff_detail", args=[coach.pk]), reverse("outreach:chain_list"),
                reverse("outreach:chain_detail", args=[chain.pk]), reverse("outreach:step_new", args=[chain.pk]),
                reverse("outreach:step_edit", args=[chain.pk, step.pk]), reverse("messaging:template_list"),
                reverse("messaging:template_edit", args=[template.pk]), reverse("imports:upload"),
                reverse("audit:index"), reverse("accounts:tokens")],
        },
        "public": [reverse("accounts:login"), reverse("messaging:reply_start"),
                   reverse("messaging:reply", kwargs={"code": fresh_code}), reverse("messaging:reply_thanks"),
                   reverse("messaging:reply", kwargs={"code": "OGILTIG2"})],
        # Forms sent empty or wrong, so their error messages are checked too.
        "errors": {
            "coordinator": [reverse("outreach:contact_new", args=[y]), reverse("register:school_report_new")],
            "administrator": [reverse("organisations:staff_create"),
                              reverse("outreach:step_edit", args=[chain.pk, step.pk])],
        },
        "code": code,
    }


def _visit(page, live_url: str, path: str, seen: list[str]) -> None:
    response = page.goto(f"{live_url}{path}")
    assert response is not None
    assert response.status < 500, f"{path}: {response.status}"
    page.kaa_axe.check()
    seen.append(path)


def _submit_first_form(page) -> None:
    form = page.locator("main form[method=post]").last
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    page.kaa_axe.check()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_of_every_role_passes_axe(page, live_url, log_in, width):
    from playwright.sync_api import expect

    world = _world()
    page.set_viewport_size({"width": width, "height": 900})
    page.kaa_axe.auto = False  # checked below, page by page
    seen: list[str] = []
    for path in world["public"]:
        _visit(page, live_url, path, seen)
    for role, paths in world["pages"].items():
        page.context.clear_cookies()
        log_in(page, world["users"][role].username)
        page.kaa_axe.check()
        for path in paths:
            _visit(page, live_url, path, seen)
        for path in world["errors"].get(role, []):
            _visit(page, live_url, path, seen)
            _submit_first_form(page)
        # The menus open (a <details> drop-down) and pass too.
        page.goto(f"{live_url}/")
        for menu in ("nav-more", "user-menu"):
            if page.get_by_test_id(menu).count():
                page.get_by_test_id(menu).locator("summary").click()
                expect(page.get_by_test_id(menu).locator("ul")).to_be_visible()
                page.kaa_axe.check()
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (role, menu)
                page.keyboard.press("Escape")
                expect(page.get_by_test_id(menu).locator("ul")).to_be_hidden()
    assert len(seen) > 60
    assert not page.kaa_axe.violations, "\n".join(page.kaa_axe.violations)


def test_the_start_page_cards_keep_their_tables_inside_on_a_phone(page, live_url, log_in):
    from kaa.imports.models import ImportRun
    from tests.factories import MunicipalityFactory, staff

    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    coordinator = staff(Role.COORDINATOR, municipality, username="samordnare")
    for i in range(5):
        ImportRun.objects.create(kind="population", municipality=municipality, user=coordinator, status="succeeded",
                                 finished_at=timezone.now(), as_of=timezone.localdate(),
                                 file_name=f"befolkning-med-ett-mycket-langt-filnamn-{i}.csv")
    for width in WIDTHS:
        page.context.clear_cookies()
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, "samordnare")
        card = page.get_by_test_id("dash-imports")
        box = card.bounding_box()
        inner = card.locator(".kaa-table-wrap").bounding_box()
        assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 1, width
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width


def test_the_axe_hook_fails_a_page_with_a_violation(page):
    """The hook is real: an image without a text alternative is reported (and then forgiven here)."""
    page.set_content('<!DOCTYPE html><html lang="sv"><head><title>T</title></head>'
                     '<body><main><h1>T</h1><img src="data:image/png;base64,iVBORw0KGgo="></main></body></html>')
    found = page.kaa_axe.check()
    assert any("image-alt" in line for line in found)
    page.kaa_axe.violations.clear()
    page.set_content('<!DOCTYPE html><html lang="sv"><head><title>T</title></head>'
                     '<body><main><h1>T</h1><p>Inget fel.</p></main></body></html>')
