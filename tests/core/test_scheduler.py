import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from kaa.core import scheduler
from kaa.core.models import Heartbeat, ScheduledRun
from kaa.core.scheduler import PeriodicJob, schedule_due

from . import jobs

pytestmark = pytest.mark.django_db
STOCKHOLM = datetime.timezone(datetime.timedelta(hours=1))
T0 = datetime.datetime(2026, 3, 2, 10, 15, tzinfo=STOCKHOLM)


@pytest.fixture
def only_job(monkeypatch):
    """Run the scheduler with one test job, so other apps' jobs do not run in these tests."""
    jobs.CALLS.clear()

    def install(**kwargs) -> PeriodicJob:
        job = PeriodicJob(name="test_job", task_path="tests.core.jobs.record_period", **kwargs)
        monkeypatch.setattr(scheduler, "discover", lambda: {job.name: job})
        return job

    return install


def test_same_period_is_enqueued_once(only_job):
    only_job(every="hour")
    with time_machine.travel(T0, tick=False):
        assert schedule_due() == [("test_job", "2026-03-02T10")]
        assert schedule_due() == []
    assert jobs.CALLS == ["2026-03-02T10"]
    assert ScheduledRun.objects.filter(job="test_job").count() == 1


def test_two_schedulers_racing_enqueue_once(only_job, monkeypatch):
    only_job(every="hour")
    # Both schedulers read "due" before either wrote: the unique constraint must decide.
    monkeypatch.setattr(scheduler, "_due_periods", lambda job, now: [job.key(job.period_start(now))])
    with time_machine.travel(T0, tick=False):
        first, second = schedule_due(), schedule_due()
    assert first == [("test_job", "2026-03-02T10")]
    assert second == []
    assert jobs.CALLS == ["2026-03-02T10"]


def test_missed_periods_are_caught_up_oldest_first(only_job):
    only_job(every="hour", catch_up=7)
    with time_machine.travel(T0, tick=False):
        schedule_due()
    with time_machine.travel(T0 + datetime.timedelta(hours=4, minutes=30), tick=False):
        caught = schedule_due()
    assert [key for _, key in caught] == ["2026-03-02T11", "2026-03-02T12", "2026-03-02T13", "2026-03-02T14"]
    assert jobs.CALLS == ["2026-03-02T10", "2026-03-02T11", "2026-03-02T12", "2026-03-02T13", "2026-03-02T14"]


def test_catch_up_is_bounded(only_job):
    only_job(every="hour", catch_up=2)
    with time_machine.travel(T0, tick=False):
        schedule_due()
    with time_machine.travel(T0 + datetime.timedelta(hours=10), tick=False):
        caught = schedule_due()
    assert [key for _, key in caught] == ["2026-03-02T18", "2026-03-02T19", "2026-03-02T20"]


def test_daily_job_waits_for_its_local_time(only_job):
    only_job(every="day", at=datetime.time(2, 0))
    with time_machine.travel(datetime.datetime(2026, 3, 2, 1, 30, tzinfo=STOCKHOLM), tick=False):
        assert schedule_due() == [("test_job", "2026-03-01")]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 2, 5, tzinfo=STOCKHOLM), tick=False):
        assert schedule_due() == [("test_job", "2026-03-02")]


def test_run_scheduler_once_beats_and_enqueues(only_job):
    only_job(every="minute")
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "1 job(s) enqueued" in out.getvalue()
    assert Heartbeat.objects.filter(name="scheduler").exists()
    assert len(jobs.CALLS) == 1


def test_core_declares_the_worker_heartbeat_job():
    assert scheduler.discover()["worker_heartbeat"].task_path == "kaa.core.tasks.worker_heartbeat"
