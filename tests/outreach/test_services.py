"""Services: contact attempts, chains, meetings, refusals, concern reports, assignment."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.audit.models import AuditEntry
from kaa.outreach import deadlines, selectors, services
from kaa.outreach.models import ChainStep, ContactAttempt, ContactChain
from kaa.register.models import YouthEvent
from tests.factories import MunicipalityFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db


def local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_contact_record_writes_attempt_event_and_audit(make_youth, coach):
    youth = make_youth(coach=coach)
    at = timezone.now() - datetime.timedelta(hours=1)
    attempt = services.contact_record(youth=youth, user=coach, channel="phone", at=at, outcome="no_answer",
                                      note="Ringde mobilen")
    assert ContactAttempt.objects.get() == attempt and attempt.by == coach
    event = YouthEvent.objects.get(kind="outreach.contact")
    assert event.data["channel"] == "phone" and event.data["attempt_id"] == attempt.pk
    assert "Ringde" not in str(event.data)  # notes stay out of events
    entry = AuditEntry.objects.get(object_type="contact_attempt")
    assert entry.youth_id == youth.pk and "note" in entry.fields and "Ringde" not in entry.detail


@pytest.mark.parametrize("kwargs,field", [
    ({"channel": "pigeon"}, "channel"), ({"outcome": "maybe"}, "outcome"),
    ({"at": timezone.now() + datetime.timedelta(days=2)}, "at"), ({"at": datetime.datetime(2025, 1, 1)}, "at"),
])
def test_contact_record_validates(make_youth, coach, kwargs, field):
    youth = make_youth(coach=coach)
    base = {"channel": "phone", "outcome": "no_answer", "at": timezone.now()}
    with pytest.raises(ValidationError) as exc:
        services.contact_record(youth=youth, user=coach, **{**base, **kwargs})
    assert field in exc.value.message_dict
    assert not ContactAttempt.objects.exists()


def test_default_chain_is_installed_once(municipality):
    chain = services.chain_ensure(municipality=municipality)
    assert chain.preset == "almhult" and chain.is_active
    assert services.chain_ensure(municipality=municipality) == chain
    assert list(chain.steps.values_list("code", flat=True)) == [
        "social_services_check", "letter", "phone", "home_visit_1", "home_visit_2", "concern_report",
        "first_meeting", "recontact"]


def test_installing_a_preset_replaces_the_active_chain(municipality, make_youth, coach):
    old = services.chain_ensure(municipality=municipality)
    new = services.chain_install_preset(municipality=municipality, preset="nykoping", user=coach)
    old.refresh_from_db()
    assert new.is_active and not old.is_active
    youth = make_youth(coach=coach)
    assert "phone_sms_email" in {s.code for s in selectors.state_for(youth).steps}
    services.chain_activate(chain=old, user=coach)
    assert "phone" in {s.code for s in selectors.state_for(youth).steps}
    assert ContactChain.objects.filter(municipality=municipality, is_active=True).count() == 1


def test_editing_the_chain_moves_due_dates(make_youth, coach, municipality):
    youth = make_youth(coach=coach, entered_days_ago=40)
    services.contact_record(youth=youth, user=coach, channel="letter", outcome="sent",
                            at=local(timezone.localdate() - datetime.timedelta(days=30), 10))
    letter_day = timezone.localdate() - datetime.timedelta(days=30)
    assert selectors.state_for(youth).step("home_visit_1").due == letter_day + datetime.timedelta(days=14)
    step = ChainStep.objects.get(chain__municipality=municipality, code="home_visit_1")
    step.offset_days = 21
    services.chain_step_save(step=step, user=coach, fields=["offset_days"])
    assert selectors.state_for(youth).step("home_visit_1").due == letter_day + datetime.timedelta(days=21)


def test_first_meeting_at_home_needs_a_colleague(make_youth, coach, coordinator):
    youth = make_youth(coach=coach)
    when = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as exc:
        services.first_meeting_book(youth=youth, user=coach, at=when, place="home")
    assert "colleague" in exc.value.message_dict
    services.first_meeting_book(youth=youth, user=coach, at=when, place="home", colleague=coordinator)
    state = selectors.state_for(youth)
    assert state.status == deadlines.REACHED and state.step("first_meeting").done
    assert state.step("home_visit_1").done and state.step("home_visit_1").closed_by_contact


def test_refusal_sets_recontact_from_the_municipality_setting(make_youth, coach, municipality):
    municipality.recontact_months = 4
    municipality.save()
    youth = make_youth(coach=coach)
    at = timezone.now() - datetime.timedelta(hours=2)
    services.refusal_record(youth=youth, user=coach, at=at)
    state = selectors.state_for(youth)
    assert state.status == deadlines.DECLINED
    assert state.step("recontact").due == deadlines.add_months(timezone.localdate(at), 4)


def test_concern_report_completes_the_step(make_youth, coach):
    youth = make_youth(coach=coach, entered_days_ago=60)
    report = services.concern_report_record(youth=youth, user=coach, sent_on=timezone.localdate(),
                                            follow_up_on=timezone.localdate() + datetime.timedelta(days=14))
    assert selectors.state_for(youth).step("concern_report").done
    services.concern_report_feedback(report=report, user=coach, feedback="Känd hos soc",
                                     feedback_on=timezone.localdate())
    report.refresh_from_db()
    assert report.feedback == "Känd hos soc"
    with pytest.raises(ValidationError):
        services.concern_report_record(youth=youth, user=coach, sent_on=timezone.localdate(),
                                       follow_up_on=timezone.localdate() - datetime.timedelta(days=1))


def test_assign_sets_coach_team_events_and_audit(make_youth, coordinator, coach, team):
    youths = [make_youth() for _ in range(3)]
    assert services.youths_assign(youths=youths, coach=coach, user=coordinator) == 3
    for y in youths:
        y.refresh_from_db()
        assert y.coach == coach and y.team == team
    assert YouthEvent.objects.filter(kind="outreach.assigned").count() == 3
    assert AuditEntry.objects.filter(detail__startswith="assigned", youth_id__in=[y.pk for y in youths]).count() == 3


def test_assign_refuses_a_coach_from_another_municipality(make_youth, coordinator):
    elsewhere = MunicipalityFactory(code="0765", name="Älmhult")
    stranger = staff(Role.COACH, elsewhere, team=TeamFactory(municipality=elsewhere), username="far")
    with pytest.raises(ValidationError):
        services.youths_assign(youths=[make_youth()], coach=stranger, user=coordinator)


def test_phone_step_in_the_database_counts_evening_calls(make_youth, coach, municipality):
    youth = make_youth(coach=coach, entered_days_ago=20)
    day = timezone.localdate() - datetime.timedelta(days=10)
    for hour in (9, 11, 13, 15):
        services.contact_record(youth=youth, user=coach, channel="phone", outcome="no_answer", at=local(day, hour))
    assert not selectors.state_for(youth).step("phone").done
    for hour in (17, 20):
        services.contact_record(youth=youth, user=coach, channel="sms", outcome="message_left", at=local(day, hour))
    assert selectors.state_for(youth).step("phone").done


# --- Issue 10: the youth's reply, the phone number it gives -------------------------------------------

def test_youth_phone_update_records_an_event_and_audit_without_the_number(make_youth, coach):
    youth = make_youth(coach=coach, phone="070-1111111")
    event = services.youth_phone_update(youth=youth, user=coach, phone=" 073-174 06 99 ", source="reply")
    youth.refresh_from_db()
    assert youth.phone == "073-174 06 99"
    assert event.kind == "outreach.phone_updated" and event.actor == coach
    assert event.data == {"field": "phone", "source": "reply"}  # the number itself stays on the youth
    entry = AuditEntry.objects.get(object_type="youth", action="update", youth_id=youth.pk)
    assert entry.fields == ["phone"] and "073" not in entry.detail
    # The same number again changes nothing and writes nothing.
    assert services.youth_phone_update(youth=youth, user=coach, phone="073-174 06 99") is None
    assert YouthEvent.objects.filter(youth=youth, kind="outreach.phone_updated").count() == 1


@pytest.mark.parametrize("phone", ["", "ring mig", "12", "0701234567890123456", "070 123 45 67; DROP"])
def test_youth_phone_update_refuses_what_is_not_a_number(make_youth, coach, phone):
    youth = make_youth(coach=coach, phone="070-1111111")
    with pytest.raises(ValidationError) as exc:
        services.youth_phone_update(youth=youth, user=coach, phone=phone)
    assert "phone" in exc.value.message_dict
    youth.refresh_from_db()
    assert youth.phone == "070-1111111" and not YouthEvent.objects.filter(kind="outreach.phone_updated").exists()


def test_reply_marked_handled_up_to_the_reply_seen(make_youth, coach):
    youth = make_youth(coach=coach)
    seen = timezone.now() - datetime.timedelta(minutes=5)
    YouthEvent.objects.create(youth=youth, kind="outreach.reply", occurred_at=seen, data={"kind": "contact"})
    YouthEvent.objects.create(youth=youth, kind="outreach.reply", occurred_at=seen + datetime.timedelta(minutes=1),
                              data={"kind": "meeting", "meeting_when": "fredag"})
    services.reply_mark_handled(youth=youth, user=coach, until=seen)
    state = selectors.state_for(youth)
    assert state.reply_waiting and [r.data["kind"] for r in state.replies] == ["meeting"]
    services.reply_mark_handled(youth=youth, user=coach)
    assert not selectors.state_for(youth).reply_waiting
    assert AuditEntry.objects.filter(object_type="outreach_reply", youth_id=youth.pk).count() == 2


def test_a_call_keeps_the_reply_and_booking_the_meeting_handles_it(make_youth, coach, coordinator):
    youth = make_youth(coach=coach, minor=True)
    asked = timezone.now() - datetime.timedelta(hours=1)
    YouthEvent.objects.create(youth=youth, kind="outreach.reply", occurred_at=asked,
                              data={"kind": "meeting", "meeting_where": "biblioteket"})
    services.contact_record(youth=youth, user=coach, channel="phone", at=timezone.now(), outcome="no_answer",
                            to_guardian=True)
    assert selectors.state_for(youth).reply_waiting
    services.first_meeting_book(youth=youth, user=coach, at=timezone.now() + datetime.timedelta(days=2),
                                place="other", place_note="biblioteket")
    assert not selectors.state_for(youth).reply_waiting
