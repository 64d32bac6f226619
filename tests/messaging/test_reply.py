import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaa.messaging.models import ReplyCode
from kaa.messaging.ratelimit import CLIENT_LIMIT
from kaa.messaging.services import reply_codes_issue
from kaa.register.models import YouthEvent

ANSWER = {"respondent": "guardian", "kind": "contact", "phone": "0705555555", "best_time": "Efter 17"}


@pytest.fixture
def issued(make_youth):
    youth = make_youth(given_name="Zlatana", family_name="Unikadottersson", phone="0709999999",
                       email="zlatana@example.invalid")
    ((_youth, code),) = reply_codes_issue(youths=[youth])
    return youth, code


def test_code_entry_page_is_public_and_bilingual(client):
    response = client.get(reverse("messaging:reply_start"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_entering_a_code_leads_to_the_form(client, issued):
    _youth, code = issued
    response = client.post(reverse("messaging:reply_start"), {"code": code.lower()[:4] + " " + code.lower()[4:]})
    assert response.status_code == 302 and response["Location"] == reverse("messaging:reply", args=[code])


def test_wrong_code_is_refused(client, issued):
    response = client.post(reverse("messaging:reply_start"), {"code": "ZZZZZZZZ"})
    assert response.status_code == 200
    assert client.get(reverse("messaging:reply", args=["ZZZZZZZZ"])).status_code == 404


def test_reply_page_shows_no_personal_data(client, issued, coach):
    youth, code = issued
    html = client.get(reverse("messaging:reply", args=[code])).content.decode()
    for secret in (youth.given_name, youth.family_name, youth.phone, youth.email, youth.address,
                   youth.personnummer, coach.get_full_name()):
        assert secret not in html


def test_reply_creates_the_event(client, issued):
    youth, code = issued
    response = client.post(reverse("messaging:reply", args=[code]), ANSWER)
    assert response.status_code == 302 and response["Location"] == reverse("messaging:reply_thanks")
    event = YouthEvent.objects.get(kind="outreach.reply")
    assert event.youth == youth
    assert event.data["kind"] == "contact"
    assert event.data["code_id"] == ReplyCode.objects.get(youth=youth).pk
    assert event.data["phone"] == "0705555555" and event.data["respondent"] == "guardian"
    assert "meeting_where" not in event.data  # empty answers are left out
    assert client.get(response["Location"]).status_code == 200


def test_reply_text_is_not_logged(client, issued, caplog):
    _youth, code = issued
    client.post(reverse("messaging:reply", args=[code]), {**ANSWER, "message": "Mitt hemliga meddelande"})
    assert "hemliga" not in caplog.text and "0705555555" not in caplog.text


@pytest.mark.parametrize("data", [
    {"respondent": "youth", "kind": "contact"},
    {"respondent": "youth", "kind": "meeting"},
    {"respondent": "youth", "kind": "occupation"},
])
def test_incomplete_reply_is_refused(client, issued, data):
    _youth, code = issued
    response = client.post(reverse("messaging:reply", args=[code]), data)
    assert response.status_code == 200
    assert not YouthEvent.objects.filter(kind="outreach.reply").exists()


def test_expired_code(client, issued):
    _youth, code = issued
    ReplyCode.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(reverse("messaging:reply", args=[code])).status_code == 410
    assert client.post(reverse("messaging:reply", args=[code]), ANSWER).status_code == 410
    assert client.post(reverse("messaging:reply_start"), {"code": code}).status_code == 200
    assert not YouthEvent.objects.filter(kind="outreach.reply").exists()


def test_codes_expire_after_90_days(issued):
    rc = ReplyCode.objects.get()
    assert (rc.expires_at - rc.created_at) == datetime.timedelta(days=90)


def test_rate_limit_per_address(client, issued):
    _youth, code = issued
    for _ in range(CLIENT_LIMIT):
        assert client.post(reverse("messaging:reply_start"), {"code": "ZZZZZZZZ"}).status_code == 200
    response = client.post(reverse("messaging:reply_start"), {"code": code})
    assert response.status_code == 429
    assert client.get(reverse("messaging:reply", args=[code])).status_code == 429
    other_address = client.get(reverse("messaging:reply", args=[code]), REMOTE_ADDR="10.0.0.2")
    assert other_address.status_code == 200


def test_submissions_per_code_are_limited(client, issued):
    _youth, code = issued
    for i in range(5):
        response = client.post(reverse("messaging:reply", args=[code]), ANSWER, REMOTE_ADDR=f"10.0.1.{i}")
        assert response.status_code == 302
    response = client.post(reverse("messaging:reply", args=[code]), ANSWER, REMOTE_ADDR="10.0.2.1")
    assert response.status_code == 429
    assert YouthEvent.objects.filter(kind="outreach.reply").count() == 5


def test_reply_is_csrf_protected(issued):
    _youth, code = issued
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("messaging:reply", args=[code]), ANSWER).status_code == 403
    assert not YouthEvent.objects.filter(kind="outreach.reply").exists()


def test_reply_page_in_english(client, issued):
    _youth, code = issued
    client.post(reverse("set_language"), {"language": "en", "next": "/svar/"})
    html = client.get(reverse("messaging:reply", args=[code])).content.decode()
    assert "Reply to the municipality" in html


def test_public_pages_are_swedish_by_default(client, issued):
    _youth, code = issued
    assert "Svara kommunen" in client.get(reverse("messaging:reply_start")).content.decode()
    for _ in range(CLIENT_LIMIT):
        client.post(reverse("messaging:reply_start"), {"code": "ZZZZZZZZ"})
    response = client.post(reverse("messaging:reply_start"), {"code": code})
    assert response.status_code == 429
    assert "För många försök" in response.content.decode()
