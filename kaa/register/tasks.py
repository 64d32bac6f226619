"""The register computation in the task worker: the daily run (scheduled by kaa.core.scheduler), and a
large computation split into id ranges that several workers compute side by side."""

from __future__ import annotations

import datetime
import multiprocessing
import threading

from django.conf import settings
from django.db import connection, connections
from django_tasks import task

from kaa.core.scheduler import periodic

from .compute import ComputeResult, IdRange, candidate_ranges, register_compute


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


def _compute_range(args: tuple[str, int, int | None, bool]) -> ComputeResult:
    on, low, high, force = args
    try:
        return register_compute(on=datetime.date.fromisoformat(on), id_range=(low, high), force=force)
    finally:
        connections.close_all()


def register_compute_parallel(*, on: datetime.date, force: bool = False, processes: int | None = None
                              ) -> ComputeResult:
    """The computation for ``on`` split into id ranges computed by ``processes`` child processes side by
    side, as the task workers do (``manage.py compute_register`` without workers running); waits for all.

    Each range decides its youths with the same ``register_compute``; on SQLite (one writer at a time) and
    for a small day it runs here alone.
    """
    processes = processes or min(settings.KAA_COMPUTE_PARTS, multiprocessing.cpu_count())
    # Inside a transaction the children could not see its writes (and closing its connection would end it).
    # With other threads running (a test's live server, say) a forked child would copy their open database
    # connections: fork only from a single-threaded process, as the command is.
    alone = (connection.vendor != "postgresql" or processes < 2 or connection.in_atomic_block
             or threading.active_count() > 1)
    ranges = [] if alone else _ranges(on, force, None)
    if len(ranges) <= 1:
        return register_compute(on=on, force=force)
    # Children open their own connections: an inherited socket must never be shared between processes.
    connections.close_all()
    result = ComputeResult()
    # The children are forked once, when the pool starts and before it starts its own threads (a child forked
    # later, to replace one, could inherit a lock one of those threads held, and wait on it for ever); they
    # take the ranges in turn and end when the pool is closed (not terminated: a SIGTERM handler inherited from
    # the caller would leave a waiting child alive and the pool joining it).
    pool = multiprocessing.get_context("fork").Pool(min(processes, len(ranges)))
    try:
        for part in pool.imap_unordered(_compute_range, [(on.isoformat(), low, high, force)
                                                         for low, high in ranges]):
            result.add(part)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return result


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
