"""The quarterly results of measures with known answers (quarter 2026Q1)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kaa.accounts.models import Role
from kaa.audit.models import AuditEntry
from kaa.casework.codes import ensure_default_codes
from kaa.casework.models import Activity, Evaluation
from kaa.reporting import results
from kaa.reporting.results import Quarter
from tests.factories import MunicipalityFactory, YouthFactory, staff

from .conftest import D, measure, occupation

pytestmark = pytest.mark.django_db
Q1 = Quarter(2026, 1)


@pytest.fixture
def world(db):
    ensure_default_codes()
    m = MunicipalityFactory(code="0765", name="Älmhult")
    other = MunicipalityFactory(code="0780", name="Växjö")
    library = Activity.objects.create(municipality=m, title="Praktik på biblioteket", measure_code="praktik")

    y1 = YouthFactory(municipality=m)
    occupation(y1, "ingen", D(2025, 11, 1))
    occupation(y1, "arbete", D(2026, 2, 16))
    done = measure(y1, "praktik", D(2025, 12, 1), D(2026, 2, 15), end_reason="genomford", activity=library)
    Evaluation.objects.create(measure=done, kind="after", on=D(2026, 2, 20), happened="yes", youth_view="Bra")
    measure(y1, "enstaka_samtal", D(2025, 10, 1), D(2025, 12, 20), end_reason="genomford")  # before Q1

    y2 = YouthFactory(municipality=m)
    running = measure(y2, "praktik", D(2026, 1, 10), activity=library)
    Evaluation.objects.create(measure=running, kind="during", on=D(2026, 3, 1), happened="partly")
    Evaluation.objects.create(measure=running, kind="during", on=D(2026, 4, 1), happened="no")  # Q2
    measure(y2, "syv", D(2026, 2, 1), declined=True)

    y3 = YouthFactory(municipality=m)
    measure(y3, "syv", D(2026, 1, 5), D(2026, 3, 31))  # no reason, no occupation: okand
    measure(y3, "regelbundna_samtal", D(2026, 4, 2))  # after Q1
    measure(y3, "studier", D(2026, 1, 10), waiting=True)  # on a waiting list: not started

    y4 = YouthFactory(municipality=other)
    measure(y4, "praktik", D(2026, 1, 10))
    return {"m": m, "library": library}


def test_quarters():
    assert (Q1.start, Q1.end) == (D(2026, 1, 1), D(2026, 3, 31))
    assert Quarter.parse("2025q4").end == D(2025, 12, 31)
    assert Q1.previous() == Quarter(2025, 4) and Quarter(2025, 4).next() == Q1
    assert Quarter.containing(D(2026, 8, 31)) == Quarter(2026, 3)
    with pytest.raises(ValueError):
        Quarter.parse("2026Q5")


def test_occupation_on_is_the_last_started():
    history = [(D(2026, 1, 1), "ingen"), (D(2026, 2, 1), "arbete")]
    assert results.occupation_on(history, D(2025, 12, 31)) is None
    assert results.occupation_on(history, D(2026, 1, 31)) == "ingen"
    assert results.occupation_on(history, D(2026, 2, 1)) == "arbete"


def test_figures_per_measure_code(world):
    figures = results.compute(municipality=world["m"], quarter=Q1)
    rows = {r.key: r for r in figures.by_code}
    assert set(rows) == {"praktik", "syv"}
    praktik, syv = rows["praktik"], rows["syv"]
    assert (praktik.offered, praktik.started, praktik.declined, praktik.ended, praktik.ongoing) == (1, 1, 0, 1, 1)
    assert praktik.end_reasons == {"genomford": 1}
    assert praktik.occupation_after == {"arbete": 1}
    assert praktik.happened == {"yes": 1, "partly": 1}
    assert (praktik.evaluations, praktik.youth_views) == (2, 1)
    assert (syv.offered, syv.started, syv.declined, syv.ended, syv.ongoing) == (2, 1, 1, 1, 0)
    assert syv.end_reasons == {"": 1}
    assert syv.occupation_after == {"okand": 1}
    assert syv.evaluations == 0


def test_figures_per_activity(world):
    figures = results.compute(municipality=world["m"], quarter=Q1)
    assert [(r.key, r.label) for r in figures.by_activity] == [(str(world["library"].pk), "Praktik på biblioteket")]
    row = figures.by_activity[0]
    assert (row.started, row.ended, row.ongoing, row.evaluations) == (1, 1, 1, 2)


def test_next_quarter(world):
    rows = {r.key: r for r in results.compute(municipality=world["m"], quarter=Quarter(2026, 2)).by_code}
    assert rows["praktik"].ongoing == 1 and rows["praktik"].happened == {"no": 1}
    assert rows["regelbundna_samtal"].started == 1
    assert "syv" not in rows  # ended on the last day of Q1


def test_page_and_xlsx(world, client):
    client.force_login(staff(Role.COORDINATOR, world["m"]))
    page = client.get(reverse("reporting:results"), {"quarter": "2026Q1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Praktik på biblioteket" in body and "Genomförd som planerat" in body
    download = client.get(reverse("reporting:results_download"), {"quarter": "2026Q1"})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="export", object_type="measure_results", detail="2026Q1").exists()
    sheet = load_workbook(io.BytesIO(download.content)).active
    lines = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    praktik = [(line[3], line[4]) for line in lines if line[:2] == ("Åtgärd", "Praktik")]
    assert praktik[:4] == [(None, 1), (None, 0), (None, 1), (None, 1)]  # started, declined, ended, ongoing
    assert ("Genomförd som planerat", 1) in praktik and ("Arbete", 1) in praktik
    assert ("Delvis", 1) in praktik and ("Ja, som planerat", 1) in praktik
    assert next(line[1] for line in lines if line[0] == "Aktivitet") == "Praktik på biblioteket"


def test_heads_see_small_numbers_hidden(world, client):
    client.force_login(staff(Role.HEAD, world["m"]))
    response = client.get(reverse("reporting:results"), {"quarter": "2026Q1"})
    assert response.context["groupings"][0]["summary"][0]["started"] == "<5"


def test_queries_do_not_grow_with_measures(world, client):
    client.force_login(staff(Role.COORDINATOR, world["m"]))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reporting:results"), {"quarter": "2026Q1"}).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(15):
        y = YouthFactory(municipality=world["m"])
        occupation(y, "ingen", D(2025, 1, 1))
        done = measure(
            y, "praktik", D(2026, 1, 2 + i), D(2026, 3, 1), end_reason="genomford", activity=world["library"]
        )
        Evaluation.objects.create(measure=done, kind="after", on=D(2026, 3, 2), happened="yes")
    assert count() == before
    assert before <= 20
