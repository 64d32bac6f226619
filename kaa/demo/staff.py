"""Demo municipality, teams and one user for every role."""

from __future__ import annotations

from dataclasses import dataclass

from faker import Faker

from kaa.accounts.models import Membership, Role, User
from kaa.organisations.models import Municipality, Team

DEMO_PASSWORD = "kaa-demo-2026"  # noqa: S105 - the published demo password, synthetic accounts only
MUNICIPALITY_CODE = "0480"
MUNICIPALITY_NAME = "Nyköping"
TEAM_NAMES = ("Team Norr", "Team Syd")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    team: str | None = None
    may_see_protected: bool = False


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("samordnare", Role.COORDINATOR, may_see_protected=True),
    DemoLogin("coach1", Role.COACH, team="Team Norr"),
    DemoLogin("coach2", Role.COACH, team="Team Syd"),
    DemoLogin("syv", Role.STUDY_COUNSELLOR, team="Team Norr"),
    DemoLogin("larare", Role.TEACHER, team="Team Syd"),
    DemoLogin("rektor", Role.HEAD),
    DemoLogin("skolpersonal", Role.SCHOOL_STAFF),
    DemoLogin("admin", Role.ADMINISTRATOR),
)


def municipality_seed() -> tuple[Municipality, dict[str, Team]]:
    # The KAA's own phone number and e-mail address stand on letters to youths without a coach (fictional).
    municipality, _created = Municipality.objects.get_or_create(
        code=MUNICIPALITY_CODE, defaults={"name": MUNICIPALITY_NAME, "kaa_phone": "08-465 004 20",
                                          "kaa_email": "kaa@nykoping.example"})
    teams = {name: Team.objects.get_or_create(municipality=municipality, name=name)[0] for name in TEAM_NAMES}
    return municipality, teams


def staff_seed(*, municipality: Municipality, teams: dict[str, Team], fake: Faker) -> dict[str, User]:
    """One user per demo login, all with the demo password (hashed once: hashing is slow on purpose)."""
    hashed = User(username="x")
    hashed.set_password(DEMO_PASSWORD)
    users = []
    for i, login in enumerate(DEMO_LOGINS):
        first, last = fake.first_name(), fake.last_name()
        # Coaches have a work mobile (in the range PTS reserves for fiction), printed on their letters.
        phone = f"070-174 06 {20 + i:02d}" if login.role == Role.COACH else ""
        users.append(User(username=login.username, first_name=first, last_name=last, phone=phone,
                          email=f"{login.username}@example.invalid", password=hashed.password))
    User.objects.bulk_create(users)
    by_name = {u.username: u for u in User.objects.filter(username__in=[lg.username for lg in DEMO_LOGINS])}
    Membership.objects.bulk_create([
        Membership(user=by_name[lg.username], municipality=municipality, role=lg.role,
                   team=teams[lg.team] if lg.team else None, may_see_protected=lg.may_see_protected)
        for lg in DEMO_LOGINS
    ])
    return by_name
