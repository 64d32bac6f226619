"""API: POST /api/v1/youths/{id}/contacts and GET /api/v1/youths/{id}/outreach."""

import datetime

import pytest
from django.utils import timezone

from kaa.accounts.models import ApiToken
from kaa.audit.models import AuditEntry
from kaa.outreach.models import ContactAttempt

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    _, raw = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_post_contact_creates_an_attempt(client, coach, make_youth):
    youth = make_youth(coach=coach)
    at = (timezone.localtime() - datetime.timedelta(hours=1)).replace(microsecond=0)
    response = client.post(f"/api/v1/youths/{youth.pk}/contacts", {
        "channel": "phone", "at": at.isoformat(), "outcome": "no_answer", "to_guardian": True, "note": "API"},
        content_type="application/json", **auth(coach))
    assert response.status_code == 201, response.content
    body = response.json()
    attempt = ContactAttempt.objects.get()
    assert body["id"] == attempt.pk and attempt.at == at and attempt.to_guardian and attempt.source == "api"
    assert AuditEntry.objects.filter(object_type="contact_attempt", youth_id=youth.pk).exists()


def test_post_contact_validation_errors(client, coach, make_youth):
    youth = make_youth(coach=coach)
    response = client.post(f"/api/v1/youths/{youth.pk}/contacts", {
        "channel": "pigeon", "at": timezone.now().isoformat(), "outcome": "no_answer"},
        content_type="application/json", **auth(coach))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["errors"][0]["field"] == "channel" and body["errors"][0]["message"]
    missing = client.post(f"/api/v1/youths/{youth.pk}/contacts", {"channel": "phone"},
                          content_type="application/json", **auth(coach))
    assert missing.status_code == 422
    assert {"at", "outcome"} <= {e["field"] for e in missing.json()["errors"]}
    assert not ContactAttempt.objects.exists()


def test_unknown_or_unauthorised_youth_is_404(client, coach, other_coach, make_youth):
    theirs = make_youth(coach=other_coach)
    payload = {"channel": "phone", "at": timezone.now().isoformat(), "outcome": "no_answer"}
    headers = auth(coach)
    assert client.post(f"/api/v1/youths/{theirs.pk}/contacts", payload, content_type="application/json",
                       **headers).status_code == 404
    assert client.get("/api/v1/youths/999999/outreach", **headers).status_code == 404
    assert client.get(f"/api/v1/youths/{theirs.pk}/outreach", **headers).json()["errors"] == []


def test_get_outreach(client, coach, make_youth):
    youth = make_youth(coach=coach, entered_days_ago=5)
    response = client.get(f"/api/v1/youths/{youth.pk}/outreach", **auth(coach))
    assert response.status_code == 200
    body = response.json()
    assert body["chain"] == "almhult" and body["status"] == "ongoing"
    steps = {s["code"]: s for s in body["steps"]}
    start = timezone.localdate() - datetime.timedelta(days=5)
    assert steps["letter"] == {"code": "letter", "due": str(start + datetime.timedelta(days=2)), "done": False}
    assert steps["first_meeting"]["due"] is None
    assert AuditEntry.objects.filter(youth_id=youth.pk, action="view").exists()


def test_endpoints_are_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/youths/{youth_id}/contacts" in paths and "/api/v1/youths/{youth_id}/outreach" in paths
