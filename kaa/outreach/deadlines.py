"""Due dates of the contact chain: THE one place they are computed (never stored).

A youth's chain starts at its latest ``register.entered`` event. Each step's due date counts from
an anchor (the chain start, the coach assignment, an earlier step being done, the youth being
reached, or the latest refusal) plus whole months and days, in Europe/Stockholm dates. A step
counted from an earlier step that is not done yet uses that step's due date, so the whole plan is
visible from day one and moves when a step is done early or late, or when the chain is edited.

A step is done when the contact attempts since the chain start satisfy it (``repetitions``
attempts on one of its channels, ``min_evening`` of them at or after the municipality's evening
time; to the guardian while the youth is under 18 on the day of that attempt when
``guardian_if_minor``), when a first meeting is booked (meeting steps), when it is marked done by
hand, or, for steps that only run ``until_contact``, when the youth has been reached or has
declined. Attempts are consumed by the first unfinished step that can use them, so two home-visit
steps need two visits.

Whether the guardian is the one to contact next (``minor``, ``StepState.to_guardian``) is decided
on the day of the contact: ``on`` (today for a due item), never on the day the chain started.

A reply from the youth waits until someone marks it handled, or a first meeting is booked after a
reply that asked for one. Logging a call does not handle a reply.

``compute`` is a pure function over plain values (property-tested). This module reads nothing: the
caller loads the municipality's chain (``ChainSpec``) and the youth's events and hands them in
(``kaa.outreach.selectors.states_for`` does so for many youths in a fixed number of queries). A
chain is installed when a municipality is set up, never as a side effect of reading due dates.
"""

from __future__ import annotations

import calendar
import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")

ENTERED, LEFT = "register.entered", "register.left"
CONTACT, ASSIGNED, MEETING = "outreach.contact", "outreach.assigned", "outreach.meeting_booked"
STEP_DONE, REPLY, REPLY_HANDLED = "outreach.step_done", "outreach.reply", "outreach.reply_handled"
EVENT_KINDS = (ENTERED, LEFT, CONTACT, ASSIGNED, MEETING, STEP_DONE, REPLY, REPLY_HANDLED)

# Statuses of the outreach phase (API values).
ONGOING, REACHED, DECLINED, CLOSED = "ongoing", "reached", "declined", "closed"


@dataclass(frozen=True)
class Ev:
    """A youth event reduced to what the deadlines need."""

    kind: str
    at: datetime.datetime  # aware
    data: dict = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple:
        # Recording order must not matter: sort by time, then by content.
        return (self.at, self.kind, json.dumps(self.data, sort_keys=True, default=str))


@dataclass(frozen=True)
class StepSpec:
    code: str
    name: str = ""
    channels: tuple[str, ...] = ()
    completion: str = "attempts"  # attempts | meeting | manual
    anchor: str = "start"  # start | assigned | step | reached | declined
    anchor_step: str = ""
    offset_days: int = 0
    offset_months: int | None = None
    applies_to: str = "always"  # always | under_18 | adult
    until_contact: bool = True
    guardian_if_minor: bool = False
    repetitions: int = 1
    min_evening: int = 0
    letter_template: str = ""
    order: int = 0


@dataclass(frozen=True)
class ChainSpec:
    code: str
    steps: tuple[StepSpec, ...]
    evening_starts_at: datetime.time = datetime.time(17, 0)
    recontact_months: int = 3


@dataclass(frozen=True)
class StepState:
    spec: StepSpec
    due: datetime.date | None
    done: bool
    done_on: datetime.date | None = None
    closed_by_contact: bool = False
    attempts: int = 0
    evening_attempts: int = 0
    to_guardian: bool = False  # the youth is a minor and this step contacts the guardian

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def is_call(self) -> bool:
        return "phone" in self.spec.channels or "sms" in self.spec.channels

    @property
    def channel(self) -> str:
        return self.spec.channels[0] if self.spec.channels else ""


