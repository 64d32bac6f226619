"""What each kind of data is, in records: the default rules (DOMAIN.md §11) and the tables a run
removes from. Retention sits above every app whose data it thins (ARCHITECTURE.md: layers), so it
names their models here, in one place; an app added later adds its tables to a kind here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models

from kaa.casework.models import (
    ActionPlan,
    Consent,
    Evaluation,
    JournalEntry,
    Mapping,
    Measure,
    Occupation,
    PlanRevision,
    Referral,
)
from kaa.handover.models import Fraktsedel, Transfer
from kaa.meetings.models import MeetingYouth, ReviewDecision
from kaa.messaging.models import Letter, ReplyCode
from kaa.outreach.models import ConcernReport, ContactAttempt, FirstMeeting
from kaa.register.models import Enrolment, Guardian, RegisterPeriod, SchoolReport, YouthEvent

from .models import CountedFrom, DataKind


@dataclass(frozen=True)
class Default:
    months: int
    counted_from: str
    from_year_end: bool = False
    keep: bool = False


# DOMAIN.md §11: contact details go when the youth has left the target group and the case is closed;
# journal, plan and mapping three years after the end of the year the case closed; the register's
# history is kept (the basis of reported statistics). Every rule starts switched off: the
# administrator previews it, enters the decision and switches it on.
DEFAULTS: dict[str, Default] = {
    DataKind.CONTACT_DETAILS: Default(0, CountedFrom.CASE_CLOSED),
    DataKind.REGISTER_FACTS: Default(36, CountedFrom.CASE_CLOSED, from_year_end=True, keep=True),
    DataKind.REGISTER_HISTORY: Default(36, CountedFrom.CASE_CLOSED, from_year_end=True, keep=True),
    DataKind.OUTREACH: Default(36, CountedFrom.CASE_CLOSED, from_year_end=True),
    DataKind.LETTERS: Default(36, CountedFrom.CASE_CLOSED, from_year_end=True),
    DataKind.CASEWORK: Default(36, CountedFrom.CASE_CLOSED, from_year_end=True),
    DataKind.IMPORT_RUNS: Default(24, CountedFrom.CREATED),
    DataKind.LETTER_BATCHES: Default(12, CountedFrom.CREATED),
    DataKind.AUDIT: Default(36, CountedFrom.CREATED, from_year_end=True),
}

# The fields of the youth's record that are contact details (cleared, the record stays).
CONTACT_FIELDS = ("address", "postal_code", "city", "phone", "email")


@dataclass(frozen=True)
class Target:
    """One table of a kind: its rows about the youths ``youth_path`` names, and its audit name."""

    model: type[models.Model]
    object_type: str
    youth_path: str = "youth"
    only: dict = field(default_factory=dict)  # a further filter (e.g. closed periods only)
    # False for a first pass over part of a table that a later target removes whole (counted there).
    counted: bool = True

    def rows(self, youth_ids: models.QuerySet | list[int]) -> models.QuerySet:
        return self.model._base_manager.filter(**{f"{self.youth_path}__in": youth_ids}, **self.only)


# In the order a run deletes them: what points at a row goes before it (a referral before its consent,
# an evaluation before its measure, a letter before its reply code).
TARGETS: dict[str, tuple[Target, ...]] = {
    DataKind.CONTACT_DETAILS: (Target(Guardian, "guardian"),),
    DataKind.REGISTER_FACTS: (Target(Enrolment, "enrolment"), Target(SchoolReport, "school_report")),
    DataKind.REGISTER_HISTORY: (
        # The open period is the youth's current status: it stays.
        Target(RegisterPeriod, "register_period", only={"valid_to__isnull": False}),
        Target(YouthEvent, "youth_event"),
    ),
    DataKind.OUTREACH: (
        Target(ContactAttempt, "contact_attempt"),
        Target(FirstMeeting, "first_meeting"),
        Target(ConcernReport, "concern_report"),
    ),
    DataKind.LETTERS: (Target(Letter, "letter"), Target(ReplyCode, "reply_code")),
    DataKind.CASEWORK: (
        # The hand-over documents given and the meetings' notes about the youth point at its consents
        # and journal entries: they go first.
        Target(Fraktsedel, "fraktsedel"),
        Target(Transfer, "transfer"),
        Target(ReviewDecision, "review_decision"),
        Target(MeetingYouth, "meeting_youth"),
        Target(Referral, "referral"),
        Target(Consent, "consent"),
        Target(Evaluation, "evaluation", youth_path="measure__youth"),
        Target(Measure, "measure"),
        Target(PlanRevision, "plan_revision", youth_path="plan__youth"),
        Target(ActionPlan, "action_plan"),
        Target(Mapping, "mapping"),
        # Corrections point at the entry they correct: they go first.
        Target(JournalEntry, "journal_entry", only={"corrects__isnull": False}, counted=False),
        Target(JournalEntry, "journal_entry"),
        Target(Occupation, "occupation"),
    ),
}


def cutoff(*, months: int, from_year_end: bool, today: datetime.date) -> datetime.date:
    """Records whose event fell before this day are due: the event + ``months`` (from the end of the
    event's year when ``from_year_end``) has come by ``today``."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, _days_in(year, month + 1))
    back = datetime.date(year, month + 1, day)
    if from_year_end:
        # The period starts on 1 January after the event: due when that day + months <= today.
        return datetime.date(back.year, 1, 1)
    return back + datetime.timedelta(days=1)


def due_on(*, event: datetime.date, months: int, from_year_end: bool) -> datetime.date:
    """The day a record whose event fell on ``event`` is thinned."""
    start = datetime.date(event.year + 1, 1, 1) if from_year_end else event
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return datetime.date(year, month + 1, min(start.day, _days_in(year, month + 1)))


def _days_in(year: int, month: int) -> int:
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - datetime.timedelta(days=1)).day
