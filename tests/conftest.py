"""Shared fixtures. Tests are laid out like the code: tests/<app>/test_*.py."""

import pytest
from django.conf import settings
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from kaa.accounts.models import Role
from tests.factories import MunicipalityFactory, TeamFactory, staff

# Property tests check rules, not speed: on a machine shared with other jobs one example (or generating
# it) may take longer than hypothesis's default limits, which would fail a correct rule.
hypothesis_settings.register_profile("kaa", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("kaa")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgresql`` are deselected on another database, whichever folder is run."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    drop = [item for item in items if item.get_closest_marker("postgresql")]
    if drop:
        config.hook.pytest_deselected(items=drop)
        dropped = set(drop)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: rate-limit counters and cached choices of one test (ids repeat
    across test databases) must not leak into the next one run by the same worker."""
    cache.clear()
    yield


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(code="0480", name="Nyköping")


@pytest.fixture
def team(municipality):
    return TeamFactory(municipality=municipality, name="Team Norr")


@pytest.fixture
def coordinator(municipality):
    return staff(Role.COORDINATOR, municipality, username="samordnare")


@pytest.fixture
def coach(municipality, team):
    return staff(Role.COACH, municipality, team=team, username="coach")


@pytest.fixture
def administrator(municipality):
    return staff(Role.ADMINISTRATOR, municipality, username="admin")


@pytest.fixture
def school_staff(municipality):
    return staff(Role.SCHOOL_STAFF, municipality, username="skolpersonal")
