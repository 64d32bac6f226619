"""The case-work API exactly as INTERFACES.md "Case work" says: scoped, audited, one error format."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from kaa.accounts.models import ApiToken
from kaa.audit.models import AuditEntry
from kaa.casework import services
from kaa.casework.models import Consent, Evaluation, JournalEntry, Measure, Occupation

from .conftest import days

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user):
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user)[1]}")

    def get(self, path):
        return self.client.get(f"/api/v1{path}")

    def post(self, path, body=None):
        return self.client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json")

    def patch(self, path, body):
        return self.client.patch(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def today():
    return timezone.localdate()


def iso(day: datetime.date) -> str:
    return day.isoformat()


def test_occupations_round_trip(youth, coach):
    api = Api(coach)
    r1 = api.post(f"/youths/{youth.pk}/occupations", {"code": "ingen", "from": iso(today() - days(30))})
    r2 = api.post(f"/youths/{youth.pk}/occupations", {"code": "komvux", "from": iso(today() - days(2))})
    assert r1.status_code == r2.status_code == 201
    assert r2.json() == {"id": Occupation.objects.get(code="komvux").pk}
    listed = api.get(f"/youths/{youth.pk}/occupations")
    assert listed.status_code == 200
    assert listed.json() == {"items": [
        {"id": r1.json()["id"], "code": "ingen", "from": iso(today() - days(30)), "to": iso(today() - days(2))},
        {"id": r2.json()["id"], "code": "komvux", "from": iso(today() - days(2)), "to": None}]}
    assert AuditEntry.objects.filter(object_type="youth", detail="occupations", youth_id=youth.pk).exists()
    assert Occupation.objects.get(code="komvux").source == "api"


def test_bad_input_gets_the_error_format(youth, coach):
    api = Api(coach)
    response = api.post(f"/youths/{youth.pk}/occupations", {"code": "astronaut", "from": iso(today())})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["errors"] == [{"field": "code", "message": "Choose a valid code from the list."}]
    response = api.post(f"/youths/{youth.pk}/occupations", {"code": "komvux", "from": "2026-02-30"})
    assert response.status_code == 422 and body["errors"]
    assert not Occupation.objects.exists()


def test_measures_round_trip_patch_and_evaluation(youth, coach):
    api = Api(coach)
    declined = api.post(f"/youths/{youth.pk}/measures", {"code": "praktik", "start": iso(today() - days(10)),
                                                          "end": None, "declined": True, "responsible": "municipality",
                                                          "goal": "", "place": "", "activity": None})
    made = api.post(f"/youths/{youth.pk}/measures", {"code": "syv", "start": iso(today() - days(5)),
                                                      "responsible": "other", "responsible_other": "Komvux",
                                                      "goal": "Välja kurser"})
    assert declined.status_code == made.status_code == 201
    listed = api.get(f"/youths/{youth.pk}/measures").json()["items"]
    assert [(m["code"], m["declined"], m["responsible"], m["end"]) for m in listed] == [
        ("praktik", True, "municipality", None), ("syv", False, "other", None)]
    assert set(listed[0]) >= {"id", "code", "start", "end", "declined", "responsible"}
    mid = made.json()["id"]
    patched = api.patch(f"/measures/{mid}", {"end": iso(today()), "end_reason": "genomford",
                                             "evaluation": "Gick bra, vill fortsätta på komvux."})
    assert patched.status_code == 200 and patched.json()["end_reason"] == "genomford"
    measure = Measure.objects.get(pk=mid)
    assert measure.end == today() and measure.end_reason == "genomford"
    evaluation = Evaluation.objects.get(measure=measure)
    assert evaluation.how_it_went.startswith("Gick bra")
    structured = api.patch(f"/measures/{mid}", {"evaluation": {"kind": "after", "happened": "yes",
                                                               "youth_view": "Bra"}})
    assert structured.status_code == 200 and Evaluation.objects.filter(kind="after").count() == 2
    bad = api.patch(f"/measures/{mid}", {"end_reason": "whatever"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end_reason"


def test_measure_missing_other_actor_is_named(youth, coach):
    response = Api(coach).post(f"/youths/{youth.pk}/measures", {"code": "syv", "start": iso(today()),
                                                                  "responsible": "other"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["responsible_other"]


def test_journal_and_confidential_entries(youth, coach, granted_coach):
    api = Api(coach)
    plain = api.post(f"/youths/{youth.pk}/journal", {"text": "Ringde, bokade möte.", "confidential": False})
    secret = api.post(f"/youths/{youth.pk}/journal", {"text": "Har kontakt med BUP.", "confidential": True})
    assert plain.status_code == secret.status_code == 201
    assert JournalEntry.objects.get(pk=secret.json()["id"]).confidential
    # Without the grant the caller does not read the confidential entry; with it they do.
    texts = [e["text"] for e in api.get(f"/youths/{youth.pk}/journal").json()["items"]]
    assert texts == ["Ringde, bokade möte."]
    items = Api(granted_coach).get(f"/youths/{youth.pk}/journal").json()["items"]
    assert {e["text"] for e in items} == {"Ringde, bokade möte.", "Har kontakt med BUP."}
    assert AuditEntry.objects.filter(detail="journal+confidential", user=granted_coach).exists()
    pnr = api.post(f"/youths/{youth.pk}/journal", {"text": "Hans nr 200601011234"})
    assert pnr.status_code == 422 and pnr.json()["errors"][0]["field"] == "text"


def test_consents_and_withdrawal(youth, coach):
    api = Api(coach)
    response = api.post(f"/youths/{youth.pk}/consents", {"partner": "Arbetsförmedlingen", "purpose": "Praktik",
                                                          "from": iso(today()), "until": None, "given_by": "youth"})
    assert response.status_code == 201
    cid = response.json()["id"]
    withdrawn = api.post(f"/consents/{cid}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_on"] == iso(today())
    assert Consent.objects.get(pk=cid).withdrawn_on == today()
    bad = api.post(f"/youths/{youth.pk}/consents", {"partner": "0765", "purpose": "Flytt",
                                                     "from": iso(today()), "until": iso(today() - days(1))})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "until"


def test_404_outside_the_scope_for_every_endpoint(youth, coach, other_team_coach, elsewhere_coordinator, head):
    measure = services.measure_add(youth=youth, user=coach, code="syv", start=today())
    consent = services.consent_record(youth=youth, user=coach, partner="AF", purpose="x", valid_from=today())
    for user in (other_team_coach, elsewhere_coordinator, head):
        api = Api(user)
        for path in ("occupations", "measures", "journal"):
            assert api.get(f"/youths/{youth.pk}/{path}").status_code == 404
            assert api.post(f"/youths/{youth.pk}/{path}", {}).status_code in (404, 422)
        assert api.post(f"/youths/{youth.pk}/occupations", {"code": "komvux", "from": iso(today())}).status_code == 404
        assert api.post(f"/youths/{youth.pk}/journal", {"text": "x"}).status_code == 404
        assert api.patch(f"/measures/{measure.pk}", {"end": iso(today())}).status_code == 404
        assert api.post(f"/consents/{consent.pk}/withdraw").status_code == 404
    assert Api(coach).get("/youths/999999/measures").status_code == 404
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_study_counsellor_may_journal_but_not_record_occupation(youth, counsellor):
    api = Api(counsellor)
    assert api.post(f"/youths/{youth.pk}/journal", {"text": "SYV-samtal"}).status_code == 201
    denied = api.post(f"/youths/{youth.pk}/occupations", {"code": "komvux", "from": iso(today())})
    assert denied.status_code == 403 and denied.json()["detail"]
    assert api.get(f"/youths/{youth.pk}/measures").status_code == 200


def test_the_endpoints_are_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/youths/{youth_id}/occupations", "/api/v1/youths/{youth_id}/measures",
                 "/api/v1/measures/{measure_id}", "/api/v1/youths/{youth_id}/journal",
                 "/api/v1/youths/{youth_id}/consents", "/api/v1/consents/{consent_id}/withdraw"):
        assert path in paths
    assert "from" in schema["components"]["schemas"]["OccupationIn"]["properties"]
    assert "from" in schema["components"]["schemas"]["ConsentIn"]["required"]
