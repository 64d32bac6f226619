"""The signal and case lists: paginated, a bounded number of queries however many rows; protected pupils are
a count only without the grant; the upload page imports a file."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.prevention.models import AttendanceSignal, AttendanceWeek, PreventiveCase
from kaa.prevention.services import preventive_case_open
from kaa.register.models import EarlySignal
from tests.factories import YouthFactory, staff

from .conftest import early_signal, pupil_pnr

pytestmark = pytest.mark.django_db


def _signals(place, n: int) -> None:
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    AttendanceSignal.objects.bulk_create(
        [
            AttendanceSignal(
                municipality=place["municipality"],
                personnummer=pupil_pnr(i),
                first_week=monday,
                last_week=monday,
                weeks=3,
                average_unexcused=20 + i % 50,
                protected=i == 0,
            )
            for i in range(n)
        ]
    )
    for i in range(0, n, 3):
        YouthFactory(municipality=place["municipality"], personnummer=pupil_pnr(i))


def test_the_attendance_signal_list_is_bounded(place, client, django_assert_max_num_queries):
    _signals(place, 60)
    client.force_login(place["counsellor"])
    with django_assert_max_num_queries(80):  # page of 50: one audit entry each, the rest constant
        page = client.get(reverse("prevention:signals"))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('href="/prevention/signals/attendance/') == 50
    assert "1 skyddad signal" in body or "1 protected signal" in body  # the protected pupil: a count only


def test_the_early_signal_list_is_bounded(place, client, django_assert_max_num_queries):
    for i in range(60):
        early_signal(place, serial=i + 1, protected=i == 5)
    client.force_login(place["coach"])
    with django_assert_max_num_queries(80):
        page = client.get(reverse("prevention:signals") + "?kind=early")
    assert page.status_code == 200
    assert page.content.decode().count('href="/prevention/signals/early/') == 50


def test_the_case_list_is_bounded_and_scoped(place, client, django_assert_max_num_queries):
    for i in range(55):
        preventive_case_open(
            user=place["counsellor"],
            municipality_id=place["municipality"].pk,
            personnummer=pupil_pnr(i + 1),
            given_name="Elev",
            family_name=f"Nr{i:02d}",
            stage="year_9",
            consent=True,
            consent_by="pupil",
            consent_on=timezone.localdate(),
        )
    other = staff(Role.STUDY_COUNSELLOR, place["municipality"])
    client.force_login(place["counsellor"])
    with django_assert_max_num_queries(80):
        page = client.get(reverse("prevention:cases"))
    assert len(re.findall(r'href="/prevention/cases/\d+/"', page.content.decode())) == 50
    client.force_login(other)
    assert "Nr00" not in client.get(reverse("prevention:cases")).content.decode()


def test_opening_from_a_signal_page(place, client):
    signal = early_signal(place)
    client.force_login(place["counsellor"])
    url = reverse("prevention:open_from_early_signal", args=[signal.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "given_name": "Elsa",
            "family_name": "Exempel",
            "stage": "year_9",
            "consent_by": "guardian",
            "consent_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200 and not PreventiveCase.objects.exists()  # no consent ticked
    response = client.post(
        url,
        {
            "given_name": "Elsa",
            "family_name": "Exempel",
            "stage": "year_9",
            "consent_by": "guardian",
            "consent_on": timezone.localdate().isoformat(),
            "consent": "on",
        },
    )
    case = PreventiveCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("prevention:case_detail", args=[case.pk])
    assert client.get(url).status_code == 404  # the signal now has its case
    assert EarlySignal.objects.get().status == "contacted"


def test_the_upload_page_imports_a_file(place, client):
    client.force_login(place["coordinator"])
    data = f"personnummer;vecka;franvaro_procent;ogiltig_procent\n{pupil_pnr(1)};2026-W10;20;10\n".encode()
    response = client.post(
        reverse("prevention:attendance_upload"), {"file": SimpleUploadedFile("v10.csv", data), "municipality": "0480"}
    )
    assert response.status_code == 200 and AttendanceWeek.objects.count() == 1
    assert 'data-testid="import-result"' in response.content.decode()
