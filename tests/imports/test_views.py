import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaa.accounts.models import Role
from kaa.imports import views
from kaa.imports.models import ImportRun, ImportStatus
from kaa.register.models import Youth
from tests.factories import MunicipalityFactory, staff

from .helpers import csv_bytes, pnr, pop_row, school_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(monkeypatch):
    calls = []
    monkeypatch.setattr(views, "_compute", lambda request, ids: calls.append(sorted(ids)))
    return calls


def upload(client, kind, data, name="file.csv", **extra):
    return client.post(reverse("imports:upload"), {"kind": kind, "file": SimpleUploadedFile(name, data), **extra})


def test_population_upload_shows_the_result_and_computes(client, administrator, computed):
    client.force_login(administrator)
    assert client.get(reverse("imports:upload")).status_code == 200
    response = upload(client, "population", csv_bytes([pop_row(1), pop_row(2)]))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:run_detail", args=[run.pk])
    assert (run.trigger, run.user, run.status, run.created) == ("web", administrator, ImportStatus.SUCCEEDED, 2)
    assert computed == [sorted(Youth.objects.values_list("pk", flat=True))]
    page = client.get(response.url)
    assert page.status_code == 200 and b"file.csv" in page.content


def test_upload_computes_the_register_at_once(client, administrator):
    client.force_login(administrator)
    upload(client, "population", csv_bytes([pop_row(1), pop_row(2)]))
    assert not Youth.objects.filter(needs_evaluation=True).exists()
    assert set(Youth.objects.values_list("register_reason", flat=True)) != {""}


def test_a_large_upload_is_computed_by_the_workers(client, administrator, monkeypatch, settings):
    monkeypatch.setattr(views, "COMPUTE_BY_ID_LIMIT", 1)
    settings.LANGUAGE_CODE = "en"
    client.force_login(administrator)
    response = upload(client, "population", csv_bytes([pop_row(1), pop_row(2)]))
    page = client.get(response.url)
    assert b"being updated by the background worker" in page.content
    assert not Youth.objects.filter(needs_evaluation=True).exists()  # the test settings run tasks at once


def test_failed_upload_lists_errors_and_does_not_compute(client, administrator, computed):
    client.force_login(administrator)
    client.post("/i18n/setlang/", {"language": "en"})
    response = upload(client, "population", csv_bytes([pop_row(1, kommunkod="1"), pop_row(2, status="x")]))
    page = client.get(response.url)
    content = page.content.decode()
    assert "kommunkod" in content and "status" in content and "Row 2" in content and "Row 3" in content
    assert pnr(1) not in content
    assert not Youth.objects.exists() and computed == []


def test_school_upload(client, administrator, computed):
    client.force_login(administrator)
    upload(client, "school", csv_bytes([school_row(1)]))
    assert ImportRun.objects.get().created == 1 and len(computed) == 1


def test_municipality_choice_limited_to_the_users(client, administrator, computed):
    other = MunicipalityFactory(code="0765")
    client.force_login(administrator)
    response = upload(client, "population", csv_bytes([pop_row(1)]), municipality=other.code)
    assert response.status_code == 200 and not ImportRun.objects.exists()


def test_several_municipalities_need_a_choice(client, municipality, computed):
    second = MunicipalityFactory(code="0765", name="Älmhult")
    user = staff(Role.ADMINISTRATOR, municipality)
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, municipality=second, role=Role.ADMINISTRATOR)
    client.force_login(user)
    assert upload(client, "population", csv_bytes([pop_row(1)])).status_code == 200
    response = upload(client, "population", csv_bytes([pop_row(1, kommunkod="0765")]), municipality="0765")
    assert response.status_code == 302 and Youth.objects.get().municipality == second


def test_permissions(client, school_staff, coach):
    assert client.get(reverse("imports:runs")).status_code == 302  # to the login page
    for user in (school_staff, coach):
        client.force_login(user)
        for name in ("imports:runs", "imports:upload"):
            assert client.get(reverse(name)).status_code == 403


def test_run_of_another_municipality_is_404(client, administrator):
    other = MunicipalityFactory(code="0765")
    run = ImportRun.objects.create(kind="population", municipality=other, status="succeeded")
    client.force_login(administrator)
    assert client.get(reverse("imports:run_detail", args=[run.pk])).status_code == 404


def test_runs_list_is_paginated_with_bounded_queries(client, administrator, municipality,
                                                     django_assert_max_num_queries):
    ImportRun.objects.bulk_create([ImportRun(kind="population", municipality=municipality, user=administrator,
                                             status="succeeded", errors=[{"row": 1}] * 50) for _ in range(120)])
    client.force_login(administrator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("imports:runs"))
    assert response.status_code == 200
    assert response.content.decode().count(reverse("imports:run_detail", args=[0])[:-2]) >= 50
    with django_assert_max_num_queries(12):
        assert client.get(reverse("imports:runs") + "?page=3").status_code == 200


def test_dashboard_section(client, administrator, municipality):
    ImportRun.objects.create(kind="population", municipality=municipality, status="succeeded", file_name="x.csv")
    client.force_login(administrator)
    assert b"x.csv" in client.get(reverse("core:home")).content
