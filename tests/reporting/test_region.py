"""The region's combined view (issue 13, item 10): counts of each municipality where the user may read
reports and their sum; no personal data crosses municipalities; small numbers for heads."""

import pytest
from django.urls import reverse
from django.utils import translation

from kaa.accounts.models import Role
from kaa.reporting import board, region
from kaa.reporting.smallnumbers import SECONDARY, UNDER
from tests.factories import MembershipFactory, MunicipalityFactory, YouthFactory, staff

from .conftest import D, attempt, period

pytestmark = pytest.mark.django_db
OCTOBER = board.BoardPeriod.parse("2026-10")


def _youths(municipality, n, reason="avbrott", *, contacted=0):
    for i in range(n):
        y = YouthFactory(municipality=municipality, given_name="Regional", family_name=f"Personsson{i}")
        period(y, D(2026, 10, 3), None, reason)
        if i < contacted:
            attempt(y, D(2026, 10, 13))


@pytest.fixture
def region_world(db):
    from kaa.casework.codes import ensure_default_codes

    ensure_default_codes()
    one = MunicipalityFactory(code="0480", name="Nyköping")
    two = MunicipalityFactory(code="0482", name="Flen")
    three = MunicipalityFactory(code="0483", name="Katrineholm")
    _youths(one, 9, contacted=6)
    _youths(one, 3, "im")
    _youths(two, 6, contacted=2)
    _youths(three, 20, contacted=20)
    return one, two, three


def test_a_coordinator_of_two_municipalities_sees_both_and_their_sum(region_world, client):
    one, two, three = region_world
    user = staff(Role.COORDINATOR, one)
    MembershipFactory(user=user, municipality=two, role=Role.COORDINATOR)
    MembershipFactory(user=user, municipality=three, role=Role.COACH)  # no reporting role there
    view = region.combined(user=user, period=OCTOBER)
    assert view.exact
    assert [r["municipality"] for r in view.rows] == [two, one]  # by name; not Katrineholm
    in_register = {r["municipality"].code: r["cells"][0] for r in view.rows}
    assert in_register == {"0480": 12, "0482": 6} and view.total[0] == 18
    assert view.total[4] == 8  # first contacts: 6 + 2
    assert dict(view.by_reason) and view.by_reason_total == 18
    client.force_login(user)
    with translation.override("en"):
        html = client.get(reverse("reporting:region"), {"period": "2026-10"}).content.decode()
    assert "Nyköping" in html and "Flen" in html and "Katrineholm" not in html
    assert "Personsson" not in html and "Regional" not in html  # counts only


def test_a_head_of_two_municipalities_sees_small_numbers_hidden(region_world):
    one, two, _three = region_world
    user = staff(Role.HEAD, one)
    MembershipFactory(user=user, municipality=two, role=Role.HEAD)
    view = region.combined(user=user, period=OCTOBER)
    assert not view.exact
    contacted = {r["municipality"].code: r["cells"][4] for r in view.rows}
    # Flen's 2 is hidden; with the sum 8 shown, 8 − 6 would tell it, so Nyköping's 6 is hidden too.
    assert contacted == {"0482": UNDER, "0480": SECONDARY} and view.total[4] == 8
    in_register = {r["municipality"].code: r["cells"][0] for r in view.rows}
    assert in_register == {"0480": 12, "0482": 6} and view.total[0] == 18
    assert dict(view.by_reason)  # 15 dropped out, 3 at IM: the 3 is hidden with the 15 as its pair
    assert sorted(str(v) for _label, v in view.by_reason) == sorted([SECONDARY, UNDER])


def test_a_user_reporting_in_one_municipality_only_sees_that_one(region_world, client):
    one, two, _three = region_world
    user = staff(Role.COORDINATOR, one)
    MembershipFactory(user=user, municipality=two, role=Role.COACH)
    view = region.combined(user=user, period=OCTOBER)
    assert [r["municipality"] for r in view.rows] == [one]
    outsider = staff(Role.COACH, two)
    client.force_login(outsider)
    assert client.get(reverse("reporting:region")).status_code == 403
    client.force_login(user)
    assert client.get(reverse("reporting:board"), {"municipality": "0482"}).status_code == 404
