"""The transfers API exactly as INTERFACES.md "Transfers between municipalities"."""

import pytest
from django.test import Client

from kaa.accounts.models import ApiToken


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user, name='t')[1]}")


@pytest.fixture
def as_sender(sender):
    return api(sender)


@pytest.fixture
def as_receiver(receiver):
    return api(receiver)


def test_offer_without_consent_names_the_missing_consent(case, as_sender, other):
    r = as_sender.post(
        f"/api/v1/youths/{case.pk}/transfers",
        {"to_municipality": other.code, "with_case": True},
        content_type="application/json",
    )
    assert r.status_code == 422
    body = r.json()
    assert body["errors"][0]["field"] == "consent" and other.code in body["errors"][0]["message"]


def test_offer_accept_and_list(case, as_sender, as_receiver, other, municipality, consent_to_other):
    r = as_sender.post(
        f"/api/v1/youths/{case.pk}/transfers",
        {"to_municipality": other.code, "with_case": True, "note": ""},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "in_progress"
    tid = r.json()["id"]
    incoming = as_receiver.get("/api/v1/transfers?direction=incoming").json()["items"]
    assert incoming == [
        {
            "id": tid,
            "youth": case.pk,
            "from_municipality": municipality.code,
            "to_municipality": other.code,
            "status": "in_progress",
            "with_case": True,
        }
    ]
    assert as_receiver.get("/api/v1/transfers?direction=outgoing").json()["items"] == []
    assert as_sender.post(f"/api/v1/transfers/{tid}/accept").status_code == 403
    assert as_receiver.get(f"/api/v1/youths/{case.pk}/journal").status_code == 404  # not yet
    r = as_receiver.post(f"/api/v1/transfers/{tid}/accept")
    assert r.status_code == 200 and r.json() == {"id": tid, "status": "accepted"}
    journal = as_receiver.get(f"/api/v1/youths/{case.pk}/journal")
    assert journal.status_code == 200 and len(journal.json()["items"]) == 1  # without the confidential one
    assert as_sender.get(f"/api/v1/youths/{case.pk}/journal").status_code == 404


def test_reject_and_revoke(case, as_sender, as_receiver, other):
    tid = as_sender.post(
        f"/api/v1/youths/{case.pk}/transfers", {"to_municipality": other.code}, content_type="application/json"
    ).json()["id"]
    assert (
        as_receiver.post(f"/api/v1/transfers/{tid}/reject", {"reason": ""}, content_type="application/json").status_code
        == 422
    )
    r = as_receiver.post(f"/api/v1/transfers/{tid}/reject", {"reason": "Fel person"}, content_type="application/json")
    assert r.json() == {"id": tid, "status": "rejected"}
    tid2 = as_sender.post(
        f"/api/v1/youths/{case.pk}/transfers", {"to_municipality": other.code}, content_type="application/json"
    ).json()["id"]
    assert as_sender.post(f"/api/v1/transfers/{tid2}/revoke").json() == {"id": tid2, "status": "revoked"}


def test_outside_scope_is_404(case, as_receiver, other, municipality):
    r = as_receiver.post(
        f"/api/v1/youths/{case.pk}/transfers", {"to_municipality": municipality.code}, content_type="application/json"
    )
    assert r.status_code == 404
    assert as_receiver.post("/api/v1/transfers/999999/accept").status_code == 404
