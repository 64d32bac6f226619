"""The demo seed: municipality, staff, youths, the register, then each app's own demo data."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from faker import Faker

from kaa.accounts.models import User
from kaa.organisations.models import Municipality
from kaa.register.compute import register_compute
from kaa.register.models import Youth

from . import casework, handover, meetings, messaging, outreach, prevention, reporting, retention
from .staff import DEMO_LOGINS, TEAM_NAMES, municipality_seed, staff_seed
from .youths import youths_seed

# Each app's demo data after the register is computed, in this order: (app, its seeding function
# ``seed_demo(*, municipality, users, rng, today)`` in ``kaa/demo/<app>.py``). A new app adds a line.
HOOK_APPS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("outreach", outreach.seed_demo),
    ("messaging", messaging.seed_demo),
    ("casework", casework.seed_demo),
    ("meetings", meetings.seed_demo),
    ("handover", handover.seed_demo),
    ("prevention", prevention.seed_demo),
    ("retention", retention.seed_demo),
    ("reporting", reporting.seed_demo),
)


class AlreadySeeded(Exception):
    """The database already holds youths or the demo users: the demo seeds an empty database only."""


@dataclass
class SeedResult:
    municipality: Municipality
    users: dict[str, User]
    youths: int
    scenarios: Counter = field(default_factory=Counter)
    register: object | None = None
    hooks_run: list[str] = field(default_factory=list)


@transaction.atomic
def demo_seed(*, youths: int = 200, seed: int = 1, today: datetime.date | None = None,
              log: Callable[[str], None] = lambda _msg: None) -> SeedResult:
    """Seed an empty database. Deterministic for a given seed and day."""
    if Youth.objects.exists() or User.objects.filter(username__in=[lg.username for lg in DEMO_LOGINS]).exists():
        raise AlreadySeeded
    today = today or timezone.localdate()
    rng = random.Random(seed)
    fake = Faker("sv_SE")
    fake.seed_instance(seed)

    municipality, teams = municipality_seed()
    users = staff_seed(municipality=municipality, teams=teams, fake=fake)
    made = youths_seed(municipality=municipality, count=youths, rng=rng, fake=fake, today=today,
                       coaches=[users["coach1"], users["coach2"]], teams=[teams[n] for n in TEAM_NAMES])
    result = SeedResult(municipality=municipality, users=users, youths=len(made),
                        scenarios=Counter(s.code for s, _y in made))
    result.register = register_compute(on=today, force=True)

    for app, seed_app in HOOK_APPS:
        # Each app gets its own stream, so one app's demo data does not shift another's.
        seed_app(municipality=municipality, users=users, rng=random.Random(f"{seed}:{app}"), today=today)
        result.hooks_run.append(app)
        log(f"demo data: {app}")
    return result
