"""The API refuses what it cannot hold with the error format, never a 500; the OpenAPI document lists
every answer and the allowed values (issue 9, item 9)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from kaa.accounts.models import ApiToken
from kaa.outreach.models import Channel, ContactAttempt, Outcome
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63  # one more than a bigint holds


@pytest.fixture
def auth(coordinator) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=coordinator)[1]}"}


@pytest.fixture
def youth(municipality):
    return YouthFactory(municipality=municipality)


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    return body


def _fields(body: dict) -> set[str]:
    return {e["field"] for e in body["errors"]}


@pytest.mark.parametrize(("params", "field"), [
    ({"offset": str(TOO_BIG)}, "offset"),
    ({"offset": "-1"}, "offset"),
    ({"offset": "10000001"}, "offset"),
    ({"limit": "0"}, "limit"),
    ({"limit": "501"}, "limit"),
    ({"limit": str(TOO_BIG)}, "limit"),
])
def test_list_bounds_are_refused_with_422(client, auth, youth, params, field):
    body = _error(client.get("/api/v1/youths", params, **auth), 422)
    assert field in _fields(body)


def test_list_bounds_at_the_edges_are_accepted(client, auth, youth):
    assert client.get("/api/v1/youths", {"offset": "10000000", "limit": "500"}, **auth).json()["items"] == []
    assert client.get("/api/v1/youths", {"offset": "0", "limit": "1"}, **auth).json()["count"] == 1


@pytest.mark.parametrize("path", ["/api/v1/youths/{}", "/api/v1/youths/{}/outreach"])
@pytest.mark.parametrize("youth_id", [TOO_BIG, 0, -1])
def test_youth_id_out_of_range_is_422(client, auth, path, youth_id):
    body = _error(client.get(path.format(youth_id), **auth), 422)
    assert "youth_id" in _fields(body)


def test_contact_youth_id_out_of_range_is_422(client, auth):
    response = client.post(f"/api/v1/youths/{TOO_BIG}/contacts", {
        "channel": "phone", "at": timezone.now().isoformat(), "outcome": "no_answer"},
        content_type="application/json", **auth)
    assert "youth_id" in _fields(_error(response, 422))


@pytest.mark.parametrize("q", ["a\x00b", "tab\there", "\x7f"])
def test_control_characters_in_search_are_422(client, auth, youth, q):
    assert "q" in _fields(_error(client.get("/api/v1/youths", {"q": q}, **auth), 422))


def test_overlong_search_is_422(client, auth, youth):
    assert "q" in _fields(_error(client.get("/api/v1/youths", {"q": "a" * 101}, **auth), 422))


def _post_contact(client, auth, youth, **fields):
    payload = {"channel": "phone", "at": timezone.now().isoformat(), "outcome": "no_answer", **fields}
    return client.post(f"/api/v1/youths/{youth.pk}/contacts", json.dumps(payload),
                       content_type="application/json", **auth)


@pytest.mark.parametrize("note", ["nul\x00", "bell\x07", "\ud800 lone surrogate", "x" * 501])
def test_bad_note_is_422_and_nothing_is_written(client, auth, youth, note):
    assert "note" in _fields(_error(_post_contact(client, auth, youth, note=note), 422))
    assert not ContactAttempt.objects.exists()


def test_note_may_have_line_breaks_and_tabs(client, auth, youth):
    assert _post_contact(client, auth, youth, note="first\r\nsecond\tthird").status_code == 201


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1999-12-31T12:00:00Z",
                                "2024-05-01T10:00:00"])
def test_time_out_of_range_or_without_zone_is_422(client, auth, youth, at):
    assert "at" in _fields(_error(_post_contact(client, auth, youth, at=at), 422))
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("channel", "pigeon"), ("outcome", "maybe")])
def test_unknown_channel_or_outcome_is_422(client, auth, youth, field, value):
    assert field in _fields(_error(_post_contact(client, auth, youth, **{field: value}), 422))


def test_body_over_the_limit_is_413(client, auth, youth, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post_contact(client, auth, youth, note="x" * 2000)
    _error(response, 413)
    assert not ContactAttempt.objects.exists()


def test_unreadable_body_is_400(client, auth, youth):
    response = client.post(f"/api/v1/youths/{youth.pk}/contacts", "{not json", content_type="application/json",
                           **auth)
    _error(response, 400)


def test_too_many_query_fields_is_400(client, auth, youth, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.get("/api/v1/youths?" + "&".join(f"x{i}=1" for i in range(20)), **auth)
    _error(response, 400)


def test_error_answers_keep_the_format_without_a_token(client, youth):
    _error(client.get("/api/v1/youths"), 401)


# --- the OpenAPI document ----------------------------------------------------------------------

@pytest.fixture
def openapi(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def test_every_operation_declares_the_error_answers(openapi):
    operations = [(path, method, op) for path, item in openapi["paths"].items() for method, op in item.items()]
    assert len(operations) >= 4
    for path, method, op in operations:
        for status in ("400", "401", "404", "413", "422"):
            answer = op["responses"].get(status)
            assert answer, f"{method.upper()} {path} does not declare {status}"
            assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    error = openapi["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail", "errors"}


def test_allowed_values_and_bounds_are_in_the_schema(openapi):
    schemas = openapi["components"]["schemas"]
    assert schemas["Channel"]["enum"] == list(Channel.values)
    assert schemas["Outcome"]["enum"] == list(Outcome.values)
    contact_in = schemas["ContactIn"]["properties"]
    assert contact_in["channel"] == {"$ref": "#/components/schemas/Channel"}
    assert contact_in["outcome"] == {"$ref": "#/components/schemas/Outcome"}
    assert contact_in["note"]["maxLength"] == 500
    params = {p["name"]: p["schema"] for p in openapi["paths"]["/api/v1/youths"]["get"]["parameters"]}
    assert (params["offset"]["minimum"], params["offset"]["maximum"]) == (0, 10_000_000)
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, 500)
    for path, item in openapi["paths"].items():
        for op in item.values():
            for p in op.get("parameters", []):
                if p["schema"].get("type") == "integer":
                    assert "minimum" in p["schema"] and "maximum" in p["schema"], (path, p["name"])


def test_contact_answer_lists_the_values_it_can_hold(client, auth, youth):
    response = _post_contact(client, auth, youth, at=(timezone.now() - datetime.timedelta(hours=1)).isoformat())
    body = response.json()
    assert (body["channel"], body["outcome"]) == ("phone", "no_answer")
