"""A large computation split over the task workers: id ranges, and the same register as one run."""

import datetime

import pytest

from kaa.register import compute
from kaa.register.compute import candidate_ranges, register_compute
from kaa.register.models import RegisterPeriod, Youth, YouthEvent
from kaa.register.rules import decide, facts_for
from kaa.register.tasks import register_compute_daily, register_compute_in_workers
from tests.factories import EnrolmentFactory, MunicipalityFactory, YouthFactory

D = datetime.date
ON = D(2024, 10, 1)
pytestmark = pytest.mark.django_db


def cohort(municipality, n=12):
    """n youths, alternately in the register (left after year 9) and out (in a national programme)."""
    youths = []
    for i in range(n):
        youth = YouthFactory(municipality=municipality, birth_date=D(2008, 1, 1) + datetime.timedelta(days=i))
        EnrolmentFactory(youth=youth, school_type="GR", programme="", school_year=9, start_date=D(2023, 8, 17),
                         end_date=D(2024, 6, 11))
        if i % 2:
            EnrolmentFactory(youth=youth, programme="NA", start_date=D(2024, 8, 19))
        youths.append(youth)
    return youths


def snapshot():
    return (sorted(Youth.objects.values_list("pk", "in_target_group", "register_reason", "register_since",
                                             "needs_evaluation", "next_evaluation_date")),
            sorted(RegisterPeriod.objects.values_list("youth_id", "in_target_group", "reason", "valid_from")),
            sorted(YouthEvent.objects.values_list("youth_id", "kind")))


def test_ranges_cover_every_candidate_once_and_the_last_is_open(municipality):
    ids = [y.pk for y in cohort(municipality, 10)]
    ranges = candidate_ranges(on=ON, parts=3)
    assert len(ranges) == 3 and ranges[0][0] == min(ids) and ranges[-1][1] is None
    covered = [pk for pk in ids for low, high in ranges if low <= pk and (high is None or pk < high)]
    assert sorted(covered) == sorted(ids)
    assert candidate_ranges(on=ON, parts=3, smallest=8) == [(min(ids), None)]  # too few to split


def test_split_computation_gives_the_same_register_as_one_run(municipality, settings):
    settings.KAA_COMPUTE_SPLIT_AT = 8
    cohort(municipality)
    tasks = register_compute_in_workers(on=ON, parts=4)  # the test settings run tasks at once
    split = snapshot()
    assert tasks == 4 and len(split[1]) == 12 and len(split[2]) == 6
    Youth.objects.update(needs_evaluation=True, in_target_group=False, register_reason="", register_since=None,
                         next_evaluation_date=None)
    RegisterPeriod.objects.all().delete()
    YouthEvent.objects.all().delete()
    register_compute(on=ON)
    assert snapshot() == split


def test_daily_job_splits_a_large_day_and_computes_a_small_one_itself(municipality, settings):
    cohort(municipality, 6)
    settings.KAA_COMPUTE_SPLIT_AT, settings.KAA_COMPUTE_PARTS = 4, 2
    assert register_compute_daily.call(ON.isoformat()) == "split into 2 tasks"
    assert not Youth.objects.filter(needs_evaluation=True).exists()
    assert Youth.objects.filter(in_target_group=True).count() == 3
    youth = Youth.objects.first()
    Youth.objects.filter(pk=youth.pk).update(needs_evaluation=True)
    assert register_compute_daily.call(ON.isoformat()).startswith("evaluated 1,")


def test_two_computations_of_the_same_youths_leave_one_open_period_each(municipality, monkeypatch):
    cohort(municipality, 4)
    register_compute(on=ON)  # one worker has recorded them
    Youth.objects.update(needs_evaluation=True)
    before = snapshot()
    real = compute._open_periods
    calls = []

    def not_yet_committed(ids):
        # The second worker read the open periods before the first one committed.
        calls.append(ids)
        return {} if len(calls) == 1 else real(ids)

    monkeypatch.setattr(compute, "_open_periods", not_yet_committed)
    result = compute.register_compute(on=ON)
    assert len(calls) == 2  # the chunk failed on the one-open-period constraint and was decided again
    assert result.changed == 0 and snapshot()[1:] == before[1:]
    assert RegisterPeriod.objects.filter(valid_to__isnull=True).count() == 4


@pytest.mark.django_db(transaction=True)
def test_each_chunk_is_its_own_transaction_outside_any_other():
    """As in the task worker: no surrounding transaction (the facts lock needs the chunk's own)."""
    cohort(MunicipalityFactory(code="0480", name="Nyköping"), 3)
    assert register_compute(on=ON).evaluated == 3
    assert RegisterPeriod.objects.filter(valid_to__isnull=True).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_command_computes_ranges_in_processes_with_the_same_register_as_one_run(settings, capsys):
    """``compute_register`` on PostgreSQL: id ranges in child processes side by side (on SQLite in one)."""
    from django.core.management import call_command
    from django.db import connection

    settings.KAA_COMPUTE_SPLIT_AT, settings.KAA_COMPUTE_PARTS = 4, 3
    cohort(MunicipalityFactory(code="0480", name="Nyköping"), 12)
    if connection.vendor == "postgresql":
        assert len(candidate_ranges(on=ON, parts=3, smallest=1)) == 3
    call_command("compute_register", "--date", ON.isoformat(), "--processes", "3")
    assert "evaluated 12, entered 6, left 0, changed 12" in capsys.readouterr().out
    for youth in Youth.objects.select_related("municipality"):
        decision = decide(facts_for(youth, youth.enrolments.all(), youth.municipality), ON)
        assert (youth.in_target_group, youth.register_reason, youth.register_since, youth.needs_evaluation) == (
            decision.in_target_group, decision.reason, decision.since, False)
        assert list(RegisterPeriod.objects.filter(youth=youth).values_list("in_target_group", "valid_to")) == [
            (decision.in_target_group, None)]
    assert YouthEvent.objects.filter(kind="register.entered").count() == 6
