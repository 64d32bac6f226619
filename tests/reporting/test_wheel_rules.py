"""The yearly wheel's occurrence rule (kaa/reporting/wheel.py): known answers and properties."""

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaa.reporting import wheel
from kaa.reporting.wheel import MONTHLY, WEEKLY, Rule, occurrences

D = datetime.date
days = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))
weekly = st.builds(Rule, kind=st.just(WEEKLY), anchor=days, interval_weeks=st.integers(1, 52))
monthly = st.builds(
    Rule,
    kind=st.just(MONTHLY),
    anchor=days,
    day_of_month=st.integers(1, 31),
    months=st.frozensets(st.integers(1, 12), min_size=1),
)
rules = st.one_of(weekly, monthly)


def ranges():
    return st.tuples(days, st.integers(0, 800)).map(lambda t: (t[0], t[0] + datetime.timedelta(days=t[1])))


def test_known_answers():
    friday = Rule(WEEKLY, D(2026, 1, 2))
    assert occurrences(friday, D(2026, 1, 1), D(2026, 1, 31)) == [
        D(2026, 1, 2),
        D(2026, 1, 9),
        D(2026, 1, 16),
        D(2026, 1, 23),
        D(2026, 1, 30),
    ]
    network = Rule(WEEKLY, D(2026, 1, 6), interval_weeks=6)
    assert occurrences(network, D(2026, 1, 7), D(2026, 6, 30)) == [
        D(2026, 2, 17),
        D(2026, 3, 31),
        D(2026, 5, 12),
        D(2026, 6, 23),
    ]
    scb = Rule(MONTHLY, D(2026, 1, 1), day_of_month=31, months=frozenset({1, 7}))
    assert occurrences(scb, D(2026, 1, 1), D(2027, 12, 31)) == [
        D(2026, 1, 31),
        D(2026, 7, 31),
        D(2027, 1, 31),
        D(2027, 7, 31),
    ]
    month_end = Rule(MONTHLY, D(2026, 1, 1), day_of_month=31, months=frozenset({2, 4}))
    assert occurrences(month_end, D(2028, 1, 1), D(2028, 12, 31)) == [D(2028, 2, 29), D(2028, 4, 30)]
    assert occurrences(scb, D(2026, 2, 1), D(2026, 1, 1)) == []
    assert occurrences(Rule(MONTHLY, D(2026, 3, 1), day_of_month=5), D(2026, 1, 1), D(2026, 4, 30)) == [
        D(2026, 3, 5),
        D(2026, 4, 5),
    ]  # nothing before the first time


def test_bad_rules_are_refused():
    for bad in (
        {"kind": "daily"},
        {"interval_weeks": 0},
        {"day_of_month": 32},
        {"months": frozenset()},
        {"months": frozenset({13})},
    ):
        with pytest.raises(ValueError):
            Rule(**{"kind": MONTHLY, "anchor": D(2026, 1, 1), **bad})


def test_months_text_round_trip():
    assert wheel.months_text((7, 1, 7)) == "1,7"
    assert wheel.months_parse("1,7") == frozenset({1, 7})


@settings(max_examples=300, deadline=None)
@given(rules, ranges())
def test_occurrences_lie_in_the_range_in_order(rule, span):
    start, end = span
    found = occurrences(rule, start, end)
    assert found == sorted(set(found))
    assert all(start <= d <= end and d >= rule.anchor for d in found)


@settings(max_examples=300, deadline=None)
@given(rules, ranges(), st.integers(0, 800))
def test_splitting_the_range_splits_the_occurrences(rule, span, cut):
    start, end = span
    middle = min(start + datetime.timedelta(days=cut), end)
    assert occurrences(rule, start, end) == (
        occurrences(rule, start, middle) + occurrences(rule, middle + datetime.timedelta(days=1), end)
    )


@settings(max_examples=300, deadline=None)
@given(weekly, ranges())
def test_weekly_steps_are_the_interval(rule, span):
    found = occurrences(rule, *span)
    step = 7 * rule.interval_weeks
    assert all((d - rule.anchor).days % step == 0 for d in found)
    assert all((b - a).days == step for a, b in itertools.pairwise(found))
    # Nothing is skipped: a whole step inside the range (after the anchor) holds one occurrence.
    start, end = span
    first = max(start, rule.anchor)
    if (end - first).days >= step:
        assert found and (found[0] - first).days < step


@settings(max_examples=300, deadline=None)
@given(monthly, ranges())
def test_monthly_one_a_chosen_month(rule, span):
    found = occurrences(rule, *span)
    assert all(d.month in rule.months for d in found)
    assert all(d == wheel.day_in_month(d.year, d.month, rule.day_of_month) for d in found)
    assert len({(d.year, d.month) for d in found}) == len(found)
    start, end = span
    for year in range(start.year, end.year + 1):
        for month in rule.months:
            day = wheel.day_in_month(year, month, rule.day_of_month)
            if start <= day <= end and day >= rule.anchor:
                assert day in found


@given(st.dates(max_value=D(9999, 12, 24)), st.integers(0, 6))
def test_next_weekday(day, weekday):
    found = wheel.next_weekday(day, weekday)
    assert found.weekday() == weekday and 0 <= (found - day).days < 7
