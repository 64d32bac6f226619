"""The periodic-job scheduler: enqueues each job once per period, even with two schedulers.

Apps declare jobs with ``periodic(...)`` in their ``tasks.py``. ``schedule_due`` inserts one
``ScheduledRun`` per (job, period); the unique constraint makes a second scheduler's insert fail,
so the task is enqueued once. Periods missed while no scheduler ran are caught up (up to
``catch_up`` of them), oldest first. The task receives the period as its ``period`` argument.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun

log = logging.getLogger(__name__)

EVERY = {"minute": datetime.timedelta(minutes=1), "hour": datetime.timedelta(hours=1),
         "day": datetime.timedelta(days=1)}
FORMAT = {"minute": "%Y-%m-%dT%H:%M", "hour": "%Y-%m-%dT%H", "day": "%Y-%m-%d"}


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    every: str  # minute | hour | day
    at: datetime.time | None = None  # for daily jobs: not before this local time
    catch_up: int = 7

    def period_start(self, now: datetime.datetime) -> datetime.datetime:
        local = timezone.localtime(now)
        if self.every == "minute":
            return local.replace(second=0, microsecond=0)
        if self.every == "hour":
            return local.replace(minute=0, second=0, microsecond=0)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.at and local.time() < self.at:
            start -= EVERY["day"]
        return start

    def key(self, start: datetime.datetime) -> str:
        return start.strftime(FORMAT[self.every])


JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, task_path: str, every: str, at: datetime.time | None = None,
             catch_up: int = 7) -> PeriodicJob:
    job = PeriodicJob(name=name, task_path=task_path, every=every, at=at, catch_up=catch_up)
    JOBS[name] = job
    return job


def discover() -> dict[str, PeriodicJob]:
    for config in apps.get_app_configs():
        if config.name.startswith("kaa."):
            try:
                import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise
    return JOBS


def _due_periods(job: PeriodicJob, now: datetime.datetime) -> list[str]:
    current = job.period_start(now)
    last = ScheduledRun.objects.filter(job=job.name).order_by("-period").values_list("period", flat=True).first()
    if last is None:
        return [job.key(current)]
    keys = []
    start = current
    for _ in range(max(job.catch_up, 0) + 1):
        key = job.key(start)
        if key <= last:
            break
        keys.append(key)
        start -= EVERY[job.every]
    return list(reversed(keys))


def schedule_due(now: datetime.datetime | None = None) -> list[tuple[str, str]]:
    """Enqueue every job period that is due and not yet enqueued. Returns what was enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in discover().values():
        for key in _due_periods(job, now):
            try:
                with transaction.atomic():
                    run = ScheduledRun.objects.create(job=job.name, period=key)
                    result = import_string(job.task_path).enqueue(period=key)
                    run.task_result_id = str(result.id)
                    run.save(update_fields=["task_result_id"])
            except IntegrityError:
                continue  # another scheduler got there first
            log.info("enqueued %s for %s", job.name, key)
            enqueued.append((job.name, key))
    return enqueued
