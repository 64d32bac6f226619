"""The outreach snapshot is a memo of ``deadlines.compute``: lists read it only while it matches its inputs."""

import datetime

import pytest
from django.utils import timezone

from kaa.accounts.models import User
from kaa.core.bulk import bulk_insert
from kaa.outreach import deadlines, selectors, services, tasks
from kaa.outreach.models import ChainStep, OutreachSnapshot
from kaa.register.models import Youth, YouthEvent

pytestmark = pytest.mark.django_db


def computed(youths):
    return {pk: selectors._summary(state) for pk, state in selectors.states_for(youths).items()}


def test_summaries_equal_the_computation_and_are_written_once(make_youth, coach):
    youths = [make_youth(coach=coach, entered_days_ago=d, minor=d % 2 == 0) for d in (1, 9, 20, 45, 80)]
    assert selectors.summaries_for(youths) == computed(youths)
    first = dict(OutreachSnapshot.objects.values_list("youth_id", "computed_at"))
    assert sorted(first) == sorted(y.pk for y in youths)
    assert selectors.summaries_for(youths) == computed(youths)
    assert dict(OutreachSnapshot.objects.values_list("youth_id", "computed_at")) == first  # read, not rewritten


def test_an_event_written_anywhere_makes_the_snapshot_stale(make_youth, coach):
    youth = make_youth(coach=coach, entered_days_ago=3)
    before = selectors.summaries_for([youth])[youth.pk]
    # Written around the services (as an import or a bulk job might): the memo must still see it.
    bulk_insert(YouthEvent, ("youth", "kind", "occurred_at", "data"),
                [(youth.pk, "outreach.contact", timezone.now(), {"channel": "phone", "outcome": "reached"})])
    after = selectors.summaries_for([youth])[youth.pk]
    assert after != before and after.status == "reached"
    assert after == computed([youth])[youth.pk]


def test_a_changed_chain_or_start_makes_the_snapshot_stale(make_youth, coach, municipality):
    youth = make_youth(coach=coach, entered_days_ago=3)
    before = selectors.summaries_for([youth])[youth.pk]
    step = ChainStep.objects.get(chain__municipality=municipality, chain__is_active=True, code=before.next_step)
    step.offset_days += 30
    step.save()
    moved = selectors.summaries_for([youth])[youth.pk]
    assert moved.next_due == before.next_due + datetime.timedelta(days=30) or moved.next_step != before.next_step
    assert moved == computed([youth])[youth.pk]
    Youth.objects.filter(pk=youth.pk).update(register_since=timezone.localdate() - datetime.timedelta(days=60))
    youth.refresh_from_db()
    assert selectors.summaries_for([youth])[youth.pk] == computed([youth])[youth.pk]


def test_the_worklist_sees_a_contact_at_once(make_youth, coach):
    youth = make_youth(coach=coach, entered_days_ago=40)
    selectors.worklist(user=coach)
    assert OutreachSnapshot.objects.get(youth=youth).status == "ongoing"
    services.contact_record(youth=youth, user=coach, channel="phone", outcome="reached", at=timezone.now())
    expected = computed([youth])[youth.pk]
    [after] = selectors.worklist(user=coach)
    assert (after.bucket, after.due) == (expected.bucket(timezone.localdate()), expected.next_due)
    assert OutreachSnapshot.objects.get(youth=youth).status == expected.status == "reached"


def test_the_nightly_job_fills_every_register_youth(make_youth, coach, monkeypatch):
    monkeypatch.setattr(tasks, "SNAPSHOT_BATCH", 2)
    youths = [make_youth(coach=coach, entered_days_ago=d) for d in (1, 2, 3, 4, 5)]
    assert tasks.refresh_snapshots.call("2026-12-02") == 5
    assert OutreachSnapshot.objects.count() == 5
    assert selectors.summaries_for(youths) == computed(youths)


# --- The memo is kept current by the database: a changed youth is never counted from a stale row ----------

def overview_of(client):
    from django.urls import reverse

    return client.get(reverse("outreach:overview")).context["data"]


def stages(data):
    return {(row["status"], str(row["step"])): row["count"] for row in data["stages"]}


def test_the_trigger_watches_exactly_the_kinds_the_rules_read():
    from importlib import import_module

    migration = import_module("kaa.outreach.migrations.0004_snapshot_marked_stale_by_trigger")
    assert set(migration.KINDS) == set(deadlines.EVENT_KINDS)


