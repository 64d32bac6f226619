"""Case-work reads: the case view, due items from the database, the closing proposal, the policy."""

import datetime

import pytest
from django.utils import timezone

from kaa.accounts import policy
from kaa.casework import selectors, services
from kaa.casework.models import Activity
from kaa.register.models import YouthEvent

from .conftest import days

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def left(youth, reason="nationellt_program", day=None):
    """The register computation says the youth left the target group."""
    day = day or today() - days(3)
    youth.in_target_group, youth.register_reason, youth.register_since = False, reason, day
    youth.save(update_fields=["in_target_group", "register_reason", "register_since"])
    YouthEvent.objects.create(youth=youth, kind="register.left", data={"reason": reason, "date": day.isoformat()},
                              occurred_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(0))))


def test_case_view_summary(youth, coach):
    services.occupation_record(youth=youth, user=coach, code="ingen", start=today() - days(20))
    services.occupation_record(youth=youth, user=coach, code="praktik")
    running = services.measure_add(youth=youth, user=coach, code="praktik", start=today() - days(2),
                                   end=today() + days(3))
    services.measure_add(youth=youth, user=coach, code="syv", start=today(), declined=True)
    view = selectors.youth_case(coach, youth)
    assert view.status == "open" and view.current_occupation.code == "praktik"
    assert view.active_measures == [running]
    assert view.next_item.kind == "measure_ending"
    assert selectors.youth_case(coach, youth) is view  # one load per request


def test_closing_proposal_when_the_register_says_the_youth_started_a_programme(youth, coach):
    services.journal_add(youth=youth, user=coach, text="Möte.", kind="meeting")
    assert selectors.youth_case(coach, youth).proposal is None
    left(youth)
    youth = selectors.case_youth(user=coach, pk=youth.pk)
    view = selectors.youth_case(coach, youth)
    assert view.proposal.register_reason == "nationellt_program"
    assert view.proposal_reason == "paborjat_utbildning"
    assert view.next_item.kind == "closing_proposal"
    services.case_close(youth=youth, user=coach, reason=view.proposal_reason, from_proposal=True,
                        register_reason="nationellt_program")
    youth = selectors.case_youth(user=coach, pk=youth.pk)
    assert selectors.youth_case(coach, youth).proposal is None
    # Reopened: the same register change proposes nothing again.
    services.case_reopen(youth=youth, user=coach)
    youth = selectors.case_youth(user=coach, pk=youth.pk)
    assert selectors.youth_case(coach, youth).proposal is None


def test_ukaa_keeps_an_open_case_at_20_with_a_running_measure(youth, coach, municipality):
    municipality.extended_responsibility = True
    municipality.save()
    services.measure_add(youth=youth, user=coach, code="praktik", start=today() - days(10))
    left(youth, reason="fyllt_20")
    youth.register_extended = True
    youth.save(update_fields=["register_extended"])
    youth = selectors.case_youth(user=coach, pk=youth.pk)
    view = selectors.youth_case(coach, youth)
    assert view.proposal.ukaa and all(it.kind != "closing_proposal" for it in view.items)
    municipality.extended_responsibility = False
    municipality.save()
    youth = selectors.case_youth(user=coach, pk=youth.pk)
    assert not selectors.youth_case(coach, youth).proposal.ukaa


def test_due_for_user_covers_own_and_team_cases_in_bounded_queries(youth, coach, municipality, team,
                                                                   django_assert_max_num_queries):
    from tests.factories import YouthFactory

    for i in range(15):
        y = YouthFactory(municipality=municipality, team=team, in_target_group=True)
        services.measure_add(youth=y, user=coach, code="praktik", start=today() - days(20), end=today() + days(i % 9))
        services.journal_add(youth=y, user=coach, text="Samtal", kind="phone")
    services.plan_save(youth=youth, user=coach, goal="Mål", review_on=today())
    with django_assert_max_num_queries(8):
        rows = selectors.due_for_user(user=coach)
    assert {r.item.kind for r in rows} == {"measure_ending", "plan_review"}
    assert len([r for r in rows if r.item.kind == "measure_ending"]) == 13  # i % 9 within 0..6 days


def test_activity_bank_places_and_unused(youth, coach, coordinator, municipality):
    busy = Activity.objects.create(municipality=municipality, title="Praktik på lagret", measure_code="praktik",
                                   capacity=3, places_taken_other=1)
    idle = Activity.objects.create(municipality=municipality, title="Körkortsteori", measure_code="studier")
    Activity.objects.filter(pk=idle.pk).update(created_at=timezone.now() - days(400))
    services.measure_add(youth=youth, user=coach, start=today(), activity=busy)
    services.measure_add(youth=youth, user=coach, start=today(), activity=busy, declined=True)
    found = {a.pk: a for a in selectors.activities(user=coordinator, manage=True)}
    assert found[busy.pk].taken_kaa == 1 and found[busy.pk].last_used == today()
    assert not selectors.activity_is_unused(found[busy.pk]) and selectors.activity_is_unused(found[idle.pk])
    # Caseworkers read the bank; only coordinators keep it.
    assert {a.pk for a in selectors.activities(user=coach)} == {busy.pk, idle.pk}
    assert list(selectors.activities(user=coach, manage=True)) == []


def test_policy_case_access(youth, coach, coordinator, counsellor, teacher, granted_coach, other_team_coach,
                            elsewhere_coordinator, head):
    for user in (coach, coordinator, counsellor, teacher, granted_coach):
        assert policy.case_may_read(user, youth)
    for user in (other_team_coach, elsewhere_coordinator, head):
        assert not policy.case_may_read(user, youth)
    assert policy.case_may_write(coach, youth) and policy.case_may_write(coordinator, youth)
    assert not policy.case_may_write(counsellor, youth) and policy.case_may_contribute(teacher, youth)
    assert policy.case_may_edit_measure(teacher, youth, teacher.pk)
    assert not policy.case_may_edit_measure(teacher, youth, coach.pk)
    assert policy.case_may_read_confidential(granted_coach, youth)
    assert not policy.case_may_read_confidential(coach, youth)
    coordinator.memberships.update(may_see_confidential=True)
    coordinator._kaa_memberships = None
    assert policy.case_may_read_confidential(coordinator, youth)
    # The grant of a membership elsewhere does not open this youth's confidential entries.
    elsewhere_coordinator.memberships.update(may_see_confidential=True)
    assert not policy.case_may_read_confidential(elsewhere_coordinator, youth)
