"""When the next meeting should be: pure functions over dates (no models, no database).

- A network meeting every six weeks (seed 002): six weeks after the latest one, moved to the same
  weekday; never in the past.
- The steering group at least three times a term (seed 004): the term is split into three equal
  parts and one meeting is proposed in each; the next proposal is the middle of the first part after
  the latest meeting's part (or of the next term). Spring term: 10 January to 15 June; autumn term:
  15 August to 20 December (a school year's ordinary terms).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

NETWORK_INTERVAL = datetime.timedelta(weeks=6)
STEERING_PER_TERM = 3


@dataclass(frozen=True)
class Term:
    start: datetime.date
    end: datetime.date

    def parts(self, n: int = STEERING_PER_TERM) -> list[tuple[datetime.date, datetime.date]]:
        """The term in ``n`` equal parts (first day, last day)."""
        days = (self.end - self.start).days + 1
        bounds = [self.start + datetime.timedelta(days=days * i // n) for i in range(n + 1)]
        return [(bounds[i], bounds[i + 1] - datetime.timedelta(days=1)) for i in range(n)]

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def term_of(day: datetime.date) -> Term:
    """The term a day belongs to; a day in a holiday belongs to the term that follows it."""
    spring = Term(datetime.date(day.year, 1, 10), datetime.date(day.year, 6, 15))
    autumn = Term(datetime.date(day.year, 8, 15), datetime.date(day.year, 12, 20))
    if day <= spring.end:
        return spring
    if day <= autumn.end:
        return autumn
    return Term(datetime.date(day.year + 1, 1, 10), datetime.date(day.year + 1, 6, 15))


def next_term(term: Term) -> Term:
    return term_of(term.end + datetime.timedelta(days=1))


def next_network_meeting(latest: datetime.date | None, today: datetime.date) -> datetime.date:
    """Six weeks after the latest network meeting (the same weekday); from today when none was held,
    and never before today (a missed meeting is proposed for the same weekday after today)."""
    if latest is None:
        return today
    day = latest + NETWORK_INTERVAL
    while day < today:
        day += datetime.timedelta(weeks=1)
    return day


def _middle(part: tuple[datetime.date, datetime.date]) -> datetime.date:
    return part[0] + (part[1] - part[0]) // 2


def next_steering_meeting(held: list[datetime.date], today: datetime.date) -> datetime.date:
    """The middle of the first third of a term (this one or a later one) that has no meeting yet and
    has not ended; today when that third has already begun."""
    held_set = sorted(set(held))
    term = term_of(today)
    for _attempt in range(4):
        for part in term.parts():
            if part[1] < today or any(part[0] <= d <= part[1] for d in held_set):
                continue
            return max(_middle(part), today)
        term = next_term(term)
    return today + datetime.timedelta(weeks=6)  # unreachable with three parts a term; a safe fallback


def steering_held_this_term(held: list[datetime.date], today: datetime.date) -> tuple[int, int]:
    """(meetings held or planned in today's term, the least the term needs)."""
    term = term_of(today)
    return sum(1 for d in held if term.contains(d)), STEERING_PER_TERM
