"""The outreach snapshot is a memo of ``deadlines.compute``: lists read it only while it matches its inputs."""

import datetime

import pytest
from django.utils import timezone

from kaa.core.bulk import bulk_insert
from kaa.outreach import selectors, services, tasks
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
