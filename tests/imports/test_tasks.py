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
