"""/api/v1/docs in Chromium: Swagger UI draws every operation from local files, under its own policy,
with no policy violation and no request leaving our origin (issue 9, item 13)."""

from urllib.parse import urlsplit

import pytest

from kaa.accounts.models import ApiToken
from tests.factories import YouthFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_docs_page_works_under_its_policy(page, live_url, coordinator, municipality):
    youth = YouthFactory(municipality=municipality)
    _token, raw = ApiToken.issue(user=coordinator)
    requests, failed = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(f"{live_url}/api/v1/docs")
    page.get_by_text("List youths visible to the caller").wait_for()
    for summary in ("One youth", "Record a contact attempt", "The youth's contact chain and status"):
        assert page.get_by_text(summary).count() == 1

    # Authorize with a token and run one request through "Try it out": the answer is drawn.
    page.locator("button.authorize").first.click()
    page.locator(".modal-ux input").fill(raw)
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    page.get_by_text("One youth").click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("input[placeholder='youth_id']").fill(str(youth.pk))
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()

    assert page.evaluate("window.__violations") == []
    assert requests and all(urlsplit(u).netloc == urlsplit(live_url).netloc for u in requests), requests
    assert failed == []
