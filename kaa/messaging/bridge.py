"""The two functions of the outreach app that messaging uses, imported lazily.

Outreach owns contact attempts and the contact chain; importing it at call time keeps the apps
loosely coupled (and lets tests stand in for it).
"""

from datetime import date, datetime
from typing import Any


def record_contact(*, youth: Any, user: Any, channel: str, at: datetime, outcome: str,
                   to_guardian: bool = False, note: str = "", source: str = "ui") -> Any:
    from kaa.outreach.services import contact_record

    return contact_record(youth=youth, user=user, channel=channel, at=at, outcome=outcome,
                          to_guardian=to_guardian, note=note, source=source)


def youths_due(*, user: Any, step_code: str = "letter", on: date | None = None) -> Any:
    from kaa.outreach.selectors import youths_with_step_due

    return youths_with_step_due(user=user, step_code=step_code, on=on)
