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


def _post(client, user, url, body):
    _token, raw = ApiToken.issue(user=user)
    return client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_exact_personnummer_search_is_a_post(client, coordinator, municipality):
    a = YouthFactory(municipality=municipality, family_name="Apisson")
    YouthFactory(municipality=municipality, family_name="Annan")
    response = _post(client, coordinator, "/api/v1/youths/search", {"personnummer": a.personnummer})
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [a.pk]
    dashed = f"{a.personnummer[2:8]}-{a.personnummer[8:]}"
    assert [i["id"] for i in _post(client, coordinator, "/api/v1/youths/search",
                                   {"personnummer": dashed}).json()["items"]] == [a.pk]
    assert AuditEntry.objects.filter(action=AuditAction.LIST, youth_id=a.pk, user=coordinator).exists()
    assert [i["id"] for i in _post(client, coordinator, "/api/v1/youths/search", {"q": "apiss"})
            .json()["items"]] == [a.pk]


def test_invalid_personnummer_in_the_body_is_422_naming_the_field(client, coordinator, municipality):
    YouthFactory(municipality=municipality, family_name="Apisson")
    response = _post(client, coordinator, "/api/v1/youths/search", {"personnummer": "Apisson"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["personnummer"]


def test_search_is_scoped(client, coach, municipality):
    other = YouthFactory(municipality=municipality)
    body = _post(client, coach, "/api/v1/youths/search", {"personnummer": other.personnummer}).json()
    assert body == {"items": [], "count": 0}


@pytest.mark.parametrize("params", [
    {"personnummer": "REAL"}, {"personnummer": ""}, {"q": "REAL"}, {"q": "DASHED"},
])
def test_personnummer_in_the_query_string_is_refused(client, coordinator, municipality, params):
    a = YouthFactory(municipality=municipality)
    values = {"REAL": a.personnummer, "DASHED": f"{a.personnummer[2:8]}-{a.personnummer[8:]}", "": ""}
    response = _get(client, coordinator, "/api/v1/youths", **{k: values[v] for k, v in params.items()})
    assert response.status_code == 400
    body = response.json()
    assert "POST /api/v1/youths/search" in body["detail"]
    assert [e["field"] for e in body["errors"]] == list(params)
    assert not AuditEntry.objects.filter(youth_id=a.pk).exists()


def test_name_search_in_the_query_string_still_works(client, coordinator, municipality):
    a = YouthFactory(municipality=municipality, family_name="Apisson")
    YouthFactory(municipality=municipality, family_name="Annan")
    assert [i["id"] for i in _get(client, coordinator, "/api/v1/youths", q="apiss").json()["items"]] == [a.pk]


def test_openapi_has_the_search_and_no_personnummer_parameter(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "post" in spec["paths"]["/api/v1/youths/search"]
    params = [p["name"] for p in spec["paths"]["/api/v1/youths"]["get"].get("parameters", [])]
    assert "personnummer" not in params and "q" in params


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
