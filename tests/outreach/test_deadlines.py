"""Due dates under both presets (the examples of the issue) and the done rules."""

import datetime

from kaa.outreach import deadlines as d
from tests.outreach.helpers import ADULT, MINOR, at, contact, entered, spec

D = datetime.date
ON = D(2025, 10, 1)  # the day whom to contact is decided for: fixed, so the tests do not age


def state(events, birth=ADULT, preset="almhult", on=ON):
    return d.compute(spec(preset), events, birth_date=birth, on=on)


def test_almhult_plan_from_entry():
    s = state([entered("2025-09-30")])
    assert s.status == d.ONGOING
    due = {st.code: st.due for st in s.steps}
    assert due["social_services_check"] == D(2025, 10, 2)
    assert due["letter"] == D(2025, 10, 2)
    assert due["phone"] == D(2025, 10, 10)
    assert due["home_visit_1"] == D(2025, 10, 16)  # projected from the letter's due date
    assert due["home_visit_2"] == D(2025, 10, 30)
    assert due["concern_report"] == D(2025, 11, 4)
    assert due["first_meeting"] is None and due["recontact"] is None
    assert s.next_step.code == "social_services_check"


def test_letter_on_2_oct_gives_home_visit_1_on_16_oct():
    s = state([entered("2025-09-20"), contact("2025-10-02", "letter", "sent")])
    assert s.step("letter").done and s.step("letter").done_on == D(2025, 10, 2)
    assert s.step("home_visit_1").due == D(2025, 10, 16)
    assert s.step("home_visit_2").due == D(2025, 10, 30)


def test_home_visits_need_one_visit_each():
    s = state([entered("2025-09-20"), contact("2025-10-02", "letter", "sent"),
               contact("2025-10-17", "home_visit")])
    assert s.step("home_visit_1").done and not s.step("home_visit_2").done
    assert s.step("home_visit_2").due == D(2025, 10, 31)
    assert s.step("concern_report").due == D(2025, 11, 5)


def test_refusal_on_5_oct_gives_recontact_on_5_jan():
    s = state([entered("2025-09-20"), contact("2025-10-05", "phone", "declined")])
    assert s.status == d.DECLINED
    assert s.step("recontact").due == D(2026, 1, 5)
    assert not s.step("recontact").done
    assert s.step("phone").done and s.step("phone").closed_by_contact
    assert s.next_step.code in ("letter", "social_services_check")  # these run even after contact


def test_recontact_follows_the_municipality_setting():
    chain = spec("almhult", recontact_months=6)
    s = d.compute(chain, [entered("2025-09-20"), contact("2025-10-05", "phone", "declined")], birth_date=ADULT)
    assert s.step("recontact").due == D(2026, 4, 5)


def test_recontact_done_by_an_attempt_after_the_refusal():
    s = state([entered("2025-09-20"), contact("2025-10-05", "phone", "declined"),
               contact("2026-01-06", "phone", "no_answer")])
    assert s.step("recontact").done


def test_phone_done_after_four_attempts_two_in_the_evening():
    base = [entered("2025-09-20")]
    calls = [contact("2025-09-22", "phone", hh=10), contact("2025-09-23", "sms", hh=11),
             contact("2025-09-24", "phone", hh=17), contact("2025-09-25", "phone", hh=19)]
    s = state(base + calls)
    assert s.step("phone").done and s.step("phone").evening_attempts == 2
    assert s.step("phone").done_on == D(2025, 9, 25)


def test_phone_not_done_after_four_daytime_attempts():
    calls = [contact(f"2025-09-2{i}", "phone", hh=9 + i) for i in range(1, 5)]  # 10:00..13:00
    s = state([entered("2025-09-20"), *calls])
    assert not s.step("phone").done
    assert s.step("phone").attempts == 4 and s.step("phone").evening_attempts == 0
    s2 = state([entered("2025-09-20"), *calls, contact("2025-09-26", "phone", hh=18),
                contact("2025-09-27", "phone", hh=20)])
    assert s2.step("phone").done


