"""The statistics are computed set-based: the number of queries does not grow with the youths."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaa.accounts.models import Role
from kaa.reporting import followup, scb
from kaa.reporting.periods import HalfYear
from tests.factories import YouthFactory, staff

from .conftest import D, attempt, measure, occupation, period

pytestmark = pytest.mark.django_db


def more_youths(municipality, n: int) -> None:
    for i in range(n):
        y = YouthFactory(municipality=municipality, birth_date=D(2008, 1, 1 + i))
        period(y, D(2026, 1, 1 + i), None, "avbrott")
        attempt(y, D(2026, 2, 1 + i))
        occupation(y, "ingen", D(2025, 12, 1))
        measure(y, "syv", D(2026, 3, 1 + i), D(2026, 4, 1))


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_number_of_youths(scenario):
    h1 = HalfYear.parse("2026H1")
    file_before = count(lambda: scb.compute(municipality=scenario.municipality, period=h1))
    follow_before = count(lambda: followup.follow_up(municipality=scenario.municipality, start=h1.start, end=h1.end))
    more_youths(scenario.municipality, 12)
    assert count(lambda: scb.compute(municipality=scenario.municipality, period=h1)) == file_before
    assert count(lambda: followup.follow_up(municipality=scenario.municipality, start=h1.start,
                                            end=h1.end)) == follow_before
    assert file_before <= 16  # a fixed number: one per source


def test_statistics_page_has_bounded_queries(scenario, client, django_assert_max_num_queries):
    more_youths(scenario.municipality, 12)
    client.force_login(staff(Role.COORDINATOR, scenario.municipality))
    with django_assert_max_num_queries(30):
        assert client.get(reverse("reporting:statistics"), {"period": "2026H1"}).status_code == 200
