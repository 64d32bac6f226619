"""Outreach fixtures: youths in the register with their chain started."""

import datetime

import pytest
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.register.models import YouthEvent
from tests.factories import YouthFactory, staff


def enter(youth, day: datetime.date):
    """Put a youth in the register from ``day``, as register_compute would."""
    youth.in_target_group, youth.register_since, youth.register_reason = True, day, "avbrott"
    youth.save(update_fields=["in_target_group", "register_since", "register_reason"])
    YouthEvent.objects.create(youth=youth, kind="register.entered", data={"reason": "avbrott", "date": str(day)},
                              occurred_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(0))))
    return youth


def adult_birth(today=None) -> datetime.date:
    today = today or timezone.localdate()
    return today.replace(year=today.year - 19, month=1, day=15)


def minor_birth(today=None) -> datetime.date:
    today = today or timezone.localdate()
    return today.replace(year=today.year - 16, month=1, day=15)


@pytest.fixture
def make_youth(municipality):
    def make(*, coach=None, team=None, entered_days_ago=30, minor=False, **kwargs):
        birth = minor_birth() if minor else adult_birth()
        youth = YouthFactory(municipality=municipality, coach=coach, team=team, birth_date=birth, **kwargs)
        return enter(youth, timezone.localdate() - datetime.timedelta(days=entered_days_ago))
    return make


@pytest.fixture
def other_coach(municipality):
    return staff(Role.COACH, municipality, username="coach_other")


@pytest.fixture(autouse=True)
def english_ui(settings):
    """These tests assert on English UI text; Swedish (the default) is tested in tests/i18n and the browser."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
