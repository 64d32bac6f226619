"""School reports: the leaving form (avgångsanmälan) and consent-based early signals."""

import datetime
from unittest import mock

import pytest
from django.db import IntegrityError
from django.urls import reverse

from kaa.audit.models import AuditEntry
from kaa.register import selectors, services
from kaa.register.models import EarlySignal, Enrolment, FactSource, SchoolReport, Youth, YouthEvent
from tests.factories import EnrolmentFactory, YouthFactory, make_personnummer

pytestmark = pytest.mark.django_db

LEAVING = datetime.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def no_compute():
    with mock.patch.object(services, "_recompute") as patched:
        yield patched


@pytest.fixture
def pupil(municipality):
    # A family name no generated staff name can share: the pages must not show the pupil's.
    youth = YouthFactory(municipality=municipality, birth_date=datetime.date(2008, 5, 5), needs_evaluation=False,
                         family_name="Elevdottir")
    EnrolmentFactory(youth=youth, school_type="GY", programme="EE", school_unit_code="04800001",
                     school_unit_name="Nyköpings gymnasium", start_date=datetime.date(2024, 8, 19))
    return youth


def _report(user, youth_or_pnr, **kw):
    known = not isinstance(youth_or_pnr, str)
    pnr = youth_or_pnr.personnummer if known else youth_or_pnr
    data = {"personnummer": pnr, "family_name": youth_or_pnr.family_name if known else "Okänd",
            "school_unit_name": "Nyköpings gymnasium", "school_unit_code": "04800001",
            "leaving_date": LEAVING, "reason": "work", "met_kaa": False, "not_met_reason": "Ville inte"}
    data.update(kw)
    return services.school_report_create(user=user, **data)


def test_leaving_report_interrupts_the_running_enrolment(school_staff, pupil, no_compute):
    report = _report(school_staff, pupil)
    assert report.youth == pupil and report.applied == "interruption"
    enrolment = Enrolment.objects.get(youth=pupil)
    assert enrolment.interruption_date == LEAVING
    event = YouthEvent.objects.get(youth=pupil, kind="register.school_report")
    assert event.data["applied"] == "interruption" and pupil.personnummer not in str(event.data)
    pupil.refresh_from_db()
    assert pupil.needs_evaluation
    no_compute.assert_called_once()


def test_change_of_school_to_a_known_school_is_not_an_interruption(school_staff, pupil):
    report = _report(school_staff, pupil, reason="change_school", new_school_name="Annan gymnasieskola")
    assert report.applied == "none"
    assert Enrolment.objects.get(youth=pupil).interruption_date is None
    assert YouthEvent.objects.filter(youth=pupil, kind="register.school_report").exists()


def test_without_a_running_enrolment_a_school_report_enrolment_is_created(school_staff, municipality):
    youth = YouthFactory(municipality=municipality)
    report = _report(school_staff, youth)
    assert report.applied == "new_enrolment"
    e = Enrolment.objects.get(youth=youth)
    assert e.source == FactSource.SCHOOL_REPORT and e.interruption_date == LEAVING


def test_unknown_pupil_is_kept_for_the_coordinator_and_resolved_later(school_staff, coordinator, municipality):
    pnr = make_personnummer(datetime.date(2008, 9, 9), serial=123)
    report = _report(school_staff, pnr)
    assert report.youth is None and not Youth.objects.filter(personnummer=pnr).exists()
    assert selectors.school_signal_summary(coordinator) == {"unhandled": 1, "unmatched": 1, "new_signals": 0}
    youth = YouthFactory(municipality=municipality, personnummer=pnr, birth_date=datetime.date(2008, 9, 9))
    services.school_report_resolve(report=report, user=coordinator)
    report.refresh_from_db()
    assert report.youth == youth and report.applied == "new_enrolment"


def test_pupil_of_another_municipality_is_not_matched(school_staff):
    other = YouthFactory()  # its own municipality
    report = _report(school_staff, other)
    assert report.youth is None
    assert not Enrolment.objects.filter(youth=other, source=FactSource.SCHOOL_REPORT).exists()


