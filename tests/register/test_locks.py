"""The facts lock: imports and corrections never commit between a computation chunk's read and write."""

import psycopg
import pytest
from django.db import connection, transaction

from kaa.imports import services as imports
from kaa.register import compute, locks
from kaa.register import services as register_services
from tests.factories import YouthFactory

from ..imports.helpers import csv_bytes, pop_row, write

pytestmark = pytest.mark.django_db


def other_session_can_take(shared: bool) -> bool:
    """Whether a second database session could take the facts lock now."""
    function = "pg_try_advisory_xact_lock_shared" if shared else "pg_try_advisory_xact_lock"
    with psycopg.connect(**connection.get_connection_params()) as other, other.transaction():
        return other.execute(f"SELECT {function}(%s)", [locks.FACTS_LOCK]).fetchone()[0]


@pytest.mark.postgresql
def test_computations_share_and_writers_exclude_everybody():
    # An advisory transaction lock lasts until the test's own transaction ends: shared first.
    with transaction.atomic():
        locks.lock_facts_for_computing()
        assert other_session_can_take(shared=True)
        assert not other_session_can_take(shared=False)
    with transaction.atomic():
        locks.lock_facts_for_writing()
        assert not other_session_can_take(shared=True)


@pytest.mark.django_db(transaction=True)
def test_the_lock_belongs_in_a_transaction():
    with pytest.raises(RuntimeError):
        locks.lock_facts_for_writing()
    with pytest.raises(RuntimeError):
        locks.lock_facts_for_computing()


def test_import_correction_and_computation_take_the_lock(monkeypatch, tmp_path, municipality, coordinator):
    taken = []
    monkeypatch.setattr(imports, "lock_facts_for_writing", lambda: taken.append("import"))
    monkeypatch.setattr(register_services, "lock_facts_for_writing", lambda: taken.append("correction"))
    monkeypatch.setattr(compute, "lock_facts_for_computing", lambda: taken.append("compute"))
    imports.population_import(path_or_file=write(tmp_path, "p.csv", csv_bytes([pop_row(1)])),
                              municipality_code=municipality.code)
    compute.register_compute()
    register_services.correction_degree_checked(youth=YouthFactory(municipality=municipality), user=coordinator,
                                                reason="Examen från utlandet kontrollerad")
    assert taken == ["import", "compute", "correction", "compute"]
