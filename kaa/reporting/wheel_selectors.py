"""Reads of the yearly wheel: the tasks and their occurrences (computed by kaa/reporting/wheel.py), what is
done, and the reminders of the coordinator's start page. Scoped by the access policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone

from kaa.accounts.policy import Perm, municipalities_with, municipality_ids_with

from . import wheel
from .models import WheelDone, WheelTask

OVERDUE_DAYS = 30  # an occurrence not done stays on the start page this long after its date
DONE, OVERDUE, DUE_SOON, UPCOMING = "done", "overdue", "due_soon", "upcoming"


@dataclass(frozen=True)
class Occurrence:
    task: WheelTask
    on: datetime.date
    done: WheelDone | None
    status: str


def rule_of(task: WheelTask) -> wheel.Rule:
    return wheel.Rule(
        kind=task.kind,
        anchor=task.anchor,
        interval_weeks=task.interval_weeks,
        day_of_month=task.day_of_month,
        months=wheel.months_parse(task.months),
    )


def status_of(task: WheelTask, on: datetime.date, done: WheelDone | None, today: datetime.date) -> str:
    if done is not None:
        return DONE
    if on < today:
        return OVERDUE
    return DUE_SOON if (on - today).days <= task.remind_days else UPCOMING


def occurrences(
    *, tasks: list[WheelTask], start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> list[Occurrence]:
    """Every occurrence of the tasks within [start, end], with who marked it done (one query)."""
    today = today or timezone.localdate()
    if not tasks or end < start:
        return []
    done = {
        (d.task_id, d.on): d
        for d in WheelDone.objects.filter(task__in=tasks, on__gte=start, on__lte=end).select_related("done_by")
    }
    out = []
    for task in tasks:
        for on in wheel.occurrences(rule_of(task), start, end):
            found = done.get((task.pk, on))
            out.append(Occurrence(task, on, found, status_of(task, on, found, today)))
    out.sort(key=lambda o: (o.on, o.task.title.casefold(), o.task.pk))
    return out


def tasks_of(*, municipality: Any, active_only: bool = True) -> list[WheelTask]:
    tasks = WheelTask.objects.filter(municipality=municipality)
    return list(tasks.filter(active=True) if active_only else tasks)


def reminders(*, tasks: list[WheelTask], today: datetime.date) -> list[Occurrence]:
    """Occurrences not done: overdue (at most OVERDUE_DAYS ago) or due within the task's reminder days."""
    if not tasks:
        return []
    horizon = today + datetime.timedelta(days=max(t.remind_days for t in tasks))
    return [
        o
        for o in occurrences(tasks=tasks, start=today - datetime.timedelta(days=OVERDUE_DAYS), end=horizon, today=today)
        if o.status in (OVERDUE, DUE_SOON)
    ]


def dashboard_context(user: Any) -> dict[str, Any]:
    """The coordinator's start page: the wheel's tasks overdue or due soon, per municipality (two queries)."""
    today = timezone.localdate()
    municipalities = municipalities_with(user, Perm.STATISTICS_EXPORT)
    tasks = list(WheelTask.objects.filter(municipality__in=municipalities, active=True))
    found = reminders(tasks=tasks, today=today)
    return {
        "today": today,
        "municipalities": [
            {"municipality": m, "occurrences": [o for o in found if o.task.municipality_id == m.pk]}
            for m in municipalities
        ],
    }


def task_for(*, user: Any, pk: int) -> WheelTask:
    """A task of a municipality where the user keeps the wheel; 404 otherwise."""
    return get_object_or_404(
        WheelTask.objects.select_related("municipality"),
        pk=pk,
        municipality_id__in=municipality_ids_with(user, Perm.STATISTICS_EXPORT),
    )
