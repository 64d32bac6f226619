"""Due items of a case: THE one place they are computed (never stored), like outreach's deadlines.

From plain facts of one youth's case (its status, plan, measures and their evaluations, the last
contact, the register's latest word), on a given day:

- ``plan_review``: the plan's review date is this week or past;
- ``follow_up``: a measure's follow-up date is this week or past and no follow-up or evaluation was
  recorded from a week before it;
- ``evaluation``: a measure's evaluation date is this week or past and no evaluation was recorded from
  two weeks before it;
- ``evaluation_after``: a measure has ended (not declined) and has no evaluation after it;
- ``measure_ending``: a running measure ends within this week (today and the six days after);
- ``turning_20``: the youth turns 20 within 60 days;
- ``no_contact``: an open case with no contact with the youth for 30 days;
- ``recontact``: a youth who declined is due to be contacted again;
- ``closing_proposal``: the register says the youth left the target group: close the case.
- ``next_step``: a meeting (the team's case review) agreed a next step with a date, and nobody has
  written in the journal or reached the youth since (``open_next_step``).

Items are sorted overdue first, then by date. Only open cases have items; a declined case has its
re-contact (and a closing proposal); a closed case none.

Everything here is a pure function over plain values; ``kaa.casework.selectors`` loads the facts for
many youths in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

WEEK_DAYS = 6  # "this week": today and the six days after
TURNING_20_DAYS = 60
NO_CONTACT_DAYS = 30
FOLLOW_UP_WINDOW = datetime.timedelta(days=7)
EVALUATION_WINDOW = datetime.timedelta(days=14)

CLOSING_PROPOSAL, RECONTACT, PLAN_REVIEW = "closing_proposal", "recontact", "plan_review"
FOLLOW_UP, EVALUATION, EVALUATION_AFTER = "follow_up", "evaluation", "evaluation_after"
MEASURE_ENDING, TURNING_20, NO_CONTACT = "measure_ending", "turning_20", "no_contact"
NEXT_STEP = "next_step"
KIND_ORDER = {k: i for i, k in enumerate((CLOSING_PROPOSAL, RECONTACT, NO_CONTACT, NEXT_STEP, PLAN_REVIEW,
                                          EVALUATION_AFTER, EVALUATION, FOLLOW_UP, MEASURE_ENDING, TURNING_20))}
NEXT_STEP_EVENT = "casework.next_step"

OPEN, DECLINED, CLOSED = "open", "declined", "closed"
# Only an open or declined case has anything due (``due_items``): a list may skip the facts of the others.
STATUSES_WITH_ITEMS = (OPEN, DECLINED)
CONTACT_JOURNAL_KINDS = frozenset({"meeting", "phone"})


@dataclass(frozen=True)
class MeasureFacts:
    id: int
    code: str
    start: datetime.date
    end: datetime.date | None = None
    declined: bool = False
    waiting: bool = False
    end_reason: str = ""
    follow_up_on: datetime.date | None = None
    evaluate_on: datetime.date | None = None
    evaluations: tuple[tuple[str, datetime.date], ...] = ()  # (kind, date)

    def ongoing(self, on: datetime.date) -> bool:
        return (not self.declined and not self.waiting and not self.end_reason and self.start <= on
                and (self.end is None or self.end >= on))

    def ended(self, on: datetime.date) -> bool:
        return not self.declined and (bool(self.end_reason) or (self.end is not None and self.end < on))


@dataclass(frozen=True)
class Proposal:
    """The register says the youth left: the reason to close with (``ukaa`` keeps the case open instead)."""

    register_reason: str
    left_on: datetime.date
    ukaa: bool = False


@dataclass(frozen=True)
class CaseFacts:
    youth_id: int
    birth_date: datetime.date
    status: str = ""  # "" (no case yet), open, declined, closed
    opened_on: datetime.date | None = None
    review_on: datetime.date | None = None
    recontact_on: datetime.date | None = None
    last_contact_on: datetime.date | None = None
    measures: tuple[MeasureFacts, ...] = ()
    proposal: Proposal | None = None
    next_step_on: datetime.date | None = None


@dataclass(frozen=True)
class DueItem:
    kind: str
    due: datetime.date
    youth_id: int
    measure_id: int | None = None
    measure_code: str = field(default="", compare=False)

    def overdue(self, on: datetime.date) -> bool:
        return self.due < on

    def sort_key(self, on: datetime.date) -> tuple:
        return (0 if self.overdue(on) else 1, self.due, KIND_ORDER[self.kind], self.youth_id, self.measure_id or 0)


def twentieth_birthday(birth_date: datetime.date) -> datetime.date:
    try:
        return birth_date.replace(year=birth_date.year + 20)
    except ValueError:  # born 29 February: 20 on 1 March
        return datetime.date(birth_date.year + 20, 3, 1)


def closing_proposal(*, status: str, status_changed_at: datetime.datetime | None, in_target_group: bool,
                     left: tuple[str, datetime.date, datetime.datetime] | None, extended: bool, ukaa_on: bool,
                     ongoing_measure: bool) -> Proposal | None:
    """A proposal to close when the register recorded, after the case's status last changed, that the
    youth left the target group. ``left`` is the latest ``register.left`` event: (reason, the date it took
    effect, when it was recorded). At 20 with a running measure, UKAA keeps the case open where the
    municipality has switched it on."""
    if status not in (OPEN, DECLINED) or in_target_group or left is None:
        return None
    reason, left_on, recorded_at = left
    if status_changed_at is not None and recorded_at <= status_changed_at:
        return None
    ukaa = reason == "fyllt_20" and extended and ukaa_on and ongoing_measure
    return Proposal(reason, left_on, ukaa=ukaa)


def last_contact(events: Iterable[tuple[str, datetime.date, dict]], on: datetime.date) -> datetime.date | None:
    """The latest day contact was made with the youth: a contact that reached them (or that they began),
    a reply, a first meeting held, a meeting or phone journal entry, a mapping conversation."""
    latest: datetime.date | None = None
    for kind, day, data in events:
        made = False
        if kind == "outreach.contact":
            outcome = data.get("outcome")
            made = outcome in ("reached", "declined") or (data.get("channel") == "youth_initiated"
                                                          and outcome != "failed")
        elif kind in ("outreach.reply", "casework.mapping"):
            made = True
        elif kind == "outreach.meeting_booked":
            try:
                day = datetime.date.fromisoformat(str(data.get("date")))
            except ValueError:
                continue
            made = True
        elif kind == "casework.journal":
            made = data.get("kind") in CONTACT_JOURNAL_KINDS
        if made and day <= on and (latest is None or day > latest):
            latest = day
    return latest


def open_next_step(events: Iterable[tuple[str, datetime.datetime, dict]]) -> datetime.date | None:
    """The date of the next step a meeting agreed (``casework.next_step``), while it is open.

    ``events`` are (kind, when recorded, data). The latest agreed step counts (a later one replaces it);
    it is done once a journal entry is written or a contact is made after it was agreed, except the
    entry that records the decision itself (``entry_id``).
    """
    due_on: datetime.date | None = None
    own_entry = None
    agreed_at: datetime.datetime | None = None
    for kind, recorded_at, data in sorted(events, key=lambda e: e[1]):
        if kind == NEXT_STEP_EVENT:
            try:
                due_on = datetime.date.fromisoformat(str(data.get("due")))
            except ValueError:
                continue
            own_entry, agreed_at = data.get("entry_id"), recorded_at
        elif due_on is not None and agreed_at is not None and recorded_at > agreed_at and not (
                kind == "casework.journal" and data.get("entry_id") == own_entry):
            due_on = None
    return due_on


def _measure_items(facts: CaseFacts, m: MeasureFacts, on: datetime.date, horizon: datetime.date) -> list[DueItem]:
    if m.declined:
        return []
    items = []

    def add(kind: str, due: datetime.date) -> None:
        items.append(DueItem(kind, due, facts.youth_id, m.id, m.code))

    if m.follow_up_on is not None and m.follow_up_on <= horizon and not m.ended(on) and not any(
            day >= m.follow_up_on - FOLLOW_UP_WINDOW for _kind, day in m.evaluations):
        add(FOLLOW_UP, m.follow_up_on)
    evaluations = [(kind, day) for kind, day in m.evaluations if kind in ("during", "after")]
    if m.evaluate_on is not None and m.evaluate_on <= horizon and not any(
            day >= m.evaluate_on - EVALUATION_WINDOW for _kind, day in evaluations):
        add(EVALUATION, m.evaluate_on)
    elif m.ended(on) and m.end is not None and not any(kind == "after" for kind, _day in evaluations):
        add(EVALUATION_AFTER, m.end)
    if m.ongoing(on) and m.end is not None and on <= m.end <= on + datetime.timedelta(days=WEEK_DAYS):
        add(MEASURE_ENDING, m.end)
    return items


def due_items(facts: CaseFacts, on: datetime.date) -> list[DueItem]:
    """Everything due on the youth's case this week or overdue, overdue first."""
    if facts.status not in STATUSES_WITH_ITEMS:
        return []
    horizon = on + datetime.timedelta(days=WEEK_DAYS)
    items: list[DueItem] = []
    if facts.proposal is not None and not facts.proposal.ukaa and facts.status in (OPEN, DECLINED):
        items.append(DueItem(CLOSING_PROPOSAL, facts.proposal.left_on, facts.youth_id))
    if facts.next_step_on is not None and facts.status in (OPEN, DECLINED) and facts.next_step_on <= horizon:
        items.append(DueItem(NEXT_STEP, facts.next_step_on, facts.youth_id))
    if facts.status == DECLINED and facts.recontact_on is not None and facts.recontact_on <= horizon:
        items.append(DueItem(RECONTACT, facts.recontact_on, facts.youth_id))
    if facts.status == OPEN:
        if facts.review_on is not None and facts.review_on <= horizon:
            items.append(DueItem(PLAN_REVIEW, facts.review_on, facts.youth_id))
        for m in facts.measures:
            items.extend(_measure_items(facts, m, on, horizon))
        birthday = twentieth_birthday(facts.birth_date)
        if on <= birthday <= on + datetime.timedelta(days=TURNING_20_DAYS):
            items.append(DueItem(TURNING_20, birthday, facts.youth_id))
        since = facts.last_contact_on or facts.opened_on
        if since is not None and since + datetime.timedelta(days=NO_CONTACT_DAYS) <= on:
            items.append(DueItem(NO_CONTACT, since + datetime.timedelta(days=NO_CONTACT_DAYS), facts.youth_id))
    return sorted(items, key=lambda it: it.sort_key(on))
