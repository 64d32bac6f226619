"""A municipality with one record of every kind the export holds, built by the demo seed and the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.casework import services as casework
from kaa.casework.models import Activity, Code, CodeKind, Consent, EvaluationKind, Partner, Referral
from kaa.demo.seed import demo_seed
from kaa.messaging.models import Letter, LetterBatch, LetterTemplate
from kaa.messaging.services import current_version
from kaa.organisations.models import Municipality, SchoolUnit
from kaa.outreach import services as outreach
from kaa.register import services as register
from kaa.register.models import EarlySignal, Guardian, RegisterPeriod, SchoolReport, Youth, YouthEvent
from kaa.reporting.models import StatisticsFile
from kaa.reporting.periods import HalfYear
from kaa.reporting.services import planning_settings_save, statistics_file_produce
from tests.factories import EnrolmentFactory, MunicipalityFactory, YouthFactory, staff

TODAY = datetime.date(2026, 3, 16)


@dataclass
class Built:
    municipality: Any
    users: dict[str, Any]
    youth: Youth  # the youth with every kind of case record
    other: Any  # another municipality of the installation, which the round trip must leave alone


def remove_municipality(municipality: Municipality) -> None:
    """Take the municipality out of the installation (what protects it from a careless delete, in order)."""
    from kaa.handover.models import CaseOwnership, Fraktsedel, Transfer
    from kaa.meetings.models import CaseReview, Meeting
    from kaa.prevention.models import AttendanceSignal, AttendanceWeek, PreventiveCase

    youths = Youth.objects.filter(municipality=municipality)
    Fraktsedel.objects.filter(youth__in=youths).delete()
    for model in (PreventiveCase, AttendanceSignal, AttendanceWeek):
        model.objects.filter(municipality=municipality).delete()
    CaseOwnership.objects.filter(youth__in=youths).delete()
    Transfer.objects.filter(youth__in=youths).delete()
    Meeting.objects.filter(municipality=municipality).delete()
    CaseReview.objects.filter(team__municipality=municipality).delete()
    Referral.objects.filter(youth__in=youths).delete()
    Consent.objects.filter(youth__in=youths).delete()
    Letter.objects.filter(youth__in=youths).delete()
    LetterBatch.objects.filter(municipality=municipality).delete()
    for model in (RegisterPeriod, SchoolReport, EarlySignal, StatisticsFile):
        model.objects.filter(municipality=municipality).delete()
    youths.delete()
    LetterTemplate.objects.filter(municipality=municipality).delete()
    municipality.delete()


def _case_records(youth: Youth, coach: Any, coordinator: Any) -> None:
    """One of each kind of case record, through the services (as a coach and coordinator would)."""
    now = timezone.now()
    today = timezone.localdate()
    municipality = youth.municipality
    coach.memberships.update(may_see_confidential=True)
    Guardian.objects.get_or_create(
        youth=youth, position=1, defaults={"name": "Vårdnadshavare Ett", "phone": "0701234567"}
    )
    EnrolmentFactory(
        youth=youth, school_unit_code="PORT0001", school_unit_name="Portskolan", source_key="portability:1"
    )
    SchoolUnit.objects.get_or_create(
        code="PORT0001", defaults={"name": "Portskolan", "municipality_code": municipality.code}
    )
    outreach.contact_record(
        youth=youth,
        user=coach,
        channel="phone",
        at=now - datetime.timedelta(days=3),
        outcome="reached",
        note="- ringde; =SUMMA(A1) är ingen formel här\nrad två",
    )
    outreach.first_meeting_book(
        youth=youth,
        user=coach,
        at=now + datetime.timedelta(days=2),
        place="cafe",
        place_note="Vid stationen",
        colleague=coordinator,
    )
    report = outreach.concern_report_record(youth=youth, user=coach, sent_on=today - datetime.timedelta(days=2))
    outreach.concern_report_feedback(report=report, user=coach, feedback="Återkoppling", feedback_on=today)
    outreach.youths_assign(youths=[youth], coach=coach, user=coordinator)
    casework.occupation_record(youth=youth, user=coach, code="komvux", start=today - datetime.timedelta(days=10))
    casework.mapping_save(youth=youth, user=coach, held_on=today, interests="+46 är ett landsnummer")
    casework.plan_save(youth=youth, user=coach, goal="Börja på komvux")
    activity = Activity.objects.create(
        municipality=municipality, title="Studiebesök", measure_code="syv", capacity=5, provider="Kommunen"
    )
    casework.measure_add(
        youth=youth, user=coach, code="syv", start=today, goal="@vägledning", activity=activity, responsible_staff=coach
    )
    measure = youth.measures.get()
    casework.measure_evaluate(
        measure=measure, user=coach, kind=EvaluationKind.DURING, on=today, happened="yes", how_it_went="Bra"
    )
    casework.plan_accept(youth=youth, user=coach)
    first = casework.journal_add(youth=youth, user=coach, text="Första anteckningen", kind="meeting")
    casework.journal_add(youth=youth, user=coach, text="Rättelse av den första", corrects=first)
    casework.journal_add(youth=youth, user=coach, text="Sekretess: hemligt", kind="network", confidential=True)
    partner = Partner.objects.filter(municipality=municipality).order_by("pk").first()
    casework.consent_record(youth=youth, user=coach, partner_org=partner, purpose="Remiss", valid_from=today)
    referral = casework.referral_add(youth=youth, user=coach, partner=partner, purpose="Stöd")
    casework.referral_answer(referral=referral, user=coach, status="accepted", note="Välkommen")
    casework.consent_withdraw(
        consent=casework.consent_record(
            youth=youth, user=coach, partner="Socialtjänsten", purpose="Samtal", valid_from=today
        ),
        user=coach,
    )
    casework.case_close(youth=youth, user=coach, reason=Code.objects.filter(kind=CodeKind.CLOSING).first().code)
    casework.case_reopen(youth=youth, user=coach)
    register.correction_moved_in(
        youth=youth, user=coordinator, reason="Flyttade in", registered_from=today - datetime.timedelta(days=400)
    )
    version = current_version(municipality=municipality, code="letter_intro")
    batch = LetterBatch.objects.create(
        municipality=municipality, template_version=version, created_by=coordinator, youth_count=1
    )
    batch.pdf.save(f"batch-{batch.pk}.pdf", ContentFile(b"%PDF-1.4 portability test"), save=True)
    Letter.objects.create(youth=youth, template_version=version, batch=batch, created_by=coordinator)
    planning_settings_save(
        municipality=municipality, user=coordinator, fixed_percent="12.5", hours_per_youth="20", hours_per_year="1600"
    )
    statistics_file_produce(municipality=municipality, period=HalfYear.parse("2025H2"), user=coordinator)


def _school_side(municipality: Any, users: dict[str, Any], youth: Youth) -> None:
    school = users["skolpersonal"]
    register.school_report_create(
        user=school,
        personnummer=youth.personnummer,
        school_unit_name="Portskolan",
        leaving_date=timezone.localdate(),
        reason="work",
    )
    register.early_signal_create(
        user=school,
        personnummer="200901011234",
        given_name="Tidig",
        family_name="Signal",
        school_unit_name="Portskolan",
        concern="Frånvaro",
        consent=True,
        consent_by="pupil",
    )


def _follow_up_side(municipality: Municipality, users: dict, youth: Youth) -> None:
    """The year's goals and a case review's decision (the apps that came after the case)."""
    from kaa.meetings.models import ReviewDecision
    from kaa.meetings.services import review_decide, review_open
    from kaa.reporting.services import follow_up_goals_save

    follow_up_goals_save(municipality=municipality, year=TODAY.year, user=users["samordnare"],
                         goals_text="Alla ska nås inom 30 dagar.", work_text="Uppsökande varje vecka.")
    if not ReviewDecision.objects.filter(youth=youth).exists():
        review = review_open(team=youth.team, user=users["coach1"], on=TODAY)
        review_decide(review=review, youth=youth, user=users["coach1"], text="Erbjud praktik via AF.")


@pytest.fixture
def built(db, time_machine) -> Built:
    time_machine.move_to(datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC), tick=False)
    seeded = demo_seed(youths=30, seed=3, today=TODAY)
    municipality, users = seeded.municipality, seeded.users
    youth = (
        Youth.objects.filter(municipality=municipality, in_target_group=True, coach=users["coach1"])
        .order_by("pk")
        .first()
    )
    _case_records(youth, users["coach1"], users["samordnare"])
    _school_side(municipality, users, youth)
    _follow_up_side(municipality, users, youth)
    YouthEvent.objects.create(
        youth=youth, kind="outreach.assigned", data={"coach_id": users["coach2"].pk, "team_id": youth.team_id}
    )
    other = MunicipalityFactory(code="0765", name="Älmhult")
    YouthFactory(
        municipality=other,
        in_target_group=True,
        register_reason="avbrott",
        register_since=TODAY - datetime.timedelta(days=30),
    )
    staff(Role.COACH, other, username="coach-almhult")
    return Built(municipality=municipality, users=users, youth=youth, other=other)
