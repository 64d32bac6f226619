"""Cheap pages of a long list: no ``COUNT(*)`` over the whole list, no per-row work for skipped rows.

Django's ``Paginator`` counts every matching row before it shows one page; on a register of 60,000
youths that count is most of the page's time. ``page_of`` instead reads

- the ids of the list's first ``count_limit + 1`` rows (one query, only the columns the ordering needs):
  they give the page's ids, whether there is a next page, and how many rows match, up to
  ``count_limit``; above that the page says "more than ``count_limit``" (``count`` is None) and the page
  numbers go on without a last one. For a search that has to scan the table this is one scan, not two
  (the rows, then the count);
- on a page beyond ``count_limit``, only that page's ids and one more (``LIMIT per_page + 1 OFFSET …``);
- then the page's rows by id, in the list's order: a correlated subquery or a join of the list (the
  latest school, the coach) is computed for the page's rows only, never for the rows skipped.

A page beyond the end (an old link) shows the last page, as ``Paginator.get_page`` does; only then may the
whole list be counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

PER_PAGE = 50
COUNT_LIMIT = 1000


@dataclass
class Page:
    """One page of a list, for the templates (``core/_pages.html``): the rows, the page number, whether
    there are pages before and after, and how many rows match when that is known."""

    object_list: list[Any]
    number: int
    per_page: int
    has_next: bool
    count: int | None  # every matching row, or None: more than count_limit
    count_limit: int

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: Any) -> Any:
        return self.object_list[index]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        """The number of pages when the count is known, else None."""
        if self.count is None:
            return None
        return max(1, -(-self.count // self.per_page))

    @property
    def start_index(self) -> int:
        """1-based index of the page's first row (0 on an empty list)."""
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)


def page_number(value: Any) -> int:
    """The page asked for: a positive integer, otherwise the first page."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(1, number)


def page_of(queryset: QuerySet, page: Any, *, per_page: int = PER_PAGE, count_limit: int | None = None) -> Page:
    """The page ``page`` (a number or the ``page`` parameter as given) of an ordered queryset.

    Two queries: the ids, then the page's rows by id. On a page that starts before ``count_limit`` the ids
    are the first ``count_limit + 1`` of the list (one read of an index or, for a search, one scan),
    which gives the page's ids and the count (or "more than ``count_limit``") at once; on a later page they
    are the page's own plus one (``OFFSET``). The queryset must be ordered so that its order is total (end
    with the primary key); the rows come back in that order.
    """
    count_limit = COUNT_LIMIT if count_limit is None else count_limit
    number = page_number(page)
    offset = (number - 1) * per_page
    if offset < count_limit:
        head = list(queryset.values_list("pk", flat=True)[:max(count_limit, offset + per_page) + 1])
        count = len(head) if len(head) <= count_limit else None
        if count is not None and number > 1 and offset >= count:
            number = max(1, -(-count // per_page))  # beyond the end: the last page
            offset = (number - 1) * per_page
        ids = head[offset:offset + per_page + 1]
    else:
        count = None
        ids = list(queryset.values_list("pk", flat=True)[offset:offset + per_page + 1])
    if not ids and number > 1:
        # Beyond the end of a long list (an old link): the last page. Only here is the whole list counted.
        total = queryset.order_by().count()
        return page_of(queryset, max(1, -(-total // per_page)), per_page=per_page, count_limit=count_limit)
    has_next = len(ids) > per_page
    ids = ids[:per_page]
    if count is None and not has_next:
        count = offset + len(ids)  # the last page: every row is before it or on it
    rows = []
    if ids:
        by_id = {row.pk: row for row in queryset.filter(pk__in=ids)}
        rows = [by_id[pk] for pk in ids if pk in by_id]
    return Page(object_list=rows, number=number, per_page=per_page, has_next=has_next, count=count,
                count_limit=count_limit)
