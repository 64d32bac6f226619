"""Demo data for outreach: the municipality's chain, assignments, and a contact history for every
assigned youth, laid out relative to the demo's day.

A coach who logs in on the first morning sees a realistic day: most long-standing youths reached (or
declined and due for re-contact), a few steps overdue by days (never by months or years), several due
today and in the coming week. The youths waiting for a coach are the ones who entered the register
last. Each history is built backwards from the step the youth should be at and the day it falls due,
so the worklist looks the same whatever the register dates of the synthetic youths are.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from kaa.outreach import deadlines, selectors, services
from kaa.outreach.models import Channel, ContactChain, MeetingPlace, Outcome, Preset
from kaa.register.models import Youth

# How far the next step of an active youth is from today (days) and how often: a few overdue by days,
# several today, several this week, some later.
DUE_OFFSETS = [(-6, 1), (-2, 1), (-1, 1), (0, 5), (1, 3), (2, 3), (3, 2), (4, 2), (6, 2), (9, 2)]
OVERDUE_AT_MOST = 6  # days: a demo youth's next step is never overdue by more
# The stages a youth can be at, with the days between the letter and the step that falls due.
STAGE_WEIGHTS = {"home_visit_1": 3, "home_visit_2": 2, "concern_report": 1}
MEETING_PLACES = [MeetingPlace.OFFICE, MeetingPlace.CAFE, MeetingPlace.HOME, MeetingPlace.VIDEO]


class Day:
    """Times on the demo's timeline: a day and an hour, never later than an hour before 'now'."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        real_today = timezone.localdate()
        self.now = timezone.now() if today == real_today else timezone.make_aware(
            datetime.datetime.combine(today, datetime.time(16, 0)))

    def at(self, day: datetime.date, hour: int, minute: int = 15) -> datetime.datetime:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        return min(moment, self.now - datetime.timedelta(hours=1))

    def days_ago(self, n: int) -> datetime.date:
        return self.today - datetime.timedelta(days=n)


