"""Logging in and out in a real browser, the lockout after repeated failures, the skip link."""

import pytest

from kaa.accounts.models import Role
from tests.factories import MunicipalityFactory, TeamFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START_HEADINGS = {
    Role.COORDINATOR: "Start – samordnare",
    Role.COACH: "Start – ungdomscoach",
    Role.STUDY_COUNSELLOR: "Start – studie- och yrkesvägledare",
    Role.TEACHER: "Start – lärare",
    Role.HEAD: "Start – rektor",
    Role.SCHOOL_STAFF: "Start – skolpersonal",
    Role.ADMINISTRATOR: "Start – administratör",
}


def _user(role: str, username: str):
    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    team = TeamFactory(municipality=municipality, name="Team Norr") if role == Role.COACH else None
    return staff(role, municipality, team=team, username=username)


@pytest.mark.parametrize("role", list(START_HEADINGS))
def test_each_role_logs_in_to_its_start_page_and_out(page, live_url, log_in, role):
    _user(role, f"user-{role}")
    log_in(page, f"user-{role}")

    assert page.url.rstrip("/") == live_url.rstrip("/")
    assert START_HEADINGS[role] in page.locator("main h1").inner_text()

    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button[type=submit]").click()
    assert "/accounts/login/" in page.url
    assert page.locator("input[name=password]").is_visible()
    # Logged out for real: the start page sends us back to the login page.
    page.goto(f"{live_url}/")
    assert "/accounts/login/" in page.url


def test_wrong_password_stays_on_login_page(page, live_url, log_in):
    _user(Role.COACH, "coach-wrong")
    log_in(page, "coach-wrong", password="not-the-password")
    assert "/accounts/login/" in page.url
    assert page.locator("main [role=alert]").is_visible()
    assert page.locator("form[action$='/accounts/logout/']").count() == 0


def test_repeated_failures_lock_the_login(page, live_url, log_in):
    _user(Role.COORDINATOR, "locked-user")
    login_heading = None
    for _ in range(5):
        log_in(page, "locked-user", password="wrong-password-000")
        login_heading = login_heading or page.locator("main h1").inner_text()

    # Even the right password is refused now, with the lockout page.
    page.goto(f"{live_url}/accounts/login/")
    page.locator("input[name=username]").fill("locked-user")
    page.locator("input[name=password]").fill("test-password-123")
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    assert navigation.value.status == 429
    assert page.locator("input[name=password]").count() == 0
    assert page.locator("main [role=alert]").is_visible()
    assert page.locator("main h1").inner_text() != login_heading
    assert page.locator("form[action$='/accounts/logout/']").count() == 0


def test_first_tab_reaches_the_skip_link(page, live_url, log_in):
    _user(Role.COACH, "keyboard-user")
    log_in(page, "keyboard-user")
    page.goto(f"{live_url}/")  # a fresh load: focus starts at the top of the document
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["ds-skip-link", "#main"]
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