def test_school_staff_reach_only_the_forms(client, school_staff, pupil):
    client.force_login(school_staff)
    for name in ("register:school_home", "register:school_report_new", "register:early_signal_new"):
        assert client.get(reverse(name)).status_code == 200, name
    for name in ("register:list", "register:youth_list", "register:school_reports", "register:early_signals"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("register:youth_detail", args=[pupil.pk])).status_code == 403


def test_leaving_form_posts_and_thanks(client, school_staff, pupil):
    client.force_login(school_staff)
    response = client.post(reverse("register:school_report_new"), {
        "family_name": pupil.family_name, "given_name": pupil.given_name, "personnummer": pupil.personnummer,
        "school_unit_name": "Nyköpings gymnasium", "leaving_date": "2026-03-15", "reason": "study_break",
        "met_kaa": "yes", "met_kaa_date": "2026-03-10"})
    assert response.status_code == 302 and response.url == reverse("register:school_home")
    report = SchoolReport.objects.get()
    assert report.youth == pupil and report.met_kaa and report.reported_by == school_staff
    page = client.get(reverse("register:school_home")).content.decode()
    assert pupil.personnummer not in page and pupil.family_name not in page


def test_leaving_form_names_the_missing_fields(client, school_staff):
    client.force_login(school_staff)
    response = client.post(reverse("register:school_report_new"), {
        "family_name": "A", "given_name": "B", "personnummer": "1234", "school_unit_name": "S",
        "leaving_date": "2026-03-15", "reason": "change_school", "met_kaa": "no"})
    errors = response.context["form"].errors
    assert {"personnummer", "new_school_name", "not_met_reason"} <= set(errors)
    assert not SchoolReport.objects.exists()


def test_coordinator_sees_and_handles_reports(client, coordinator, school_staff, pupil):
    report = _report(school_staff, pupil)
    client.force_login(coordinator)
    response = client.get(reverse("register:school_reports"))
    assert response.status_code == 200 and pupil.family_name in response.content.decode()
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="dashboard-school-reports"' in home
    client.post(reverse("register:school_report_action", args=[report.pk]), {"action": "handle"})
    report.refresh_from_db()
    assert report.handled_at is not None and report.handled_by == coordinator
    assert selectors.school_signal_summary(coordinator)["unhandled"] == 0
    entry = AuditEntry.objects.filter(object_type="school_report", object_id=str(report.pk)).first()
    assert entry is not None and "handled_at" in entry.fields


def test_early_signal_needs_consent_and_never_touches_the_register(client, school_staff, coordinator, pupil):
    client.force_login(school_staff)
    base = {"family_name": pupil.family_name, "given_name": pupil.given_name, "personnummer": pupil.personnummer,
            "school_unit_name": "Nyköpings gymnasium", "concern": "Hög frånvaro sedan jul", "consent_by": "pupil"}
    response = client.post(reverse("register:early_signal_new"), base)
    assert "consent" in response.context["form"].errors
    assert not EarlySignal.objects.exists()
    response = client.post(reverse("register:early_signal_new"), {**base, "consent": "on"})
    assert response.status_code == 302
    signal = EarlySignal.objects.get()
    assert signal.consent and signal.status == "new"
    assert not YouthEvent.objects.filter(youth=pupil).exists()
    assert Enrolment.objects.get(youth=pupil).interruption_date is None
    client.force_login(coordinator)
    assert pupil.family_name in client.get(reverse("register:early_signals")).content.decode()
    client.post(reverse("register:early_signal_status", args=[signal.pk]), {"status": "contacted"})
    signal.refresh_from_db()
    assert signal.status == "contacted"


def test_early_signal_service_refuses_without_consent(school_staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.early_signal_create(user=school_staff, personnummer="200808087777", given_name="A",
                                     family_name="B", school_unit_name="S", concern="c", consent=False,
                                     consent_by="pupil")


def test_database_refuses_an_early_signal_without_consent(municipality):
    with pytest.raises(IntegrityError):
        EarlySignal.objects.create(municipality=municipality, personnummer="1", given_name="A", family_name="B",
                                   school_unit_name="S", concern="c", consent=False, consent_by="pupil")
