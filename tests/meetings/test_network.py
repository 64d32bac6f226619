"""Network meetings and the steering group: partners as names, youths only with a valid consent."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.casework import services as casework
from kaa.casework.models import JournalEntry, JournalKind
from kaa.meetings import selectors, services
from kaa.meetings.models import Meeting, MeetingKind, MeetingYouth
from kaa.register.models import YouthEvent
from tests.factories import MunicipalityFactory, staff

from .conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(municipality, coordinator, af, social):
    m = Meeting(
        municipality=municipality,
        kind=MeetingKind.NETWORK,
        held_on=timezone.localdate(),
        attendees="Kim Exempelsson, Arbetsförmedlingen\nMaja Testsson, Socialtjänsten",
        agenda="Uppsökande",
    )
    return services.meeting_save(meeting=m, user=coordinator, partners=[af, social])


def consent(youth, coordinator, partner, **kwargs):
    return casework.consent_record(
        youth=youth,
        user=coordinator,
        partner_org=partner,
        purpose="Nätverksmöte",
        valid_from=timezone.localdate() - days(10),
        **kwargs,
    )


def test_a_youth_without_consent_cannot_be_added(meeting, coordinator, youth):
    with pytest.raises(ValidationError) as exc:
        services.meeting_youth_add(meeting=meeting, youth=youth, user=coordinator)
    assert "Arbetsförmedlingen" in str(exc.value) and "Socialtjänsten" in str(exc.value)
    assert not MeetingYouth.objects.exists()


def test_consent_must_name_every_partner_taking_part(meeting, coordinator, youth, af):
    consent(youth, coordinator, af)
    with pytest.raises(ValidationError) as exc:
        services.meeting_youth_add(meeting=meeting, youth=youth, user=coordinator)
    assert "Socialtjänsten" in str(exc.value) and "Arbetsförmedlingen" not in str(exc.value)


def test_a_withdrawn_or_expired_consent_does_not_count(meeting, coordinator, youth, af, social):
    consent(youth, coordinator, af, valid_until=timezone.localdate() - days(1))
    c = consent(youth, coordinator, social)
    casework.consent_withdraw(consent=c, user=coordinator, on=timezone.localdate() - days(1))
    with pytest.raises(ValidationError):
        services.meeting_youth_add(meeting=meeting, youth=youth, user=coordinator)


def test_with_consent_the_youth_is_discussed_and_the_decision_journaled(meeting, coordinator, youth, af, social):
    consents = {consent(youth, coordinator, af).pk, consent(youth, coordinator, social).pk}
    item = services.meeting_youth_add(meeting=meeting, youth=youth, user=coordinator)
    assert {c.pk for c in item.consents.all()} == consents
    assert YouthEvent.objects.filter(youth=youth, kind="meetings.discussed").exists()
    with pytest.raises(ValidationError):
        services.meeting_youth_add(meeting=meeting, youth=youth, user=coordinator)  # once
    services.meeting_youth_decide(item=item, user=coordinator, text="AF bokar ett trepartsmöte.")
    entry = JournalEntry.objects.get(pk=item.entry_id)
    assert entry.kind == JournalKind.NETWORK and "AF bokar ett trepartsmöte." in entry.text
    with pytest.raises(ValidationError):
        services.meeting_youth_decide(item=item, user=coordinator, text="Igen.")


def test_a_partner_added_later_needs_the_youths_consent_too(meeting, coordinator, youth, af, social, municipality):
    consent(youth, coordinator, af)
    consent(youth, coordinator, social)
    services.meeting_youth_add(meeting=meeting, youth=youth, user=coordinator)
    from kaa.casework.models import Partner

    police = Partner.objects.create(municipality=municipality, name="Polisen")
    with pytest.raises(ValidationError):
        services.meeting_save(meeting=meeting, user=coordinator, partners=[af, social, police])
    assert set(meeting.partners.all()) == {af, social}


def test_partners_are_names_not_users(meeting):
    assert meeting.attendee_list == ["Kim Exempelsson, Arbetsförmedlingen", "Maja Testsson, Socialtjänsten"]


def test_only_the_municipalitys_coordinator_keeps_meetings(meeting, coach, youth, af):
    elsewhere = staff(Role.COORDINATOR, MunicipalityFactory(code="0765"), username="annan-samordnare")
    for user in (coach, elsewhere):
        with pytest.raises(PermissionDenied):
            services.meeting_save(meeting=meeting, user=user, partners=[af])
        assert not selectors.meetings(user=user).exists()


def test_follow_ups_have_a_responsible_and_a_date(meeting, coordinator):
    f = services.follow_up_add(
        meeting=meeting,
        user=coordinator,
        text="Bjud in Fontänhuset",
        responsible="Kim Exempelsson",
        due_on=timezone.localdate() + days(14),
    )
    with pytest.raises(ValidationError):
        services.follow_up_add(meeting=meeting, user=coordinator, text="x", responsible="", due_on=f.due_on)
    services.follow_up_done(follow_up=f, user=coordinator)
    f.refresh_from_db()
    assert f.done_on == timezone.localdate()


def test_the_next_meeting_is_proposed_on_the_cycle(meeting, municipality):
    assert selectors.next_meeting_on(
        meeting_kind=MeetingKind.NETWORK, municipality_id=municipality.pk
    ) == meeting.held_on + days(42)


def test_steering_minutes_hold_figures_not_names(municipality, coordinator, youth, af):
    m = services.meeting_save(
        meeting=Meeting(municipality=municipality, kind=MeetingKind.STEERING, held_on=timezone.localdate()),
        user=coordinator,
        partners=[af],
    )
    figures = selectors.steering_figures(meeting=m)
    assert figures["in_register"] == 1 and set(figures) == {"in_register", "open_cases", "in_measure"}
