import datetime

import pytest
from django.db import Error, connection, transaction
from django.urls import reverse

from kaa.accounts.models import ApiToken, Role
from kaa.audit.models import AuditEntry
from kaa.core.logging import PERSONNUMMER_PATTERN
from tests.factories import YouthFactory, make_personnummer, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth(municipality, team, coach):
    return YouthFactory(municipality=municipality, coach=coach, team=team, given_name="Zebulonia",
                        family_name="Quxberg", personnummer=make_personnummer(datetime.date(2008, 5, 17), 321))


def test_youth_page_view_is_audited(client, coach, youth):
    client.force_login(coach)
    response = client.get(reverse("register:youth_detail", kwargs={"pk": youth.pk}))
    entry = AuditEntry.objects.get(action="view")
    assert (entry.user_id, entry.username, entry.youth_id, entry.channel) == (coach.pk, coach.username, youth.pk, "ui")
    assert entry.municipality_id == youth.municipality_id
    assert entry.request_id and entry.request_id == response["X-Request-ID"].replace("-", "")


def test_youth_list_is_audited_per_listed_youth(client, coordinator, youth, municipality):
    other = YouthFactory(municipality=municipality)
    client.force_login(coordinator)
    client.get(reverse("register:youth_list"))
    entries = AuditEntry.objects.filter(action="list")
    assert {e.youth_id for e in entries} == {youth.pk, other.pk}
    assert {e.username for e in entries} == {coordinator.username}
    assert len({e.request_id for e in entries}) == 1


def test_api_read_is_audited_as_api(client, coach, youth):
    _token, raw = ApiToken.issue(user=coach)
    response = client.get(f"/api/v1/youths/{youth.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="view")
    assert (entry.user_id, entry.youth_id, entry.channel) == (coach.pk, youth.pk, "api")
    assert entry.request_id == response["X-Request-ID"].replace("-", "")
    client.get("/api/v1/youths", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert AuditEntry.objects.filter(action="list", channel="api", youth_id=youth.pk).count() == 1


def test_refused_read_is_not_audited_as_a_view(client, municipality, coordinator):
    hidden = YouthFactory(municipality=municipality, protection="sekretessmarkering")
    client.force_login(coordinator)
    assert client.get(reverse("register:youth_detail", kwargs={"pk": hidden.pk})).status_code == 404
    assert not AuditEntry.objects.filter(youth_id=hidden.pk).exists()


@pytest.mark.parametrize("who", ["coordinator", "administrator"])
def test_audit_pages_show_entries(client, request, coach, youth, who):
    client.force_login(coach)
    client.get(reverse("register:youth_detail", kwargs={"pk": youth.pk}))
    reader = request.getfixturevalue(who)
    client.force_login(reader)
    urls = [reverse("audit:index"), reverse("audit:user", kwargs={"user_id": coach.pk})]
    if who == "coordinator":  # the youth's own log follows the youth record's rule (administrators: none)
        urls.append(reverse("register:youth_log", kwargs={"pk": youth.pk}))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert coach.username in response.content.decode(), url
    youth_log = reverse("register:youth_log", kwargs={"pk": youth.pk})
    assert (youth_log in client.get(reverse("audit:index")).content.decode()) == (who == "coordinator")


def test_youth_log_is_404_for_a_protected_youth_without_the_grant(client, municipality, coordinator):
    """No existence oracle: a protected youth answers exactly as a missing id (issue 9, item 13)."""
    hidden = YouthFactory(municipality=municipality, protection="sekretessmarkering")
    granted = staff(Role.COORDINATOR, municipality, username="granted", may_see_protected=True)
    client.force_login(granted)
    assert client.get(reverse("register:youth_detail", kwargs={"pk": hidden.pk})).status_code == 200
    response = client.get(reverse("register:youth_log", kwargs={"pk": hidden.pk}))
    assert response.status_code == 200
    assert "granted" in response.content.decode()

    client.force_login(coordinator)
    protected = client.get(reverse("register:youth_log", kwargs={"pk": hidden.pk}))
    missing = client.get(reverse("register:youth_log", kwargs={"pk": hidden.pk + 1000}))
    assert protected.status_code == missing.status_code == 404
    assert [t.name for t in protected.templates] == [t.name for t in missing.templates]


def test_youth_log_is_404_for_a_youth_of_another_municipality(client, coordinator):
    other = YouthFactory()
    client.force_login(coordinator)
    assert other.municipality_id != coordinator.memberships.get().municipality_id
    assert client.get(reverse("register:youth_log", kwargs={"pk": other.pk})).status_code == 404


def test_caseworker_cannot_read_the_audit_log(client, coach):
    client.force_login(coach)
    assert client.get(reverse("audit:index")).status_code == 403


def test_audit_entries_cannot_be_changed_through_the_orm(client, coach, youth):
    client.force_login(coach)
    client.get(reverse("register:youth_detail", kwargs={"pk": youth.pk}))
    entry = AuditEntry.objects.filter(action="view").get()
    entry.detail = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    with pytest.raises(RuntimeError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="changed")
    with pytest.raises(RuntimeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_database_refuses_raw_update(client, coach, youth):
    client.force_login(coach)
    client.get(reverse("register:youth_detail", kwargs={"pk": youth.pk}))
    with pytest.raises(Error), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET detail = 'x'")
    assert AuditEntry.objects.exists()
    assert not AuditEntry.objects.filter(detail="x").exists()


@pytest.mark.postgresql  # SQLite keeps DELETE possible: its test runner empties tables with it
def test_database_refuses_raw_delete_on_postgresql(client, coach, youth):
    assert connection.vendor == "postgresql"
    client.force_login(coach)
    client.get(reverse("register:youth_detail", kwargs={"pk": youth.pk}))
    with pytest.raises(Error), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(action="view", youth_id=youth.pk).count() == 1


def test_audit_text_holds_no_personal_data(client, coordinator, coach, youth):
    client.force_login(coordinator)
    client.get(reverse("register:youth_list"))
    client.get(reverse("register:youth_detail", kwargs={"pk": youth.pk}))
    _token, raw = ApiToken.issue(user=coach)
    client.get("/api/v1/youths", HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get(f"/api/v1/youths/{youth.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    entries = list(AuditEntry.objects.all())
    assert len(entries) >= 4
    for e in entries:
        assert all(c in "0123456789abcdef" for c in e.request_id)  # random hex: may hold 10 digits in a row
        text = " ".join([e.username, e.object_type, e.object_id, e.detail, e.channel, *e.fields])
        assert not PERSONNUMMER_PATTERN.search(text), text
        assert youth.personnummer not in text and "Zebulonia" not in text and "Quxberg" not in text
