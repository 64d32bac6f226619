"""A confidential journal entry is shown only on the youth's own page (and the youth's own journal, page and
API) to those who work with the youth and hold the grant: never in any list, search, export, statistics,
PDF or API listing. This walks EVERY URL of the project (the access matrix's), with every role holding
the grant, plus the searches and exports that answer a POST, and finds the text nowhere else.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from kaa.accounts.models import Membership
from kaa.casework import services
from tests.access.conftest import ROLES, make_world
from tests.access.test_matrix import ROUTES, url_for

pytestmark = pytest.mark.django_db

SECRET = "Konfidentiellt-BUP-7Q"
PLAIN = "Vanlig-anteckning-3K"
# Where a grant holder working with the youth reads the entry by design (the youth's own journal).
ALLOWED = {"register:youth_detail", "casework:journal_list", "api:list_journal", "api:create_journal_entry"}
# The youth's extract (GDPR art. 15) holds every entry, confidential ones marked, by law: the coordinator's act.
EXTRACT = {"casework:extract_pdf", "casework:extract_json", "api:youth_extract"}


def _text(response) -> str:
    """The response body as text, whatever its format (HTML, JSON, CSV, PDF, XLSX)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


@pytest.fixture
def world():
    w = make_world()
    youth, coach = w["youth"], w["coach"]
    services.journal_add(youth=youth, user=coach, text=f"{SECRET}: kontakt med vården.", kind="network",
                         confidential=True)
    services.journal_add(youth=youth, user=coach, text=PLAIN, kind="meeting")
    services.plan_save(youth=youth, user=coach, goal="Komvux")
    services.measure_add(youth=youth, user=coach, code="syv", start=youth.register_since or youth.birth_date)
    # Every role holds the grant: the rule is about where the text may appear, not only who may read it.
    Membership.objects.update(may_see_confidential=True)
    return w


def test_confidential_text_appears_nowhere_but_the_youths_own_journal(world):
    seen_allowed = set()
    leaks = []
    for name, route in sorted(ROUTES.items()):
        url = url_for(route, world)
        for role in ROLES:
            response = world.client_for(role, api=route.is_api).get(url)
            text = _text(response)
            if SECRET in text:
                in_journal = name in ALLOWED and role in ("coordinator", "coach", "study_counsellor", "teacher")
                if in_journal or (name in EXTRACT and role == "coordinator"):
                    seen_allowed.add(name)
                else:
                    leaks.append(f"{name} as {role}")
    assert not leaks, f"confidential text leaked: {leaks}"
    # The walk did reach the entry where it belongs (so the test can see it when it is there).
    assert {"register:youth_detail", "casework:journal_list", "api:list_journal"} | EXTRACT <= seen_allowed


def test_searches_and_exports_never_hold_confidential_text(world):
    coordinator = world.client_for("coordinator", api=False)
    # A search for the text finds nobody (journal text is not searched; the page echoes the query only).
    for url in (reverse("register:list"), reverse("register:youth_list")):
        assert list(coordinator.post(url, {"q": SECRET}).context["page_obj"].object_list) == []
    posts = [
        (reverse("register:list"), {"q": world["youth"].family_name}),
        (reverse("register:youth_list"), {"q": world["youth"].family_name}),
        (reverse("register:export"), {"format": "csv"}),
        (reverse("register:export"), {"format": "xlsx"}),
    ]
    for url, data in posts:
        response = coordinator.post(url, data)
        assert response.status_code == 200, url
        assert SECRET not in _text(response), url
    api = world.client_for("coordinator", api=True)
    for path in (f"/api/v1/youths?q={world['youth'].family_name}", f"/api/v1/youths/{world['youth'].pk}/measures",
                 f"/api/v1/youths/{world['youth'].pk}/occupations", f"/api/v1/youths/{world['youth'].pk}/outreach"):
        response = api.get(path)
        assert response.status_code == 200 and SECRET not in _text(response), path


def test_without_the_grant_not_even_the_youths_own_journal_shows_it(world):
    Membership.objects.update(may_see_confidential=False)
    for role in ("coordinator", "coach", "study_counsellor", "teacher"):
        for name in ("register:youth_detail", "casework:journal_list", "api:list_journal"):
            route = ROUTES[name]
            text = _text(world.client_for(role, api=route.is_api).get(url_for(route, world)))
            assert SECRET not in text and PLAIN in text, f"{name} as {role}"


def test_the_plan_pdf_never_holds_journal_text(world):
    response = world.client_for("coach", api=False).get(reverse("casework:plan_pdf", args=[world["youth"].pk]))
    assert response.status_code == 200
    text = _text(response)
    assert "Min handlingsplan" in text and SECRET not in text and PLAIN not in text
