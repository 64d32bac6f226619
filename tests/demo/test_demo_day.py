"""The demo seeded on a given day shows a realistic day (issue 10): a few replies, a few steps overdue
by days (none by months), several due today and this week."""

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kaa.accounts.models import User
from kaa.demo.seed import demo_seed
from kaa.outreach import selectors
from kaa.outreach.models import ContactChain
from kaa.register.models import Youth

pytestmark = pytest.mark.django_db(transaction=True)
TZ = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize("today", [datetime.date(2026, 10, 1), datetime.date(2027, 3, 15)])
def test_the_demo_is_seeded_relative_to_its_day(today):
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(9, 30), TZ), tick=False):
        demo_seed(youths=200, seed=1, today=today)
        for name in ("coach1", "coach2"):
            coach = User.objects.get(username=name)
            youths = list(Youth.objects.filter(coach=coach, in_target_group=True))
            states = selectors.states_for(youths)
            buckets = Counter(state.bucket(today) for state in states.values())
            nexts = [s.next_step for s in states.values() if s.next_step and not s.reply_waiting]
            assert buckets["today"] >= 2 and buckets["week"] >= 3, (name, buckets)
            assert 1 <= buckets["overdue"] <= 10, (name, buckets)
            assert buckets["overdue"] < buckets["today"] + buckets["week"], (name, buckets)
            assert buckets["reply"] >= 1
            oldest = min(step.due for step in nexts)
            assert (today - oldest).days <= 60, (name, oldest)
        chain = ContactChain.objects.get(is_active=True, municipality__code="0480")  # the demo has Oxelösund too
        assert chain.name == "Kontaktkedja för Nyköping (Älmhultsmodellen)"
