"""Meetings fixtures: Team Norr with its coach and a youth in the register, the municipality's partners."""

import datetime

import pytest
from django.utils import timezone

from kaa.casework.models import Partner
from kaa.register.models import YouthEvent
from tests.factories import YouthFactory


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def english_ui(settings):
    """These tests assert on English UI text; Swedish (the default) is tested in tests/i18n and the browser."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def register_youth(municipality, team, coach, *, entered_days_ago: int = 60, **kwargs):
    today = timezone.localdate()
    values = {
        "in_target_group": True,
        "register_reason": "avbrott",
        "register_since": today - days(entered_days_ago),
        "birth_date": today.replace(year=today.year - 18) - days(30),
        **kwargs,
    }
    y = YouthFactory(municipality=municipality, coach=coach, team=team, **values)
    YouthEvent.objects.create(
        youth=y,
        kind="register.entered",
        data={"reason": "avbrott"},
        occurred_at=timezone.now() - days(entered_days_ago),
    )
    return y


@pytest.fixture
def youth(municipality, team, coach):
    return register_youth(municipality, team, coach, given_name="Alva", family_name="Exempel")


@pytest.fixture
def af(municipality):
    return Partner.objects.get_or_create(municipality=municipality, name="Arbetsförmedlingen")[0]


@pytest.fixture
def social(municipality):
    return Partner.objects.get_or_create(municipality=municipality, name="Socialtjänsten")[0]
