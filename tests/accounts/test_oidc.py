"""Single sign-on through OpenID Connect (issue 15, item 4), against a fake provider on loopback
(tests/accounts/fake_oidc.py): users matched on ``sub``, never created from claims; local passwords can
be switched off; an ``amr`` second factor satisfies the administrator rule."""

from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from kaa.accounts.models import Role, User
from tests.factories import staff

from .fake_oidc import FakeProvider

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider():
    p = FakeProvider().start()
    yield p
    p.stop()


@pytest.fixture
def sso(provider, settings):
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.KAA_OIDC_MATCH_CLAIM = ""
    provider.person = {"sub": "subject-1"}
    return provider


def _sso_login(client, provider, next_url="/"):
    """Go through the code flow: KAA → provider → KAA's callback. The callback's response."""
    start = client.get(reverse("accounts:oidc_login"), {"next": next_url})
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer + "/authorize")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    callback = urlparse(back.headers["Location"])
    assert callback.path == reverse("accounts:oidc_callback")
    return client.get(f"{callback.path}?{callback.query}")


def _me(client):
    return client.get(reverse("accounts:my_access"))


def test_sso_logs_in_the_user_with_that_subject(client, sso, coordinator):
    coordinator.oidc_subject = "subject-1"
    coordinator.save()
    response = _sso_login(client, sso, next_url=reverse("register:youth_list"))
    assert response.status_code == 302 and response["Location"] == reverse("register:youth_list")
    assert int(client.session["_auth_user_id"]) == coordinator.pk
    assert _me(client).status_code == 200


def test_an_unknown_subject_is_refused_with_a_clear_page(client, sso, coordinator):
    users_before = User.objects.count()
    sso.person = {"sub": "nobody-here", "email": coordinator.email or "x@example.org"}
    response = _sso_login(client, sso)
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-testid="oidc-refused"' in body and "inget konto i KAA" in body
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users_before  # never created from claims


def test_first_login_matched_on_the_configured_claim_binds_the_subject(client, sso, settings, municipality):
    settings.KAA_OIDC_MATCH_CLAIM = "email"
    coach = staff(Role.COACH, municipality)
    coach.email = "Kim.Coach@Example.org"
    coach.save()
    sso.person = {"sub": "subject-kim", "email": "kim.coach@example.org"}
    assert _sso_login(client, sso).status_code == 302
    coach.refresh_from_db()
    assert coach.oidc_subject == "subject-kim"
    assert [m.role for m in coach.memberships.all()] == [Role.COACH]  # roles stay KAA's own
    # Next time the subject decides, whatever the e-mail says now.
    client.logout()
    sso.person = {"sub": "subject-kim", "email": "changed@example.org"}
    assert _sso_login(client, sso).status_code == 302
    assert int(client.session["_auth_user_id"]) == coach.pk


def test_without_a_match_claim_an_email_does_not_log_anyone_in(client, sso, coordinator):
    coordinator.email = "samordnare@example.org"
    coordinator.save()
    sso.person = {"sub": "subject-new", "email": "samordnare@example.org"}
    assert _sso_login(client, sso).status_code == 403
    coordinator.refresh_from_db()
    assert coordinator.oidc_subject == ""


def test_a_bound_user_is_not_taken_over_by_a_matching_email(client, sso, settings, coordinator):
    settings.KAA_OIDC_MATCH_CLAIM = "email"
    coordinator.email = "samordnare@example.org"
    coordinator.oidc_subject = "subject-original"
    coordinator.save()
    sso.person = {"sub": "subject-intruder", "email": "samordnare@example.org"}
    assert _sso_login(client, sso).status_code == 403
    assert "_auth_user_id" not in client.session


def test_an_inactive_user_is_refused(client, sso, coordinator):
    coordinator.oidc_subject = "subject-1"
    coordinator.is_active = False
    coordinator.save()
    assert _sso_login(client, sso).status_code == 403


