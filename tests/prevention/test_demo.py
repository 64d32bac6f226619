"""The demo seeds preventive work: signals, attendance, the study counsellor's year-9 cases; none in the register."""

import pytest

from kaa.demo.seed import demo_seed
from kaa.prevention import selectors
from kaa.prevention.models import AttendanceSignal, PreventiveCase
from kaa.register.models import Youth

pytestmark = pytest.mark.django_db


def test_the_demo_has_preventive_work():
    result = demo_seed(youths=10, seed=3)
    assert "prevention" in result.hooks_run
    counsellor = result.users["syv"]
    cases = list(selectors.preventive_cases(user=counsellor))
    assert len(cases) == 2 and all(c.meetings.exists() and c.mappings.exists() for c in cases)
    assert AttendanceSignal.objects.count() == 4
    assert selectors.early_signals(user=counsellor).count() == 3
    assert not selectors.preventive_cases(user=result.users["samordnare"]).exists()
    pnrs = PreventiveCase.objects.values("personnummer")
    assert not Youth.objects.filter(personnummer__in=pnrs).exists()
