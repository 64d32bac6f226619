"""The fixture world of the access tests: one municipality, a user per role, a youth they work with.

``make_world()`` is importable (tests.access.conftest) by other test packages that walk every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from kaa.accounts.models import ApiToken, Role
from tests.factories import MunicipalityFactory, TeamFactory, YouthFactory, staff

ROLES = ("anonymous", "coordinator", "coach", "study_counsellor", "teacher", "head", "school_staff",
         "administrator")
TEAM_ROLES = {Role.COACH, Role.STUDY_COUNSELLOR, Role.TEACHER}


@dataclass
class World:
    objects: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.objects[key]

    def client_for(self, role: str, *, api: bool) -> Client:
        """A test client acting as the role: a session for pages, a bearer token for the API."""
        if role == "anonymous":
            return Client(raise_request_exception=False)
        if api:
            return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {self.tokens[role]}")
        client = Client(raise_request_exception=False)
        client.force_login(self.objects[role])
        return client


@pytest.fixture
def world(db) -> World:
    return make_world()


def make_world() -> World:
    """A youth assigned to the coach, in the team the caseworkers belong to (so every caseworker
    role and the coordinator may see it), plus a user for every role with an API token."""
    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    team = TeamFactory(municipality=municipality, name="Team Norr")
    w = World(objects={"municipality": municipality, "team": team})
    for role in ROLES[1:]:
        user = staff(role, municipality, team=team if role in TEAM_ROLES else None, username=f"w-{role}")
        w.objects[role] = user
        w.tokens[role] = ApiToken.issue(user=user, name="access matrix")[1]
    w.objects["youth"] = YouthFactory(municipality=municipality, coach=w["coach"], team=team,
                                      in_target_group=True, register_reason="avbrott")
    w.objects["user"] = w["coach"]
    w.objects["token"] = ApiToken.objects.filter(user=w["coach"]).first()
    return w
