import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaa.messaging import services
from kaa.messaging.sms import LocmemSmsBackend, SmsResult
from kaa.register.models import Guardian

from .conftest import contact_events


def test_sms_to_youth_is_sent_and_recorded(make_youth, coach):
    youth = make_youth(phone="0701234567")
    result = services.sms_send(youth=youth, user=coach, to_guardian=False, text="Hej, ring mig!")
    assert result.ok
    assert LocmemSmsBackend.outbox == [{"to": "0701234567", "text": "Hej, ring mig!", "id": "locmem-1"}]
    event = contact_events(youth, "sms").get()
    assert event.data["outcome"] == "sent" and event.data["to_guardian"] is False
    assert "Hej" not in str(event.data)


def test_sms_to_guardian_uses_the_guardians_number(make_youth, coach):
    youth = make_youth(phone="0701111111")
    Guardian.objects.create(youth=youth, position=1, name="Förälder", phone="0702222222")
    services.sms_send(youth=youth, user=coach, to_guardian=True, text="Hej")
    assert LocmemSmsBackend.outbox[0]["to"] == "0702222222"
    assert contact_events(youth, "sms").get().data["to_guardian"] is True


def test_failed_sms_is_recorded_as_failed(make_youth, coach, monkeypatch, caplog):
    class Broken:
        def send(self, to, text):
            return SmsResult(ok=False, error="HTTP 500")

    monkeypatch.setattr(services, "get_sms_backend", Broken)
    youth = make_youth(phone="0703333333")
    result = services.sms_send(youth=youth, user=coach, to_guardian=False, text="Hemlig text")
    assert result.ok is False
    assert contact_events(youth, "sms").get().data["outcome"] == "failed"
    assert "0703333333" not in caplog.text and "Hemlig text" not in caplog.text


def test_sms_without_number_is_refused(make_youth, coach):
    with pytest.raises(ValidationError):
        services.sms_send(youth=make_youth(phone=""), user=coach, to_guardian=False, text="Hej")
    assert contact_events().count() == 0


def test_email_is_sent_and_recorded(make_youth, coach):
    youth = make_youth(email="ung@example.invalid")
    assert services.email_send(youth=youth, user=coach, to_guardian=False, subject="Hej", body="Vill du ses?")
    (message,) = mail.outbox
    assert message.to == ["ung@example.invalid"] and message.subject == "Hej"
    assert contact_events(youth, "email").get().data["outcome"] == "sent"


def test_failed_email_is_recorded_as_failed(make_youth, coach, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    youth = make_youth(email="ung@example.invalid")
    assert services.email_send(youth=youth, user=coach, to_guardian=False, subject="Hej", body="x") is False
    assert contact_events(youth, "email").get().data["outcome"] == "failed"


def test_compose_page_sends_sms_and_email(client, make_youth, coach):
    youth = make_youth(phone="0704444444", email="ung@example.invalid")
    client.force_login(coach)
    url = reverse("messaging:compose", args=[youth.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"letter-template_code" in page.content
    response = client.post(url, {"action": "sms", "sms-text": "Hej från coachen"})
    assert response.status_code == 302
    response = client.post(url, {"action": "email", "email-subject": "Hej", "email-body": "Vill du ses?"})
    assert response.status_code == 302
    assert len(LocmemSmsBackend.outbox) == 1 and len(mail.outbox) == 1
    assert contact_events(youth).count() == 2


def test_compose_shows_error_without_phone(client, make_youth, coach):
    youth = make_youth(phone="")
    client.force_login(coach)
    response = client.post(reverse("messaging:compose", args=[youth.pk]), {"action": "sms", "sms-text": "Hej"})
    assert response.status_code == 200
    assert contact_events(youth).count() == 0


def test_compose_permissions(client, make_youth, administrator, coach):
    from tests.factories import UserFactory

    youth = make_youth()
    client.force_login(administrator)
    assert client.get(reverse("messaging:compose", args=[youth.pk])).status_code == 403
    other = make_youth(coach=UserFactory(), team=None)
    client.force_login(coach)
    assert client.get(reverse("messaging:compose", args=[other.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("messaging:compose", args=[youth.pk])).status_code == 302
