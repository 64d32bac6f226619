"""The register computation in the task worker: the daily run (scheduled by kaa.core.scheduler), and a
large computation split into id ranges that several workers compute side by side."""

from __future__ import annotations

import datetime

from django.conf import settings
from django_tasks import task

from kaa.core.scheduler import periodic

from .compute import IdRange, candidate_ranges, register_compute


def _ranges(on: datetime.date, force: bool, parts: int | None) -> list[IdRange]:
    parts = parts or settings.KAA_COMPUTE_PARTS
    return candidate_ranges(on=on, parts=parts, force=force, smallest=settings.KAA_COMPUTE_SPLIT_AT // parts)


def _enqueue(on: datetime.date, ranges: list[IdRange], force: bool) -> int:
    for low, high in ranges:
        register_compute_range.enqueue(on.isoformat(), low, high, force)
    return len(ranges)


def register_compute_in_workers(*, on: datetime.date, force: bool = False, parts: int | None = None) -> int:
    """Enqueue the computation for ``on`` as one task per id range; returns the number of tasks.

    With several workers (``manage.py db_worker`` processes, on one machine or many) the ranges are
    computed in parallel; the results are the same as one ``register_compute`` run.
    """
    return _enqueue(on, _ranges(on, force, parts), force)


@task()
def register_compute_range(on: str, low: int, high: int | None, force: bool = False) -> str:
    """One id range of a split computation (see ``register_compute_in_workers``)."""
    return str(register_compute(on=datetime.date.fromisoformat(on), id_range=(low, high), force=force))


@task()
def register_compute_daily(period: str) -> str:
    """Apply the rules for the period's day: youths whose facts changed or whose date has come.

    A large day (a region's first import) is split over the workers instead of run here alone.
    """
    on = datetime.date.fromisoformat(period)
    ranges = _ranges(on, False, None)
    if len(ranges) > 1:
        return f"split into {_enqueue(on, ranges, False)} tasks"
    return str(register_compute(on=on))


periodic("register_compute", "kaa.register.tasks.register_compute_daily", every="day",
         at=datetime.time(2, 0))
