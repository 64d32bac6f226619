"""Shared infrastructure records: worker heartbeat and the scheduler's once-per-period guard."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a process of a kind (worker, scheduler) showed it was alive."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    at = models.DateTimeField(_("at"))

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M}"


class ScheduledRun(models.Model):
    """One periodic job for one period. The unique constraint makes two schedulers safe."""

    job = models.CharField(_("job"), max_length=80)
    period = models.CharField(_("period"), max_length=32)
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_result_id = models.CharField(_("task result"), max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once_per_period")
        ]
        ordering = ["-enqueued_at"]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
