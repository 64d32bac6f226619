"""The due items of a case: a pure function of plain facts (kaa.casework.due)."""

import datetime

from kaa.casework import due

ON = datetime.date(2026, 3, 16)
BIRTH = datetime.date(2007, 1, 10)


def d(n: int) -> datetime.date:
    return ON + datetime.timedelta(days=n)


def facts(**kwargs) -> due.CaseFacts:
    base = {"youth_id": 1, "birth_date": BIRTH, "status": "open", "opened_on": d(-10), "last_contact_on": d(-2)}
    base.update(kwargs)
    return due.CaseFacts(**base)


def kinds(items) -> list[str]:
    return [it.kind for it in items]


def test_nothing_due_on_a_fresh_open_case():
    assert due.due_items(facts(), ON) == []


def test_plan_review_this_week_or_overdue_but_not_later():
    assert kinds(due.due_items(facts(review_on=d(6)), ON)) == ["plan_review"]
    assert kinds(due.due_items(facts(review_on=d(-3)), ON)) == ["plan_review"]
    assert due.due_items(facts(review_on=d(7)), ON) == []


def test_follow_up_due_until_a_follow_up_is_recorded():
    m = due.MeasureFacts(1, "praktik", d(-30), follow_up_on=d(-1))
    assert kinds(due.due_items(facts(measures=(m,)), ON)) == ["follow_up"]
    done = due.MeasureFacts(1, "praktik", d(-30), follow_up_on=d(-1), evaluations=(("follow_up", d(-5)),))
    assert due.due_items(facts(measures=(done,)), ON) == []
    too_early = due.MeasureFacts(1, "praktik", d(-30), follow_up_on=d(-1), evaluations=(("follow_up", d(-20)),))
    assert kinds(due.due_items(facts(measures=(too_early,)), ON)) == ["follow_up"]


def test_evaluation_due_and_done_by_an_evaluation_from_two_weeks_before():
    m = due.MeasureFacts(1, "studier", d(-60), evaluate_on=d(3))
    assert kinds(due.due_items(facts(measures=(m,)), ON)) == ["evaluation"]
    done = due.MeasureFacts(1, "studier", d(-60), evaluate_on=d(3), evaluations=(("during", d(-10)),))
    assert due.due_items(facts(measures=(done,)), ON) == []
    # A follow-up is not an evaluation.
    followed = due.MeasureFacts(1, "studier", d(-60), evaluate_on=d(3), evaluations=(("follow_up", d(-1)),))
    assert kinds(due.due_items(facts(measures=(followed,)), ON)) == ["evaluation"]


def test_an_ended_measure_wants_an_evaluation_after_it():
    ended = due.MeasureFacts(1, "praktik", d(-60), end=d(-3), end_reason="genomford")
    items = due.due_items(facts(measures=(ended,)), ON)
    assert kinds(items) == ["evaluation_after"] and items[0].due == d(-3) and items[0].overdue(ON)
    evaluated = due.MeasureFacts(1, "praktik", d(-60), end=d(-3), evaluations=(("after", d(-1)),))
    assert due.due_items(facts(measures=(evaluated,)), ON) == []
    declined = due.MeasureFacts(1, "praktik", d(-60), end=d(-3), declined=True)
    assert due.due_items(facts(measures=(declined,)), ON) == []


def test_measure_ending_this_week():
    ending = due.MeasureFacts(1, "praktik", d(-30), end=d(6))
    assert kinds(due.due_items(facts(measures=(ending,)), ON)) == ["measure_ending"]
    assert due.due_items(facts(measures=(due.MeasureFacts(1, "praktik", d(-30), end=d(7)),)), ON) == []
    assert due.due_items(facts(measures=(due.MeasureFacts(1, "praktik", d(-30), end=d(2), waiting=True),)),
                         ON) == []


def test_turning_20_within_60_days():
    assert kinds(due.due_items(facts(birth_date=datetime.date(2006, 5, 15)), ON)) == ["turning_20"]
    assert due.due_items(facts(birth_date=datetime.date(2006, 5, 16)), ON) == []


