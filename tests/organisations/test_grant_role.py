"""manage.py grant_role: setting up a municipality's first administrator and coordinator from the server."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kaa.accounts.models import Membership, Role
from kaa.audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_grant_role_command_sets_up_a_municipality_at_once(municipality):
    first = UserFactory(username="forsta-admin")
    call_command("grant_role", "forsta-admin", "--municipality", "0480", "--role", "administrator",
                 "--role", "coordinator", "--protected", stdout=StringIO())
    held = {m.role: m.may_see_protected for m in Membership.objects.filter(user=first)}
    assert held == {Role.ADMINISTRATOR: True, Role.COORDINATOR: True}
    assert AuditEntry.objects.filter(object_type="user", detail="grant_role command").exists()


def test_grant_role_command_refuses_unknown_municipality(municipality):
    UserFactory(username="forsta-admin")
    with pytest.raises(CommandError):
        call_command("grant_role", "forsta-admin", "--municipality", "9999", "--role", "administrator",
                     stdout=StringIO())


def test_grant_role_keeps_the_confidential_entry_grant(municipality):
    coach = UserFactory(username="coach-med-sekretess")
    Membership.objects.create(user=coach, municipality=municipality, role=Role.COACH, may_see_confidential=True)
    call_command("grant_role", "coach-med-sekretess", "--municipality", municipality.code, "--role", "coordinator",
                 stdout=StringIO())
    held = {m.role: m.may_see_confidential for m in Membership.objects.filter(user=coach)}
    assert held == {Role.COACH: True, Role.COORDINATOR: True}
