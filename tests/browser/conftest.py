"""Playwright fixtures: Debian's Chromium against pytest-django's live server.

Outside CI a missing Chromium skips the browser tests (with the reason); with CI=true it fails them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures
# there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KAA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "test-password-123"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _chromium_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator:
    reason = _chromium_missing_reason()
    if reason:
        if _in_ci():
            pytest.fail(f"CI=true and browser tests cannot run: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # launch() gives Chromium a fresh temporary --user-data-dir of its own (Playwright refuses
        # the flag in args), removed on close; each test then gets a new, empty context.
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def live_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def page(browser, live_url) -> Iterator:
    context = browser.new_context(base_url=live_url, locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def log_in(live_url) -> Callable:
    """log_in(page, username, password=...): fills in the login form and waits for the next page."""

    def _log_in(page, username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_url}/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()

    return _log_in
