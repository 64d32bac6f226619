"""The team's Friday case review: who is proposed and why, decisions into the journal and the worklist."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.casework import due
from kaa.casework import services as casework
from kaa.casework.models import JournalEntry
from kaa.casework.selectors import due_for_user
from kaa.meetings import selectors, services
from kaa.meetings.labels import NEW, OUTREACH_OVERDUE
from kaa.meetings.models import ReviewDecision
from kaa.outreach import services as outreach
from kaa.outreach.selectors import state_for
from tests.factories import TeamFactory, staff

from .conftest import days, register_youth

pytestmark = pytest.mark.django_db


def reached_recently(youth, coach):
    """Reached by phone and written about yesterday: nothing to discuss."""
    outreach.contact_record(youth=youth, user=coach, channel="phone", at=timezone.now() - days(1), outcome="reached")
    for step in state_for(youth).steps:  # steps that run on after contact (e.g. checking with social services)
        if not step.done:
            outreach.step_mark_done(youth=youth, user=coach, step_code=step.code)
    casework.journal_add(
        youth=youth, user=coach, text="Samtal om praktik.", kind="phone", occurred_on=timezone.localdate() - days(1)
    )


def proposals_by_youth(user, team):
    return {p.youth.pk: p for p in selectors.review_proposals(user=user, team=team)}


def test_proposes_each_youth_with_why(municipality, team, coach):
    today = timezone.localdate()
    new = register_youth(municipality, team, coach, entered_days_ago=2, given_name="Ny")
    waiting = register_youth(municipality, team, coach, entered_days_ago=60, given_name="Väntar")
    silent = register_youth(municipality, team, coach, given_name="Tyst")
    reached_recently(silent, coach)
    casework.journal_add(youth=silent, user=coach, text="Träff.", kind="meeting", occurred_on=today - days(40))
    old = register_youth(
        municipality, team, coach, given_name="Snart20", birth_date=today.replace(year=today.year - 20) + days(20)
    )
    reached_recently(old, coach)
    fine = register_youth(municipality, team, coach, given_name="Lugn")
    reached_recently(fine, coach)
    found = proposals_by_youth(coach, team)
    assert NEW in found[new.pk].codes
    assert OUTREACH_OVERDUE in found[waiting.pk].codes and NEW not in found[waiting.pk].codes
    assert due.TURNING_20 in found[old.pk].codes
    assert fine.pk not in found
    # The journal entry 40 days ago came before the reach yesterday: contact is recent, nothing overdue.
    assert silent.pk not in found


def test_no_contact_for_30_days_is_a_reason(municipality, team, coach):
    youth = register_youth(municipality, team, coach, given_name="Tyst")
    outreach.contact_record(youth=youth, user=coach, channel="phone", at=timezone.now() - days(45), outcome="reached")
    casework.journal_add(
        youth=youth, user=coach, text="Träff.", kind="meeting", occurred_on=timezone.localdate() - days(40)
    )
    assert due.NO_CONTACT in proposals_by_youth(coach, team)[youth.pk].codes


def test_the_contact_chain_read_from_its_memo_follows_every_new_event(municipality, team, coach):
    """The review reads the chain's state from ``OutreachSnapshot``: a contact recorded after the memo was
    stored takes the youth off the list at the next read, as the rules say."""
    from kaa.outreach.models import OutreachSnapshot

    youth = register_youth(municipality, team, coach, entered_days_ago=60, given_name="Väntar")
    assert OUTREACH_OVERDUE in proposals_by_youth(coach, team)[youth.pk].codes
    assert not OutreachSnapshot.objects.get(youth=youth).stale  # stored by the first read
    reached_recently(youth, coach)
    assert youth.pk not in proposals_by_youth(coach, team)
    assert not OutreachSnapshot.objects.get(youth=youth).stale


def test_a_measure_ending_and_a_closing_proposal_are_reasons(municipality, team, coach):
    youth = register_youth(municipality, team, coach, given_name="Åtgärd")
    reached_recently(youth, coach)
    today = timezone.localdate()
    casework.measure_add(youth=youth, user=coach, code="praktik", start=today - days(30), end=today + days(3))
    assert due.MEASURE_ENDING in proposals_by_youth(coach, team)[youth.pk].codes


def test_only_the_team_and_only_what_the_user_sees(municipality, team, coach):
    other_team = TeamFactory(municipality=municipality, name="Team Söder")
    other_coach = staff(Role.COACH, municipality, team=other_team, username="coach-soder")
    theirs = register_youth(municipality, other_team, other_coach, entered_days_ago=1)
    assert theirs.pk not in proposals_by_youth(coach, team)
    assert not selectors.teams(user=coach).filter(pk=other_team.pk).exists()
    coordinator = staff(Role.COORDINATOR, municipality, username="samordnare")
    assert selectors.teams(user=coordinator).filter(pk=other_team.pk).exists()


def test_a_decision_is_a_journal_entry_and_its_next_step_a_due_item(municipality, team, coach, youth):
    today = timezone.localdate()
    review = services.review_open(team=team, user=coach)
    decision = services.review_decide(
        review=review,
        youth=youth,
        user=coach,
        text="Alva erbjuds praktik.",
        next_step="Ring Alva om praktiken",
        next_step_on=today + days(2),
        reasons=[OUTREACH_OVERDUE],
    )
    entry = JournalEntry.objects.get(pk=decision.entry_id)
    assert "Alva erbjuds praktik." in entry.text and "Ring Alva om praktiken" in entry.text
    assert entry.youth_id == youth.pk and entry.occurred_on == today
    assert decision.reasons == [OUTREACH_OVERDUE]
    rows = [r for r in due_for_user(user=coach) if r.youth.pk == youth.pk]
    assert [r.item.kind for r in rows if r.item.kind == due.NEXT_STEP] == [due.NEXT_STEP]
    assert next(r.item.due for r in rows if r.item.kind == due.NEXT_STEP) == today + days(2)
    # The coach calls and writes it down: the step is done.
    casework.journal_add(youth=youth, user=coach, text="Ringde Alva.", kind="phone")
    assert not [r for r in due_for_user(user=coach) if r.item.kind == due.NEXT_STEP]


def test_a_decision_without_date_makes_no_due_item(team, coach, youth):
    review = services.review_open(team=team, user=coach)
    services.review_decide(review=review, youth=youth, user=coach, text="Vi väntar in svar från skolan.")
    assert not [r for r in due_for_user(user=coach) if r.item.kind == due.NEXT_STEP]


def test_decision_rules(municipality, team, coach, youth):
    review = services.review_open(team=team, user=coach)
    with pytest.raises(ValidationError):
        services.review_decide(review=review, youth=youth, user=coach, text="")
    with pytest.raises(ValidationError):
        services.review_decide(review=review, youth=youth, user=coach, text="x", next_step="Ring", next_step_on=None)
    with pytest.raises(ValidationError):
        services.review_decide(
            review=review, youth=youth, user=coach, text="x", next_step_on=timezone.localdate() - days(1)
        )
    services.review_decide(review=review, youth=youth, user=coach, text="Beslut.")
    with pytest.raises(ValidationError):
        services.review_decide(review=review, youth=youth, user=coach, text="Igen.")
    assert ReviewDecision.objects.count() == 1
    assert services.review_open(team=team, user=coach) == review  # one review a day


def test_another_teams_coach_may_not_decide(municipality, team, youth):
    other = staff(Role.COACH, municipality, team=TeamFactory(municipality=municipality), username="annan")
    coach_review = services.review_open(team=team, user=staff(Role.COORDINATOR, municipality, username="s"))
    with pytest.raises(PermissionDenied):
        services.review_open(team=team, user=other)
    with pytest.raises(PermissionDenied):
        services.review_decide(review=coach_review, youth=youth, user=other, text="Nej.")


@pytest.mark.parametrize("size", [3, 30])
def test_the_proposals_take_a_fixed_number_of_queries(municipality, team, coach, size, django_assert_max_num_queries):
    for i in range(size):
        y = register_youth(municipality, team, coach, entered_days_ago=1 + i % 20, given_name=f"U{i}")
        if i % 3 == 0:
            casework.journal_add(youth=y, user=coach, text="Anteckning.", kind="phone")
    review = services.review_open(team=team, user=coach)
    coach = type(coach).objects.get(pk=coach.pk)  # no memberships cached
    with django_assert_max_num_queries(8):  # 6 once the contact chains' memos are current
        found = selectors.review_proposals(user=coach, team=team, review=review)
    assert len(found) == size


def test_the_timeline_names_the_meeting_events(team, coach, youth):
    from kaa.register.labels import event_label

    review = services.review_open(team=team, user=coach)
    services.review_decide(
        review=review, youth=youth, user=coach, text="Beslut.", next_step="Ring", next_step_on=timezone.localdate()
    )
    kinds = set(youth.events.values_list("kind", flat=True))
    assert {"casework.next_step", "meetings.review_decision"} <= kinds
    assert all("(" not in event_label(k) for k in kinds if k.startswith(("meetings.", "casework.next")))
