"""Case-work fixtures: a youth in the register assigned to the coach of Team Norr, and the other roles."""

import datetime

import pytest
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.register.models import YouthEvent
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

TODAY = datetime.date(2026, 3, 16)  # a Monday; tests that need a fixed day travel to it


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def english_ui(settings):
    """These tests assert on English UI text; Swedish (the default) is tested in tests/i18n and the browser."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def youth(municipality, team, coach):
    today = timezone.localdate()
    y = YouthFactory(municipality=municipality, coach=coach, team=team, in_target_group=True,
                     register_reason="avbrott", register_since=today - days(60),
                     birth_date=today.replace(year=today.year - 18) - days(30), given_name="Alva",
                     family_name="Exempel")
    YouthEvent.objects.create(youth=y, kind="register.entered", data={"reason": "avbrott"},
                              occurred_at=timezone.now() - days(60))
    return y


@pytest.fixture
def counsellor(municipality, team):
    return staff(Role.STUDY_COUNSELLOR, municipality, team=team, username="syv")


@pytest.fixture
def teacher(municipality, team):
    return staff(Role.TEACHER, municipality, team=team, username="larare")


@pytest.fixture
def granted_coach(municipality, team):
    """A coach of the same team who holds the grant for confidential entries."""
    user = staff(Role.COACH, municipality, team=team, username="coach-sekretess")
    user.memberships.update(may_see_confidential=True)
    return user


@pytest.fixture
def other_team_coach(municipality):
    return staff(Role.COACH, municipality, team=TeamFactory(municipality=municipality, name="Team Söder"),
                 username="coach-soder")


@pytest.fixture
def elsewhere_coordinator(db):
    return staff(Role.COORDINATOR, MunicipalityFactory(code="0765", name="Älmhult"), username="samordnare-almhult")


@pytest.fixture
def head(municipality):
    return staff(Role.HEAD, municipality, username="rektor")
