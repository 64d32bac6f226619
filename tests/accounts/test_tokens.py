"""API tokens expire, an administrator lists and revokes the staff's tokens, and issuing one needs the
second factor where the settings require it."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaa.accounts.models import ApiToken, Role
from kaa.audit.models import AuditEntry
from tests.factories import MunicipalityFactory, staff

pytestmark = pytest.mark.django_db


def _api(client, raw):
    return client.get("/api/v1/youths", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_expires_after_the_configured_days(settings, coordinator):
    settings.KAA_API_TOKEN_DAYS = 90
    before = timezone.now()
    token, _raw = ApiToken.issue(user=coordinator)
    assert before + datetime.timedelta(days=90) <= token.expires_at <= timezone.now() + datetime.timedelta(days=90)
    settings.KAA_API_TOKEN_DAYS = 7
    token, _raw = ApiToken.issue(user=coordinator)
    assert token.expires_at <= timezone.now() + datetime.timedelta(days=7)


def test_expired_token_is_401(client, coordinator):
    token, raw = ApiToken.issue(user=coordinator)
    assert _api(client, raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = _api(client, raw)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_command_token_expires_too(client, coordinator):
    out = StringIO()
    call_command("create_api_token", coordinator.username, "--days", "1", stdout=out)
    token = ApiToken.objects.get(user=coordinator)
    assert token.expires_at <= timezone.now() + datetime.timedelta(days=1)
    assert AuditEntry.objects.filter(object_type="api_token", object_id=str(token.pk), action="create").exists()


def test_own_tokens_page_shows_the_expiry_and_audits(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("accounts:tokens"), {"name": "script"})
    token = ApiToken.objects.get(user=coordinator)
    body = client.get(reverse("accounts:tokens")).content.decode()
    assert token.expires_at.strftime("%Y-%m-%d") in body
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert list(AuditEntry.objects.filter(object_type="api_token").order_by("pk").values_list("action", flat=True)) \
        == ["create", "update"]


# --- The administrator's list of the staff's tokens ------------------------------------------------

def test_administrator_lists_and_revokes_the_staffs_tokens(client, municipality, administrator, coach):
    own_token, own_raw = ApiToken.issue(user=coach, name="coach script")
    elsewhere = staff(Role.COORDINATOR, MunicipalityFactory(code="0765", name="Älmhult"), username="annan")
    other_token, other_raw = ApiToken.issue(user=elsewhere, name="other script")
    client.force_login(administrator)
    page = client.get(reverse("organisations:token_list"))
    assert page.status_code == 200
    assert [t.pk for t in page.context["page_obj"]] == [own_token.pk]
    assert "coach script" in page.content.decode() and "other script" not in page.content.decode()

    assert client.post(reverse("organisations:token_revoke", args=[other_token.pk])).status_code == 404
    assert _api(client, other_raw).status_code == 200

    assert client.post(reverse("organisations:token_revoke", args=[own_token.pk])).status_code == 302
    assert _api(client, own_raw).status_code == 401
    entry = AuditEntry.objects.get(object_type="api_token", object_id=str(own_token.pk))
    assert entry.user == administrator and entry.fields == ["revoked_at"]
    assert own_token.pk not in {t.pk for t in client.get(reverse("organisations:token_list")).context["page_obj"]}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.COACH, Role.HEAD])
def test_only_administrators_see_the_staffs_tokens(client, municipality, role):
    client.force_login(staff(role, municipality, username=f"x-{role}"))
    assert client.get(reverse("organisations:token_list")).status_code == 403


def test_token_list_query_count_is_bounded(client, municipality, administrator, django_assert_max_num_queries):
    for i in range(60):
        ApiToken.issue(user=staff(Role.COACH, municipality, username=f"c{i}"), name=f"t{i}")
    client.force_login(administrator)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("organisations:token_list"))
    assert len(response.context["page_obj"].object_list) == 50


# --- The second factor -----------------------------------------------------------------------------

@pytest.fixture
def require_otp(settings):
    settings.KAA_REQUIRE_ADMIN_OTP = True


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def test_token_page_needs_the_second_factor_when_the_setting_is_on(client, require_otp, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    client.force_login(administrator)
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp"))
    response = client.post(reverse("accounts:tokens"), {"name": "script"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()

    response = client.post(f"{reverse('accounts:otp')}?next={reverse('accounts:tokens')}", {"token": _code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:tokens")
    response = client.post(reverse("accounts:tokens"), {"name": "script"})
    assert response.status_code == 200 and response.context["new_token"]
    assert ApiToken.objects.filter(user=administrator).count() == 1


def test_the_view_itself_refuses_without_the_second_factor(rf, require_otp, administrator):
    """Defence in depth: the token view asks for the second factor even without the middleware."""
    from django.contrib.sessions.backends.db import SessionStore

    from kaa.accounts.views import tokens

    request = rf.post(reverse("accounts:tokens"), {"name": "script"})
    request.user = administrator
    request.user.is_verified = lambda: False
    request.session = SessionStore()
    response = tokens(request)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp"))
    assert not ApiToken.objects.exists()


def test_staff_token_page_needs_the_second_factor_too(client, require_otp, administrator):
    client.force_login(administrator)
    response = client.get(reverse("organisations:token_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp"))


def test_token_page_without_the_setting_or_for_other_roles(client, settings, administrator, coordinator):
    settings.KAA_REQUIRE_ADMIN_OTP = False
    client.force_login(administrator)
    assert client.get(reverse("accounts:tokens")).status_code == 200
    settings.KAA_REQUIRE_ADMIN_OTP = True
    client.force_login(coordinator)
    assert client.get(reverse("accounts:tokens")).status_code == 200


def test_otp_next_must_stay_on_the_site(client, require_otp, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    client.force_login(administrator)
    response = client.post(f"{reverse('accounts:otp')}?next=https://evil.example/", {"token": _code(device)})
    assert response["Location"] == reverse("core:home")

