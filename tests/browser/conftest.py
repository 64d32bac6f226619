"""Playwright fixtures: Debian's Chromium against pytest-django's live server.

Outside CI a missing Chromium skips the browser tests (with the reason); with CI=true it fails them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

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

# axe-core, bundled by the axe-playwright-python package. Evaluated through the DevTools protocol, which
# the page's Content-Security-Policy does not govern: the page keeps its real CSP while it is checked.
AXE_RUN = """() => {
  window.__kaaAxeQueue = (window.__kaaAxeQueue || Promise.resolve()).then(
    () => axe.run(document, {resultTypes: ["violations"]}),
    () => axe.run(document, {resultTypes: ["violations"]}));
  return window.__kaaAxeQueue.then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.html.slice(0, 160)),
  })));
}"""
# After an htmx swap the page tells the test side, which checks the new content too.
SWAP_HOOK = """
document.addEventListener("htmx:afterSettle", () => {
  clearTimeout(window.__kaaAxeTimer);
  window.__kaaAxeTimer = setTimeout(() => { if (window.__kaaAxeSwapped) window.__kaaAxeSwapped(); }, 50);
});
"""


# Pages that are not our UI: the API's developer documentation is Swagger UI as django-ninja ships it,
# for integrators, not for the municipality's staff. Its CSP is still checked; axe is not run on it.
NOT_OUR_UI = ("/api/v1/docs",)


class AxeWatch:
    """Runs axe-core on every HTML page a test's browser page loads, after each htmx swap and on the
    final state, and on Content-Security-Policy errors; the test fails at teardown when any was found.

    A page left before its check finished (the test moved on at once) is loaded again at the end when
    it was reached by GET; a page reached by POST is checked as long as the test stays on it.
    """

    def __init__(self, page) -> None:
        from axe_playwright_python.base import AXE_SCRIPT

        self.page, self.script = page, AXE_SCRIPT
        self.auto = True  # False: the test calls check() itself at each state worth checking
        self.violations: list[str] = []
        self.csp_errors: list[str] = []
        self.checked: list[str] = []
        self.missed: dict[str, str] = {}
        self.methods: dict[str, str] = {}
        page.on("request", self._on_request)
        page.on("load", lambda _page: self.auto and self.check(quiet=True))
        page.on("console", self._on_console)
        page.expose_binding("__kaaAxeSwapped", lambda _source: self.auto and self.check(quiet=True))
        page.add_init_script(SWAP_HOOK)

    def _on_request(self, request) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.methods[request.url] = request.method

    def _on_console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(f"{self.page.url}: {message.text}")

    def check(self, *, quiet: bool = False) -> list[str]:
        """Run axe on the page as it is now; returns (and records) the violations found."""
        url = self.page.url
        if urlsplit(url).path.startswith(NOT_OUR_UI):
            return []
        try:
            if self.page.evaluate("document.contentType") != "text/html":
                return []
            if not self.page.evaluate("typeof window.axe === 'object'"):
                self.page.evaluate(self.script)
            found = self.page.evaluate(AXE_RUN)
        except Exception as exc:  # the test navigated away (or closed the page) during the check
            if not quiet:
                raise
            if url.startswith("http"):
                self.missed.setdefault(url, str(exc).splitlines()[0])
            return []
        self.checked.append(url)
        self.missed.pop(url, None)
        width = (self.page.viewport_size or {}).get("width")
        lines = [f"{url} ({width} px): {v['id']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["nodes"])
                 for v in found]
        self.violations.extend(line for line in lines if line not in self.violations)
        return lines

    def finish(self) -> None:
        """Check the final state, then pages that were left before their check (GET only)."""
        if self.page.is_closed():
            return
        self.check(quiet=True)
        for url in list(self.missed):
            if self.methods.get(url, "GET") != "GET" or url in self.checked:
                self.missed.pop(url, None)
                continue
            try:
                self.page.goto(url)
            except Exception:  # noqa: S112 - a download or a page that no longer exists: nothing to check
                continue
            self.check(quiet=True)

    def assert_clean(self) -> None:
        problems = []
        if self.violations:
            problems.append("axe-core found accessibility violations:\n  " + "\n  ".join(self.violations))
        if self.csp_errors:
            problems.append("Content-Security-Policy errors:\n  " + "\n  ".join(self.csp_errors))
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)


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
    """A fresh page; axe-core checks every page it loads and fails the test on any violation."""
    context = browser.new_context(base_url=live_url, locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    watch = AxeWatch(pg)
    pg.kaa_axe = watch  # tests may call page.kaa_axe.check() at a state worth checking
    try:
        yield pg
        watch.finish()
    finally:
        context.close()
    watch.assert_clean()


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