def seed_demo(*, municipality: Any, users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    if not ContactChain.objects.filter(municipality=municipality, is_active=True).exists():
        services.chain_install_preset(municipality=municipality, preset=Preset.ALMHULT, user=users.get("admin"))
    coaches = [users[name] for name in ("coach1", "coach2") if name in users]
    if not coaches:
        return
    day = Day(today)
    waiting = list(Youth.objects.filter(municipality=municipality, in_target_group=True, coach__isnull=True)
                   .order_by("pk"))
    starts = selectors.states_for(waiting)
    # The newest entries wait for the coordinator; the rest are shared between the coaches.
    waiting.sort(key=lambda y: (starts[y.pk].start or today, y.pk), reverse=True)
    keep_unassigned = max(1, len(waiting) // 8)
    to_assign = sorted(waiting[keep_unassigned:], key=lambda y: y.pk)
    for i, coach in enumerate(coaches):
        services.youths_assign(youths=to_assign[i::len(coaches)], coach=coach, user=users.get("samordnare"))
    # Every assigned youth without contacts yet gets a history (the register demo may assign too).
    worked = list(Youth.objects.filter(municipality=municipality, in_target_group=True, coach__in=coaches)
                  .exclude(contact_attempts__isnull=False).select_related("coach").order_by("pk"))
    states = selectors.states_for(worked)
    concern_done = declined_done = False
    for youth in worked:
        start = states[youth.pk].start
        if start is None:
            continue
        colleague = coaches[-1] if youth.coach_id != coaches[-1].pk else coaches[0]
        story = Story(youth=youth, coach=youth.coach, start=start, day=day, rng=rng, colleague=colleague)
        # At least one youth has declined support and one has been reported to social services.
        if not declined_done and story.declined(anyway=True):
            declined_done = True
        elif not concern_done and (today - start).days > 45:
            story.concern_reported()
            concern_done = True
        else:
            story.play()


class Story:
    """One youth's contact history, built so that the next step falls due on a chosen day."""

    def __init__(self, *, youth: Youth, coach: Any, start: datetime.date, day: Day, rng: random.Random,
                 colleague: Any) -> None:
        self.youth, self.coach, self.start, self.day = youth, coach, start, day
        self.rng, self.colleague = rng, colleague
        self.today = day.today
        self.age = (self.today - start).days

    # --- what happened ---------------------------------------------------------------------------
    def contact(self, on: datetime.date, hour: int, channel: str, outcome: str) -> None:
        # Whether the guardian is called is decided on the day of the call.
        to_guardian = channel in (Channel.PHONE, Channel.SMS) and self.youth.age_on(on) < 18
        services.contact_record(youth=self.youth, user=self.coach, channel=channel, at=self.day.at(on, hour),
                                outcome=outcome, to_guardian=to_guardian, source="demo")

    def opening(self, until: datetime.date) -> None:
        """The social-services check and the letter, the first days after entering (not after ``until``)."""
        for offset, hour, channel in ((1, 9, Channel.SOCIAL_SERVICES_CHECK), (2, 10, Channel.LETTER)):
            on = self.start + datetime.timedelta(days=offset)
            if on <= until:
                self.contact(on, hour, channel, Outcome.SENT)

    def calls(self, first: datetime.date, last: datetime.date, count: int, evenings: int) -> None:
        """``count`` unanswered calls between two days, ``evenings`` of them in the evening."""
        span = max((last - first).days, 0)
        days = sorted(first + datetime.timedelta(days=self.rng.randint(0, span)) for _ in range(count))
        for i, on in enumerate(days):
            hour = (18, 19)[i % 2] if i < evenings else (10, 13)[i % 2]
            self.contact(on, hour, self.rng.choice([Channel.PHONE, Channel.SMS]) if hour < 17 else Channel.PHONE,
                         self.rng.choice([Outcome.NO_ANSWER, Outcome.MESSAGE_LEFT]))

    # --- the plans -------------------------------------------------------------------------------
    def play(self) -> None:
        roll = self.rng.random()
        if self.age >= 120:
            plan = "reached" if roll < 0.5 else "declined" if roll < 0.65 else "active"
        elif self.age >= 30:
            plan = "reached" if roll < 0.3 else "declined" if roll < 0.38 else "active"
        else:
            plan = "reached" if roll < 0.15 else "active"
        if plan == "declined" and self.declined():
            return
        if plan in ("reached", "declined") and self.reached():
            return
        self.active()

    def reached(self) -> bool:
        """Reached by phone; most have a first meeting booked, some still need one (due soon)."""
        latest = self.day.days_ago(1)
        earliest = self.start + datetime.timedelta(days=3)
        if earliest > latest:
            return False
        book = self.rng.random() < 0.75
        if book:
            on = earliest + datetime.timedelta(days=self.rng.randint(0, min((latest - earliest).days, 40)))
        else:  # "book the first meeting" falls due within the week
            on = self.today + datetime.timedelta(days=self.rng.randint(-2, 6) - 7)
            if not earliest <= on <= latest:
                return False
        self.opening(on)
        self.contact(on, 18, Channel.PHONE, Outcome.REACHED)
        if book:
            place = self.rng.choice(MEETING_PLACES)
            meeting = timezone.make_aware(datetime.datetime.combine(
                on + datetime.timedelta(days=self.rng.randint(3, 8)), datetime.time(14, 0)))
            services.first_meeting_book(youth=self.youth, user=self.coach, at=meeting, place=place,
                                        colleague=self.colleague if place == MeetingPlace.HOME else None)
        return True

    def declined(self, *, anyway: bool = False) -> bool:
        """Declined support about three months ago: re-contact falls due in the coming weeks (``anyway``:
        or later, when the youth entered too recently for that)."""
        due = self.today + datetime.timedelta(days=self.rng.randint(0, 20))
        on = deadlines.add_months(due, -3)
        if anyway:
            on = max(on, self.start + datetime.timedelta(days=3))
        if on < self.start + datetime.timedelta(days=3) or on >= self.today:
            return False
        self.opening(on)
        self.contact(on, 18, Channel.PHONE, Outcome.DECLINED)
        return True

    def active(self) -> None:
        """Not reached yet: the next step falls due a chosen number of days from today."""
        offset = self.rng.choices([d for d, _w in DUE_OFFSETS], weights=[w for _d, w in DUE_OFFSETS])[0]
        yesterday = self.day.days_ago(1)
        # The phone step counts from the start: it is the next step only for a recent start.
        phone_due = self.start + datetime.timedelta(days=10)
        stages = {name: w for name, w in STAGE_WEIGHTS.items() if self._letter_day(name, offset) >= self.start}
        if (phone_due - self.today).days >= -OVERDUE_AT_MOST and (not stages or self.rng.random() < 0.4):
            self.opening(yesterday)
            first = self.start + datetime.timedelta(days=3)
            if first <= yesterday:  # a call or two so far, not yet the four the step needs
                self.calls(first, yesterday, self.rng.randint(0, 2), evenings=0)
            return
        if not stages:
            # Entered only days ago and past the phone step's window: nothing is possible but the opening.
            self.opening(yesterday)
            return
        stage = self.rng.choices(list(stages), weights=list(stages.values()))[0]
        letter = self._letter_day(stage, offset)
        self.contact(max(self.start, letter - datetime.timedelta(days=1)), 9, Channel.SOCIAL_SERVICES_CHECK,
                     Outcome.SENT)
        self.contact(letter, 10, Channel.LETTER, Outcome.SENT)
        visit_1 = letter + datetime.timedelta(days=14)
        last_call = min(yesterday, visit_1 - datetime.timedelta(days=1)) if stage != "home_visit_1" else yesterday
        self.calls(letter + datetime.timedelta(days=1), max(last_call, letter + datetime.timedelta(days=1)), 4,
                   evenings=2)
        if stage == "home_visit_1":
            return
        visit_1 = self.today + datetime.timedelta(days=offset - 14) if stage == "home_visit_2" else visit_1
        self.contact(visit_1, 15, Channel.HOME_VISIT, Outcome.NO_ANSWER)
        if stage == "home_visit_2":
            return
        self.contact(self.today + datetime.timedelta(days=offset - 5), 15, Channel.HOME_VISIT, Outcome.NO_ANSWER)

    def _letter_day(self, stage: str, offset: int) -> datetime.date:
        """The day the letter must have been sent for ``stage`` to fall due ``offset`` days from today."""
        due = self.today + datetime.timedelta(days=offset)
        if stage == "home_visit_1":  # due 14 days after the letter
            return due - datetime.timedelta(days=14)
        if stage == "home_visit_2":  # due 14 days after visit 1, itself 14 days after the letter
            return due - datetime.timedelta(days=28)
        return due - datetime.timedelta(days=5 + 14 + 14)  # the concern report: 5 days after visit 2

    def concern_reported(self) -> None:
        """Two home visits without contact, then a concern report a few days ago, follow-up in two weeks."""
        sent_on = self.day.days_ago(3)
        visit_2 = sent_on - datetime.timedelta(days=5)
        visit_1 = visit_2 - datetime.timedelta(days=14)
        letter = visit_1 - datetime.timedelta(days=14)
        self.contact(max(self.start, letter - datetime.timedelta(days=1)), 9, Channel.SOCIAL_SERVICES_CHECK,
                     Outcome.SENT)
        self.contact(letter, 10, Channel.LETTER, Outcome.SENT)
        self.calls(letter + datetime.timedelta(days=1), visit_1 - datetime.timedelta(days=1), 4, evenings=2)
        self.contact(visit_1, 15, Channel.HOME_VISIT, Outcome.NO_ANSWER)
        self.contact(visit_2, 15, Channel.HOME_VISIT, Outcome.NO_ANSWER)
        services.concern_report_record(youth=self.youth, user=self.coach, sent_on=sent_on,
                                       follow_up_on=sent_on + datetime.timedelta(days=14))
