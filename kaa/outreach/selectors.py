"""Reads of the outreach app, always scoped by the user's access (kaa.accounts.policy).

Lists compute every youth's state in a fixed number of queries: the youths (one query), their
events (one query, ``deadlines.states_for``) and the chains (one or two), whatever their number.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kaa.accounts.models import Membership, Role, User
from kaa.accounts.policy import CASEWORKER_ROLES, Perm, municipality_ids_with, visible_youths
from kaa.register.models import Youth

from . import deadlines
from .models import ConcernReport, ContactAttempt, FirstMeeting

BUCKET_ORDER = {"reply": 0, "overdue": 1, "today": 2, "week": 3}
YOUTH_FIELDS = ("id", "municipality_id", "birth_date", "given_name", "family_name", "in_target_group",
                "register_since", "coach_id", "protection")


@dataclass(frozen=True)
class WorkItem:
    youth: Youth
    state: deadlines.OutreachState
    bucket: str

    @property
    def step(self) -> deadlines.StepState | None:
        return self.state.next_step


def _register_youths(user: Any, qs: QuerySet[Youth] | None = None) -> list[Youth]:
    return list(visible_youths(user, qs).filter(in_target_group=True).only(*YOUTH_FIELDS))


def worklist(*, user: Any, on: datetime.date | None = None) -> list[WorkItem]:
    """The user's youths with something to do: replies first, then overdue, due today, this week."""
    on = on or timezone.localdate()
    youths = _register_youths(user)
    states = deadlines.states_for(youths)
    items = []
    for youth in youths:
        state = states[youth.pk]
        bucket = state.bucket(on)
        if bucket in BUCKET_ORDER:
            items.append(WorkItem(youth, state, bucket))
    items.sort(key=lambda it: (BUCKET_ORDER[it.bucket], it.step.due if it.step else on,
                               it.youth.family_name, it.youth.given_name, it.youth.pk))
    return items


def counts(items: list[WorkItem]) -> dict[str, int]:
    found = Counter(it.bucket for it in items)
    return {key: found.get(key, 0) for key in BUCKET_ORDER}


def worklist_counts(user: Any, on: datetime.date | None = None) -> dict[str, int]:
    return counts(worklist(user=user, on=on))


def youths_with_step_due(*, user: Any, step_code: str = "letter", on: datetime.date | None = None) -> QuerySet[Youth]:
    """Youths whose step ``step_code`` is due on or before ``on`` and not done (e.g. a letter batch)."""
    on = on or timezone.localdate()
    youths = _register_youths(user)
    states = deadlines.states_for(youths)
    ids = []
    for youth in youths:
        state = states[youth.pk]
        step = state.step(step_code)
        if state.status != deadlines.CLOSED and step and not step.done and step.due and step.due <= on:
            ids.append(youth.pk)
    return Youth.objects.filter(pk__in=ids).order_by("family_name", "given_name", "pk")


# --- Assignment and the coordinator's overview --------------------------------------------------

def unassigned(*, user: Any) -> QuerySet[Youth]:
    ids = municipality_ids_with(user, Perm.ASSIGN)
    return (visible_youths(user).filter(in_target_group=True, coach__isnull=True, municipality_id__in=ids)
            .select_related("municipality").order_by("register_since", "family_name", "given_name", "pk"))


def coaches(*, user: Any) -> QuerySet[User]:
    """Coaches the user may assign to, each with their load (youths in the register assigned to them)."""
    ids = municipality_ids_with(user, Perm.ASSIGN)
    coach_ids = Membership.objects.filter(municipality_id__in=ids, role=Role.COACH).values("user_id")
    return (User.objects.filter(pk__in=coach_ids, is_active=True)
            .annotate(load=Count("youths", filter=Q(youths__in_target_group=True)))
            .order_by("last_name", "first_name", "username"))


def overview(*, user: Any, on: datetime.date | None = None) -> dict:
    """Youths per stage, overdue per coach, unassigned and replies waiting, for the coordinator."""
    on = on or timezone.localdate()
    ids = municipality_ids_with(user, Perm.ASSIGN)
    youths = _register_youths(user, Youth.objects.filter(municipality_id__in=ids))
    states = deadlines.states_for(youths)
    stages: Counter = Counter()
    overdue_by_coach: Counter = Counter()
    replies = 0
    for youth in youths:
        state = states[youth.pk]
        step = state.next_step
        stages[(state.status, step.spec.name if step else "")] += 1
        if step is not None and step.due < on:
            overdue_by_coach[youth.coach_id] += 1
        replies += state.reply_waiting
    names = {u.pk: u for u in User.objects.filter(pk__in=[k for k in overdue_by_coach if k])}
    return {
        "total": len(youths),
        "stages": sorted(({"status": s, "step": n, "count": c} for (s, n), c in stages.items()),
                         key=lambda r: (r["status"], str(r["step"]))),
        "overdue_by_coach": sorted(({"coach": names.get(k), "count": c} for k, c in overdue_by_coach.items()),
                                   key=lambda r: -r["count"]),
        "unassigned": sum(1 for y in youths if y.coach_id is None),
        "replies": replies,
        "overdue": sum(overdue_by_coach.values()),
    }


def colleagues(*, youth: Youth, user: Any) -> QuerySet[User]:
    roles = [*CASEWORKER_ROLES, Role.COORDINATOR]
    user_ids = Membership.objects.filter(municipality_id=youth.municipality_id, role__in=roles).values("user_id")
    return User.objects.filter(pk__in=user_ids, is_active=True).exclude(pk=user.pk).order_by("last_name", "first_name")


# --- The youth page section and the start pages ---------------------------------------------------

def youth_section_context(user: Any, youth: Youth) -> dict:
    """The youth's chain with due/done per step, recent attempts, meetings and concern reports."""
    state = deadlines.state_for(youth)
    return {
        "state": state,
        "today": timezone.localdate(),
        "attempts": list(ContactAttempt.objects.filter(youth=youth).select_related("by")[:20]),
        "meetings": list(FirstMeeting.objects.filter(youth=youth).select_related("colleague")[:5]),
        "concern_reports": list(ConcernReport.objects.filter(youth=youth)[:5]),
    }


def coach_dashboard(user: Any) -> dict:
    return {"counts": worklist_counts(user)}


def coordinator_dashboard(user: Any) -> dict:
    data = overview(user=user)
    return {"unassigned": data["unassigned"], "overdue": data["overdue"], "replies": data["replies"],
            "total": data["total"]}