def test_an_id_token_for_another_client_is_refused(client, sso, coordinator, monkeypatch):
    coordinator.oidc_subject = "subject-1"
    coordinator.save()
    original = sso.id_token
    monkeypatch.setattr(sso, "id_token", lambda claims, **kw: original({**claims, "aud": "someone-else"}, **kw))
    response = _sso_login(client, sso)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_an_id_token_signed_with_another_key_is_refused(client, sso, coordinator, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric import rsa

    coordinator.oidc_subject = "subject-1"
    coordinator.save()
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    original = sso.id_token
    monkeypatch.setattr(sso, "id_token", lambda claims, **kw: original(claims, key=other))
    assert _sso_login(client, sso).status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.fixture
def admin_with_sso(municipality, settings):
    settings.KAA_REQUIRE_ADMIN_OTP = True
    admin = staff(Role.ADMINISTRATOR, municipality)
    admin.oidc_subject = "subject-admin"
    admin.save()
    return admin


def test_amr_with_mfa_satisfies_the_second_factor(client, sso, admin_with_sso):
    sso.person = {"sub": "subject-admin", "amr": ["pwd", "mfa"]}
    assert _sso_login(client, sso).status_code == 302
    assert client.get(reverse("accounts:tokens")).status_code == 200
    assert client.get(reverse("organisations:index")).status_code == 200


def test_acr_from_the_configured_list_satisfies_the_second_factor(client, sso, settings, admin_with_sso):
    settings.KAA_OIDC_MFA_ACR = ["http://id.elegnamnden.se/loa/1.0/loa3"]
    sso.person = {"sub": "subject-admin", "acr": "http://id.elegnamnden.se/loa/1.0/loa3"}
    assert _sso_login(client, sso).status_code == 302
    assert client.get(reverse("accounts:tokens")).status_code == 200


def test_without_an_asserted_factor_the_administrator_still_verifies_one(client, sso, admin_with_sso):
    sso.person = {"sub": "subject-admin", "amr": ["pwd"]}
    assert _sso_login(client, sso).status_code == 302
    response = client.get(reverse("organisations:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp"))


def test_local_login_switched_off_hides_the_form_and_refuses_passwords(client, sso, settings, municipality):
    settings.KAA_LOCAL_LOGIN = False
    user = staff(Role.COORDINATOR, municipality)
    user.set_password("ett-bra-lösenord-123")
    user.save()
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="password-login"' not in page and 'data-testid="sso-login"' in page
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "ett-bra-lösenord-123"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    request = RequestFactory().post(reverse("accounts:login"))
    assert authenticate(request, username=user.username, password="ett-bra-lösenord-123") is None
    settings.KAA_LOCAL_LOGIN = True
    assert authenticate(request, username=user.username, password="ett-bra-lösenord-123") == user


def test_local_login_still_works_by_default(client, municipality):
    user = staff(Role.COORDINATOR, municipality)
    user.set_password("ett-bra-lösenord-123")
    user.save()
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="password-login"' in page and 'data-testid="sso-login"' not in page
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "ett-bra-lösenord-123"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sso_is_off_by_default(client):
    assert client.get(reverse("accounts:oidc_login")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_refused_answers_do_not_lock_out_single_sign_on(client, sso, settings, coordinator):
    """Refusals (an unknown person) from one office address must not lock the others out (django-axes)."""
    from axes.models import AccessAttempt

    sso.person = {"sub": "nobody-here"}
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert _sso_login(client, sso).status_code == 403
    assert not AccessAttempt.objects.exists()
    coordinator.oidc_subject = "subject-1"
    coordinator.save()
    sso.person = {"sub": "subject-1"}
    assert _sso_login(client, sso).status_code == 302
    assert int(client.session["_auth_user_id"]) == coordinator.pk


def test_passwords_are_still_throttled(client, settings, coordinator):
    from axes.models import AccessAttempt

    client.post(reverse("accounts:login"), {"username": coordinator.username, "password": "fel"})
    assert AccessAttempt.objects.filter(username=coordinator.username).exists()
