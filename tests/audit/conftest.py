"""Tests marked ``postgresql`` check database-level guarantees that only PostgreSQL gives; on
another database they are deselected (not skipped: a CI run reports no skips)."""

import pytest
from django.conf import settings


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgresql") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
