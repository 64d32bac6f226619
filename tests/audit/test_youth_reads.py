"""Every page that shows a youth writes one read entry in the audit log (issue 9, item 10).

The walk takes every URL pattern of the project whose parameter is filled with a youth in the access
matrix (tests/access: ``pk``/``youth_id`` default to the youth unless a URL says otherwise), asks it as a
user allowed there, and expects one entry for that youth from that request. A page (not the API) must
also carry ``@audits_youth_read()`` itself, so an action answering only POST is covered when it renders.
A new pattern that takes a youth id fails here until it is audited.
"""

from __future__ import annotations

import re

import pytest
from django.urls import resolve
from django.utils import timezone

from kaa.audit.models import AuditAction, AuditEntry
from kaa.outreach.models import ContactAttempt
from tests.access.conftest import ROLES, make_world
from tests.access.expected import EXPECTED, KWARGS, PARAMS
from tests.access.test_matrix import project_routes, url_for
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db

# Pages about a youth that show no personal data of theirs, with the reason. Keep this short.
NO_PERSONAL_DATA = {
    "audit:youth": "shows the youth's id and the log of who read the record, not the record",
}

# Pages about a youth that write one export entry for the youth (action export) instead of a read entry.
EXPORTS = {
    "casework:extract_pdf": "the youth's extract (GDPR art. 15), audited as an export of the record",
    "casework:extract_json": "the youth's extract (GDPR art. 15), audited as an export of the record",
    "api:youth_extract": "the youth's extract (GDPR art. 15), audited as an export of the record",
}


# A URL parameter names a youth when its name says so or it follows a "youth"/"youths" segment.
_YOUTH_PARAM = re.compile(r"(?:^|/)youths?/<(?:\w+:)?(\w+)>|<(?:\w+:)?(\w*youth\w*)>")


def _youth_routes():
    routes = []
    for route in project_routes().values():
        named = {a or b for a, b in _YOUTH_PARAM.findall(route.route)}
        if named:
            for param in named:
                ref = KWARGS.get(route.name, {}).get(param, PARAMS.get(param))
                assert ref == "youth", f"{route.name}: the access matrix fills {param!r} with {ref!r}, not the youth"
            routes.append(route)
    return sorted(routes, key=lambda r: r.name)


YOUTH_ROUTES = _youth_routes()


def test_the_walk_finds_the_pages_of_a_youth():
    names = {r.name for r in YOUTH_ROUTES}
    assert {"register:youth_detail", "register:youth_correct", "outreach:contact_new", "outreach:log_call_form",
            "outreach:meeting_new", "outreach:concern_new", "outreach:concern_feedback",
            "messaging:compose"} <= names
    assert any(r.is_api for r in YOUTH_ROUTES)


def _allowed_role(name: str) -> str | None:
    statuses = EXPECTED[name]
    return next((role for role, status in zip(ROLES, statuses, strict=True) if status == 200), None)


@pytest.mark.parametrize("route", YOUTH_ROUTES, ids=lambda r: r.name)
def test_every_page_of_a_youth_writes_one_read_entry(route):
    if route.name in NO_PERSONAL_DATA:
        pytest.skip(NO_PERSONAL_DATA[route.name])
    assert route.name in EXPECTED, f"{route.name} is not in tests/access/expected.py"
    world = make_world()
    youth = world["youth"]
    url = url_for(route, world)
    if not route.is_api:
        assert getattr(resolve(url).func, "audits_youth", None), (
            f"{route.name}: decorate the view with @audits_youth_read() (kaa.audit.decorators)")
    role = _allowed_role(route.name)
    if role is None:
        # Answers no GET (a POST-only action): the decorator above covers what it renders.
        assert 405 in EXPECTED[route.name], route.name
        return
    response = world.client_for(role, api=route.is_api).get(url)
    assert response.status_code == 200, (route.name, response.status_code)
    request_id = response["X-Request-ID"].replace("-", "")
    entries = list(AuditEntry.objects.filter(youth_id=youth.pk, request_id=request_id))
    assert len(entries) == 1, f"{route.name}: {len(entries)} audit entries for the youth, expected 1"
    entry = entries[0]
    action = AuditAction.EXPORT if route.name in EXPORTS else AuditAction.VIEW
    assert (entry.action, entry.user_id, entry.municipality_id) == (action, world[role].pk,
                                                                    youth.municipality_id)
    assert entry.channel == ("api" if route.is_api else "ui")


# --- what the decorator does around a render ------------------------------------------------------

def _entries(youth, **filters):
    return list(AuditEntry.objects.filter(youth_id=youth.pk, **filters))


@pytest.fixture
def youth(municipality, coach, team):
    return YouthFactory(municipality=municipality, coach=coach, team=team, in_target_group=True,
                        register_reason="avbrott")


def test_a_form_shown_again_with_errors_is_a_read(client, coach, youth):
    client.force_login(coach)
    response = client.post(f"/outreach/youths/{youth.pk}/contact/", {"channel": "pigeon"})
    assert response.status_code == 200
    assert [e.action for e in _entries(youth)] == [AuditAction.VIEW]


def test_a_saved_form_is_audited_once_as_the_change(client, coach, youth):
    client.force_login(coach)
    now = timezone.localtime()
    response = client.post(f"/outreach/youths/{youth.pk}/contact/", {
        "channel": "phone", "outcome": "no_answer", "date": now.date().isoformat(),
        "time": now.strftime("%H:%M")})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ContactAttempt.objects.filter(youth=youth).exists()
    assert [(e.action, e.object_type) for e in _entries(youth)] == [(AuditAction.CREATE, "contact_attempt")]


def test_a_logged_call_row_is_audited_once_as_the_change(client, coach, youth):
    client.force_login(coach)
    response = client.post(f"/outreach/youths/{youth.pk}/call/save/",
                           {"channel": "phone", "outcome": "no_answer"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [e.action for e in _entries(youth)] == [AuditAction.CREATE]


def test_a_refused_page_writes_nothing(client, coach, municipality):
    stranger = YouthFactory(municipality=municipality)
    client.force_login(coach)
    for url in (f"/outreach/youths/{stranger.pk}/contact/", f"/messages/youths/{stranger.pk}/",
                f"/register/youths/{stranger.pk}/"):
        assert client.get(url).status_code == 404, url
    assert not _entries(stranger)


def test_the_youth_page_is_one_read_per_request(client, coach, youth):
    client.force_login(coach)
    client.get(f"/register/youths/{youth.pk}/")
    client.get(f"/register/youths/{youth.pk}/")
    entries = _entries(youth)
    assert [e.action for e in entries] == [AuditAction.VIEW, AuditAction.VIEW]
    assert len({e.request_id for e in entries}) == 2


def test_the_audit_app_imports_no_domain_app():
    import ast
    from pathlib import Path

    for name in ("decorators.py", "services.py"):
        tree = ast.parse(Path("kaa/audit", name).read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        domain = {m for m in modules if m.startswith("kaa.") and m.split(".")[1] not in {"core", "accounts", "audit"}}
        assert not domain, (name, domain)
