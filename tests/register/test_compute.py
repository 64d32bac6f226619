"""register_compute: periods, events, cache fields, idempotency, re-evaluation, history."""

import datetime
import zoneinfo

import pytest
from django.core.management import call_command

from kaa.register.compute import degree_checks, register_compute
from kaa.register.history import status_on, youths_in_register_on
from kaa.register.models import Enrolment, RegisterPeriod, Youth, YouthEvent
from kaa.register.rules import WAITING_FOR_DEGREE_CHECK, decide, facts_for
from tests.factories import EnrolmentFactory, MunicipalityFactory, YouthFactory

D = datetime.date
pytestmark = pytest.mark.django_db


BIRTH, END = D(2008, 3, 10), D(2024, 6, 11)


def leaver(municipality, birth=BIRTH, end=END, **kwargs) -> Youth:
    """A youth who finished year 9 on ``end``."""
    youth = YouthFactory(municipality=municipality, birth_date=birth, **kwargs)
    EnrolmentFactory(youth=youth, school_type="GR", programme="", school_year=9, start_date=D(2023, 8, 17),
                     end_date=end)
    return youth


def periods(youth):
    return list(RegisterPeriod.objects.filter(youth=youth).order_by("valid_from", "pk")
                .values_list("in_target_group", "reason", "valid_from", "valid_to"))


def events(youth):
    return list(YouthEvent.objects.filter(youth=youth, kind__startswith="register.")
                .order_by("occurred_at", "pk").values_list("kind", "data"))


def test_first_computation_opens_a_period_from_since_and_writes_entered(municipality):
    youth = leaver(municipality)
    result = register_compute(on=D(2024, 10, 1))
    assert (result.evaluated, result.entered, result.left, result.changed) == (1, 1, 0, 1)
    assert periods(youth) == [(True, "ej_paborjat", D(2024, 9, 1), None)]
    assert events(youth) == [("register.entered", {"reason": "ej_paborjat", "date": "2024-09-01"})]
    event = YouthEvent.objects.get(youth=youth)
    local = event.occurred_at.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm"))
    assert (local.date(), local.hour, local.minute) == (D(2024, 9, 1), 0, 0)
    youth.refresh_from_db()
    assert (youth.in_target_group, youth.register_reason, youth.register_since) == (True, "ej_paborjat",
                                                                                    D(2024, 9, 1))
    assert youth.needs_evaluation is False
    assert youth.next_evaluation_date == D(2028, 3, 10)  # the 20th birthday


def test_out_youth_gets_a_period_but_no_event(municipality):
    youth = leaver(municipality)
    EnrolmentFactory(youth=youth, programme="NA", start_date=D(2024, 8, 19))
    register_compute(on=D(2024, 10, 1))
    assert periods(youth) == [(False, "nationellt_program", D(2024, 8, 19), None)]
    assert events(youth) == []


def test_running_twice_changes_nothing(municipality):
    youths = [leaver(municipality) for _ in range(3)]
    register_compute(on=D(2024, 10, 1))
    before = [periods(y) for y in youths], YouthEvent.objects.count()
    again = register_compute(on=D(2024, 10, 1))
    assert (again.evaluated, again.changed) == (0, 0)
    forced = register_compute(on=D(2024, 10, 1), force=True)
    assert (forced.evaluated, forced.changed, forced.entered, forced.left) == (3, 0, 0, 0)
    assert ([periods(y) for y in youths], YouthEvent.objects.count()) == before


def test_new_facts_close_the_period_and_open_a_new_one(municipality):
    youth = leaver(municipality)
    register_compute(on=D(2024, 10, 1))
    EnrolmentFactory(youth=youth, programme="EK", start_date=D(2024, 10, 14))
    Youth.objects.filter(pk=youth.pk).update(needs_evaluation=True)
    result = register_compute(on=D(2024, 10, 20))
    assert (result.left, result.changed) == (1, 1)
    assert periods(youth) == [(True, "ej_paborjat", D(2024, 9, 1), D(2024, 10, 14)),
                              (False, "nationellt_program", D(2024, 10, 14), None)]
    assert events(youth)[-1] == ("register.left", {"reason": "nationellt_program", "date": "2024-10-14"})


