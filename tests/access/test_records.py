"""Per-record scope: records outside the user's scope do not exist for them (404, never 403)."""

import pytest
from django.urls import reverse

from kaa.accounts.models import ApiToken, Role
from kaa.register.models import Protection
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

pytestmark = pytest.mark.django_db


def _detail(client, youth) -> int:
    return client.get(reverse("register:youth_detail", kwargs={"pk": youth.pk})).status_code


def _api(client, user, youth) -> int:
    _token, raw = ApiToken.issue(user=user)
    return client.get(f"/api/v1/youths/{youth.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


@pytest.fixture
def other_team(municipality):
    return TeamFactory(municipality=municipality, name="Team Söder")


def test_coach_sees_own_and_team_youths_but_not_anothers(client, municipality, team, other_team, coach):
    other_coach = staff(Role.COACH, municipality, team=other_team, username="coach-soder")
    own = YouthFactory(municipality=municipality, coach=coach)
    team_youth = YouthFactory(municipality=municipality, team=team, coach=None)
    anothers = YouthFactory(municipality=municipality, team=other_team, coach=other_coach)
    nobodys = YouthFactory(municipality=municipality)

    client.force_login(coach)
    assert _detail(client, own) == 200
    assert _detail(client, team_youth) == 200
    assert _detail(client, anothers) == 404
    assert _detail(client, nobodys) == 404
    assert _api(client, coach, own) == 200
    assert _api(client, coach, anothers) == 404

    listed = client.get(reverse("register:youth_list")).context["page_obj"].object_list
    assert {y.pk for y in listed} == {own.pk, team_youth.pk}


def test_coach_without_team_sees_only_own_youths(client, municipality, team):
    lone = staff(Role.COACH, municipality, username="lone-coach")
    own = YouthFactory(municipality=municipality, coach=lone)
    team_youth = YouthFactory(municipality=municipality, team=team)
    client.force_login(lone)
    assert _detail(client, own) == 200
    assert _detail(client, team_youth) == 404


@pytest.mark.parametrize("level", [Protection.CONFIDENTIAL, Protection.PROTECTED_REGISTRATION,
                                   Protection.FICTITIOUS])
def test_protected_identity_needs_the_explicit_grant(client, municipality, level):
    protected = YouthFactory(municipality=municipality, protection=level)
    without = staff(Role.COORDINATOR, municipality, username="samordnare-utan")
    with_grant = staff(Role.COORDINATOR, municipality, may_see_protected=True, username="samordnare-med")

    client.force_login(without)
    assert _detail(client, protected) == 404
    assert _api(client, without, protected) == 404
    assert protected.pk not in {y.pk for y in client.get(reverse("register:youth_list")).context["page_obj"]}

    client.force_login(with_grant)
    assert _detail(client, protected) == 200
    assert _api(client, with_grant, protected) == 200
    assert protected.pk in {y.pk for y in client.get(reverse("register:youth_list")).context["page_obj"]}


def test_protected_youth_hidden_from_its_coach_without_grant(client, municipality, team, coach):
    protected = YouthFactory(municipality=municipality, coach=coach, protection=Protection.CONFIDENTIAL)
    client.force_login(coach)
    assert _detail(client, protected) == 404


def test_coordinator_sees_only_own_municipality(client, municipality, coordinator):
    elsewhere = YouthFactory(municipality=MunicipalityFactory(code="0765", name="Älmhult"))
    here = YouthFactory(municipality=municipality)
    client.force_login(coordinator)
    assert _detail(client, here) == 200
    assert _detail(client, elsewhere) == 404
    assert _api(client, coordinator, elsewhere) == 404


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.HEAD, Role.ADMINISTRATOR])
def test_roles_without_youth_access_get_403_on_register_pages(client, municipality, role):
    user = staff(role, municipality, username=f"no-youths-{role}")
    youth = YouthFactory(municipality=municipality)
    client.force_login(user)
    assert client.get(reverse("register:youth_list")).status_code == 403
    assert _detail(client, youth) == 403
    # The API has no page permission to deny: the record simply is not there for them.
    assert _api(client, user, youth) == 404


def test_unknown_youth_id_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("register:youth_detail", kwargs={"pk": 999999})).status_code == 404
