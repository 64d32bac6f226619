"""A run whose process is gone does not stay "running" for ever (issue 9, item 12)."""

import datetime
import logging
import os
import subprocess
import sys

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.core.scheduler import discover
from kaa.imports import services
from kaa.imports.models import ImportRun, ImportStatus
from kaa.imports.services import import_runs_mark_interrupted, population_import
from kaa.imports.tasks import import_runs_check
from kaa.register.models import Youth

from .helpers import csv_bytes, pop_row, write

pytestmark = pytest.mark.django_db


def gone_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def running(**fields) -> ImportRun:
    run = ImportRun.objects.create(kind="population", status=ImportStatus.RUNNING, **fields)
    if "started_at" in fields:  # auto_now_add ignores the given value
        ImportRun.objects.filter(pk=run.pk).update(started_at=fields["started_at"])
    return run


def test_runs_whose_process_is_gone_are_marked_failed(municipality):
    host = services._this_host()
    dead = running(municipality=municipality, pid=gone_pid(), host=host)
    alive = running(municipality=municipality, pid=os.getppid(), host=host)
    elsewhere = running(municipality=municipality, pid=gone_pid(), host="another-host")
    stale = running(municipality=municipality, pid=1, host="another-host",
                    started_at=timezone.now() - datetime.timedelta(hours=7))
    assert import_runs_mark_interrupted() == 2
    statuses = {r.pk: (r.status, r.interrupted, r.finished_at is not None) for r in ImportRun.objects.all()}
    assert statuses[dead.pk] == statuses[stale.pk] == (ImportStatus.FAILED, True, True)
    assert statuses[alive.pk] == statuses[elsewhere.pk] == (ImportStatus.RUNNING, False, False)


def test_the_next_run_marks_a_killed_run(tmp_path, municipality):
    killed = running(municipality=municipality, pid=gone_pid(), host=services._this_host())
    run = population_import(path_or_file=write(tmp_path, "p.csv", csv_bytes([pop_row(1)])), municipality_code="0480")
    assert run.status == ImportStatus.SUCCEEDED and (run.pid, run.host) == (os.getpid(), services._this_host())
    killed.refresh_from_db()
    assert (killed.status, killed.interrupted) == (ImportStatus.FAILED, True)


def test_the_periodic_job_marks_them_too(municipality):
    assert "import_runs_check" in discover()
    killed = running(municipality=municipality, pid=gone_pid(), host=services._this_host())
    import_runs_check.call("2026-09-01T10")
    killed.refresh_from_db()
    assert killed.status == ImportStatus.FAILED


def test_the_run_page_says_so_in_swedish(client, administrator, municipality):
    killed = running(municipality=municipality, pid=gone_pid(), host=services._this_host())
    import_runs_mark_interrupted()
    client.force_login(administrator)
    page = client.get(reverse("imports:run_detail", args=[killed.pk])).content.decode()
    assert "Inläsningen avbröts" in page and "Inget ändrades" in page
    assert "Avbruten" in client.get(reverse("imports:runs")).content.decode()


def test_an_unexpected_error_fails_the_run_and_logs_no_personal_data(tmp_path, municipality, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ValueError("Namn1 Exempel 200801021234")

    monkeypatch.setattr(services, "_write_population", broken)
    with caplog.at_level(logging.INFO):
        run = population_import(path_or_file=write(tmp_path, "p.csv", csv_bytes([pop_row(1)])),
                                municipality_code="0480", language="en")
    assert run.status == ImportStatus.FAILED and "unexpected error" in run.errors[0]["message"]
    assert "ValueError" in caplog.text and "Namn1" not in caplog.text and "200801021234" not in caplog.text
    assert not Youth.objects.exists()
