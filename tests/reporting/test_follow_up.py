"""The follow-up (seed 001 §7): API and page, with the SCB file's definitions applied to a range."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kaa.accounts.models import ApiToken, Role
from tests.factories import YouthFactory, staff

from .conftest import D, measure, period

pytestmark = pytest.mark.django_db


def days(a: datetime.date, b: datetime.date) -> int:
    return (b - a).days


def api_for(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user)[1]}")


def test_follow_up_of_the_first_half_year(scenario):
    # F2: first measure ever declined, offered within the range (counts); A's first measure was not declined.
    f2 = YouthFactory(municipality=scenario.municipality, birth_date=D(2008, 10, 10))
    period(f2, D(2026, 2, 1), None, "avbrott")
    measure(f2, "praktik", D(2026, 2, 20), declined=True)
    coordinator = staff(Role.COORDINATOR, scenario.municipality)
    response = api_for(coordinator).get("/api/v1/reports/follow-up",
                                        {"municipality": "0765", "from": "2026-01-01", "to": "2026-06-30"})
    assert response.status_code == 200
    after = D(2026, 7, 1)
    in_register = sorted([days(D(2025, 8, 1), D(2026, 4, 12)), days(D(2026, 2, 15), D(2026, 5, 10)),
                          days(D(2026, 4, 1), after), days(D(2025, 9, 1), after), days(D(2026, 1, 1), after),
                          days(D(2026, 2, 1), after)])
    assert response.json() == {
        "in_register": 6,
        "by_reason": {"avbrott": 1, "ej_paborjat": 1, "im": 1, "inflyttad": 1, "ovrigt": 1, "studiebevis": 1},
        "first_time": 4,  # B, C, E, F2
        "contacted": 4,  # A, C, D, E (B only through the guardian)
        "by_channel": {"meeting": 1, "phone": 1, "public_page": 1, "youth_initiated": 1},
        "occupation_at_contact": {"ingen": 1, "komvux": 1, "okand": 1, "praktik": 1},
        "measures": {"annan_atgard": 1, "praktik": 1, "regelbundna_samtal": 1},
        "youths_in_measure": 3,
        "declined_first_measure": 1,
        "occupation_now": {"arbete": 1, "komvux": 1, "okand": 3, "praktik": 1},
        "median_days_in_register": (in_register[2] + in_register[3]) / 2,
        # B (guardian, 2 Feb), D (4 Feb: youth_initiated 1 Feb), E (1 Jun); A's attempts precede its stretch.
        "median_days_to_first_attempt": float(days(D(2025, 9, 1), D(2026, 2, 2))),
        # C 16, D 160, E 151: A's contact in January was before its latest stretch.
        "median_days_to_contact": float(days(D(2026, 1, 1), D(2026, 6, 1))),
        "left": {"ej_folkbokford": 1, "fyllt_20": 1},
    }


def test_follow_up_api_checks_its_arguments_and_scope(scenario):
    head = staff(Role.HEAD, scenario.municipality)
    api = api_for(head)
    assert api.get("/api/v1/reports/follow-up", {"from": "2026-06-30", "to": "2026-01-01"}).status_code == 422
    assert api.get("/api/v1/reports/follow-up", {"from": "2026-01-01"}).status_code == 422
    assert api.get("/api/v1/reports/follow-up",
                   {"municipality": "0780", "from": "2026-01-01", "to": "2026-06-30"}).status_code == 404
    coach = staff(Role.COACH, scenario.municipality)
    assert api_for(coach).get("/api/v1/reports/follow-up",
                              {"from": "2026-01-01", "to": "2026-06-30"}).status_code == 403


def test_follow_up_page_hides_small_numbers_from_heads(scenario, client):
    head = staff(Role.HEAD, scenario.municipality)
    client.force_login(head)
    with translation.override("en"):
        html = client.get(reverse("reporting:follow_up"), {"start": "2026-01-01", "end": "2026-06-30"}).content.decode()
    assert "&lt;5" in html and ">5<" in html  # 5 youths in the register is shown, the rest under 5 are hidden
    coordinator = staff(Role.COORDINATOR, scenario.municipality)
    client.force_login(coordinator)
    with translation.override("en"):
        html = client.get(reverse("reporting:follow_up"), {"start": "2026-01-01", "end": "2026-06-30"}).content.decode()
    assert "&lt;5" not in html
    for y in (scenario.a, scenario.b, scenario.c, scenario.d, scenario.e):
        assert y.personnummer not in html and f"{y.given_name} {y.family_name}" not in html
