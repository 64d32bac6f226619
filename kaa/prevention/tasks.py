"""The nightly job of preventive work: carry cases of pupils who entered the register (any the register's hook
missed), thin preventive cases of pupils who never entered KAA, delete old weekly attendance."""

from __future__ import annotations

import datetime
import logging

from django_tasks import task

from kaa.core.scheduler import periodic

from .services import attendance_thin, preventive_carry, preventive_thin

log = logging.getLogger(__name__)


@task()
def prevention_nightly(period: str) -> dict:
    on = datetime.date.fromisoformat(period[:10])
    result = {
        "carried": preventive_carry(),
        "thinned": preventive_thin(on=on),
        "attendance_rows": attendance_thin(on=on),
    }
    log.info("prevention nightly: %s", result)
    return result


periodic(
    "prevention_nightly", "kaa.prevention.tasks.prevention_nightly", every="day", at=datetime.time(3, 30), catch_up=2
)
