import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def require_otp(settings):
    settings.KAA_REQUIRE_ADMIN_OTP = True


def test_unverified_administrator_is_sent_to_otp(client, require_otp, administrator):
    client.force_login(administrator)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp")
    assert client.get(reverse("accounts:otp")).status_code == 200


def test_other_roles_are_not_asked_for_otp(client, require_otp, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("core:home")).status_code == 200


def test_verified_administrator_gets_in(client, require_otp, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    client.force_login(administrator)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
    response = client.post(reverse("accounts:otp"), {"token": code})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_wrong_code_is_refused(client, require_otp, administrator):
    TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    client.force_login(administrator)
    response = client.post(reverse("accounts:otp"), {"token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(reverse("core:home")).status_code == 302


def test_otp_off_lets_administrator_in(client, settings, administrator):
    settings.KAA_REQUIRE_ADMIN_OTP = False
    client.force_login(administrator)
    assert client.get(reverse("core:home")).status_code == 200
