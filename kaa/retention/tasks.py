"""The thinning job: once a day, every municipality's switched-on rules, then the audit log's."""

import datetime

from django_tasks import task

from kaa.core.context import acting
from kaa.core.scheduler import periodic


@task()
def retention_thin(period: str) -> dict[str, int]:
    """Run the thinning (idempotent: a second run of the same day removes nothing)."""
    from .services import retention_run_all

    with acting("task"):
        runs = retention_run_all()
    return {str(run.municipality_id): run.total for run in runs}


periodic("retention_thin", "kaa.retention.tasks.retention_thin", every="day", at=datetime.time(2, 30), catch_up=1)
