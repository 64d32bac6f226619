"""Lead times with known answers: days from entering the register to the first attempt and to contact."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from kaa.accounts.models import Role
from kaa.audit.models import AuditEntry
from kaa.outreach.models import FirstMeeting
from kaa.register.models import YouthEvent
from kaa.reporting import leadtimes
from kaa.reporting.leadtimes import Entry, figures_of, percentile
from tests.factories import MunicipalityFactory, YouthFactory, staff

from .conftest import D, at, attempt, period

pytestmark = pytest.mark.django_db
NOW = at(D(2026, 6, 30))


@pytest.fixture
def world(db):
    m = MunicipalityFactory(code="0765", name="Älmhult")
    other = MunicipalityFactory(code="0780", name="Växjö")
    c1 = staff(Role.COACH, m, username="coach1")
    c1.first_name, c1.last_name = "Anna", "Berg"
    c1.save()
    c2 = staff(Role.COACH, m, username="coach2")
    coordinator = staff(Role.COORDINATOR, m, username="coord")

    y1 = YouthFactory(municipality=m, coach=c1, in_target_group=True, family_name="Ett", given_name="A")
    period(y1, D(2026, 1, 10), None, "avbrott")
    attempt(y1, D(2026, 1, 12), outcome="message_left")
    attempt(y1, D(2026, 1, 20))  # 2 days to the attempt, 10 to contact

    y2 = YouthFactory(municipality=m, coach=c1, in_target_group=True, family_name="Två", given_name="B")
    period(y2, D(2026, 2, 1), None, "avbrott")
    attempt(y2, D(2026, 2, 5), to_guardian=True)  # an attempt, not a contact with the youth
    YouthEvent.objects.create(
        youth=y2, kind="outreach.reply", occurred_at=at(D(2026, 2, 21)), data={"kind": "contact", "respondent": "youth"}
    )  # 4 and 20 days

    y3 = YouthFactory(municipality=m, in_target_group=True, family_name="Tre", given_name="C")
    period(y3, D(2026, 3, 1), None, "ej_paborjat")  # entered, nothing yet

    y4 = YouthFactory(municipality=m, in_target_group=True, family_name="Fyra", given_name="D")
    period(y4, D(2025, 12, 1), None, "avbrott")  # entered before the range: waiting, not an entry

    y5 = YouthFactory(municipality=m, coach=c2, in_target_group=True, family_name="Fem", given_name="E")
    period(y5, D(2026, 1, 5), D(2026, 1, 15), "avbrott")
    period(y5, D(2026, 1, 15), D(2026, 2, 10), "nationellt_program", inside=False)
    period(y5, D(2026, 2, 10), None, "avbrott")
    attempt(y5, D(2026, 1, 7))  # first stretch: 2 and 2 days
    attempt(y5, D(2026, 2, 11), outcome="message_left")  # second stretch: 1 day to the attempt
    FirstMeeting.objects.create(youth=y5, at=at(D(2026, 2, 13)), place="office")  # 3 days to contact

    y6 = YouthFactory(municipality=other, in_target_group=True)
    period(y6, D(2026, 1, 10), None, "avbrott")
    return {"m": m, "c1": c1, "c2": c2, "coordinator": coordinator, "y1": y1, "y2": y2, "y3": y3, "y4": y4, "y5": y5}


def test_percentile_is_the_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([7], 0.9) == 7
    assert percentile([4, 1, 2, 2], 0.9) == 4
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile(list(range(1, 21)), 0.5) == 10


def test_figures_of_counts_only_those_that_got_there():
    f = figures_of([Entry(1, D(2026, 1, 1), None, D(2026, 1, 3), None), Entry(2, D(2026, 1, 1), None)])
    assert (f.entered, f.attempted, f.contacted, f.waiting) == (2, 1, 0, 2)
    assert (f.median_to_attempt, f.p90_to_attempt, f.median_to_contact, f.p90_to_contact) == (2.0, 2, None, None)


def test_municipality_and_coach_figures(world):
    times = leadtimes.lead_times(municipality=world["m"], start=D(2026, 1, 1), end=D(2026, 3, 31), now=NOW)
    f = times.municipality
    assert (f.entered, f.attempted, f.contacted, f.waiting) == (5, 4, 4, 1)
    assert (f.median_to_attempt, f.p90_to_attempt) == (2.0, 4)  # [1, 2, 2, 4]
    assert (f.median_to_contact, f.p90_to_contact) == (6.5, 20)  # [2, 3, 10, 20]
    rows = {c.coach_id: c for c in times.by_coach}
    assert [c.coach_id for c in times.by_coach] == [world["c1"].pk, world["c2"].pk, None]
    assert rows[world["c1"].pk].name == "Anna Berg"
    c1 = rows[world["c1"].pk].figures
    assert (c1.entered, c1.median_to_attempt, c1.p90_to_attempt, c1.median_to_contact, c1.p90_to_contact) == (
        2,
        3.0,
        4,
        15.0,
        20,
    )
    c2 = rows[world["c2"].pk].figures
    assert (c2.entered, c2.median_to_attempt, c2.p90_to_attempt, c2.median_to_contact, c2.p90_to_contact) == (
        2,
        1.5,
        2,
        2.5,
        3,
    )
    none = rows[None].figures
    assert (none.entered, none.attempted, none.contacted) == (1, 0, 0)


def test_range_selects_entries_by_their_start(world):
    times = leadtimes.lead_times(municipality=world["m"], start=D(2026, 2, 1), end=D(2026, 2, 28), now=NOW)
    assert times.municipality.entered == 2  # y2 and y5's second stretch
    assert times.municipality.median_to_contact == 11.5  # [3, 20]


def test_contact_after_now_is_not_counted(world):
    times = leadtimes.lead_times(
        municipality=world["m"], start=D(2026, 1, 1), end=D(2026, 3, 31), now=at(D(2026, 1, 16))
    )
    f = times.municipality
    # By 16 January only y1 (entered 10 Jan) and y5's first stretch had entered... and the range asks
    # for entries until March: those later ones exist already in the register history.
    assert f.attempted == 2  # y1 on 12 Jan, y5 on 7 Jan
    assert f.contacted == 1  # y5 on 7 Jan; y1 was reached on 20 Jan


def test_a_coach_sees_only_their_youths(world):
    times = leadtimes.lead_times(
        municipality=world["m"], start=D(2026, 1, 1), end=D(2026, 3, 31), now=NOW, user=world["c1"]
    )
    assert times.municipality.entered == 2
    assert [c.coach_id for c in times.by_coach] == [world["c1"].pk]


def test_waiting_longest_first(world):
    rows = leadtimes.waiting_longest(user=world["coordinator"], municipality=world["m"], now=NOW)
    assert [(w.youth_id, w.since, w.days, w.attempted) for w in rows] == [
        (world["y4"].pk, D(2025, 12, 1), 211, False),
        (world["y3"].pk, D(2026, 3, 1), 121, False),
    ]
    assert rows[0].name == "Fyra, D"
    assert leadtimes.waiting_longest(user=world["c1"], municipality=world["m"], now=NOW) == []


def test_dashboard_section_and_full_list(world, client):
    today = datetime.date.today()
    fresh = YouthFactory(municipality=world["m"], in_target_group=True, family_name="Ny", given_name="F")
    period(fresh, today - datetime.timedelta(days=3), None, "avbrott")
    client.force_login(world["coordinator"])
    page = client.get("/").content.decode()
    assert 'data-testid="dash-lead-times"' in page
    assert reverse("register:youth_detail", args=[world["y4"].pk]) in page
    assert world["y4"].personnummer not in page
    listing = client.get(reverse("reporting:lead_times_waiting"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert body.index("Fyra, D") < body.index("Tre, C") < body.index("Ny, F")
    assert AuditEntry.objects.filter(detail="lead_times_waiting", youth_id=world["y3"].pk).exists()
    # The start page keeps its figures a while, but audits every showing.
    client.get("/")
    assert AuditEntry.objects.filter(detail="lead_times_dashboard", youth_id=world["y4"].pk).count() == 2


def _start_page_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_waiting_page_has_bounded_queries(world, client, django_assert_max_num_queries):
    client.force_login(world["coordinator"])
    before = _start_page_queries(client)
    for i in range(60):
        y = YouthFactory(municipality=world["m"], in_target_group=True)
        period(y, D(2026, 1, 1) + datetime.timedelta(days=i), None, "avbrott")
        attempt(y, D(2026, 4, 1), outcome="message_left")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reporting:lead_times_waiting"), {"page": 2})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 62
    cache.clear()  # the start page keeps its lead times a while: compute them again
    assert _start_page_queries(client) <= before + 2  # other sections may page their own lists