def test_no_contact_for_30_days_on_an_open_case():
    items = due.due_items(facts(last_contact_on=d(-30)), ON)
    assert kinds(items) == ["no_contact"] and items[0].due == ON and not items[0].overdue(ON)
    assert due.due_items(facts(last_contact_on=d(-29)), ON) == []
    # Never any contact: counted from the day the case was opened.
    assert kinds(due.due_items(facts(last_contact_on=None, opened_on=d(-40)), ON)) == ["no_contact"]


def test_declined_case_has_only_its_recontact_and_closed_none():
    m = due.MeasureFacts(1, "praktik", d(-30), end=d(2))
    declined = facts(status="declined", recontact_on=d(2), review_on=d(-1), measures=(m,), last_contact_on=d(-90))
    assert kinds(due.due_items(declined, ON)) == ["recontact"]
    closed = facts(status="closed", review_on=d(-1), measures=(m,), last_contact_on=d(-90))
    assert due.due_items(closed, ON) == []


def test_overdue_first_then_by_date():
    m1 = due.MeasureFacts(1, "praktik", d(-60), end=d(4))
    m2 = due.MeasureFacts(2, "syv", d(-60), follow_up_on=d(-2))
    items = due.due_items(facts(review_on=d(1), measures=(m1, m2), last_contact_on=d(-45)), ON)
    assert [(it.kind, it.due) for it in items] == [
        ("no_contact", d(-15)), ("follow_up", d(-2)), ("plan_review", d(1)), ("measure_ending", d(4))]


def test_closing_proposal_after_the_register_says_the_youth_left():
    changed = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    later = datetime.datetime(2026, 3, 10, 3, tzinfo=datetime.UTC)
    kwargs = {"status": "open", "status_changed_at": changed, "in_target_group": False,
              "left": ("nationellt_program", d(-7), later), "extended": False, "ukaa_on": False,
              "ongoing_measure": True}
    proposal = due.closing_proposal(**kwargs)
    assert proposal == due.Proposal("nationellt_program", d(-7))
    items = due.due_items(facts(proposal=proposal), ON)
    assert kinds(items) == ["closing_proposal"]
    # Recorded before the case last changed (e.g. reopened after it): no proposal.
    assert due.closing_proposal(**{**kwargs, "left": ("nationellt_program", d(-7), changed)}) is None
    assert due.closing_proposal(**{**kwargs, "in_target_group": True}) is None
    assert due.closing_proposal(**{**kwargs, "status": "closed"}) is None
    assert due.closing_proposal(**{**kwargs, "left": None}) is None


def test_ukaa_keeps_the_case_open_at_20_with_a_running_measure():
    at = datetime.datetime(2026, 3, 10, tzinfo=datetime.UTC)
    base = {"status": "open", "status_changed_at": at - datetime.timedelta(days=30), "in_target_group": False,
            "left": ("fyllt_20", d(-5), at), "extended": True, "ukaa_on": True, "ongoing_measure": True}
    kept = due.closing_proposal(**base)
    assert kept.ukaa and due.due_items(facts(proposal=kept), ON) == []
    assert not due.closing_proposal(**{**base, "ongoing_measure": False}).ukaa
    assert not due.closing_proposal(**{**base, "ukaa_on": False}).ukaa
    assert not due.closing_proposal(**{**base, "extended": False}).ukaa


def test_last_contact_from_events():
    events = [
        ("outreach.contact", d(-20), {"channel": "phone", "outcome": "reached"}),
        ("outreach.contact", d(-10), {"channel": "phone", "outcome": "no_answer"}),
        ("casework.journal", d(-8), {"kind": "network"}),
        ("casework.journal", d(-12), {"kind": "meeting"}),
    ]
    assert due.last_contact(events, ON) == d(-12)
    booked = [("outreach.meeting_booked", d(-30), {"date": d(-4).isoformat()})]
    assert due.last_contact(booked, ON) == d(-4)
    future = [("outreach.meeting_booked", d(-1), {"date": d(3).isoformat()})]
    assert due.last_contact(future, ON) is None
