"""Uploads are capped before they are stored or read; a run keeps at most 1,000 errors (issue 9, item 8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kaa.imports.models import ImportRun, ImportStatus
from kaa.imports.parsers import MAX_ISSUES, IssueList, issue, read_table
from kaa.imports.services import population_import
from kaa.register.models import Youth

from .helpers import csv_bytes, pop_row, write, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, data, **extra):
    return client.post(reverse("imports:upload"), {"kind": "population", "file": SimpleUploadedFile("big.csv", data),
                                                   **extra})


@pytest.mark.parametrize(("limit", "size"), [
    (1024, 200_000),      # the request says it is far too large: skipped before a byte is kept
    (100_000, 150_000),   # within the form's margin: skipped once the limit is passed while it arrives
])
def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, administrator, settings, limit, size):
    settings.KAA_MAX_UPLOAD_BYTES = limit
    data = csv_bytes([pop_row(1)]) + b"x" * size
    client.force_login(administrator)
    response = upload(client, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Filen är för stor: högst " in content and "kan läsas in åt gången" in content
    assert not ImportRun.objects.exists() and not Youth.objects.exists()


def test_the_form_refuses_a_file_over_the_limit_too(client, administrator, settings):
    settings.KAA_MAX_UPLOAD_BYTES = 3 * 1024 * 1024
    from kaa.imports.forms import ImportForm

    form = ImportForm(data={"kind": "population"},
                      files={"file": SimpleUploadedFile("big.csv", b"x" * (3 * 1024 * 1024 + 1))},
                      municipalities=[administrator.memberships.get().municipality])
    assert not form.is_valid() and "högst 3,0\xa0MB" in form.errors["file"][0]


def test_an_upload_within_the_limit_is_imported(client, administrator, settings):
    settings.KAA_MAX_UPLOAD_BYTES = 100_000
    client.force_login(administrator)
    assert upload(client, csv_bytes([pop_row(1)])).status_code == 302
    assert Youth.objects.count() == 1


def test_the_upload_still_checks_the_csrf_token(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    assert upload(client, csv_bytes([pop_row(1)])).status_code == 403
    assert not ImportRun.objects.exists()


def test_at_most_a_thousand_errors_are_kept_with_the_total(client, administrator, tmp_path):
    rows = [pop_row(i, kommunkod="48") for i in range(1200)]
    run = population_import(path_or_file=write(tmp_path, "bad.csv", csv_bytes(rows)), municipality_code="0480",
                            language="en")
    assert run.status == ImportStatus.FAILED
    assert (len(run.errors), run.error_count, run.rejected, run.more_errors) == (MAX_ISSUES, 1200, 1200, 200)
    client.force_login(administrator)
    page = client.get(reverse("imports:run_detail", args=[run.pk])).content.decode()
    assert "1200 fel" in page and "De första 1000 felen visas här, och 200 fel till." in page


def test_issue_list_keeps_the_first_and_counts_all():
    issues = IssueList(limit=3)
    for row in (2, 2, 3, 4, 5):
        issues.append(issue(row, "x", "problem"))
    issues.insert(0, issue(1, "", "header"))
    assert [i.row for i in issues] == [1, 2, 2]
    assert (issues.total, issues.rows, bool(issues)) == (6, 5, True)


def test_xlsx_rows_are_read_lazily():
    table = read_table(xlsx_bytes([pop_row(i) for i in range(3)]))
    assert table.rows == [] and table.source is not None
    assert [num for num, _cells in table.each_row()] == [2, 3, 4]
