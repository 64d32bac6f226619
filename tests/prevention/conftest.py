"""Fixtures of preventive work: a municipality, a study counsellor, a coach, a coordinator and a year-9 pupil's
early signal (consent given)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.register.models import EarlySignal
from tests.factories import MunicipalityFactory, TeamFactory, make_personnummer, staff


def pupil_pnr(serial: int = 1, age: int = 15) -> str:
    today = timezone.localdate()
    return make_personnummer(datetime.date(today.year - age, 3, 10), serial)


@pytest.fixture
def place(db):
    municipality = MunicipalityFactory(code="0480", name="Nyköping")
    team = TeamFactory(municipality=municipality, name="Team Norr")
    return {
        "municipality": municipality,
        "team": team,
        "counsellor": staff(Role.STUDY_COUNSELLOR, municipality, team=team, username="syv"),
        "coach": staff(Role.COACH, municipality, team=team, username="coach"),
        "coordinator": staff(Role.COORDINATOR, municipality, username="samordnare"),
        "teacher": staff(Role.TEACHER, municipality, team=team, username="larare"),
        "school": staff(Role.SCHOOL_STAFF, municipality, username="skola"),
    }


def early_signal(place, *, serial: int = 1, protected: bool = False) -> EarlySignal:
    return EarlySignal.objects.create(
        municipality=place["municipality"],
        personnummer=pupil_pnr(serial),
        given_name="Elsa",
        family_name="Exempel",
        school_unit_name="Centralskolan",
        concern="Mycket frånvaro",
        consent=True,
        consent_by="guardian",
        protected=protected,
        reported_by=place["school"],
    )
