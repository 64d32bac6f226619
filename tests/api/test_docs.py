"""/api/v1/docs: Swagger UI from local assets under a policy of its own that allows exactly what the
page loads (issue 9, item 13). The browser side is tests/browser/test_api_docs.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (directive, url)
        self.inline_scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.urls.append(("script-src", a["src"]))
            else:
                self._script = a
        elif tag == "link" and a.get("href"):
            rel = a.get("rel", "")
            self.urls.append(("style-src" if rel == "stylesheet" else "img-src", a["href"]))
        elif tag == "img" and a.get("src"):
            self.urls.append(("img-src", a["src"]))

    def handle_data(self, data):
        if self._script is not None:
            self.inline_scripts.append((self._script, data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def _policy(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def _allows_self(policy: dict[str, list[str]], directive: str) -> bool:
    sources = policy.get(directive, policy.get("default-src", []))
    return "'self'" in sources


@pytest.fixture
def docs(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    parser = _Assets()
    parser.feed(response.content.decode())
    return response, parser


def test_docs_assets_are_local_and_shipped(docs):
    _response, parser = docs
    kinds = {d for d, _url in parser.urls}
    assert {"script-src", "style-src"} <= kinds
    for _directive, url in parser.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is not served from our origin"
        assert url.startswith(settings.STATIC_URL), url
        found = finders.find(url.removeprefix(settings.STATIC_URL))
        assert found, f"{url} is not among our static files"


def test_docs_policy_allows_what_the_page_loads(docs):
    response, parser = docs
    policy = _policy(response["Content-Security-Policy"])
    for directive, url in parser.urls:
        assert _allows_self(policy, directive), f"{directive} does not allow {url}"
    # The settings block is data (never run); every script that runs comes from a file.
    for attrs, _data in parser.inline_scripts:
        assert attrs.get("type") == "application/json"
    for directive in ("script-src", "style-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(policy[directive]), directive
        assert all(src.startswith("'") for src in policy[directive]), "no outside hosts"
    # The stylesheet's own icons are data: images; the spec and "Try it out" are requests to this API.
    css = next(url for d, url in parser.urls if d == "style-src")
    css_text = Path(finders.find(css.removeprefix(settings.STATIC_URL))).read_text(encoding="utf-8")
    refs = {m.strip("\"'")[:5] for m in re.findall(r"url\(([^)]*)\)", css_text)}
    assert refs <= {"data:"}, refs
    assert "data:" in policy["img-src"]
    assert _allows_self(policy, "connect-src")
    assert policy["frame-ancestors"] == ["'none'"]


def test_docs_settings_reach_no_outside_service(docs):
    _response, parser = docs
    config = json.loads(next(data for attrs, data in parser.inline_scripts if attrs.get("id") == "swagger-settings"))
    assert config["url"] == "/api/v1/openapi.json"
    assert config["validatorUrl"] is None  # else Swagger UI asks validator.swagger.io about our schema


def test_docs_policy_is_for_the_docs_page_only(client, docs):
    response, _parser = docs
    other = client.get("/accounts/login/")
    assert other["Content-Security-Policy"] != response["Content-Security-Policy"]
    assert _policy(other["Content-Security-Policy"])["default-src"] == ["'self'"]
