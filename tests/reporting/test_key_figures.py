"""The head's start page: the municipality's key figures, aggregates only, in a bounded number of queries."""

import datetime

import pytest
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.outreach.models import ContactAttempt
from kaa.register.labels import reason_label
from kaa.reporting.selectors import key_figures
from tests.factories import MunicipalityFactory, YouthFactory, staff

TODAY = datetime.date(2026, 3, 18)


def _youth(municipality, *, since, reason="avbrott", coach=None, in_group=True, **kwargs):
    return YouthFactory(municipality=municipality, in_target_group=in_group, register_since=since,
                        register_reason=reason if in_group else "examen", coach=coach, **kwargs)


@pytest.fixture
def head(municipality):
    return staff(Role.HEAD, municipality, username="rektor")


@pytest.fixture
def register(municipality, coach):
    youths = [
        _youth(municipality, since=datetime.date(2026, 3, 2), coach=coach, given_name="Synlig",
               family_name="Nyckeltalsson"),
        _youth(municipality, since=datetime.date(2026, 3, 10), reason="ej_paborjat"),
        _youth(municipality, since=datetime.date(2026, 1, 5), reason="ej_paborjat", coach=coach),
        _youth(municipality, since=datetime.date(2025, 11, 1), reason="ej_paborjat"),
        _youth(municipality, since=datetime.date(2025, 11, 1), in_group=False),
    ]
    at = timezone.make_aware(datetime.datetime(2026, 3, 3, 10))
    ContactAttempt.objects.create(youth=youths[0], channel="phone", at=at, outcome="reached")
    ContactAttempt.objects.create(youth=youths[1], channel="phone", at=at, outcome="no_answer")
    other = MunicipalityFactory(code="0486", name="Strängnäs")
    _youth(other, since=datetime.date(2026, 3, 1))
    return youths


def test_key_figures_count_the_register_of_the_heads_municipality(head, register):
    (figures,) = key_figures(user=head, today=TODAY)
    assert figures["total"] == 4
    assert figures["new_this_month"] == 2
    assert figures["unassigned"] == 2
    assert figures["reached"] == 1 and figures["reached_percent"] == 25
    assert [(r["label"], r["count"]) for r in figures["by_reason"]] == [
        (reason_label("ej_paborjat"), 3), (reason_label("avbrott"), 1)]


def test_key_figures_take_two_queries_whatever_the_register_size(head, register, municipality,
                                                                django_assert_max_num_queries):
    for _ in range(20):
        _youth(municipality, since=datetime.date(2026, 3, 5))
    head._kaa_memberships = None
    key_figures(user=head, today=TODAY)  # loads the memberships
    with django_assert_max_num_queries(2):
        (figures,) = key_figures(user=head, today=TODAY)
    assert figures["total"] == 24


def test_the_heads_start_page_shows_the_figures_and_no_youth(client, head, register):
    client.force_login(head)
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="key-figures"' in body
    assert "Nyckeltal för Nyköping" in body
    assert 'data-testid="figure-total">&lt;5<' in body  # a head: small numbers hidden (test_board.py)
    assert "Synlig" not in body and register[0].family_name not in body
    assert "Strängnäs" not in body


def test_roles_without_reports_get_no_figures(client, coach, register):
    client.force_login(coach)
    assert 'data-testid="key-figures"' not in client.get("/").content.decode()
