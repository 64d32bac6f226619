"""Reporting's periodic jobs."""

from __future__ import annotations

import datetime

from django_tasks import task

from kaa.core.scheduler import periodic

from .wheel_services import wheel_reminders_send


@task()
def send_wheel_reminders(period: str) -> int:
    """The yearly wheel's reminder e-mails for the day ``period`` (idempotent: see wheel_reminders_send)."""
    return wheel_reminders_send(today=datetime.date.fromisoformat(period[:10]))


periodic(
    "reporting_wheel_reminders",
    "kaa.reporting.tasks.send_wheel_reminders",
    every="day",
    at=datetime.time(7, 0),
    catch_up=2,
)
