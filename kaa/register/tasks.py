"""The daily register computation, run by the task worker (scheduled by kaa.core.scheduler)."""

import datetime

from django_tasks import task

from kaa.core.scheduler import periodic

from .compute import register_compute


@task()
def register_compute_daily(period: str) -> str:
    """Apply the rules for the period's day: youths whose facts changed or whose date has come."""
    result = register_compute(on=datetime.date.fromisoformat(period))
    return str(result)


periodic("register_compute", "kaa.register.tasks.register_compute_daily", every="day",
         at=datetime.time(2, 0))
