from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kaa.accounts.models import ApiToken
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db


def _token_for(username: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


def test_command_token_lists_only_the_users_youths(client, municipality, team, coach):
    own = YouthFactory(municipality=municipality, coach=coach)
    YouthFactory(municipality=municipality)  # nobody's: not the coach's
    raw = _token_for(coach.username)
    response = client.get("/api/v1/youths", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [item["id"] for item in body["items"]] == [own.pk]
    assert ApiToken.objects.get(user=coach).last_used_at is not None


def test_command_refuses_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody-here", stdout=StringIO())


@pytest.mark.parametrize("header", ["Bearer kaa_garbage", "Bearer ", "Basic abc", None])
def test_bad_or_missing_token_is_401_json(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/api/v1/youths", **extra)
    assert response.status_code == 401
    body = response.json()
    assert body["detail"] and body["errors"] == []


def test_revoked_token_is_401(client, coordinator):
    token, raw = ApiToken.issue(user=coordinator)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/youths", **auth).status_code == 200
    token.revoke()
    response = client.get("/api/v1/youths", **auth)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_inactive_users_token_is_401(client, coordinator):
    _token, raw = ApiToken.issue(user=coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert client.get("/api/v1/youths", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_tokens_page_issues_once_and_revokes(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/accounts/tokens/", {"name": "script"})
    raw = response.context["new_token"]
    assert raw.startswith("kaa_") and raw in response.content.decode()
    assert client.get("/api/v1/youths", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token = ApiToken.objects.get(user=coordinator)
    assert raw not in client.get("/accounts/tokens/").content.decode()
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert client.get("/api/v1/youths", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_openapi_json_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert "/api/v1/youths" in spec["paths"]


def test_api_docs_use_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/" in html
