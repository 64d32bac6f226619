"""kaa.core.paging: pages of a long list without counting all of it."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from kaa.core.paging import page_number, page_of
from kaa.register.models import Youth
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def youths(municipality):
    return [YouthFactory(municipality=municipality, family_name=f"Namn{i:03d}") for i in range(23)]


def _ordered():
    return Youth.objects.order_by("family_name", "pk")


def test_page_number_is_a_positive_integer_or_the_first_page():
    assert [page_number(v) for v in (None, "", "x", "0", "-3", "2", 4)] == [1, 1, 1, 1, 1, 2, 4]


def test_pages_follow_the_order_and_know_the_count_when_it_is_small(youths, django_assert_num_queries):
    with django_assert_num_queries(2):  # the ids (with the count), the rows
        first = page_of(_ordered(), "1", per_page=10, count_limit=100)
    assert [y.family_name for y in first] == [f"Namn{i:03d}" for i in range(10)]
    assert (first.count, first.num_pages, first.has_previous, first.has_next) == (23, 3, False, True)
    last = page_of(_ordered(), 3, per_page=10, count_limit=100)
    assert [y.family_name for y in last] == ["Namn020", "Namn021", "Namn022"]
    assert (last.number, last.has_next, last.has_previous, last.previous_page_number) == (3, False, True, 2)
    assert (last.start_index, last.end_index) == (21, 23)


def test_above_the_limit_the_count_is_unknown_until_the_last_page(youths, django_assert_num_queries):
    first = page_of(_ordered(), 1, per_page=5, count_limit=12)
    assert (first.count, first.num_pages, first.has_next) == (None, None, True)
    with django_assert_num_queries(2):  # beyond the limit: the page's ids (OFFSET), the rows
        middle = page_of(_ordered(), 4, per_page=5, count_limit=12)
    assert [y.family_name for y in middle] == [f"Namn{i:03d}" for i in range(15, 20)]
    assert (middle.count, middle.has_next) == (None, True)
    last = page_of(_ordered(), 5, per_page=5, count_limit=12)
    assert [y.family_name for y in last] == ["Namn020", "Namn021", "Namn022"]
    assert (last.count, last.num_pages, last.has_next) == (23, 5, False)


def test_a_count_exactly_at_the_limit_is_known(youths):
    page = page_of(_ordered(), 1, per_page=5, count_limit=23)
    assert (page.count, page.has_next) == (23, True)
    assert page_of(_ordered(), 1, per_page=5, count_limit=22).count is None


def test_a_page_size_that_does_not_divide_the_limit_still_sees_the_next_page(youths):
    page = page_of(_ordered(), 2, per_page=7, count_limit=10)  # rows 8–14 straddle the limit
    assert [y.family_name for y in page] == [f"Namn{i:03d}" for i in range(7, 14)]
    assert page.has_next and page.count is None


def test_a_page_beyond_the_end_shows_the_last_page(youths, django_assert_num_queries):
    with django_assert_num_queries(2):  # the count is known from the ids
        page = page_of(_ordered(), 5, per_page=10, count_limit=100)
    assert (page.number, page.count, len(page)) == (3, 23, 3)
    with django_assert_num_queries(4):  # a long list: no ids there, the count, the last page (ids, rows)
        page = page_of(_ordered(), 99, per_page=10, count_limit=5)
    assert (page.number, page.count, len(page)) == (3, 23, 3)


def test_an_empty_list_is_one_empty_page(municipality):
    page = page_of(_ordered(), 4, per_page=10)
    assert (page.number, page.count, list(page), page.has_other_pages, page.start_index) == (1, 0, [], False, 0)


def test_the_rows_come_with_the_querysets_joins(youths, coach, django_assert_num_queries):
    Youth.objects.filter(pk=youths[0].pk).update(coach=coach)
    page = page_of(_ordered().select_related("coach"), 1, per_page=10)
    with django_assert_num_queries(0):
        assert [str(y.coach) for y in page][:1] == [str(coach)]


def _links(page) -> str:
    request = RequestFactory().get("/list/", {"status": "in", "page": page.number})
    return render_to_string("core/_pages.html", {"page_obj": page}, request)


def test_the_links_keep_the_filters_and_show_the_last_page_only_when_known(youths):
    html = _links(page_of(_ordered(), 2, per_page=5, count_limit=100))
    assert "?status=in&amp;page=1" in html and "?status=in&amp;page=3" in html
    assert "Sida 2 av 5" in html
    html = _links(page_of(_ordered(), 3, per_page=5, count_limit=10))
    assert "Sida 3<" in html and " av " not in html
    assert 'href="?status=in"' in html  # the first page
    assert _links(page_of(_ordered(), 1, per_page=50)).strip() == ""