def test_reason_change_within_the_group_makes_a_new_period_without_event(municipality):
    youth = leaver(municipality)
    register_compute(on=D(2024, 10, 1))
    EnrolmentFactory(youth=youth, programme="IMA", start_date=D(2024, 8, 19), end_date=D(2024, 8, 25))
    Youth.objects.filter(pk=youth.pk).update(needs_evaluation=True)
    register_compute(on=D(2024, 10, 2))
    # The IM enrolment ended before the register period started: the period is re-labelled.
    assert periods(youth) == [(True, "im", D(2024, 9, 1), None)]
    assert [kind for kind, _ in events(youth)] == ["register.entered"]


def test_only_pending_or_date_due_youths_are_re_evaluated(municipality):
    youth = leaver(municipality)
    register_compute(on=D(2024, 10, 1))
    # A fact changed without the flag: not seen until the flag is set or forced.
    EnrolmentFactory(youth=youth, programme="NA", start_date=D(2024, 10, 3))
    assert register_compute(on=D(2024, 10, 5)).evaluated == 0
    assert periods(youth)[-1][1] == "ej_paborjat"
    Youth.objects.filter(pk=youth.pk).update(needs_evaluation=True)
    assert register_compute(on=D(2024, 10, 5)).evaluated == 1
    assert periods(youth)[-1][:3] == (False, "nationellt_program", D(2024, 10, 3))


def test_a_date_due_youth_leaves_on_the_20th_birthday(municipality):
    youth = leaver(municipality, birth=D(2006, 10, 1), end=D(2022, 6, 10))
    register_compute(on=D(2026, 9, 30))
    youth.refresh_from_db()
    assert youth.next_evaluation_date == D(2026, 10, 1) and youth.in_target_group
    assert register_compute(on=D(2026, 9, 30)).evaluated == 0
    result = register_compute(on=D(2026, 10, 1))
    assert (result.evaluated, result.left) == (1, 1)
    assert periods(youth)[-1] == (False, "fyllt_20", D(2026, 10, 1), None)


def test_daily_runs_and_one_run_agree(municipality):
    daily = leaver(municipality, birth=D(2008, 3, 10))
    once = leaver(municipality, birth=D(2008, 3, 10))
    for youth in (daily, once):
        EnrolmentFactory(youth=youth, programme="BA", start_date=D(2024, 8, 19), interruption_date=D(2025, 2, 3))
    day = D(2024, 6, 1)
    while day <= D(2025, 3, 1):
        register_compute(on=day, youth_ids=[daily.pk])
        day += datetime.timedelta(days=1)
    register_compute(on=D(2025, 3, 1), youth_ids=[once.pk])
    history = periods(daily)
    assert [p[:2] for p in history] == [(False, "skolplikt_ej_fullgjord"), (False, "nationellt_program"),
                                        (True, "avbrott")]
    assert history[1][2:] == (D(2024, 8, 19), D(2025, 2, 3))
    assert history[-1] == periods(once)[-1] == (True, "avbrott", D(2025, 2, 3), None)
    assert status_on(daily, D(2024, 12, 24)).reason == "nationellt_program"
    assert status_on(daily.pk, D(2025, 2, 3)).reason == "avbrott"
    assert status_on(once, D(2024, 12, 24)) is None  # no history before its first computation


def test_history_who_was_in_on_a_date(municipality):
    stays = leaver(municipality)
    starts = leaver(municipality)
    EnrolmentFactory(youth=starts, programme="NA", start_date=D(2024, 10, 14))
    day = D(2024, 9, 30)
    while day <= D(2024, 10, 20):
        register_compute(on=day, force=True)
        day += datetime.timedelta(days=1)
    assert set(youths_in_register_on(municipality, D(2024, 10, 1))) == {stays, starts}
    assert set(youths_in_register_on(municipality, D(2024, 10, 14))) == {stays}
    assert set(youths_in_register_on(municipality.pk, D(2024, 8, 1))) == set()


def test_municipality_and_youth_filters(municipality):
    other = MunicipalityFactory(code="0580", name="Linköping")
    here, there = leaver(municipality), leaver(other)
    assert register_compute(on=D(2024, 10, 1), municipality_ids=[other.pk]).evaluated == 1
    assert periods(here) == [] and len(periods(there)) == 1
    assert register_compute(on=D(2024, 10, 1), youth_ids=[here.pk]).evaluated == 1


