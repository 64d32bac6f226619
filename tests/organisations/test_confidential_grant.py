"""The grant for confidential journal entries (``Membership.may_see_confidential``) is given on the
staff pages and, like the protected-identity grant, takes effect only when a second person approves."""

import pytest
from django.urls import reverse
from django.utils import translation

from kaa.accounts.models import AccessRequest, AccessRequestStatus, Membership, Role
from kaa.accounts.policy import grants_youth_access
from kaa.casework import services as casework
from kaa.organisations import services
from tests.factories import YouthFactory, staff

pytestmark = pytest.mark.django_db

SECRET = "Kontakt med socialtjänsten om boendet"


@pytest.fixture(autouse=True)
def english_ui(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _roles_post(client, user, municipality, roles, *, team="", confidential=False):
    prefix = f"m{municipality.pk}-"
    data = {prefix + "roles": roles, prefix + "team": team}
    if confidential:
        data[prefix + "may_see_confidential"] = "on"
    return client.post(reverse("organisations:staff_roles", args=[user.pk, municipality.pk]), data)


def test_turning_the_confidential_grant_on_widens_access():
    coach = Membership(role=Role.COACH, team_id=1, may_see_confidential=False)
    assert grants_youth_access([coach], roles=[Role.COACH], team_id=1, may_see_protected=False,
                               may_see_confidential=True)
    assert not grants_youth_access([coach], roles=[Role.COACH], team_id=1, may_see_protected=False,
                                   may_see_confidential=False)
    granted = Membership(role=Role.COACH, team_id=1, may_see_confidential=True)
    assert not grants_youth_access([granted], roles=[Role.COACH], team_id=1, may_see_protected=False,
                                   may_see_confidential=True)


def test_granting_it_alone_is_held_for_approval_and_approval_applies_it(client, municipality, administrator,
                                                                        team, coach):
    client.force_login(administrator)
    response = _roles_post(client, coach, municipality, [Role.COACH], team=team.pk, confidential=True)
    assert response.status_code == 302
    assert not Membership.objects.get(user=coach).may_see_confidential
    request = AccessRequest.objects.get(user=coach, status=AccessRequestStatus.PENDING)
    assert request.may_see_confidential and request.roles == [Role.COACH]
    page = client.get(reverse("organisations:staff_detail", args=[coach.pk])).content.decode()
    assert f'data-testid="access-request-{request.pk}"' in page and "confidential entries" in page
    # The person who asked cannot approve it.
    client.post(reverse("organisations:access_request_decide", args=[request.pk]), {"action": "approve"})
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.PENDING

    approver = staff(Role.COORDINATOR, municipality, username="godkannare")
    client.force_login(approver)
    client.post(reverse("organisations:access_request_decide", args=[request.pk]), {"action": "approve"})
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.APPROVED
    assert Membership.objects.get(user=coach).may_see_confidential

    client.force_login(coach)
    mine = client.get(reverse("accounts:my_access")).content.decode()
    assert "confidential entries" in mine and "With the grant for confidential journal entries." in mine


def test_turning_it_off_applies_at_once(municipality, administrator, team, coach):
    coach.memberships.update(may_see_confidential=True)
    change = services.membership_change(actor=administrator, user=coach, municipality=municipality,
                                        roles=[Role.COACH], team=team)
    assert change.request is None and change.changed == ["may_see_confidential"]
    assert not Membership.objects.get(user=coach).may_see_confidential


def test_a_new_role_with_the_grant_keeps_the_grant_off_until_approved(municipality, administrator, team):
    user, change = services.staff_create(actor=administrator, username="ny-coach", password="x" * 12,
                                         municipality=municipality, roles=[Role.COACH], team=team,
                                         may_see_confidential=True)
    assert change.request is not None and change.request.may_see_confidential
    assert not Membership.objects.filter(user=user).exists()
    approver = staff(Role.COORDINATOR, municipality, username="andra")
    services.access_request_approve(actor=approver, request=change.request)
    assert Membership.objects.get(user=user).may_see_confidential


def test_a_coach_with_the_grant_reads_confidential_entries_without_it_not(client, municipality, administrator,
                                                                          team, coach):
    youth = YouthFactory(municipality=municipality, coach=coach, team=team)
    casework.journal_add(youth=youth, user=coach, text=SECRET, confidential=True)
    colleague = staff(Role.COACH, municipality, team=team, username="kollega")
    url = reverse("register:youth_detail", args=[youth.pk])
    client.force_login(colleague)
    assert SECRET not in client.get(url).content.decode()

    request = services.membership_change(actor=administrator, user=colleague, municipality=municipality,
                                         roles=[Role.COACH], team=team, may_see_confidential=True).request
    assert SECRET not in client.get(url).content.decode()  # still waiting for the second person
    services.access_request_approve(actor=staff(Role.COORDINATOR, municipality, username="andra"),
                                    request=request)
    assert SECRET in client.get(url).content.decode()
