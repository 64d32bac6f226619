"""Demo data for reporting: a yearly wheel that has been kept for a while.

The municipality got the default tasks when it was created (anchored on that day); the demo moves
them back four months and marks what fell due since then done by the coordinator, except the last
Friday case review: the coordinator's start page shows one overdue task and those due soon.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from kaa.reporting import wheel_selectors
from kaa.reporting.models import WheelDone, WheelTask
from kaa.reporting.services import follow_up_goals_save
from kaa.reporting.wheel_services import wheel_install_defaults

HISTORY_DAYS = 120


def seed_demo(*, municipality: Any, users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    del rng  # nothing random: the wheel is the same every time
    coordinator = users.get("samordnare")
    wheel_install_defaults(municipality=municipality, today=today)
    start = today - datetime.timedelta(days=HISTORY_DAYS)
    tasks = list(WheelTask.objects.filter(municipality=municipality, active=True))
    for task in tasks:
        # Whole weeks back, so a weekly task keeps its weekday.
        weekly = task.kind == WheelTask.Kind.WEEKLY
        task.anchor = task.anchor - datetime.timedelta(weeks=-(-HISTORY_DAYS // 7)) if weekly else start
    WheelTask.objects.bulk_update(tasks, ["anchor"])
    past = wheel_selectors.occurrences(tasks=tasks, start=start, end=today - datetime.timedelta(days=1), today=today)
    left_overdue = max((o for o in past if o.task.preset == "case_review"), key=lambda o: o.on, default=None)
    WheelDone.objects.bulk_create(
        [WheelDone(task=o.task, on=o.on, done_by=coordinator) for o in past if o is not left_overdue]
    )
    if coordinator is not None:
        # The year's goals, so the June follow-up (page, PDF, XLSX) shows them from the first login.
        follow_up_goals_save(municipality=municipality, year=today.year, user=coordinator,
                             goals_text="Alla i målgruppen ska ha fått en kontakt inom 30 dagar. Minst hälften "
                                        "av dem som har en åtgärd ska vara tillbaka i utbildning inom ett år.",
                             work_text="Vi ringer på kvällstid, gör hembesök och går igenom varje ungdom på "
                                       "fredagarnas elevgenomgång.")
