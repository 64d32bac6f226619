"""Hand-over fixtures: two municipalities of one installation (Nyköping, Oxelösund), their coordinators,
a coach in Nyköping and a youth with a case (mapping, plan, a measure, journal entries, one confidential)."""

import datetime

import pytest
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.casework import services as cw
from tests.factories import MunicipalityFactory, YouthFactory, staff


@pytest.fixture(autouse=True)
def english_ui(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def other(db):
    return MunicipalityFactory(code="0481", name="Oxelösund")


@pytest.fixture
def receiver(other):
    """The receiving municipality's coordinator, who holds the grant for confidential entries there."""
    user = staff(Role.COORDINATOR, other, username="samordnare-oxelosund")
    user.memberships.update(may_see_confidential=True)
    return user


@pytest.fixture
def sender(coordinator):
    coordinator.memberships.update(may_see_confidential=True)
    return coordinator


@pytest.fixture
def youth(municipality, team, coach):
    today = timezone.localdate()
    return YouthFactory(
        municipality=municipality,
        coach=coach,
        team=team,
        in_target_group=True,
        register_reason="avbrott",
        birth_date=today.replace(year=today.year - 18) - datetime.timedelta(days=30),
        given_name="Alva",
        family_name="Exempel",
    )


@pytest.fixture
def case(youth, coach, sender):
    today = timezone.localdate()
    cw.mapping_save(
        youth=youth,
        user=coach,
        held_on=today,
        interests="Musik och fotboll",
        school_worked="Praktiska ämnen",
        support_needs="Korta pass",
        strengths="Envis",
    )
    cw.plan_save(youth=youth, user=coach, goal="Börja på folkhögskola")
    cw.journal_add(youth=youth, user=coach, text="Träffades på biblioteket.")
    cw.journal_add(youth=youth, user=sender, text="Kontakt med socialtjänsten.", confidential=True)
    return youth


@pytest.fixture
def consent_to_other(case, coach, other):
    return cw.consent_record(
        youth=case, user=coach, partner=other.code, purpose="Flytt till Oxelösund", valid_from=timezone.localdate()
    )