def test_evening_follows_the_municipality_setting():
    calls = [contact(f"2025-09-2{i}", "phone", hh=16) for i in range(1, 5)]
    assert not d.compute(spec(), [entered("2025-09-20"), *calls], birth_date=ADULT).step("phone").done
    early = spec("almhult", evening_starts_at=datetime.time(16, 0))
    assert d.compute(early, [entered("2025-09-20"), *calls], birth_date=ADULT).step("phone").done


def test_minor_needs_guardian_calls():
    calls = [contact(f"2025-09-2{i}", "phone", hh=18) for i in range(1, 5)]
    s = state([entered("2025-09-20"), *calls], birth=MINOR)
    assert s.minor and s.step("phone").to_guardian
    assert not s.step("phone").done  # calls to the youth do not count for a minor
    guardian = [contact(f"2025-09-2{i}", "phone", hh=18, to_guardian=True) for i in range(5, 9)]
    s2 = state([entered("2025-09-20"), *calls, *guardian], birth=MINOR)
    assert s2.step("phone").done


def test_reached_ends_the_outreach_phase_and_the_first_meeting_falls_due():
    s = state([entered("2025-09-20"), contact("2025-09-25", "phone", "reached", hh=18)])
    assert s.status == d.REACHED and s.reached_on == D(2025, 9, 25)
    assert all(st.done for st in s.steps if st.spec.until_contact and st.spec.anchor != "reached")
    assert s.step("first_meeting").due == D(2025, 10, 2)
    assert s.next_step.code in ("social_services_check", "letter")
    booked = state([entered("2025-09-20"), contact("2025-09-25", "phone", "reached"),
                    d.Ev(d.MEETING, at("2025-09-26"), {})])
    assert booked.step("first_meeting").done


def test_chain_starts_at_the_latest_entry_and_closes_on_leaving():
    s = state([entered("2025-01-10"), contact("2025-01-12", "letter", "sent"),
               d.Ev(d.LEFT, at("2025-03-01", 0), {}), entered("2025-09-20")])
    assert s.start == D(2025, 9, 20) and not s.step("letter").done
    closed = state([entered("2025-09-20"), d.Ev(d.LEFT, at("2025-10-01", 0), {})])
    assert closed.status == d.CLOSED and closed.next_step is None


def test_no_start_means_closed():
    s = state([])
    assert s.status == d.CLOSED and s.steps == ()


def test_nykoping_preset():
    assigned = d.Ev(d.ASSIGNED, at("2025-10-01", 9), {"coach_id": 1})
    s = state([entered("2025-09-29"), assigned], preset="nykoping")
    due = {st.code: st.due for st in s.steps}
    assert due["phone_sms_email"] == D(2025, 10, 1)
    assert due["letter"] == D(2025, 10, 8)
    assert due["network_check"] == D(2025, 10, 8)
    assert due["home_visit"] == D(2025, 10, 15)
    assert due["extend_outreach"] == D(2025, 10, 31)
    s2 = state([entered("2025-09-29"), assigned, contact("2025-10-01", "email", "sent", hh=11),
                contact("2025-10-09", "letter", "sent"),
                d.Ev(d.STEP_DONE, at("2025-11-01"), {"step": "extend_outreach"})], preset="nykoping")
    assert s2.step("phone_sms_email").done and s2.step("letter").done
    assert s2.step("home_visit").due == D(2025, 10, 16)
    assert s2.step("extend_outreach").done


def test_nykoping_without_assignment_counts_from_entry():
    s = state([entered("2025-09-29")], preset="nykoping")
    assert s.step("phone_sms_email").due == D(2025, 9, 29)


REPLY = d.Ev(d.REPLY, at("2025-10-03"), {"kind": "contact", "code_id": 1, "phone": "070-1740699"})
MEETING_REPLY = d.Ev(d.REPLY, at("2025-10-03", 11), {"kind": "meeting", "code_id": 1, "meeting_when": "tisdag"})


def test_reply_waits_until_handled():
    assert state([entered("2025-09-20"), REPLY]).reply_waiting
    handled = state([entered("2025-09-20"), REPLY, d.Ev(d.REPLY_HANDLED, at("2025-10-04"), {})])
    assert not handled.reply_waiting and handled.replies == ()


