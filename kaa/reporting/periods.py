"""Half-years of the SCB statistics (H1 = 1 Jan–30 Jun, H2 = 1 Jul–31 Dec) and local days."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")
_PERIOD = re.compile(r"^(\d{4})H([12])$")


@dataclass(frozen=True)
class HalfYear:
    year: int
    half: int

    @classmethod
    def parse(cls, text: str) -> HalfYear:
        """``2026H1`` or ``2026H2``; ValueError otherwise."""
        match = _PERIOD.match((text or "").strip().upper())
        if not match:
            raise ValueError(f"period must look like 2026H1 or 2026H2, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: datetime.date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)

    def previous(self) -> HalfYear:
        return HalfYear(self.year, 1) if self.half == 2 else HalfYear(self.year - 1, 2)

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"


@dataclass(frozen=True)
class DateRange:
    """Any range of days, both ends included (the follow-up's ``from`` and ``to``)."""

    start: datetime.date
    end: datetime.date

    def __str__(self) -> str:
        return f"{self.start.isoformat()}–{self.end.isoformat()}"


Span = HalfYear | DateRange


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight starting ``day`` in Swedish time (aware)."""
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=TZ)


def local_day(at: datetime.datetime) -> datetime.date:
    return at.astimezone(TZ).date()
