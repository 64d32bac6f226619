"""Security headers, CSRF on every form, session expiry."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from kaa.accounts.models import Role

pytestmark = pytest.mark.django_db


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "csrf": False})
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken" and self.forms:
            self.forms[-1]["csrf"] = bool(attrs.get("value"))


def _post_forms_without_csrf(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["method"] == "post" and not f["csrf"]]


def test_session_expires_after_30_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_csp_forbids_inline_scripts(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ["anonymous", Role.COORDINATOR, Role.COACH, Role.ADMINISTRATOR,
                                  Role.SCHOOL_STAFF])
def test_every_html_page_has_csp_and_csrf_on_post_forms(role):
    from tests.access.conftest import make_world
    from tests.access.test_matrix import ROUTES, url_for

    world = make_world()
    checked = 0
    for route in ROUTES.values():
        response = world.client_for(role, api=route.is_api).get(url_for(route, world))
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        checked += 1
        assert "Content-Security-Policy" in response, route.name
        assert not _post_forms_without_csrf(response.content.decode()), f"POST form without CSRF token: {route.name}"
    assert checked >= 3


def test_form_checker_finds_a_post_form_without_token():
    html = ('<form method="post"><input name="csrfmiddlewaretoken" value="x"></form>'
            '<form method="POST"><input name="q"></form><form method="get"></form>')
    assert len(_post_forms_without_csrf(html)) == 1
