"""The audit pages (issue 10): a list read is one row, not fifty; filters by youth and date; words, not codes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.audit.labels import detail_label, field_label, object_label
from kaa.audit.models import AuditEntry
from kaa.audit.services import audit_record
from kaa.core.context import acting
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(client, coordinator, municipality):
    """The coordinator opens the register list once: one LIST entry per youth on the page."""
    youths = [YouthFactory(municipality=municipality, in_target_group=True, register_reason="avbrott",
                           register_since=datetime.date(2026, 1, 5)) for _ in range(30)]
    client.force_login(coordinator)
    assert client.get(reverse("register:list")).status_code == 200
    assert AuditEntry.objects.filter(action="list").count() == 30
    return youths


def test_a_list_read_is_one_row_with_the_number_of_youths(client, administrator, listed):
    client.force_login(administrator)
    # (The municipality's contact chain, installed when it was set up, is logged too: look at list reads.)
    body = client.get(reverse("audit:index"), {"action": "list"}).content.decode()
    rows = body.split('data-testid="audit-table"')[1].split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 1
    assert "Listade" in rows and "30 ungdomar" in rows and "registerlistan" in rows
    assert "register_list" not in body


def test_filter_by_youth_and_date(client, administrator, coordinator, listed):
    youth = listed[0]
    with acting("ui"):
        audit_record(user=coordinator, action="view", object_type="youth", object_id=youth.pk,
                     youth_id=youth.pk, municipality_id=youth.municipality_id)
    client.force_login(administrator)
    body = client.get(reverse("audit:index"), {"youth": youth.pk}).content.decode()
    table = body.split('data-testid="audit-table"')[1]
    assert table.count("<tr>") == 3  # header, the view, the list read of this youth
    assert "Visade" in table and "Listade" in table and "30 ungdomar" not in table
    today = timezone.localdate()
    empty = client.get(reverse("audit:index"), {"date_to": str(today - datetime.timedelta(days=1))})
    assert "Inget loggat." in empty.content.decode()
    full = client.get(reverse("audit:index"), {"date_from": str(today), "date_to": str(today)})
    assert "30 ungdomar" in full.content.decode()


def test_a_bad_filter_is_named_and_the_log_still_shows(client, administrator, listed):
    client.force_login(administrator)
    response = client.get(reverse("audit:index"), {"youth": "abc", "date_from": "2026-03-10",
                                                   "date_to": "2026-03-01"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fyll i ett heltal." in body
    assert "Slutdatumet är före startdatumet." in body


def test_the_user_page_filters_and_groups_too(client, administrator, coordinator, listed):
    client.force_login(administrator)
    url = reverse("audit:user", kwargs={"user_id": coordinator.pk})
    body = client.get(url, {"youth": listed[3].pk}).content.decode()
    assert 'data-testid="audit-filters"' in body and 'name="user"' not in body
    assert "Listade" in body


def test_audit_pages_make_a_bounded_number_of_queries(client, administrator, coordinator, listed,
                                                      django_assert_max_num_queries):
    client.force_login(coordinator)
    for _ in range(5):
        client.get(reverse("register:list"))
    client.force_login(administrator)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("audit:index")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("audit:user", kwargs={"user_id": coordinator.pk})).status_code == 200


def test_codes_are_shown_in_words():
    from django.utils import translation

    with translation.override("sv"):
        assert detail_label("register_list") == "registerlistan"
        assert detail_label("batch:12") == "brevutskick 12"
        assert detail_label("population created=3 changed=1 removed=0").startswith("Folkbokföringsuttag")
        assert "flytt" in detail_label("correction:moved_in")
        assert object_label("contact_attempt") == "kontaktförsök"
        assert field_label("contact_attempt", "to_guardian") != "to_guardian"
        assert "_" not in detail_label("some_new_code")


def test_the_log_pages_by_keyset_without_splitting_a_request(client, coordinator, coach,
                                                             django_assert_max_num_queries):
    """120 page views of three youths each: 50 rows a page, "Older" to the next, no request split or lost."""
    import html
    import re
    import urllib.parse

    from kaa.audit.models import AuditAction

    youth = YouthFactory(municipality=coordinator.memberships.first().municipality)
    now = timezone.now()
    AuditEntry.objects.bulk_create([
        AuditEntry(user_id=coach.pk, username=coach.username, action=AuditAction.LIST, object_type="youth",
                   object_id=str(youth.pk), youth_id=youth.pk + k, municipality_id=youth.municipality_id,
                   channel="ui", request_id=f"{r:032x}", at=now - datetime.timedelta(minutes=r))
        for r in range(120) for k in range(3)])
    client.force_login(coordinator)
    url = reverse("audit:user", kwargs={"user_id": coach.pk})
    seen, params = [], {}
    for expected in (50, 50, 20):
        with django_assert_max_num_queries(10):
            body = client.get(url, params).content.decode()
        rows = re.findall(r"3 (?:youths|ungdomar)", body)
        assert len(rows) == expected
        seen.append(len(rows))
        older = re.search(r'href="\?([^"]*before=[^"]+)"', body)
        if expected == 20:
            assert older is None
        else:
            params = dict(urllib.parse.parse_qsl(html.unescape(older.group(1))))
    assert sum(seen) == 120
