"""The session store: the 30-minute idle timeout holds, without a write of the session on every page."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.accounts.sessions import REFRESH_AFTER, SessionStore
from tests.factories import staff

pytestmark = pytest.mark.django_db
HOME = "core:home"


def _expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _shift(client, by: datetime.timedelta) -> None:
    """Pretend the last write of the session was ``by`` ago."""
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=_expiry(client) - by)


@pytest.fixture
def logged_in(client, municipality):
    client.force_login(staff(Role.COORDINATOR, municipality))
    return client


def test_a_page_soon_after_the_last_does_not_write_the_session(logged_in):
    logged_in.get(reverse(HOME))
    before = _expiry(logged_in)
    with CaptureQueriesContext(connection) as queries:
        assert logged_in.get(reverse(HOME)).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert _expiry(logged_in) == before


def test_a_page_a_minute_or_more_after_the_last_moves_the_expiry(logged_in):
    logged_in.get(reverse(HOME))
    _shift(logged_in, REFRESH_AFTER + datetime.timedelta(seconds=5))
    lagging = _expiry(logged_in)
    logged_in.get(reverse(HOME))
    moved = _expiry(logged_in)
    assert moved > lagging
    assert abs(moved - (timezone.now() + datetime.timedelta(minutes=30))) < datetime.timedelta(seconds=30)


def test_the_stored_expiry_is_never_more_than_a_minute_behind(logged_in):
    logged_in.get(reverse(HOME))
    _shift(logged_in, REFRESH_AFTER - datetime.timedelta(seconds=5))
    logged_in.get(reverse(HOME))
    expected = timezone.now() + datetime.timedelta(minutes=30)
    assert expected - REFRESH_AFTER - datetime.timedelta(seconds=5) <= _expiry(logged_in) <= expected


def test_a_changed_session_is_always_written(logged_in):
    logged_in.get(reverse(HOME))
    before = _expiry(logged_in)
    store = SessionStore(logged_in.session.session_key)
    store["marker"] = "x"
    store.save()
    assert SessionStore(logged_in.session.session_key)["marker"] == "x"
    assert _expiry(logged_in) >= before


def test_thirty_idle_minutes_end_the_session(logged_in):
    assert logged_in.get(reverse(HOME)).status_code == 200
    Session.objects.filter(session_key=logged_in.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = logged_in.get(reverse(HOME))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
