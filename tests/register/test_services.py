"""Manual corrections: mandatory reason, the fact, the event, the audit entry, re-evaluation."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kaa.audit.models import AuditAction, AuditEntry
from kaa.register import services
from kaa.register.models import Enrolment, FactSource, Result, Youth, YouthEvent
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth(municipality):
    return YouthFactory(municipality=municipality, birth_date=datetime.date(2008, 3, 3), needs_evaluation=False,
                        in_target_group=True, register_reason="ej_paborjat")


@pytest.fixture
def no_compute():
    with mock.patch.object(services, "_recompute") as patched:
        yield patched


def test_reason_is_mandatory(youth, coordinator, no_compute):
    with pytest.raises(ValidationError) as exc:
        services.correction_degree_checked(youth=youth, user=coordinator, reason="  ")
    assert "reason" in exc.value.message_dict
    assert not YouthEvent.objects.filter(youth=youth).exists()


def test_only_correctors_may_correct(youth, coach, no_compute):
    with pytest.raises(PermissionDenied):
        services.correction_degree_checked(youth=youth, user=coach, reason="x")


def test_equivalent_education_creates_a_manual_degree(youth, coordinator, no_compute):
    enrolment = services.correction_equivalent_education(
        youth=youth, user=coordinator, reason="Examen från Finland, kopia sedd", completed_on=datetime.date(2025, 6, 1),
        school_name="Helsingin lukio")
    assert enrolment.source == FactSource.MANUAL and enrolment.equivalent
    assert enrolment.result == Result.DEGREE and enrolment.result_date == datetime.date(2025, 6, 1)
    event = YouthEvent.objects.get(youth=youth, kind="register.correction")
    assert event.data["kind"] == "equivalent_education"
    assert event.data["reason"] == "Examen från Finland, kopia sedd"
    assert event.actor == coordinator
    entry = AuditEntry.objects.get(youth_id=youth.pk, action=AuditAction.CREATE)
    assert "result" in entry.fields and "Finland" not in str(entry.fields) + entry.detail
    youth.refresh_from_db()
    assert youth.needs_evaluation
    no_compute.assert_called_once()


def test_moved_in_sets_population_facts(youth, coordinator, no_compute):
    Youth.objects.filter(pk=youth.pk).update(in_population=False, municipality_code="")
    youth.refresh_from_db()
    services.correction_moved_in(youth=youth, user=coordinator, reason="Flyttade in enligt socialtjänsten",
                                 registered_from=datetime.date(2026, 3, 1), municipality_code="0480")
    youth.refresh_from_db()
    assert youth.in_population and youth.municipality_code == "0480"
    assert youth.registered_from == datetime.date(2026, 3, 1)
    assert AuditEntry.objects.filter(youth_id=youth.pk, action=AuditAction.UPDATE).exists()


def test_moved_in_rejects_a_bad_municipality_code(youth, coordinator, no_compute):
    with pytest.raises(ValidationError) as exc:
        services.correction_moved_in(youth=youth, user=coordinator, reason="x",
                                     registered_from=datetime.date(2026, 3, 1), municipality_code="48")
    assert "municipality_code" in exc.value.message_dict


def test_degree_checked_writes_the_event(youth, coordinator, no_compute):
    event = services.correction_degree_checked(youth=youth, user=coordinator, reason="Ingen examen enligt UHR")
    assert event.kind == "register.correction" and event.data["kind"] == "degree_checked"


def test_enrolment_correction_validates_dates(youth, coordinator, no_compute):
    with pytest.raises(ValidationError) as exc:
        services.correction_enrolment_add(youth=youth, user=coordinator, reason="x", school_type="GY",
                                          start_date=datetime.date(2025, 8, 1), end_date=datetime.date(2025, 1, 1))
    assert "end_date" in exc.value.message_dict
    e = services.correction_enrolment_add(youth=youth, user=coordinator, reason="Skolan ringde", school_type="GY",
                                          programme="na", start_date=datetime.date(2025, 8, 1),
                                          interruption_date=datetime.date(2026, 2, 1))
    assert e.programme == "NA" and e.source == FactSource.MANUAL


def test_correction_recomputes_the_youth(youth, coordinator):
    with mock.patch.object(services, "register_compute") as compute:
        services.correction_degree_checked(youth=youth, user=coordinator, reason="Kontrollerad")
    compute.assert_called_once_with(youth_ids=[youth.pk])


def test_equivalent_degree_takes_the_youth_out_of_the_register(municipality, coordinator):
    pytest.importorskip("kaa.register.compute")
    young = YouthFactory(municipality=municipality, birth_date=datetime.date(2008, 3, 3))
    from kaa.register.compute import register_compute

    register_compute(youth_ids=[young.pk])
    young.refresh_from_db()
    assert young.in_target_group  # never started upper-secondary school
    services.correction_equivalent_education(youth=young, user=coordinator, reason="Utländsk examen",
                                             completed_on=datetime.date(2025, 6, 1))
    young.refresh_from_db()
    assert not young.in_target_group
    assert young.register_reason in ("examen", "motsvarande_utbildning")


# --- The correction page ---------------------------------------------------------------------------

def test_correction_page_requires_a_reason_and_names_the_field(client, coordinator, youth, no_compute):
    client.force_login(coordinator)
    url = reverse("register:youth_correct", args=[youth.pk, "degree_checked"])
    response = client.post(url, {"checked_on": "2026-05-01", "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"checked_on": "2026-05-01", "reason": "Kollat med UHR"})
    assert response.status_code == 302
    assert YouthEvent.objects.filter(youth=youth, kind="register.correction").count() == 1


def test_correction_page_enrolment(client, coordinator, youth, no_compute):
    client.force_login(coordinator)
    url = reverse("register:youth_correct", args=[youth.pk, "enrolment"])
    response = client.post(url, {"school_type": "GY", "programme": "EE", "start_date": "2025-08-18",
                                 "interruption_date": "2026-01-10", "reason": "Avbrott enligt rektor"})
    assert response.status_code == 302
    assert Enrolment.objects.get(youth=youth).interruption_date == datetime.date(2026, 1, 10)


def test_correction_page_403_for_coach_and_404_for_unknown_kind(client, coach, coordinator, youth):
    client.force_login(coach)
    assert client.get(reverse("register:youth_correct", args=[youth.pk, "moved_in"])).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("register:youth_correct", args=[youth.pk, "bogus"])).status_code == 404


def test_degree_checked_lets_a_waiting_in_mover_into_the_register(municipality, coordinator):
    pytest.importorskip("kaa.register.compute")
    from kaa.register.compute import register_compute

    municipality.wait_for_degree_check = True
    municipality.save()
    mover = YouthFactory(municipality=municipality, birth_date=datetime.date(2008, 1, 1),
                         registered_from=datetime.date(2026, 9, 1), immigration_date=datetime.date(2026, 8, 20))
    register_compute(youth_ids=[mover.pk])
    mover.refresh_from_db()
    waiting = mover.in_target_group
    services.correction_degree_checked(youth=mover, user=coordinator, reason="Ingen examen enligt UHR")
    mover.refresh_from_db()
    assert not waiting
    assert mover.in_target_group