def test_writing_an_event_marks_the_snapshot_stale_by_any_path(make_youth, coach):
    youth, other = make_youth(coach=coach, entered_days_ago=3), make_youth(coach=coach, entered_days_ago=3)
    selectors.summaries_for([youth, other])
    assert not OutreachSnapshot.objects.filter(stale=True).exists()
    generation = OutreachSnapshot.objects.get(youth=youth).generation
    bulk_insert(YouthEvent, ("youth", "kind", "occurred_at", "data"),
                [(youth.pk, "outreach.contact", timezone.now(), {"channel": "phone", "outcome": "reached"})])
    snap = OutreachSnapshot.objects.get(youth=youth)
    assert snap.stale and snap.generation == generation + 1
    assert not OutreachSnapshot.objects.get(youth=other).stale
    # An event the rules do not read leaves it current.
    YouthEvent.objects.create(youth=other, kind="casework.journal", data={})
    assert not OutreachSnapshot.objects.get(youth=other).stale
    # Removing one (thinning) marks it stale too.
    selectors.summaries_for([youth])
    YouthEvent.objects.filter(youth=youth, kind="outreach.contact").delete()
    assert OutreachSnapshot.objects.get(youth=youth).stale
    assert selectors.summaries_for([youth])[youth.pk] == computed([youth])[youth.pk]


def test_an_event_for_a_youth_without_a_snapshot_leaves_a_stale_row(make_youth, coach):
    youth = make_youth(coach=coach, entered_days_ago=3)  # its register.entered event made the row
    snap = OutreachSnapshot.objects.get(youth=youth)
    assert snap.stale and snap.status == ""


def test_a_computation_that_read_the_events_before_a_new_one_does_not_store_a_current_row(make_youth, coach):
    youth = make_youth(coach=coach, entered_days_ago=3)
    read_generation = OutreachSnapshot.objects.get(youth=youth).generation
    specs = selectors.chain_specs([youth.municipality_id])
    old_state = selectors.states_for([youth], specs)  # the events as they were
    services.contact_record(youth=youth, user=coach, channel="phone", outcome="reached", at=timezone.now())
    # The slow computation ends after the contact was written and stores what it computed from before it.
    summary = selectors._summary(old_state[youth.pk])
    selectors._snapshots_write([(youth.pk, read_generation, selectors.chain_digests(specs)[youth.municipality_id],
                                 youth.birth_date, youth.register_since, summary, timezone.now(),
                                 selectors._access(youth))])
    assert OutreachSnapshot.objects.get(youth=youth).stale  # not taken as current
    assert selectors.summaries_for([youth])[youth.pk].status == "reached"


def test_the_overview_shows_a_contact_at_once(client, coordinator, coach, make_youth):
    youths = [make_youth(coach=coach, entered_days_ago=40) for _ in range(3)]
    client.force_login(coordinator)
    before = overview_of(client)
    assert before["total"] == 3 and before["overdue"] == 3
    assert not OutreachSnapshot.objects.filter(stale=True).exists()
    services.contact_record(youth=youths[0], user=coach, channel="phone", outcome="reached", at=timezone.now())
    after = overview_of(client)
    assert after["total"] == 3
    assert sum(c for (status, _step), c in stages(after).items() if status == "reached") == 1
    assert after == overview_reference(coordinator)


def test_the_overview_follows_events_written_around_the_services(client, coordinator, coach, make_youth):
    youths = [make_youth(coach=coach, entered_days_ago=40) for _ in range(2)]
    client.force_login(coordinator)
    assert overview_of(client)["replies"] == 0
    # As the reply page, an import or a bulk job would: no service of this app is called.
    bulk_insert(YouthEvent, ("youth", "kind", "occurred_at", "data"),
                [(youths[1].pk, "outreach.reply", timezone.now(), {"kind": "contact"})])
    assert overview_of(client)["replies"] == 1
    services.reply_mark_handled(youth=youths[1], user=coach)
    assert overview_of(client)["replies"] == 0


def test_the_overview_follows_an_assignment(client, coordinator, coach, make_youth):
    unassigned = make_youth(entered_days_ago=40)
    make_youth(coach=coach, entered_days_ago=40)
    client.force_login(coordinator)
    before = overview_of(client)
    assert before["unassigned"] == 1
    assert [r["count"] for r in before["overdue_by_coach"] if r["coach"] == coach] == [1]
    services.youths_assign(youths=[unassigned], coach=coach, user=coordinator)
    after = overview_of(client)
    assert after["unassigned"] == 0
    assert after == overview_reference(coordinator)


def test_the_overview_follows_the_register_and_the_chain(client, coordinator, coach, make_youth, municipality):
    youth = make_youth(coach=coach, entered_days_ago=3)
    client.force_login(coordinator)
    overview_of(client)
    # The register computation moves the start with a bulk UPDATE: no event, no signal.
    Youth.objects.filter(pk=youth.pk).update(register_since=timezone.localdate() - datetime.timedelta(days=200))
    assert overview_of(client) == overview_reference(coordinator)
    # A step edited straight in the table (no service): the chain's digest differs.
    ChainStep.objects.filter(chain__municipality=municipality, chain__is_active=True).update(offset_days=400)
    data = overview_of(client)
    assert data == overview_reference(coordinator) and data["overdue"] == 0
    # A youth leaving the register is no longer counted.
    Youth.objects.filter(pk=youth.pk).update(in_target_group=False)
    assert overview_of(client)["total"] == 0


