"""A periodic task for the scheduler tests (tasks must live at module level to be enqueued)."""

from django_tasks import task

CALLS: list[str] = []


@task()
def record_period(period: str) -> str:
    CALLS.append(period)
    return period
