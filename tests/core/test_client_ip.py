"""The client's address behind trusted proxies (KAA_TRUSTED_PROXIES), for the reply page and axes."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from kaa.accounts.models import Role
from kaa.core.client_ip import client_ip
from tests.factories import staff


def _ip(remote: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # an untrusted peer: the header is ignored
    ("10.0.0.1", None, "10.0.0.1"),  # the proxy without a header
    ("10.0.0.1", "198.51.100.7", "198.51.100.7"),
    ("10.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's own entries are ignored
    ("10.0.0.1", "198.51.100.7, 10.1.2.3", "198.51.100.7"),  # two trusted proxies (a network)
    ("10.0.0.1", "not-an-address, 10.1.2.3", "10.1.2.3"),
    ("10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
    ("10.0.0.1", "198.51.100.7:5123", "198.51.100.7"),
    ("::ffff:10.0.0.1", "198.51.100.7", "198.51.100.7"),
    ("", None, None),
])
def test_client_ip(settings, remote, forwarded, expected):
    settings.KAA_TRUSTED_PROXIES = ["10.0.0.1", "10.1.0.0/16"]
    assert _ip(remote, forwarded) == expected


def test_without_trusted_proxies_the_socket_address_is_the_client(settings):
    settings.KAA_TRUSTED_PROXIES = []
    assert _ip("10.0.0.1", "198.51.100.7") == "10.0.0.1"


def test_a_bad_setting_is_refused(settings):
    settings.KAA_TRUSTED_PROXIES = ["10.0.0.300"]
    with pytest.raises(ImproperlyConfigured):
        _ip("10.0.0.1", "198.51.100.7")


@pytest.mark.django_db
def test_login_failures_from_one_client_do_not_lock_out_another_behind_the_proxy(client, settings, municipality):
    """axes locks (username, client address): behind the load balancer that is the real client's address."""
    settings.KAA_TRUSTED_PROXIES = ["10.0.0.1"]
    staff(Role.COORDINATOR, municipality, username="delad")
    url = reverse("accounts:login")
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    owner = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "delad", "password": "wrong-password-000"}, **attacker)
    locked = client.post(url, {"username": "delad", "password": "test-password-123"}, **attacker)
    assert locked.status_code == 429
    response = client.post(url, {"username": "delad", "password": "test-password-123"}, **owner)
    assert response.status_code == 302


def test_the_system_check_names_a_bad_entry(settings):
    from kaa.core.checks import trusted_proxies_check

    settings.KAA_TRUSTED_PROXIES = ["10.0.0.1", "lastbalanserare"]
    errors = trusted_proxies_check(None)
    assert [e.id for e in errors] == ["kaa.E002"] and "lastbalanserare" in errors[0].msg
    settings.KAA_TRUSTED_PROXIES = ["10.0.0.1", "fd00::/8"]
    assert trusted_proxies_check(None) == []
