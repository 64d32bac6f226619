"""Core periodic jobs: the worker heartbeat that /healthz reads."""

from django.utils import timezone
from django_tasks import task

from .models import Heartbeat
from .scheduler import periodic


def beat(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


@task()
def worker_heartbeat(period: str) -> str:
    """Run by the task worker, so a recent beat proves the worker is alive."""
    beat("worker")
    return period


periodic("worker_heartbeat", "kaa.core.tasks.worker_heartbeat", every="minute", catch_up=0)
