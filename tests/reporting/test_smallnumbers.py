"""The small-number rule (kaa.reporting.smallnumbers): checked against an exhaustive search."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from kaa.reporting.smallnumbers import SECONDARY, UNDER, cell, suppress

counts = st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=4)


def possible_values(shown: list, total: object) -> list[set[int]]:
    """Every value each cell may have, given what a reader sees (exhaustive, small tables only)."""
    ranges = []
    limit = total if isinstance(total, int) else 60
    for value in shown:
        if value == UNDER:
            ranges.append(range(1, 5))
        elif value == SECONDARY:
            ranges.append(range(5, limit + 1))
        else:
            ranges.append(range(value, value + 1))
    seen: list[set[int]] = [set() for _ in shown]
    for combo in itertools.product(*ranges):
        if isinstance(total, int) and sum(combo) != total:
            continue
        for i, v in enumerate(combo):
            seen[i].add(v)
    return seen


@settings(max_examples=300, deadline=None)
@given(counts)
def test_no_hidden_count_can_be_worked_out(values: list[int]) -> None:
    table = suppress(dict(enumerate(values)))
    shown = list(table.cells.values())
    for value, mark in zip(values, shown, strict=True):
        if 0 < value < 5:
            assert mark == UNDER  # every small count is hidden
        elif mark not in (UNDER, SECONDARY):
            assert mark == value  # what is shown is exact
        if mark == SECONDARY:
            assert value >= 5
    total = sum(values)
    assert table.total in (total, UNDER, SECONDARY)
    assert table.total_hidden == (table.total == SECONDARY)
    feasible = possible_values(shown, table.total)
    assert all(feasible), "the shown table must be consistent with the true counts"
    for value, mark, options in zip(values, shown, feasible, strict=True):
        assert value in options
        if mark == UNDER and isinstance(table.total, int):
            assert len(options) >= 2, (values, shown, table.total)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=5, max_value=50) | st.just(0), min_size=1, max_size=6))
def test_nothing_is_hidden_without_a_small_count(values: list[int]) -> None:
    table = suppress(dict(enumerate(values)))
    assert list(table.cells.values()) == values
    assert table.total == (sum(values) if sum(values) == 0 or sum(values) >= 5 else UNDER)


@given(counts)
def test_exact_shows_everything(values: list[int]) -> None:
    table = suppress(dict(enumerate(values)), exact=True)
    assert list(table.cells.values()) == values and table.total == sum(values)


def test_known_answers() -> None:
    assert suppress({"a": 3, "b": 7, "c": 12}).cells == {"a": UNDER, "b": SECONDARY, "c": 12}
    assert suppress({"a": 3, "b": 2, "c": 12}).cells == {"a": UNDER, "b": UNDER, "c": 12}
    one = suppress({"a": 1, "b": 5})  # 1 + 5 = 6: hiding 5 still leaves 6 − 5 = 1, so the total goes
    assert one.cells == {"a": UNDER, "b": SECONDARY} and one.total == SECONDARY and one.total_hidden
    assert suppress({"a": 3}).total == UNDER
    several = suppress({"a": 20, "b": 4}, additive=False)  # a youth may be in both: no sum to protect
    assert several.cells == {"a": 20, "b": UNDER} and several.total is None


def test_a_single_count() -> None:
    assert [cell(n, exact=False) for n in (0, 1, 4, 5, None)] == [0, UNDER, UNDER, 5, None]
    assert cell(3, exact=True) == 3
