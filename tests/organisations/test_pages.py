import datetime

import pytest
from django.urls import reverse

from kaa.accounts.models import AccessRequest, Membership, Role, User
from kaa.audit.models import AuditEntry
from kaa.organisations import services
from kaa.organisations.models import Team
from tests.factories import MunicipalityFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.COACH, Role.HEAD, Role.SCHOOL_STAFF, Role.TEACHER])
@pytest.mark.parametrize("url_name", ["organisations:index", "organisations:team_list", "organisations:staff_list",
                                      "organisations:staff_create"])
def test_pages_are_for_administrators_only(client, municipality, role, url_name):
    client.force_login(staff(role, municipality))
    assert client.get(reverse(url_name)).status_code == 403


def test_anonymous_is_sent_to_login(client, municipality):
    response = client.get(reverse("organisations:index"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_administrator_sees_pages(admin_client, municipality, team):
    for name in ["organisations:index", "organisations:team_list", "organisations:staff_list",
                 "organisations:staff_create"]:
        assert admin_client.get(reverse(name)).status_code == 200
    assert admin_client.get(reverse("organisations:municipality_edit", args=[municipality.pk])).status_code == 200


def test_other_municipality_is_404(admin_client, municipality):
    other = MunicipalityFactory(code="0765", name="Älmhult")
    other_team = TeamFactory(municipality=other)
    other_user = staff(Role.COACH, other)
    assert admin_client.get(reverse("organisations:municipality_edit", args=[other.pk])).status_code == 404
    assert admin_client.get(reverse("organisations:team_edit", args=[other_team.pk])).status_code == 404
    assert admin_client.get(reverse("organisations:staff_detail", args=[other_user.pk])).status_code == 404


def _settings(municipality, **overrides):
    data = {"name": municipality.name, "summer_gap_month": 9, "summer_gap_day": 1,
            "evening_starts_at": "17:00", "recontact_months": 3,
            "kaa_phone": municipality.kaa_phone, "kaa_email": municipality.kaa_email}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_municipality_settings_saved_and_audited(admin_client, municipality, administrator):
    url = reverse("organisations:municipality_edit", args=[municipality.pk])
    response = admin_client.post(url, _settings(municipality, summer_gap_month=8, summer_gap_day=20,
                                                extended_responsibility="on", evening_starts_at="18:00"))
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.summer_gap_end(2026) == datetime.date(2026, 8, 20)
    assert municipality.extended_responsibility is True
    assert municipality.evening_starts_at == datetime.time(18, 0)
    entry = AuditEntry.objects.get(object_type="municipality")
    assert entry.user_id == administrator.pk
    assert entry.fields == sorted(["summer_gap_month", "summer_gap_day", "extended_responsibility",
                                   "evening_starts_at"])


def test_municipality_settings_validation_names_the_field(admin_client, municipality):
    url = reverse("organisations:municipality_edit", args=[municipality.pk])
    response = admin_client.post(url, _settings(municipality, summer_gap_month=9, summer_gap_day=31),
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "has no day 31" in response.content.decode()
    response = admin_client.post(url, _settings(municipality, summer_gap_month=3))
    assert response.status_code == 200
    municipality.refresh_from_db()
    assert municipality.summer_gap_month == 9
    assert not AuditEntry.objects.filter(object_type="municipality").exists()


def test_team_create_rename_and_duplicate(admin_client, municipality):
    url = reverse("organisations:team_list")
    assert admin_client.post(url, {"municipality": municipality.pk, "name": "Team Öst"}).status_code == 302
    team = Team.objects.get(name="Team Öst")
    response = admin_client.post(url, {"municipality": municipality.pk, "name": "team öst"})
    assert response.status_code == 200
    assert Team.objects.filter(municipality=municipality).count() == 1
    assert "aria-invalid" in response.content.decode()
    edit = reverse("organisations:team_edit", args=[team.pk])
    assert admin_client.post(edit, {"name": "Team Väst"}).status_code == 302
    team.refresh_from_db()
    assert team.name == "Team Väst"
    assert [e.action for e in AuditEntry.objects.filter(object_type="team").order_by("pk")] == ["create", "update"]


def test_team_list_query_count_is_bounded(admin_client, municipality, django_assert_max_num_queries):
    for i in range(30):
        TeamFactory(municipality=municipality, name=f"Lag {i}")
    with django_assert_max_num_queries(15):
        assert admin_client.get(reverse("organisations:team_list")).status_code == 200


def test_staff_create_with_roles(admin_client, municipality, team):
    response = admin_client.post(reverse("organisations:staff_create"), {
        "username": "ny.coach", "first_name": "Nora", "last_name": "Exempel", "email": "nora@example.invalid",
        "phone": "", "password": "ett-bra-losenord-77", "municipality": municipality.pk,
        "roles": [Role.COACH, Role.STUDY_COUNSELLOR], "team": team.pk, "may_see_protected": "on"})
    assert response.status_code == 302
    user = User.objects.get(username="ny.coach")
    assert user.check_password("ett-bra-losenord-77")
    assert AuditEntry.objects.filter(object_type="user", action="create").exists()
    # Roles that see youth records wait for a second person.
    assert not Membership.objects.filter(user=user).exists()
    request = AccessRequest.objects.get(user=user)
    assert sorted(request.roles) == sorted([Role.COACH, Role.STUDY_COUNSELLOR])
    assert request.team == team and request.may_see_protected
    assert user.pk in {u.pk for u in admin_client.get(reverse("organisations:staff_list")).context["page_obj"]}
    services.access_request_approve(actor=staff(Role.COORDINATOR, municipality, username="andra"), request=request)
    ms = Membership.objects.filter(user=user)
    assert {m.role for m in ms} == {Role.COACH, Role.STUDY_COUNSELLOR}
    assert all(m.team_id == team.pk and m.may_see_protected for m in ms)
    assert AuditEntry.objects.filter(object_type="membership", action="create").count() == 2


def test_staff_create_without_youth_roles_applies_at_once(admin_client, municipality):
    response = admin_client.post(reverse("organisations:staff_create"), {
        "username": "ny.rektor", "first_name": "Ra", "last_name": "Ektor", "email": "", "phone": "",
        "password": "ett-bra-losenord-77", "municipality": municipality.pk, "roles": [Role.HEAD], "team": ""})
    assert response.status_code == 302
    user = User.objects.get(username="ny.rektor")
    assert [m.role for m in Membership.objects.filter(user=user)] == [Role.HEAD]
    assert not AccessRequest.objects.exists()


def test_staff_create_validation(admin_client, municipality, coach):
    other_team = TeamFactory(municipality=MunicipalityFactory(code="0580", name="Linköping"))
    response = admin_client.post(reverse("organisations:staff_create"), {
        "username": "coach", "password": "kort", "municipality": municipality.pk, "roles": [],
        "team": other_team.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"username", "password", "roles", "team"} <= set(errors)
    assert User.objects.count() == 2  # the administrator and the coach only


def test_staff_roles_change_and_grant(admin_client, municipality, coach, team):
    url = reverse("organisations:staff_roles", args=[coach.pk, municipality.pk])
    prefix = f"m{municipality.pk}-"
    response = admin_client.post(url, {prefix + "roles": [Role.TEACHER], prefix + "team": "",
                                       prefix + "may_see_protected": "on"})
    assert response.status_code == 302
    # The coach role goes at once (narrower); the teacher role with the grant waits for approval.
    assert not Membership.objects.filter(user=coach).exists()
    request = AccessRequest.objects.get(user=coach, status="pending")
    services.access_request_approve(actor=staff(Role.ADMINISTRATOR, municipality, username="admin2"),
                                    request=request)
    (membership,) = Membership.objects.filter(user=coach)
    assert membership.role == Role.TEACHER and membership.team is None and membership.may_see_protected
    assert set(AuditEntry.objects.filter(object_type="membership").values_list("action", flat=True)) == {
        "create", "delete"}


def test_administrator_cannot_remove_own_admin_role(admin_client, municipality, administrator):
    url = reverse("organisations:staff_roles", args=[administrator.pk, municipality.pk])
    response = admin_client.post(url, {f"m{municipality.pk}-roles": [Role.COORDINATOR]})
    assert response.status_code == 400
    assert Membership.objects.get(user=administrator).role == Role.ADMINISTRATOR


def test_deactivate_and_reactivate(admin_client, municipality, coach, administrator):
    url = reverse("organisations:staff_active", args=[coach.pk])
    assert admin_client.post(url, {"active": "0"}).status_code == 302
    coach.refresh_from_db()
    assert coach.is_active is False
    assert admin_client.post(url, {"active": "1"}).status_code == 302
    coach.refresh_from_db()
    assert coach.is_active is True
    assert AuditEntry.objects.filter(object_type="user", fields=["is_active"]).count() == 2
    admin_client.post(reverse("organisations:staff_active", args=[administrator.pk]), {"active": "0"})
    administrator.refresh_from_db()
    assert administrator.is_active is True


def test_staff_list_paginated_with_bounded_queries(admin_client, municipality, team, django_assert_max_num_queries):
    for i in range(60):
        staff(Role.COACH, municipality, team=team, username=f"coach{i:02d}")
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("organisations:staff_list"))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 50


def test_staff_detail_profile_update(admin_client, municipality, coach):
    url = reverse("organisations:staff_detail", args=[coach.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"first_name": "Ny", "last_name": coach.last_name, "email": "x@example.invalid",
                                       "phone": ""})
    assert response.status_code == 302
    coach.refresh_from_db()
    assert coach.first_name == "Ny"
    entry = AuditEntry.objects.get(object_type="user")
    assert set(entry.fields) == {"first_name", "email"}


def test_dashboard_section_on_admin_start_page(admin_client, municipality, team):
    response = admin_client.get(reverse("core:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("organisations:team_list") in body
    assert reverse("organisations:staff_list") in body