def test_a_past_date_does_not_rewrite_later_history(municipality):
    youth = leaver(municipality)
    register_compute(on=D(2024, 10, 1))
    Youth.objects.filter(pk=youth.pk).update(needs_evaluation=True)
    register_compute(on=D(2024, 7, 1))
    assert periods(youth) == [(True, "ej_paborjat", D(2024, 9, 1), None)]


def test_degree_check_correction_releases_a_waiting_in_mover(municipality):
    municipality.wait_for_degree_check = True
    municipality.save()
    youth = YouthFactory(municipality=municipality, birth_date=D(2007, 2, 1), registered_from=D(2025, 2, 3))
    register_compute(on=D(2025, 3, 1))
    assert periods(youth) == [(False, WAITING_FOR_DEGREE_CHECK, D(2025, 2, 3), None)]
    checked = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))
    YouthEvent.objects.create(youth=youth, kind="register.correction", occurred_at=checked,
                              data={"kind": "degree_checked"})
    Youth.objects.filter(pk=youth.pk).update(needs_evaluation=True)
    register_compute(on=D(2025, 3, 10))
    assert periods(youth)[-1] == (True, "inflyttad", D(2025, 3, 10), None)


def test_facts_for_reads_only_what_it_is_given(municipality, django_assert_num_queries):
    """The rules are pure: the caller loads the degree check (compute.degree_checks) and hands it in."""
    municipality.wait_for_degree_check = True
    municipality.save()
    youth = YouthFactory(municipality=municipality, birth_date=D(2007, 2, 1), registered_from=D(2025, 2, 3))
    YouthEvent.objects.create(youth=youth, kind="register.correction", data={"kind": "degree_checked"},
                              occurred_at=datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.UTC))
    with django_assert_num_queries(0):
        facts = facts_for(youth, [], municipality)
    assert facts.degree_checked_on is None
    assert decide(facts, D(2025, 3, 20)).reason == WAITING_FOR_DEGREE_CHECK
    loaded = degree_checks([youth.pk])[youth.pk]
    facts = facts_for(youth, [], municipality, degree_checked_on=loaded)
    assert decide(facts, D(2025, 3, 20)).reason == "inflyttad"


def test_many_youths_in_a_bounded_number_of_queries(municipality, django_assert_max_num_queries):
    for _ in range(30):
        leaver(municipality)
    with django_assert_max_num_queries(15):
        result = register_compute(on=D(2024, 10, 1))
    assert result.entered == 30
    assert Enrolment.objects.count() == 30


def test_compute_register_command_prints_a_summary(municipality, capsys):
    leaver(municipality)
    call_command("compute_register", "--date", "2024-10-01")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "2024-10-01" in out and "entered 1" in out


def test_compute_register_command_refuses_a_bad_date(municipality):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date"):
        call_command("compute_register", "--date", "2024-13-01")


def test_the_daily_task_computes_for_its_period(municipality):
    from kaa.core.scheduler import discover
    from kaa.register.tasks import register_compute_daily

    assert discover()["register_compute"].at == datetime.time(2, 0)
    youth = leaver(municipality)
    register_compute_daily.call(period="2024-10-01")
    assert periods(youth) == [(True, "ej_paborjat", D(2024, 9, 1), None)]


def test_extended_responsibility_is_a_period_of_its_own(municipality):
    municipality.extended_responsibility = True
    municipality.save()
    youth = leaver(municipality, birth=D(2006, 10, 1), end=D(2022, 6, 10))
    register_compute(on=D(2026, 9, 30))
    register_compute(on=D(2026, 10, 1))  # the 20th birthday
    youth.refresh_from_db()
    assert (youth.in_target_group, youth.register_reason, youth.register_extended) == (False, "fyllt_20", True)
    register_compute(on=D(2031, 10, 1))  # the 25th birthday
    youth.refresh_from_db()
    assert youth.register_extended is False
    assert list(RegisterPeriod.objects.filter(youth=youth).order_by("valid_from").values_list(
        "in_target_group", "reason", "extended", "valid_from", "valid_to")) == [
        (True, "ej_paborjat", False, D(2022, 9, 1), D(2026, 10, 1)),
        (False, "fyllt_20", True, D(2026, 10, 1), D(2031, 10, 1)),
        (False, "fyllt_20", False, D(2031, 10, 1), None),
    ]
    assert status_on(youth, D(2028, 1, 1)).extended


