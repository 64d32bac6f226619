import pytest

from kaa.imports.models import ImportRun
from kaa.imports.tasks import import_inbox, inbox_pickup
from kaa.register.models import Enrolment, Youth
from tests.factories import MunicipalityFactory

from .helpers import csv_bytes, pop_row, school_row

pytestmark = pytest.mark.django_db


def test_inbox_pickup(tmp_path):
    MunicipalityFactory(code="0480")
    (tmp_path / "population" / "0480").mkdir(parents=True)
    (tmp_path / "school").mkdir()
    (tmp_path / "population" / "0480" / "extract.csv").write_bytes(csv_bytes([pop_row(1), pop_row(2)]))
    (tmp_path / "school" / "school.csv").write_bytes(csv_bytes([school_row(1)]))
    (tmp_path / "school" / "bad.csv").write_bytes(csv_bytes([school_row(2, skolform="??")]))
    ids = inbox_pickup(tmp_path)
    assert len(ids) == 3
    assert {r.trigger for r in ImportRun.objects.all()} == {"schedule"}
    assert Youth.objects.count() == 2 and Enrolment.objects.count() == 1
    assert sorted(p.name.split("-", 1)[1] for p in (tmp_path / "processed").iterdir()) == ["extract.csv",
                                                                                          "school.csv"]
    assert [p.name.split("-", 1)[1] for p in (tmp_path / "failed").iterdir()] == ["bad.csv"]
    assert inbox_pickup(tmp_path) == []  # nothing left: running again does nothing


def test_task_uses_the_setting(tmp_path, settings):
    settings.KAA_IMPORT_INBOX = tmp_path
    MunicipalityFactory(code="0480")
    (tmp_path / "population").mkdir()
    (tmp_path / "population" / "full.csv").write_bytes(csv_bytes([pop_row(1)]))
    import_inbox.enqueue(period="2026-09-01T10")
    run = ImportRun.objects.get()
    assert run.full and run.created == 1
    # The register is brought up to date with the import (by the workers; at once in the test settings).
    assert Youth.objects.get().needs_evaluation is False


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_hourly_pickup_imports_municipalities_side_by_side_then_school_then_computes(tmp_path, settings,
                                                                                    monkeypatch):
    """With the real database queue: the school file waits for the population tasks, the worker runs all."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from kaa.imports import tasks

    settings.KAA_IMPORT_INBOX, settings.TASKS = tmp_path, DB_TASKS
    monkeypatch.setattr(tasks, "FINISH_RETRY_SECONDS", 0)
    MunicipalityFactory(code="0480")
    MunicipalityFactory(code="0765")
    for code, n in (("0480", 1), ("0765", 2)):
        (tmp_path / "population" / code).mkdir(parents=True)
        (tmp_path / "population" / code / "extract.csv").write_bytes(csv_bytes([pop_row(n, kommunkod=code)]))
    (tmp_path / "school").mkdir()
    (tmp_path / "school" / "school.csv").write_bytes(csv_bytes([school_row(1), school_row(2)]))

    assert import_inbox.call("2026-09-01T10") == "2 population tasks, 1 school files"
    queued = list(DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", flat=True))
    assert [path.rsplit(".", 1)[1] for path in queued] == ["import_population_files", "import_population_files",
                                                          "import_inbox_finish"]
    # Run too early, the finishing task waits for the population imports and asks to be run again.
    waiting_for = DBTaskResult.objects.filter(task_path__endswith="import_population_files")
    assert tasks.import_inbox_finish.call([str(r.id) for r in waiting_for], []) == (
        "waiting for the population imports")

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    assert Youth.objects.count() == 2 and Enrolment.objects.count() == 2
    assert sorted(Youth.objects.values_list("municipality__code", flat=True)) == ["0480", "0765"]
    assert not Youth.objects.filter(needs_evaluation=True).exists()  # computed by the workers
    assert not list((tmp_path / "school").iterdir())