def test_the_worklist_follows_a_contact_written_around_the_services(client, coach, make_youth):
    from django.urls import reverse

    youth = make_youth(coach=coach, entered_days_ago=40)
    client.force_login(coach)
    assert client.get(reverse("outreach:worklist")).context["counts"]["overdue"] == 1
    bulk_insert(YouthEvent, ("youth", "kind", "occurred_at", "data"),
                [(youth.pk, "outreach.reply", timezone.now(), {"kind": "contact"})])
    page = client.get(reverse("outreach:worklist")).context
    assert page["counts"] == {"reply": 1, "overdue": 0, "today": 0, "week": 0}
    assert [it.youth.pk for it in page["page_obj"]] == [youth.pk] and page["page_obj"][0].state.reply_waiting


def test_the_nightly_job_computes_only_what_is_not_current(make_youth, coach):
    youths = [make_youth(coach=coach, entered_days_ago=d) for d in (1, 2, 3)]
    assert tasks.refresh_snapshots.call("2026-12-02") == 3
    assert tasks.refresh_snapshots.call("2026-12-03") == 0
    services.contact_record(youth=youths[1], user=coach, channel="phone", outcome="reached", at=timezone.now())
    assert tasks.refresh_snapshots.call("2026-12-04") == 1
    assert selectors.summaries_for(youths) == computed(youths)


def overview_reference(user):
    """The overview computed from scratch: every youth through ``deadlines.compute``, no memo."""
    from collections import Counter

    from kaa.accounts.policy import visible_youths

    on = timezone.localdate()
    youths = list(visible_youths(user).filter(in_target_group=True))
    specs = selectors.chain_specs({y.municipality_id for y in youths})
    names = {(mid, step.code): step.name for mid, spec in specs.items() for step in spec.steps}
    found: Counter = Counter()
    overdue: Counter = Counter()
    replies = 0
    for youth in youths:
        summary = computed([youth])[youth.pk]
        found[(summary.status, names.get((youth.municipality_id, summary.next_step), ""))] += 1
        if summary.next_due is not None and summary.next_due < on:
            overdue[youth.coach_id] += 1
        replies += summary.reply_waiting
    users = {u.pk: u for u in User.objects.filter(pk__in=[k for k in overdue if k])}
    return {
        "total": len(youths),
        "stages": sorted(({"status": s, "step": n, "count": c} for (s, n), c in found.items()),
                         key=lambda r: (r["status"], str(r["step"]))),
        "overdue_by_coach": sorted(({"coach": users.get(k), "count": c} for k, c in overdue.items()),
                                   key=lambda r: -r["count"]),
        "unassigned": sum(1 for y in youths if y.coach_id is None),
        "replies": replies,
        "overdue": sum(overdue.values()),
    }


def test_the_overview_computes_what_changed_in_a_fixed_number_of_queries(client, coordinator, coach, make_youth,
                                                                         django_assert_max_num_queries):
    youths = [make_youth(coach=coach, entered_days_ago=40) for _ in range(6)]
    client.force_login(coordinator)
    overview_of(client)
    with django_assert_max_num_queries(9) as steady:
        overview_of(client)
    for youth in youths[:4]:
        services.contact_record(youth=youth, user=coach, channel="phone", outcome="reached", at=timezone.now())
    # The youths not current, their events, one upsert: three queries more, however many changed.
    with django_assert_max_num_queries(len(steady.captured_queries) + 3):
        data = overview_of(client)
    assert data == overview_reference(coordinator)
    assert sum(c for (status, _step), c in stages(data).items() if status == "reached") == 4
    with django_assert_max_num_queries(len(steady.captured_queries)):
        assert overview_of(client) == data


# --- The row carries the youth's access fields, copied by the database: the overview reads only the rows -------

ACCESS = ("municipality_id", "coach_id", "team_id", "protection", "in_target_group")


def assert_rows_follow_the_youths():
    """Every youth in the target group has a row, and every row's copies are the youth's own."""
    youths = {y[0]: y[1:] for y in Youth.objects.values_list("pk", *ACCESS)}
    rows = {r[0]: r[1:] for r in OutreachSnapshot.objects.values_list("youth_id", *ACCESS)}
    assert {pk for pk, y in youths.items() if y[-1]} <= rows.keys()
    assert {pk: youths[pk] for pk in rows} == rows


