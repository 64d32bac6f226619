"""Imports through the upload page: a second municipality and a coordinator without the protected-identity
grant reach no youth of another municipality and lower no protection (issue 9, item 2)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaa.accounts.models import Role
from kaa.imports.models import ImportRun
from kaa.register.models import Enrolment, Protection, Youth
from tests.factories import MunicipalityFactory, YouthFactory, staff
from tests.imports.helpers import csv_bytes, pnr, pop_row, school_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(db):
    return MunicipalityFactory(code="0765", name="Älmhult")


def _upload(client, kind, rows, **extra):
    return client.post(reverse("imports:upload"),
                       {"kind": kind, "file": SimpleUploadedFile("file.csv", csv_bytes(rows)), **extra})


def _detail(client, youth) -> int:
    return client.get(reverse("register:youth_detail", kwargs={"pk": youth.pk})).status_code


def test_a_second_municipalitys_upload_takes_no_youth_and_reads_none(client, municipality, coordinator, second):
    theirs = YouthFactory(municipality=municipality, personnummer=pnr(1), registered_from=datetime.date(2020, 1, 1))
    protected = YouthFactory(municipality=municipality, personnummer=pnr(2), protection=Protection.CONFIDENTIAL,
                             registered_from=datetime.date(2020, 1, 1))
    intruder = staff(Role.COORDINATOR, second, may_see_protected=True, username="samordnare-almhult")
    today = datetime.date.today().isoformat()
    client.force_login(intruder)
    response = _upload(client, "population", [pop_row(1, kommunkod="0765", folkbokford_datum=today),
                                              pop_row(2, kommunkod="0765", folkbokford_datum=today, skydd="")])
    assert response.status_code == 302
    for youth in (theirs, protected):
        youth.refresh_from_db()
        assert youth.municipality == municipality
        assert _detail(client, youth) == 404
    assert Youth.objects.get(pk=protected.pk).protection == Protection.CONFIDENTIAL
    assert ImportRun.objects.get().skipped == 2

    # A school file adds no enrolment to the other municipality's youth either.
    _upload(client, "school", [school_row(1, skolenhetskod="07650001")])
    assert not Enrolment.objects.filter(youth=theirs).exists()

    client.force_login(coordinator)
    assert _detail(client, theirs) == 200


def test_a_coordinator_without_the_grant_cannot_lift_protection_by_upload(client, municipality, coordinator):
    protected = YouthFactory(municipality=municipality, personnummer=pnr(1),
                             protection=Protection.PROTECTED_REGISTRATION, registered_from=datetime.date(2020, 1, 1))
    client.force_login(coordinator)
    assert _detail(client, protected) == 404
    response = _upload(client, "population", [pop_row(1, skydd="", folkbokford_datum="2020-01-01")])
    assert response.status_code == 302
    protected.refresh_from_db()
    assert protected.protection == Protection.PROTECTED_REGISTRATION
    assert _detail(client, protected) == 404
    page = client.get(response.url)
    assert page.status_code == 200 and pnr(1).encode() not in page.content


def test_a_run_of_another_municipality_is_404_to_its_coordinator(client, coordinator, second):
    run = ImportRun.objects.create(kind="school", municipality=second, status="succeeded")
    client.force_login(coordinator)
    assert client.get(reverse("imports:run_detail", args=[run.pk])).status_code == 404
