import datetime
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from kaa.accounts.models import Membership, Role, User
from kaa.accounts.policy import Perm, has_perm
from kaa.demo import seed as seed_module
from kaa.demo.seed import AlreadySeeded, demo_seed
from kaa.demo.staff import DEMO_PASSWORD
from kaa.demo.youths import IN_GROUP, SCENARIOS
from kaa.register.identity import parse_identity
from kaa.register.models import Enrolment, Guardian, Protection, Youth

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 1)


class Rollback(Exception):
    def __init__(self, rows):
        self.rows = rows


def seeded_rows(seed: int, youths: int = 60):
    """Seed inside a savepoint, read what was made, then roll it back."""
    with pytest.raises(Rollback) as caught, transaction.atomic():
        demo_seed(youths=youths, seed=seed, today=TODAY)
        raise Rollback(list(Youth.objects.order_by("personnummer").values_list(
            "personnummer", "given_name", "family_name", "address", "protection")))
    return caught.value.rows


@pytest.fixture
def no_hooks(monkeypatch):
    monkeypatch.setattr(seed_module, "HOOK_APPS", ())


def test_same_seed_same_people(no_hooks):
    first, second = seeded_rows(5), seeded_rows(5)
    assert first == second
    assert len(first) == 60
    assert seeded_rows(6) != first


def test_seed_makes_every_scenario_and_valid_identities(no_hooks):
    result = demo_seed(youths=120, seed=2, today=TODAY)
    assert result.youths == Youth.objects.count() == 120
    assert set(result.scenarios) == {s.code for s in SCENARIOS}
    youths = list(Youth.objects.all())
    for youth in youths:
        identity = parse_identity(youth.personnummer, today=TODAY)
        assert identity.birth_date == youth.birth_date
        assert identity.is_coordination_number == youth.is_coordination_number
        assert 15 <= youth.age_on(TODAY) <= 21
    assert any(y.is_coordination_number for y in youths)
    assert {y.protection for y in youths} >= {Protection.CONFIDENTIAL, Protection.PROTECTED_REGISTRATION,
                                              Protection.FICTITIOUS}
    assert all(not y.address for y in youths if y.protection)
    assert all(y.phone.startswith("070-174 06 ") for y in youths if y.phone)
    assert all(y.postal_code.startswith("611") for y in youths if y.postal_code)
    under_18 = [y for y in youths if y.age_on(TODAY) < 18 and y.in_population]
    assert Guardian.objects.filter(youth__in=under_18).values("youth").distinct().count() == len(under_18)
    assert not Guardian.objects.exclude(youth__in=under_18).exists()
    kinds = Counter(Enrolment.objects.values_list("school_type", flat=True))
    assert kinds["GR"] and kinds["GY"]
    assert Enrolment.objects.filter(interruption_date__isnull=False).exists()
    assert Enrolment.objects.filter(result="studiebevis").exists()
    assert Enrolment.objects.filter(programme__startswith="IM").exists()


def test_staff_for_every_role(no_hooks):
    result = demo_seed(youths=5, seed=1, today=TODAY)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert set(result.users) == {"samordnare", "coach1", "coach2", "syv", "larare", "rektor", "skolpersonal",
                                 "admin"}
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
    coordinator = Membership.objects.get(user__username="samordnare")
    assert coordinator.may_see_protected and coordinator.role == Role.COORDINATOR
    assert Membership.objects.get(user__username="coach1").team.name == "Team Norr"
    assert Membership.objects.get(user__username="coach2").team.name == "Team Syd"
    assert has_perm(User.objects.get(username="admin"), Perm.SETTINGS_MANAGE)


def test_seed_refuses_a_database_with_youths(no_hooks):
    demo_seed(youths=3, seed=1, today=TODAY)
    with pytest.raises(AlreadySeeded):
        demo_seed(youths=3, seed=1, today=TODAY)
    with pytest.raises(CommandError):
        call_command("seed_demo", youths=3)


def test_register_reasons_after_compute(no_hooks):
    """With the register rules in place, the seeded facts give every reason in the target group."""
    pytest.importorskip("kaa.register.compute")
    demo_seed(youths=150, seed=1, today=TODAY)
    reasons = set(Youth.objects.filter(in_target_group=True).values_list("register_reason", flat=True))
    assert {"ej_paborjat", "avbrott", "im", "studiebevis", "inflyttad"} <= reasons
    assert reasons <= IN_GROUP
    out = set(Youth.objects.filter(in_target_group=False).values_list("register_reason", flat=True))
    assert {"nationellt_program", "examen", "fyllt_20", "ej_folkbokford", "avliden",
            "skolplikt_ej_fullgjord"} <= out


def test_command_prints_summary_and_runs_hooks(capsys):
    call_command("seed_demo", youths=30, seed=3)
    out = capsys.readouterr().out
    assert "30 youths" in out and DEMO_PASSWORD in out
    assert Youth.objects.count() == 30
