"""The meeting cycle: every six weeks for the network, three times a term for the steering group."""

import datetime
import itertools

from kaa.meetings import cycle

D = datetime.date


def test_network_meets_six_weeks_after_the_last():
    assert cycle.next_network_meeting(D(2026, 9, 4), D(2026, 9, 10)) == D(2026, 10, 16)


def test_network_without_a_meeting_starts_today():
    assert cycle.next_network_meeting(None, D(2026, 9, 10)) == D(2026, 9, 10)


def test_a_missed_network_meeting_is_proposed_on_the_same_weekday_after_today():
    proposed = cycle.next_network_meeting(D(2026, 1, 9), D(2026, 4, 1))
    assert proposed >= D(2026, 4, 1) and proposed.weekday() == D(2026, 1, 9).weekday()
    assert proposed - D(2026, 4, 1) < datetime.timedelta(days=7)


def test_a_term_in_three_parts_covers_it_without_gaps():
    term = cycle.term_of(D(2026, 9, 1))
    parts = term.parts()
    assert parts[0][0] == term.start and parts[-1][1] == term.end
    for (_a, end), (start, _b) in itertools.pairwise(parts):
        assert start == end + datetime.timedelta(days=1)


def test_steering_group_is_spread_over_the_term():
    today = D(2026, 8, 20)
    first = cycle.next_steering_meeting([], today)
    second = cycle.next_steering_meeting([first], today)
    third = cycle.next_steering_meeting([first, second], today)
    parts = cycle.term_of(today).parts()
    assert [any(a <= d <= b for d in (first, second, third)) for a, b in parts] == [True, True, True]
    # With three held, the next is in the spring term.
    assert cycle.next_steering_meeting([first, second, third], today) >= D(2027, 1, 10)
    assert cycle.steering_held_this_term([first, second], today) == (2, 3)


def test_a_day_in_the_summer_belongs_to_the_autumn_term():
    assert cycle.term_of(D(2026, 7, 1)).start == D(2026, 8, 15)
    assert cycle.term_of(D(2026, 12, 28)).start == D(2027, 1, 10)
