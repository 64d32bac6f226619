"""The case-work and reports API under the API rules of kaa/core/api.py: bounded ids and days, texts
without control characters, fixed sets as enums, every error in the error format naming the field as the
API names it, never a 5xx, and every answer (403 too) declared in the OpenAPI document."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from kaa.accounts.models import ApiToken, Role
from kaa.casework import services
from kaa.casework.models import Consent, Evaluation, JournalEntry, Measure, Occupation
from tests.factories import staff

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63  # one more than a bigint holds


class Api:
    def __init__(self, user):
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user)[1]}")

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {})

    def post(self, path, body=None):
        return self.client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json")

    def patch(self, path, body):
        return self.client.patch(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def _fields(response, status: int = 422) -> set[str]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    return {e["field"] for e in body["errors"]}


def today() -> str:
    return timezone.localdate().isoformat()


@pytest.mark.parametrize("bad_id", [TOO_BIG, 0, -1])
def test_ids_out_of_range_are_422_naming_the_parameter(youth, coach, bad_id):
    api = Api(coach)
    for path in ("occupations", "measures", "journal"):
        assert "youth_id" in _fields(api.get(f"/youths/{bad_id}/{path}"))
    assert "youth_id" in _fields(api.post(f"/youths/{bad_id}/consents", {
        "partner": "AF", "purpose": "Praktik", "from": today()}))
    assert "measure_id" in _fields(api.patch(f"/measures/{bad_id}", {"end": today()}))
    assert "consent_id" in _fields(api.post(f"/consents/{bad_id}/withdraw"))


def test_ids_in_the_body_out_of_range_are_422(youth, coach):
    api = Api(coach)
    assert "activity" in _fields(api.post(f"/youths/{youth.pk}/measures", {
        "code": "syv", "start": today(), "activity": TOO_BIG}))
    assert "corrects" in _fields(api.post(f"/youths/{youth.pk}/journal", {"text": "x", "corrects": TOO_BIG}))
    assert not Measure.objects.exists() and not JournalEntry.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_days_outside_2000_to_2099_are_422_and_nothing_is_written(youth, coach, day):
    api = Api(coach)
    assert "from" in _fields(api.post(f"/youths/{youth.pk}/occupations", {"code": "komvux", "from": day}))
    assert "start" in _fields(api.post(f"/youths/{youth.pk}/measures", {"code": "syv", "start": day}))
    assert "evaluate_on" in _fields(api.post(f"/youths/{youth.pk}/measures", {
        "code": "syv", "start": today(), "evaluate_on": day}))
    assert "date" in _fields(api.post(f"/youths/{youth.pk}/journal", {"text": "Ringde.", "date": day}))
    assert "until" in _fields(api.post(f"/youths/{youth.pk}/consents", {
        "partner": "AF", "purpose": "Praktik", "from": today(), "until": day}))
    assert not (Occupation.objects.exists() or Measure.objects.exists() or JournalEntry.objects.exists()
                or Consent.objects.exists())


@pytest.mark.parametrize(("path", "body", "field"), [
    ("journal", {"text": "nul\x00here"}, "text"),
    ("journal", {"text": "bell\x07"}, "text"),
    ("consents", {"partner": "AF\nx", "purpose": "Praktik", "from": "2026-01-01"}, "partner"),
    ("consents", {"partner": "AF", "purpose": "tab\there", "from": "2026-01-01"}, "purpose"),
    ("measures", {"code": "syv", "start": "2026-01-01", "place": "a\x1fb"}, "place"),
    ("measures", {"code": "syv", "start": "2026-01-01", "goal": "\x7f"}, "goal"),
    ("occupations", {"code": "kom\x00vux", "from": "2026-01-01"}, "code"),
    ("journal", {"text": "x" * 10001}, "text"),
    ("consents", {"partner": "x" * 201, "purpose": "Praktik", "from": "2026-01-01"}, "partner"),
])
def test_control_characters_and_overlong_texts_are_422(youth, coach, path, body, field):
    assert field in _fields(Api(coach).post(f"/youths/{youth.pk}/{path}", body))
    assert not (Occupation.objects.exists() or Measure.objects.exists() or JournalEntry.objects.exists()
                or Consent.objects.exists())


def test_journal_text_may_have_line_breaks_and_tabs(youth, coach):
    assert Api(coach).post(f"/youths/{youth.pk}/journal", {"text": "Ringde.\r\n\tBokade möte."}).status_code == 201


@pytest.mark.parametrize(("path", "body", "field"), [
    ("measures", {"code": "syv", "start": "2026-01-01", "responsible": "nobody"}, "responsible"),
    ("consents", {"partner": "AF", "purpose": "Praktik", "from": "2026-01-01", "given_by": "neighbour"}, "given_by"),
    ("journal", {"text": "x", "kind": "letter"}, "kind"),
    ("measures", {"code": "astronaut", "start": "2026-01-01"}, "code"),
])
def test_unknown_values_are_422_naming_the_field(youth, coach, path, body, field):
    assert field in _fields(Api(coach).post(f"/youths/{youth.pk}/{path}", body))


def test_service_errors_carry_the_api_field_names(youth, coach):
    api = Api(coach)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert _fields(api.post(f"/youths/{youth.pk}/journal", {"text": "Ringde.", "date": future})) == {"date"}
    measure = services.measure_add(youth=youth, user=coach, code="syv", start=timezone.localdate())
    assert _fields(api.patch(f"/measures/{measure.pk}", {"evaluation": {"kind": "during", "date": future,
                                                                        "how_it_went": "Bra"}})) == {"evaluation.date"}
    assert _fields(api.patch(f"/measures/{measure.pk}", {"evaluation": ""})) == {"evaluation.how_it_went"}
    assert _fields(api.patch(f"/measures/{measure.pk}", {"evaluation": "a\x00b"})) == {"evaluation.how_it_went"}
    declined = services.measure_add(youth=youth, user=coach, code="praktik", start=timezone.localdate(),
                                    declined=True)
    assert _fields(api.patch(f"/measures/{declined.pk}", {"evaluation": "Bra"})) == {"evaluation"}
    assert not Evaluation.objects.exists()


def test_a_patch_whose_evaluation_fails_changes_nothing(youth, coach):
    measure = services.measure_add(youth=youth, user=coach, code="syv", start=timezone.localdate())
    response = Api(coach).patch(f"/measures/{measure.pk}", {"end": today(), "end_reason": "genomford",
                                                            "evaluation": {"happened": "maybe"}})
    assert _fields(response) == {"evaluation.happened"}
    response = Api(coach).patch(f"/measures/{measure.pk}", {"end": today(), "end_reason": "genomford",
                                                            "evaluation": ""})
    assert _fields(response) == {"evaluation.how_it_went"}
    measure.refresh_from_db()
    assert (measure.end, measure.end_reason) == (None, "")
    assert not Evaluation.objects.exists()


def test_a_write_the_role_may_not_do_is_403_in_the_error_format(youth, counsellor):
    _fields(Api(counsellor).post(f"/youths/{youth.pk}/occupations", {"code": "komvux", "from": today()}), 403)


def test_the_openapi_document_declares_403_bounds_and_fixed_sets(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    for path, method in (("/api/v1/youths/{youth_id}/occupations", "post"), ("/api/v1/youths/{youth_id}/measures",
                                                                            "post"),
                         ("/api/v1/measures/{measure_id}", "patch"), ("/api/v1/youths/{youth_id}/journal", "post"),
                         ("/api/v1/youths/{youth_id}/consents", "post"),
                         ("/api/v1/consents/{consent_id}/withdraw", "post"),
                         ("/api/v1/reports/resource-plan", "get"), ("/api/v1/reports/follow-up", "get")):
        answer = paths[path][method]["responses"]["403"]
        assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    for path, name in (("/api/v1/measures/{measure_id}", "measure_id"),
                       ("/api/v1/consents/{consent_id}/withdraw", "consent_id")):
        method = "patch" if "measures" in path else "post"
        params = {p["name"]: p["schema"] for p in paths[path][method]["parameters"]}
        assert (params[name]["minimum"], params[name]["maximum"]) == (1, 2**63 - 1)
    assert components["Responsible"]["enum"] == ["youth", "municipality", "other"]
    assert components["GivenBy"]["enum"] == ["youth", "guardian"]
    assert components["JournalIn"]["properties"]["text"]["maxLength"] == 10000
    assert components["ConsentIn"]["properties"]["partner"]["maxLength"] == 200


def test_reports_bound_their_days_and_name_the_field(youth, municipality):
    api = Api(staff(Role.COORDINATOR, municipality, username="samordnare-rapport"))
    assert "from" in _fields(api.get("/reports/follow-up", {"from": "0001-01-01", "to": "2026-06-30"}))
    assert "to" in _fields(api.get("/reports/follow-up", {"from": "2026-01-01", "to": "9999-12-31"}))
    assert _fields(api.get("/reports/follow-up", {"from": "2026-06-30", "to": "2026-01-01"})) == {"to"}
    assert "municipality" in _fields(api.get("/reports/resource-plan", {"municipality": "07\x0065"}))
    assert "youths" in _fields(api.get("/reports/resource-plan", {"youths": str(TOO_BIG)}))
    assert api.get("/reports/follow-up", {"from": "2026-01-01", "to": "2026-06-30"}).status_code == 200