def test_the_overview_follows_an_assignment_written_around_the_services(client, coordinator, coach, other_coach,
                                                                       make_youth, team):
    youths = [make_youth(entered_days_ago=40) for _ in range(3)]
    client.force_login(coordinator)
    assert overview_of(client)["unassigned"] == 3
    # A bulk UPDATE (an import, a script): no event, no service, no signal.
    Youth.objects.filter(pk__in=[youths[0].pk, youths[1].pk]).update(coach=coach, team=team)
    assert_rows_follow_the_youths()
    data = overview_of(client)
    assert data == overview_reference(coordinator) and data["unassigned"] == 1
    assert [r["count"] for r in data["overdue_by_coach"] if r["coach"] == coach] == [2]
    Youth.objects.filter(pk=youths[0].pk).update(coach=other_coach)
    Youth.objects.filter(pk=youths[1].pk).update(coach=None, team=None)
    assert_rows_follow_the_youths()
    data = overview_of(client)
    assert data == overview_reference(coordinator) and data["unassigned"] == 2
    assert [r["count"] for r in data["overdue_by_coach"] if r["coach"] == other_coach] == [1]


def test_the_overview_keeps_the_policys_scope_on_a_protected_identity(client, coordinator, municipality, coach,
                                                                      make_youth):
    from kaa.accounts.models import Role
    from tests.factories import staff

    granted = staff(Role.COORDINATOR, municipality, may_see_protected=True, username="coordinator_granted")
    youth = make_youth(coach=coach, entered_days_ago=40)
    make_youth(coach=coach, entered_days_ago=40)
    client.force_login(coordinator)
    assert overview_of(client)["total"] == 2
    Youth.objects.filter(pk=youth.pk).update(protection="skyddad_folkbokforing")
    assert_rows_follow_the_youths()
    data = overview_of(client)
    assert data["total"] == 1 and data == overview_reference(coordinator)
    client.force_login(granted)
    data = overview_of(client)
    assert data["total"] == 2 and data == overview_reference(granted)
    Youth.objects.filter(pk=youth.pk).update(protection="")
    client.force_login(coordinator)
    assert overview_of(client)["total"] == 2


def test_the_overview_follows_a_move_to_another_municipality(client, coordinator, coach, make_youth):
    from kaa.organisations.models import Municipality

    youth = make_youth(coach=coach, entered_days_ago=40)
    client.force_login(coordinator)
    assert overview_of(client)["total"] == 1
    other = Municipality.objects.create(code="0999", name="Annanstans")
    Youth.objects.filter(pk=youth.pk).update(municipality=other, coach=None, team=None)
    assert_rows_follow_the_youths()
    assert OutreachSnapshot.objects.get(youth=youth).stale  # computed under another municipality's chain
    assert overview_of(client)["total"] == 0


def test_a_youth_written_straight_into_the_register_is_counted(client, coordinator, coach, municipality, team):
    """A youth inserted by ``COPY`` already in the target group, without any event: its row is made (stale)."""
    client.force_login(coordinator)
    assert overview_of(client)["total"] == 0
    since = timezone.localdate() - datetime.timedelta(days=40)
    bulk_insert(Youth, ("municipality", "personnummer", "birth_date", "given_name", "family_name", "in_target_group",
                        "register_since", "coach", "team"),
                [(municipality.pk, "200601152383", datetime.date(2006, 1, 15), "A", "B", True, since, coach.pk,
                  team.pk)])
    assert_rows_follow_the_youths()
    assert OutreachSnapshot.objects.get().stale
    data = overview_of(client)
    assert data["total"] == 1 and data == overview_reference(coordinator)


def test_the_computations_inputs_on_the_youth_make_the_row_stale_and_the_copies_do_not(make_youth, coach,
                                                                                      other_coach):
    youth = make_youth(coach=coach, entered_days_ago=40)
    selectors.summaries_for([youth])
    snap = OutreachSnapshot.objects.get(youth=youth)
    assert not snap.stale
    # Only a copy: the row stays current, its generation too (a computation under way may still store).
    Youth.objects.filter(pk=youth.pk).update(coach=other_coach, given_name="Ny")
    after = OutreachSnapshot.objects.get(youth=youth)
    assert (after.stale, after.generation, after.coach_id) == (False, snap.generation, other_coach.pk)
    for change in ({"birth_date": youth.birth_date - datetime.timedelta(days=400)},
                   {"register_since": youth.register_since - datetime.timedelta(days=3)},
                   {"in_target_group": False}):
        before = OutreachSnapshot.objects.get(youth=youth).generation
        Youth.objects.filter(pk=youth.pk).update(**change)
        row = OutreachSnapshot.objects.get(youth=youth)
        assert row.stale and row.generation == before + 1, change
        youth.refresh_from_db()
        assert selectors.summaries_for([youth])[youth.pk] == computed([youth])[youth.pk]
    assert_rows_follow_the_youths()