def test_a_logged_call_does_not_handle_a_reply():
    # Issue 10, defect 2: a "no answer" to a guardian removed a youth's meeting request.
    for call in (contact("2025-10-04", "phone", "no_answer", to_guardian=True),
                 contact("2025-10-04", "phone", "reached"), contact("2025-10-04", "youth_initiated", "reached")):
        s = state([entered("2025-09-20"), MEETING_REPLY, call], birth=MINOR)
        assert s.reply_waiting and s.reply_at == MEETING_REPLY.at
        assert [r.data["kind"] for r in s.replies] == ["meeting"]


def test_booking_the_meeting_asked_for_handles_that_reply_only():
    booked = d.Ev(d.MEETING, at("2025-10-05"), {"meeting_id": 1})
    s = state([entered("2025-09-20"), REPLY, MEETING_REPLY, booked])
    assert s.reply_waiting and [r.data["kind"] for r in s.replies] == ["contact"]
    wish_in_a_contact_reply = d.Ev(d.REPLY, at("2025-10-03"), {"kind": "contact", "meeting_where": "biblioteket"})
    assert not state([entered("2025-09-20"), wish_in_a_contact_reply, booked]).reply_waiting
    # A meeting booked before the reply came does not answer it.
    assert state([entered("2025-09-20"), d.Ev(d.MEETING, at("2025-10-02"), {}), MEETING_REPLY]).reply_waiting


def test_handled_covers_the_replies_seen_not_a_later_one():
    later = d.Ev(d.REPLY, at("2025-10-04", 9), {"kind": "contact", "message": "ring efter 17"})
    mark = d.Ev(d.REPLY_HANDLED, at("2025-10-04", 10), {"until": REPLY.at.isoformat()})
    s = state([entered("2025-09-20"), REPLY, later, mark])
    assert s.reply_waiting and s.replies == (later,) and s.reply_at == later.at
    assert not state([entered("2025-09-20"), REPLY, later, d.Ev(d.REPLY_HANDLED, at("2025-10-04", 10), {})
                      ]).reply_waiting
    bad = d.Ev(d.REPLY_HANDLED, at("2025-10-04", 10), {"until": "not a time"})
    assert not state([entered("2025-09-20"), REPLY, later, bad]).reply_waiting


def test_guardian_is_decided_on_the_day_of_the_contact():
    # Issue 10, defect 3: 17 when the chain started, 18 now: call the youth, not the guardian.
    birth = D(2007, 11, 1)
    events = [entered("2025-09-20")]
    before = state(events, birth=birth, on=D(2025, 10, 31))
    assert before.minor and before.step("phone").to_guardian
    after = state(events, birth=birth, on=D(2025, 11, 1))
    assert not after.minor and not after.step("phone").to_guardian
    # Calls to the youth count from the 18th birthday on; before it, only calls to the guardian.
    calls = [contact(f"2025-10-2{i}", "phone", hh=18) for i in range(1, 5)]
    adult_calls = [contact(f"2025-11-0{i}", "phone", hh=18) for i in range(2, 6)]
    assert not state([*events, *calls], birth=birth, on=D(2025, 11, 10)).step("phone").done
    assert state([*events, *calls, *adult_calls], birth=birth, on=D(2025, 11, 10)).step("phone").done


def test_guardian_is_decided_today_when_no_day_is_given():
    today = datetime.date.today()
    turned_18 = d.add_months(today, -18 * 12) - datetime.timedelta(days=40)
    s = d.compute(spec(), [d.Ev(d.ENTERED, at((today - datetime.timedelta(days=60)).isoformat(), 0), {})],
                  birth_date=turned_18)
    assert not s.minor and not s.step("phone").to_guardian


def test_buckets():
    s = state([entered("2025-09-30")])
    assert s.bucket(D(2025, 10, 3)) == "overdue"
    assert s.bucket(D(2025, 10, 2)) == "today"
    assert s.bucket(D(2025, 9, 30)) == "week"
