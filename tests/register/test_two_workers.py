"""Scale-out (ARCHITECTURE.md "Running at scale"): two real ``db_worker`` processes on PostgreSQL share one
register computation, each taking id ranges from the database queue, and no youth is decided twice."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from kaa.register.models import RegisterPeriod, Youth, YouthEvent
from kaa.register.tasks import register_compute_in_workers

from .test_compute_split import ON, cohort

ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    """The suite's DATABASE_URL with the test database's name (the workers are other processes)."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def _start_worker(name: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "bench.settings",
           "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.05",
         "--max-tasks", "4", "--worker-id", name],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_two_workers_split_the_register_computation_and_decide_each_youth_once(municipality, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    settings.KAA_COMPUTE_SPLIT_AT = 8
    youths = cohort(municipality, 40)
    assert register_compute_in_workers(on=ON, parts=8) == 8
    assert Youth.objects.filter(needs_evaluation=True).count() == 40

    # Each worker stops after 4 of the 8 ranges, so the run needs both, side by side.
    workers = [_start_worker("worker-a"), _start_worker("worker-b")]
    deadline = time.monotonic() + 120
    for worker in workers:
        _out, err = worker.communicate(timeout=max(1.0, deadline - time.monotonic()))
        assert worker.returncode == 0, err.decode()[-2000:]

    results = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    assert len(results) == 8 and {status for status, _ in results} == {"SUCCESSFUL"}
    ran_on = collections.Counter(ids[-1] for _status, ids in results)
    assert ran_on == {"worker-a": 4, "worker-b": 4}, ran_on
    assert not Youth.objects.filter(needs_evaluation=True).exists()

    # Each youth decided exactly once: one period, and in the register one "entered" event, no more.
    periods = collections.Counter(RegisterPeriod.objects.values_list("youth_id", flat=True))
    assert sorted(periods) == sorted(y.pk for y in youths) and set(periods.values()) == {1}
    events = collections.Counter(YouthEvent.objects.values_list("youth_id", "kind"))
    assert set(events.values()) == {1}
    assert Youth.objects.filter(in_target_group=True).count() == 20
