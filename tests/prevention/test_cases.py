"""Preventive cases: opened from a school's signal with consent, seen only by the people working with the pupil,
meetings and the mapping, carried into the case work when the pupil enters the register, thinned otherwise."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.audit.models import AuditAction, AuditEntry
from kaa.casework.models import Case, Mapping
from kaa.prevention import selectors, services
from kaa.prevention.models import (
    AttendanceSettings,
    MeetingKind,
    PreventiveCase,
    PreventiveMeeting,
    PreventiveStatus,
)
from kaa.register.compute import register_compute
from kaa.register.models import EarlySignal, RegisterPeriod, SignalStatus, Youth, YouthEvent
from tests.factories import YouthFactory, staff

from .conftest import early_signal, pupil_pnr

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def open_case(place, signal: EarlySignal | None = None, user=None, **extra) -> PreventiveCase:
    signal = signal or early_signal(place)
    values = {
        "given_name": signal.given_name,
        "family_name": signal.family_name,
        "stage": "year_9",
        "consent": True,
        "consent_by": "guardian",
        "consent_on": TODAY(),
        "school_unit_name": signal.school_unit_name,
        **extra,
    }
    return services.preventive_case_open(
        user=user or place["counsellor"],
        municipality_id=signal.municipality_id,
        personnummer=signal.personnummer,
        early_signal=signal,
        **values,
    )


MAPPING = {
    "school_worked": "Slöjd och idrott",
    "school_not_worked": "Stora klasser",
    "interests": "Musik",
    "wishes": "Bli elektriker",
    "strengths": "Noggrann",
    "support_needs": "Lugn plats",
    "obstacles": "",
    "participants": "Eleven och mamma",
    "place": "Skolan",
}


def test_a_study_counsellor_opens_a_case_from_a_signal_with_consent(place):
    signal = early_signal(place)
    case = open_case(place, signal)
    assert case.status == PreventiveStatus.OPEN and case.origin == "early_signal"
    assert list(case.workers.values_list("user__username", flat=True)) == ["syv"]
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CONTACTED
    assert AuditEntry.objects.filter(
        object_type="preventive_case", action=AuditAction.CREATE, object_id=str(case.pk)
    ).exists()
    # Not the register: no youth, no register period, no event on anyone's history.
    assert not Youth.objects.exists() and not RegisterPeriod.objects.exists() and not YouthEvent.objects.exists()


def test_no_case_without_consent_or_outside_years_8_9_and_upper_secondary(place):
    with pytest.raises(ValidationError) as exc:
        open_case(place, consent=False, stage="year_7")
    assert {"consent", "stage"} <= set(exc.value.message_dict)
    assert not PreventiveCase.objects.exists()


def test_one_open_case_per_pupil(place):
    signal = early_signal(place)
    open_case(place, signal)
    with pytest.raises(ValidationError):
        open_case(place, signal)


def test_school_staff_and_teachers_cannot_open_a_case(place):
    for who in ("school", "teacher"):
        with pytest.raises(PermissionDenied):
            open_case(place, user=place[who])


def test_only_the_people_working_with_the_pupil_see_the_case(place, client):
    case = open_case(place)
    assert list(selectors.preventive_cases(user=place["counsellor"])) == [case]
    for other in ("coordinator", "coach", "teacher"):
        assert not selectors.preventive_cases(user=place[other]).exists()
    client.force_login(place["coordinator"])
    assert client.get(reverse("prevention:case_detail", args=[case.pk])).status_code == 404
    services.preventive_worker_add(case=case, user=place["counsellor"], colleague=place["coach"])
    assert list(selectors.preventive_cases(user=place["coach"])) == [case]
    with pytest.raises(ValidationError):  # a teacher does no preventive work: not named on a case
        services.preventive_worker_add(case=case, user=place["counsellor"], colleague=place["teacher"])
    with pytest.raises(PermissionDenied):  # and someone not on the case cannot write to it
        services.preventive_meeting_record(
            case=case, user=place["coordinator"], kind=MeetingKind.AUTUMN, held_on=TODAY(), participants="Eleven"
        )


def test_a_protected_pupil_needs_the_grant(place):
    signal = early_signal(place, protected=True)
    with pytest.raises(PermissionDenied):
        open_case(place, signal)
    assert not selectors.early_signals(user=place["counsellor"]).exists()
    assert selectors.early_signals_withheld(user=place["counsellor"]) == 1
    granted = staff(Role.STUDY_COUNSELLOR, place["municipality"], may_see_protected=True)
    case = open_case(place, signal, user=granted)
    assert case.protected and list(selectors.preventive_cases(user=granted)) == [case]


def test_meetings_and_mapping_are_recorded(place, client):
    case = open_case(place)
    user = place["counsellor"]
    autumn = TODAY() - datetime.timedelta(days=100)
    services.preventive_meeting_record(
        case=case,
        user=user,
        kind=MeetingKind.AUTUMN,
        held_on=autumn,
        participants="Eleven, KAA",
        notes="Första träffen",
    )
    services.preventive_meeting_record(
        case=case,
        user=user,
        kind=MeetingKind.SPRING,
        held_on=TODAY(),
        participants="Eleven, mentorn, pappa",
        follow_up_on=TODAY(),
    )
    services.preventive_mapping_save(case=case, user=user, held_on=TODAY(), **MAPPING)
    second = services.preventive_mapping_save(
        case=case, user=user, held_on=TODAY(), **{**MAPPING, "wishes": "Bli elektriker eller snickare"}
    )
    assert second.version == 2 and PreventiveMeeting.objects.filter(case=case).count() == 2
    with pytest.raises(ValidationError):
        services.preventive_meeting_record(case=case, user=user, kind="x", held_on=TODAY(), participants="")
    client.force_login(user)
    page = client.get(reverse("prevention:case_detail", args=[case.pk]))
    assert page.status_code == 200 and "snickare" in page.content.decode()
    assert AuditEntry.objects.filter(
        object_type="preventive_case", action=AuditAction.VIEW, object_id=str(case.pk), user_id=user.pk
    ).exists()


def test_the_mapping_is_carried_into_the_case_work_when_the_pupil_enters_the_register(place):
    pnr = pupil_pnr(7, age=17)
    signal = EarlySignal.objects.create(
        municipality=place["municipality"],
        personnummer=pnr,
        given_name="Ali",
        family_name="Exempel",
        school_unit_name="Gymnasiet",
        concern="Frånvaro",
        consent=True,
        consent_by="pupil",
    )
    case = open_case(place, signal, stage="upper_secondary")
    services.preventive_mapping_save(case=case, user=place["counsellor"], held_on=TODAY(), **MAPPING)
    born = datetime.date(TODAY().year - 17, 3, 10)
    youth = YouthFactory(
        municipality=place["municipality"], personnummer=pnr, birth_date=born, coach=place["coach"], team=place["team"]
    )
    result = register_compute(youth_ids=[youth.pk])
    youth.refresh_from_db()
    assert result.entered == 1 and youth.in_target_group
    mapping = Mapping.objects.get(youth=youth)
    assert mapping.version == 1 and mapping.wishes == "Bli elektriker" and mapping.participants == "Eleven och mamma"
    assert mapping.created_by == place["counsellor"] and Case.objects.filter(youth=youth).exists()
    case.refresh_from_db()
    assert case.status == PreventiveStatus.CARRIED and case.youth == youth
    assert services.preventive_carry() == 0  # carried once


def test_the_nightly_carry_catches_a_pupil_already_in_the_register(place):
    pnr = pupil_pnr(8, age=17)
    youth = YouthFactory(municipality=place["municipality"], personnummer=pnr, in_target_group=True)
    signal = EarlySignal.objects.create(
        municipality=place["municipality"],
        personnummer=pnr,
        given_name="Bo",
        family_name="Exempel",
        school_unit_name="Gy",
        concern="x",
        consent=True,
        consent_by="pupil",
    )
    case = open_case(place, signal, stage="upper_secondary")
    services.preventive_mapping_save(case=case, user=place["counsellor"], held_on=TODAY(), **MAPPING)
    Mapping.objects.create(youth=youth, version=1, held_on=TODAY(), wishes="Coachens egen")
    assert services.preventive_carry() == 1
    # The coach had already mapped: their version stays the only one.
    assert list(Mapping.objects.filter(youth=youth).values_list("wishes", flat=True)) == ["Coachens egen"]


def test_thinning_rule():
    case = PreventiveCase(birth_date=datetime.date(2011, 5, 1), last_activity_on=datetime.date(2026, 10, 1))
    # Year 9 in 2026/27: compulsory school ends 30 June 2027; 12 months later.
    assert services.thinning_date(case, 12) == datetime.date(2028, 6, 30)
    case.last_activity_on = datetime.date(2028, 9, 1)
    assert services.thinning_date(case, 12) == datetime.date(2029, 9, 1)
    case.last_activity_on = datetime.date(2031, 1, 1)
    assert services.thinning_date(case, 12) == datetime.date(2031, 5, 1)  # at the latest at 20


def test_cases_of_pupils_who_never_entered_kaa_are_thinned_with_an_audit_entry(place):
    AttendanceSettings.objects.create(municipality=place["municipality"], thinning_months=6)
    old = open_case(place)
    services.preventive_meeting_record(
        case=old, user=place["counsellor"], kind=MeetingKind.AUTUMN, held_on=TODAY(), participants="Eleven"
    )
    carried = open_case(place, early_signal(place, serial=2))
    PreventiveCase.objects.filter(pk=carried.pk).update(status=PreventiveStatus.CARRIED)
    on = services.thinning_date(old, 6)
    assert services.preventive_thin(on=on - datetime.timedelta(days=1)) == 0
    assert services.preventive_thin(on=on) == 1
    assert list(PreventiveCase.objects.values_list("pk", flat=True)) == [carried.pk]
    assert not PreventiveMeeting.objects.exists()
    entry = AuditEntry.objects.get(object_type="preventive_case", action=AuditAction.DELETE, object_id=str(old.pk))
    assert entry.detail == "thinning:meetings=1:mappings=0"
    assert AuditEntry.objects.filter(
        object_type="preventive_case", action=AuditAction.DELETE, detail="thinning:cases=1"
    ).exists()


def test_a_failing_hook_never_breaks_the_register_computation(place, monkeypatch):
    def broken(youth_ids):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "register_entered", broken)
    from django.apps import apps

    monkeypatch.setattr(apps.get_app_config("prevention"), "register_entered", broken)
    youth = YouthFactory(municipality=place["municipality"], birth_date=datetime.date(TODAY().year - 17, 3, 10))
    assert register_compute(youth_ids=[youth.pk]).entered == 1
    youth.refresh_from_db()
    assert youth.in_target_group