def _written(monkeypatch):
    """Spy on the computation's bulk writes: model name → the rows handed to bulk_set / bulk_insert."""
    from kaa.register import compute

    written: dict[str, list] = {}
    for name in ("bulk_set", "bulk_insert"):
        real = getattr(compute, name)

        def spy(model, fields, rows, real=real, name=name):
            rows = list(rows)
            written.setdefault(f"{name} {model.__name__} {','.join(fields)}", []).extend(rows)
            return real(model, fields, rows)

        monkeypatch.setattr(compute, name, spy)
    return written


def test_only_youths_whose_decision_changed_are_written(municipality, monkeypatch):
    """Re-evaluated youths: one unchanged, one leaving (period closed, one event), one changing reason."""
    unchanged, leaving, relabelled = leaver(municipality), leaver(municipality), leaver(municipality)
    register_compute(on=D(2024, 10, 1))
    first = {y.pk: RegisterPeriod.objects.get(youth=y).pk for y in (unchanged, leaving, relabelled)}
    EnrolmentFactory(youth=leaving, programme="EK", start_date=D(2024, 10, 14))
    EnrolmentFactory(youth=relabelled, programme="IMA", start_date=D(2024, 10, 3), end_date=D(2024, 10, 9))
    Youth.objects.update(needs_evaluation=True)
    written = _written(monkeypatch)
    result = register_compute(on=D(2024, 10, 20))
    assert (result.evaluated, result.changed, result.left, result.entered) == (3, 2, 1, 0)
    # The cache: each youth's flag is cleared; the unchanged youth's decision is not written again as a period.
    cache = written["bulk_set Youth " + ",".join(("in_target_group", "register_reason", "register_since",
                                                   "register_extended", "needs_evaluation",
                                                   "next_evaluation_date"))]
    assert sorted(row[0] for row in cache) == sorted(first)
    closed = written["bulk_set RegisterPeriod valid_to"]
    assert sorted(closed) == sorted([(first[leaving.pk], D(2024, 10, 14)), (first[relabelled.pk], D(2024, 10, 10))])
    opened = written["bulk_insert RegisterPeriod youth,municipality,in_target_group,reason,extended,valid_from"]
    assert sorted(row[0] for row in opened) == sorted([leaving.pk, relabelled.pk])
    assert [row[:2] for row in written["bulk_insert YouthEvent youth,kind,occurred_at,data"]] == [
        (leaving.pk, "register.left")]
    assert periods(unchanged) == [(True, "ej_paborjat", D(2024, 9, 1), None)]
    assert periods(leaving)[-1] == (False, "nationellt_program", D(2024, 10, 14), None)
    assert periods(relabelled)[-1] == (True, "im", D(2024, 10, 10), None)
    # Again: nothing to write but the cleared flags, no event twice.
    Youth.objects.update(needs_evaluation=True)
    written.clear()
    assert register_compute(on=D(2024, 10, 20)).changed == 0
    nonempty = {key: rows for key, rows in written.items() if rows}
    assert list(nonempty) == [next(key for key in nonempty if key.startswith("bulk_set Youth "))]
    assert sorted(row[0] for row in next(iter(nonempty.values()))) == sorted(first)
    assert [kind for kind, _ in events(leaving)] == ["register.entered", "register.left"]
    # And when the stored state is current, nothing at all.
    written.clear()
    assert register_compute(on=D(2024, 10, 20), force=True).changed == 0
    assert not any(written.values())


def test_youths_with_equal_facts_share_a_decision_but_not_across_municipal_settings(municipality):
    """The computation decides each distinct set of facts once: equal facts, equal decision; a municipality
    with other local settings (here the summer gap) is decided by its own."""
    late_gap = MunicipalityFactory(code="0580", name="Linköping", summer_gap_month=10, summer_gap_day=1)
    # No municipality code of their own (the population file's column empty): equal facts but for the settings.
    here = [leaver(municipality, municipality_code="") for _ in range(3)]
    there = leaver(late_gap, municipality_code="")
    on = D(2024, 9, 15)
    register_compute(on=on)
    for youth in (*here, there):
        expected = decide(facts_for(youth, youth.enrolments.all(), youth.municipality), on)
        youth.refresh_from_db()
        assert (youth.in_target_group, youth.register_reason, youth.register_since) == (
            expected.in_target_group, expected.reason, expected.since)
    assert {(y.in_target_group, y.register_reason) for y in here} == {(True, "ej_paborjat")}
    assert (there.in_target_group, there.register_reason) == (False, "skolplikt_ej_fullgjord")
