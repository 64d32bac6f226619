"""Reporting's periodic jobs (django-tasks, enqueued once per period by kaa.core.scheduler)."""

from __future__ import annotations

import datetime
import logging

from django.core.mail import send_mass_mail
from django_tasks import task

from kaa.core.scheduler import periodic

from .wheel_services import wheel_reminders_send

log = logging.getLogger(__name__)


@task()
def prepare_board_reports(period: str) -> int:
    """Daily: prepare last month's board report (and the half-year's after June and December) where it is
    missing, and tell each coordinator by e-mail. On the 1st this makes the month's report; later days
    find it made and do nothing, so a day the worker missed is caught up."""
    from . import board

    made = board.prepare_due(datetime.date.fromisoformat(period[:10]))
    messages = board.ready_messages(made)
    if messages:
        send_mass_mail(messages, fail_silently=False)
    log.info("board reports prepared: %d", len(made))
    return len(made)


periodic(
    "reporting_board_reports",
    "kaa.reporting.tasks.prepare_board_reports",
    every="day",
    at=datetime.time(5, 0),
    catch_up=2,
)


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