@dataclass(frozen=True)
class OutreachState:
    status: str
    start: datetime.date | None
    steps: tuple[StepState, ...] = ()
    reached_on: datetime.date | None = None
    declined_on: datetime.date | None = None
    reply_waiting: bool = False
    reply_at: datetime.datetime | None = None
    minor: bool = False  # under 18 on the day the state is computed for (``on``): contact the guardian
    replies: tuple[Ev, ...] = ()  # the replies waiting, oldest first

    @property
    def next_step(self) -> StepState | None:
        if self.status == CLOSED:
            return None
        open_steps = [s for s in self.steps if not s.done and s.due is not None]
        return min(open_steps, key=lambda s: (s.due, s.spec.order), default=None)

    def step(self, code: str) -> StepState | None:
        return next((s for s in self.steps if s.code == code), None)

    def bucket(self, on: datetime.date) -> str:
        """Where the youth sits on a worklist: reply, overdue, today, week, later, none."""
        nxt = self.next_step
        return bucket_of(reply_waiting=self.reply_waiting, next_due=nxt.due if nxt else None, on=on)


def bucket_of(*, reply_waiting: bool, next_due: datetime.date | None, on: datetime.date) -> str:
    """Where a youth sits on a worklist on ``on``: reply, overdue, today, week, later, none."""
    if reply_waiting:
        return "reply"
    if next_due is None:
        return "none"
    if next_due < on:
        return "overdue"
    if next_due == on:
        return "today"
    if next_due <= on + datetime.timedelta(days=6):
        return "week"
    return "later"


def local_date(at: datetime.datetime) -> datetime.date:
    return at.astimezone(TZ).date()


def is_evening(at: datetime.datetime, evening_starts_at: datetime.time) -> bool:
    return at.astimezone(TZ).time() >= evening_starts_at


def add_months(day: datetime.date, months: int) -> datetime.date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    years = day.year - birth_date.year
    return years - 1 if (day.month, day.day) < (birth_date.month, birth_date.day) else years


def _is_contact(ev: Ev) -> str | None:
    """'reached' or 'declined' when this event means contact was made."""
    if ev.kind == MEETING:
        return REACHED
    if ev.kind != CONTACT:
        return None
    outcome, channel = ev.data.get("outcome"), ev.data.get("channel")
    if outcome == "declined":
        return DECLINED
    if outcome == "reached" or (channel == "youth_initiated" and outcome != "failed"):
        return REACHED
    return None


def asks_for_meeting(reply: Ev) -> bool:
    data = reply.data
    return data.get("kind") == "meeting" or bool(data.get("meeting_when") or data.get("meeting_where"))


def _handled_until(ev: Ev) -> datetime.datetime:
    """A handled mark covers the replies seen when it was made (``until``), never a later one."""
    until = ev.data.get("until")
    if until:
        try:
            parsed = datetime.datetime.fromisoformat(str(until))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return min(parsed, ev.at)
    return ev.at


def _reply_state(events: Sequence[Ev]) -> tuple[Ev, ...]:
    """The replies still waiting: only a handled mark (or booking the meeting asked for) ends one."""
    waiting: list[Ev] = []
    for ev in events:
        if ev.kind == REPLY:
            waiting.append(ev)
        elif ev.kind == REPLY_HANDLED:
            until = _handled_until(ev)
            waiting = [r for r in waiting if r.at > until]
        elif ev.kind == MEETING:
            waiting = [r for r in waiting if not (asks_for_meeting(r) and r.at <= ev.at)]
    return tuple(waiting)


