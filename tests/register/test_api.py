"""The youths API: scoped by the token's user, audited like the UI."""

import pytest

from kaa.accounts.models import ApiToken, Role
from kaa.audit.models import AuditAction, AuditEntry
from kaa.register.models import Protection
from tests.factories import MunicipalityFactory, YouthFactory, staff

pytestmark = pytest.mark.django_db


def _get(client, user, url, **params):
    _token, raw = ApiToken.issue(user=user)
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_list_is_scoped_and_audited(client, coordinator, municipality):
    mine = YouthFactory(municipality=municipality, in_target_group=True, register_reason="avbrott")
    YouthFactory(municipality=MunicipalityFactory(code="0765", name="Älmhult"))
    YouthFactory(municipality=municipality, protection=Protection.PROTECTED_REGISTRATION)
    response = _get(client, coordinator, "/api/v1/youths")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == mine.pk and item["personnummer"] == mine.personnummer
    assert item["municipality"] == "0480" and item["in_target_group"] and item["register_reason"] == "avbrott"
    assert set(item) >= {"given_name", "family_name", "birth_date", "register_since", "protected"}
    assert AuditEntry.objects.filter(action=AuditAction.LIST, youth_id=mine.pk, user=coordinator).exists()


def test_exact_personnummer_and_name_search(client, coordinator, municipality):
    a = YouthFactory(municipality=municipality, family_name="Apisson")
    YouthFactory(municipality=municipality, family_name="Annan")
    assert [i["id"] for i in _get(client, coordinator, "/api/v1/youths", personnummer=a.personnummer)
            .json()["items"]] == [a.pk]
    assert _get(client, coordinator, "/api/v1/youths", personnummer="Apisson").json()["count"] == 0
    assert [i["id"] for i in _get(client, coordinator, "/api/v1/youths", q="apiss").json()["items"]] == [a.pk]


def test_limit_and_offset(client, coordinator, municipality):
    for _ in range(5):
        YouthFactory(municipality=municipality)
    body = _get(client, coordinator, "/api/v1/youths", limit=2, offset=4).json()
    assert body["count"] == 5 and len(body["items"]) == 1


def test_detail_scoped_404_and_audited(client, coach, coordinator, municipality):
    other = YouthFactory(municipality=municipality)
    mine = YouthFactory(municipality=municipality, coach=coach)
    assert _get(client, coach, f"/api/v1/youths/{other.pk}").status_code == 404
    response = _get(client, coach, f"/api/v1/youths/{mine.pk}")
    assert response.status_code == 200 and response.json()["id"] == mine.pk
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, youth_id=mine.pk, user=coach).count() == 1


def test_school_staff_see_no_youths(client, municipality):
    YouthFactory(municipality=municipality)
    user = staff(Role.SCHOOL_STAFF, municipality)
    assert _get(client, user, "/api/v1/youths").json()["count"] == 0


def test_unauthenticated_is_401(client):
    assert client.get("/api/v1/youths").status_code == 401
