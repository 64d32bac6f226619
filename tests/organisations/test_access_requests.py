"""Access to youth data needs two people: one asks, another administrator or coordinator approves.

Nobody approves their own request or access given to themselves; every step is audited; the person
granted sees who gave the access and who approved it.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kaa.accounts.models import AccessRequest, AccessRequestStatus, Membership, Role
from kaa.accounts.policy import grants_youth_access, visible_youths
from kaa.audit.models import AuditEntry
from kaa.organisations import services
from kaa.register.models import Protection
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

pytestmark = pytest.mark.django_db


def _roles_url(user, municipality):
    return reverse("organisations:staff_roles", args=[user.pk, municipality.pk])


def _roles_post(client, user, municipality, roles, *, team="", grant=False):
    prefix = f"m{municipality.pk}-"
    data = {prefix + "roles": roles, prefix + "team": team}
    if grant:
        data[prefix + "may_see_protected"] = "on"
    return client.post(_roles_url(user, municipality), data)


def _decide(client, request, action):
    return client.post(reverse("organisations:access_request_decide", args=[request.pk]), {"action": action})


def test_administrator_cannot_escalate_alone(client, municipality, administrator):
    protected = YouthFactory(municipality=municipality, protection=Protection.PROTECTED_REGISTRATION)
    client.force_login(administrator)
    response = _roles_post(client, administrator, municipality, [Role.ADMINISTRATOR, Role.COORDINATOR], grant=True)
    assert response.status_code == 302
    assert [m.role for m in Membership.objects.filter(user=administrator)] == [Role.ADMINISTRATOR]
    assert not Membership.objects.get(user=administrator).may_see_protected
    request = AccessRequest.objects.get(user=administrator)
    assert request.status == AccessRequestStatus.PENDING and request.requested_by == administrator

    # Neither the page nor the service lets them approve it.
    assert _decide(client, request, "approve").status_code == 302
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.access_request_approve(actor=administrator, request=request)
    assert client.get(reverse("register:youth_list")).status_code == 403
    administrator._kaa_memberships = None
    assert not visible_youths(administrator).filter(pk=protected.pk).exists()
    assert AuditEntry.objects.filter(object_type="access_request", action="create",
                                     user=administrator).count() == 1


def test_second_administrator_approves_and_it_is_audited(client, municipality, administrator):
    second = staff(Role.ADMINISTRATOR, municipality, username="admin-tva")
    client.force_login(administrator)
    _roles_post(client, administrator, municipality, [Role.ADMINISTRATOR, Role.COORDINATOR], grant=True)
    request = AccessRequest.objects.get(user=administrator)

    client.force_login(second)
    page = client.get(reverse("organisations:access_requests"))
    assert page.status_code == 200 and [r.pk for r in page.context["page_obj"]] == [request.pk]
    assert page.context["page_obj"][0].can_decide
    assert _decide(client, request, "approve").status_code == 302
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.APPROVED and request.decided_by == second
    held = {m.role: m for m in Membership.objects.filter(user=administrator)}
    assert set(held) == {Role.ADMINISTRATOR, Role.COORDINATOR}
    assert all(m.may_see_protected for m in held.values())

    entries = AuditEntry.objects.filter(object_type="access_request", object_id=str(request.pk)).order_by("pk")
    assert [(e.action, e.user_id, e.detail.split()[0]) for e in entries] == [
        ("create", administrator.pk, "requested"), ("update", second.pk, "approved")]
    assert AuditEntry.objects.filter(object_type="membership", action="create", user=second).exists()


def test_coordinator_approves_a_coach_the_administrator_asked_for(client, municipality, administrator, team):
    coordinator = staff(Role.COORDINATOR, municipality, username="samordnare-b")
    newcomer = staff(Role.HEAD, municipality, username="ny")
    client.force_login(administrator)
    _roles_post(client, newcomer, municipality, [Role.HEAD, Role.COACH], team=team.pk)
    request = AccessRequest.objects.get(user=newcomer)
    client.force_login(coordinator)
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="dashboard-access-requests"' in home
    _decide(client, request, "approve")
    assert {m.role for m in Membership.objects.filter(user=newcomer)} == {Role.HEAD, Role.COACH}


def test_the_person_granted_cannot_approve_their_own_access(client, municipality, administrator):
    coordinator = staff(Role.COORDINATOR, municipality, username="vill-ha-skydd")
    client.force_login(administrator)
    _roles_post(client, coordinator, municipality, [Role.COORDINATOR], grant=True)
    request = AccessRequest.objects.get(user=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("organisations:access_requests"))
    assert not page.context["page_obj"][0].can_decide
    _decide(client, request, "approve")
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.PENDING
    assert not Membership.objects.get(user=coordinator).may_see_protected


def test_approver_of_another_municipality_gets_404(client, municipality, administrator):
    other = MunicipalityFactory(code="0765", name="Älmhult")
    outsider = staff(Role.ADMINISTRATOR, other, username="admin-almhult")
    subject = staff(Role.HEAD, municipality, username="rektor")
    request = services.membership_change(actor=administrator, user=subject, municipality=municipality,
                                         roles=[Role.COORDINATOR]).request
    client.force_login(outsider)
    assert client.get(reverse("organisations:access_requests")).context["page_obj"].paginator.count == 0
    assert _decide(client, request, "approve").status_code == 404
    with pytest.raises(PermissionDenied):
        services.access_request_approve(actor=outsider, request=request)


def test_rejection_changes_nothing_and_is_audited(client, municipality, administrator):
    second = staff(Role.COORDINATOR, municipality, username="nej-sagare")
    subject = staff(Role.HEAD, municipality, username="rektor")
    request = services.membership_change(actor=administrator, user=subject, municipality=municipality,
                                         roles=[Role.HEAD, Role.COORDINATOR]).request
    client.force_login(second)
    _decide(client, request, "reject")
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.REJECTED and request.decided_by == second
    assert [m.role for m in Membership.objects.filter(user=subject)] == [Role.HEAD]
    assert AuditEntry.objects.filter(object_type="access_request", detail__startswith="rejected",
                                     user=second).exists()
    assert _decide(client, request, "approve").status_code == 302
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.REJECTED


def test_requester_may_withdraw(client, municipality, administrator):
    subject = staff(Role.HEAD, municipality, username="rektor")
    request = services.membership_change(actor=administrator, user=subject, municipality=municipality,
                                         roles=[Role.COACH]).request
    client.force_login(administrator)
    _decide(client, request, "withdraw")
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.WITHDRAWN
    assert AuditEntry.objects.filter(object_type="access_request", detail__startswith="withdrawn").exists()


def test_the_person_granted_is_shown_who_gave_and_who_approved(client, municipality, administrator):
    administrator.first_name, administrator.last_name = "Anna", "Admin"
    administrator.save()
    approver = staff(Role.COORDINATOR, municipality, username="bertil")
    approver.first_name, approver.last_name = "Bertil", "Godkännare"
    approver.save()
    subject = staff(Role.HEAD, municipality, username="rektor")
    request = services.membership_change(actor=administrator, user=subject, municipality=municipality,
                                         roles=[Role.HEAD, Role.COACH]).request
    client.force_login(subject)
    pending = client.get(reverse("accounts:my_access"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting for approval" in pending and "Anna Admin" in pending
    services.access_request_approve(actor=approver, request=request)

    page = client.get(reverse("accounts:my_access"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You were given the roles" in page and "by Anna Admin, approved by Bertil Godkännare" in page
    home = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="dashboard-grants"' in home and "approved by Bertil Godkännare" in home


def test_a_second_administrator_account_is_no_way_round(client, municipality, administrator):
    """An administrator cannot make a second administrator (theirs) to approve their own request."""
    puppet = staff(Role.HEAD, municipality, username="marionett")
    change = services.membership_change(actor=administrator, user=puppet, municipality=municipality,
                                        roles=[Role.HEAD, Role.ADMINISTRATOR])
    assert change.request is not None
    assert [m.role for m in Membership.objects.filter(user=puppet)] == [Role.HEAD]
    mine = services.membership_change(actor=administrator, user=administrator, municipality=municipality,
                                      roles=[Role.ADMINISTRATOR, Role.COORDINATOR]).request
    with pytest.raises(PermissionDenied):
        services.access_request_approve(actor=puppet, request=mine)


def test_changes_that_narrow_or_do_not_touch_youth_data_apply_at_once(municipality, administrator, team):
    coordinator = staff(Role.COORDINATOR, municipality, may_see_protected=True, username="smalnar")
    change = services.membership_change(actor=administrator, user=coordinator, municipality=municipality,
                                        roles=[Role.COORDINATOR, Role.HEAD], may_see_protected=False)
    assert change.request is None
    held = {m.role: m for m in Membership.objects.filter(user=coordinator)}
    assert set(held) == {Role.COORDINATOR, Role.HEAD} and not any(m.may_see_protected for m in held.values())
    change = services.membership_change(actor=administrator, user=coordinator, municipality=municipality,
                                        roles=[Role.HEAD])
    assert change.request is None
    assert [m.role for m in Membership.objects.filter(user=coordinator)] == [Role.HEAD]


def test_another_team_for_a_coach_waits_for_approval(municipality, administrator, team, coach):
    other_team = TeamFactory(municipality=municipality, name="Team Söder")
    change = services.membership_change(actor=administrator, user=coach, municipality=municipality,
                                        roles=[Role.COACH], team=other_team)
    assert change.request is not None
    assert Membership.objects.get(user=coach).team == team


def test_asking_again_keeps_one_request_and_a_new_change_replaces_it(municipality, administrator):
    subject = staff(Role.HEAD, municipality, username="rektor")
    first = services.membership_change(actor=administrator, user=subject, municipality=municipality,
                                       roles=[Role.COACH]).request
    again = services.membership_change(actor=administrator, user=subject, municipality=municipality,
                                       roles=[Role.COACH]).request
    assert again.pk == first.pk
    other = services.membership_change(actor=administrator, user=subject, municipality=municipality,
                                       roles=[Role.TEACHER]).request
    first.refresh_from_db()
    assert first.status == AccessRequestStatus.WITHDRAWN and other.status == AccessRequestStatus.PENDING
    assert AccessRequest.objects.filter(user=subject, status=AccessRequestStatus.PENDING).count() == 1


def test_staff_page_shows_the_pending_request(client, municipality, administrator):
    subject = staff(Role.HEAD, municipality, username="rektor")
    request = services.membership_change(actor=administrator, user=subject, municipality=municipality,
                                         roles=[Role.COACH], may_see_protected=True).request
    client.force_login(administrator)
    body = client.get(reverse("organisations:staff_detail", args=[subject.pk])).content.decode()
    assert f'data-testid="access-request-{request.pk}"' in body
    assert 'value="withdraw"' in body and 'value="approve"' not in body


@pytest.mark.parametrize(("held", "wanted", "team", "grant", "widens"), [
    ([], [Role.HEAD], None, False, False),
    ([], [Role.COACH], None, False, True),
    ([], [Role.HEAD], None, True, True),
    ([(Role.COORDINATOR, None, False)], [Role.COORDINATOR], None, True, True),
    ([(Role.COORDINATOR, None, True)], [Role.COORDINATOR], None, True, False),
    ([(Role.COORDINATOR, None, True)], [Role.COORDINATOR, Role.HEAD], None, False, False),
    ([(Role.COORDINATOR, None, True)], [Role.COORDINATOR, Role.ADMINISTRATOR], None, False, True),
    ([], [Role.ADMINISTRATOR], None, False, True),
    ([], [Role.SCHOOL_STAFF, Role.HEAD], None, False, False),
    ([(Role.COACH, 1, False)], [Role.COACH], 2, False, True),
    ([(Role.COACH, 1, False)], [Role.COACH], None, False, False),
    ([(Role.COACH, 1, False)], [], None, False, False),
])
def test_grants_youth_access(held, wanted, team, grant, widens):
    current = [Membership(role=r, team_id=t, may_see_protected=g) for r, t, g in held]
    assert grants_youth_access(current, roles=wanted, team_id=team, may_see_protected=grant) is widens