def compute(chain: ChainSpec, events: Iterable[Ev], *, birth_date: datetime.date,
            fallback_start: datetime.date | None = None, on: datetime.date | None = None) -> OutreachState:
    """The outreach state of one youth: status, each step's due date and whether it is done.

    ``on`` is the day the next contact is made (today when not given): it decides whether the
    guardian is the one to contact.
    """
    ordered = sorted(events, key=Ev.sort_key)
    replies = _reply_state(ordered)
    reply_waiting, reply_at = bool(replies), (replies[0].at if replies else None)
    entered = [ev for ev in ordered if ev.kind == ENTERED]
    if entered:
        start_at = entered[-1].at
    elif fallback_start is not None:
        start_at = datetime.datetime.combine(fallback_start, datetime.time(0), TZ)
    else:
        return OutreachState(status=CLOSED, start=None, reply_waiting=reply_waiting, reply_at=reply_at,
                             replies=replies)
    start = local_date(start_at)
    since = [ev for ev in ordered if ev.at >= start_at]
    # Which steps make up the plan is fixed when the chain starts; whom to contact is decided on
    # the day of the contact.
    minor_at_start = age_on(birth_date, start) < 18
    minor = age_on(birth_date, on or datetime.datetime.now(TZ).date()) < 18

    status, first_reached, last_declined, contact_at = ONGOING, None, None, None
    for ev in since:
        made = _is_contact(ev)
        if made is None:
            continue
        status = made
        contact_at = contact_at or ev.at
        if made == REACHED and first_reached is None:
            first_reached = ev.at
        if made == DECLINED:
            last_declined = ev
    if any(ev.kind == LEFT for ev in since):
        status = CLOSED
    assigned = next((ev.at for ev in since if ev.kind == ASSIGNED), start_at)

    contacts = [ev for ev in since if ev.kind == CONTACT and ev.data.get("outcome") != "failed"]
    consumed: set[int] = set()
    by_code: dict[str, StepState] = {}
    steps: list[StepState] = []
    for spec in sorted(chain.steps, key=lambda s: s.order):
        if (spec.applies_to == "under_18" and not minor_at_start) or (spec.applies_to == "adult" and minor_at_start):
            continue
        base = _anchor_date(spec, start, local_date(assigned), by_code, first_reached, last_declined)
        due = None
        if base is not None:
            months = spec.offset_months if spec.offset_months is not None else (
                chain.recontact_months if spec.anchor == "declined" else 0)
            due = add_months(base, months) + datetime.timedelta(days=spec.offset_days)
        state = _done_state(spec, due, since, contacts, consumed, chain, birth_date, minor,
                            last_declined, contact_at)
        by_code[spec.code] = state
        steps.append(state)

    return OutreachState(
        status=status, start=start, steps=tuple(steps),
        reached_on=local_date(first_reached) if first_reached else None,
        declined_on=local_date(last_declined.at) if last_declined else None,
        reply_waiting=reply_waiting, reply_at=reply_at, minor=minor, replies=replies,
    )


def _anchor_date(spec: StepSpec, start: datetime.date, assigned: datetime.date,
                 by_code: dict[str, StepState], first_reached: datetime.datetime | None,
                 last_declined: Ev | None) -> datetime.date | None:
    if spec.anchor == "assigned":
        return assigned
    if spec.anchor == "step":
        earlier = by_code.get(spec.anchor_step)
        if earlier is None:
            return start
        if earlier.done and not earlier.closed_by_contact and earlier.done_on:
            return max(earlier.done_on, start)
        return earlier.due
    if spec.anchor == "reached":
        return local_date(first_reached) if first_reached else None
    if spec.anchor == "declined":
        return local_date(last_declined.at) if last_declined else None
    return start


def _done_state(spec: StepSpec, due: datetime.date | None, since: Sequence[Ev], contacts: Sequence[Ev],
                consumed: set[int], chain: ChainSpec, birth_date: datetime.date, minor: bool,
                last_declined: Ev | None, contact_at: datetime.datetime | None) -> StepState:
    guardian = spec.guardian_if_minor and minor
    manual = next((ev for ev in since if ev.kind == STEP_DONE and ev.data.get("step") == spec.code), None)
    count = evening = 0
    done_at = None
    if spec.completion == "meeting":
        meeting = next((ev for ev in since if ev.kind == MEETING), None)
        done_at = meeting.at if meeting else None
    elif spec.completion == "attempts":
        floor = last_declined if spec.anchor == "declined" else None
        if spec.anchor == "declined" and floor is None:
            candidates: list[tuple[int, Ev]] = []
        else:
            candidates = [(i, ev) for i, ev in enumerate(contacts)
                          if (floor is not None or i not in consumed) and ev.data.get("channel") in spec.channels
                          and (floor is None or ev.sort_key() > floor.sort_key())]
        for i, ev in candidates:
            if spec.guardian_if_minor and age_on(birth_date, local_date(ev.at)) < 18 and not ev.data.get(
                    "to_guardian"):
                continue
            if spec.anchor != "declined":
                consumed.add(i)
            count += 1
            evening += is_evening(ev.at, chain.evening_starts_at)
            if count >= max(spec.repetitions, 1) and evening >= spec.min_evening:
                done_at = ev.at
                break
    if manual is not None and (done_at is None or manual.at < done_at):
        done_at = manual.at
    if done_at is not None:
        return StepState(spec, due, True, local_date(done_at), False, count, evening, guardian)
    if spec.until_contact and contact_at is not None and spec.anchor in ("start", "assigned", "step"):
        return StepState(spec, due, True, local_date(contact_at), True, count, evening, guardian)
    return StepState(spec, due, False, None, False, count, evening, guardian)
