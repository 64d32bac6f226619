"""Personal identity numbers (*personnummer*, *samordningsnummer*) through the personnummer package."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from personnummer import personnummer
from personnummer.personnummer import PersonnummerException


@dataclass(frozen=True)
class Identity:
    number: str  # 12 digits, no separator
    birth_date: datetime.date
    is_coordination_number: bool


def parse_identity(raw: str, today: datetime.date | None = None) -> Identity:
    """Parse 12 digits, or 10 with ``-``/``+`` (``+`` = 100 or older). Raises ValueError.

    The check digit is verified; a samordningsnummer (day + 60) is accepted.
    """
    text = (raw or "").strip()
    if not text:
        raise ValueError("empty")
    compact = text.replace(" ", "")
    digits = compact.replace("-", "").replace("+", "")
    if not digits.isdigit() or len(digits) not in (10, 12):
        raise ValueError("format")
    if len(digits) == 10 and not any(sep in compact for sep in "-+"):
        compact = f"{digits[:6]}-{digits[6:]}"
    try:
        pnr = personnummer.parse(compact)
    except PersonnummerException as exc:
        raise ValueError("invalid") from exc
    full = pnr.format(True)
    if len(digits) == 12 and full != digits:
        raise ValueError("invalid")
    day = int(full[6:8])
    coordination = day > 60
    birth = datetime.date(int(full[0:4]), int(full[4:6]), day - 60 if coordination else day)
    return Identity(number=full, birth_date=birth, is_coordination_number=coordination)


def normalise_personnummer(raw: str) -> str | None:
    """The 12-digit form when ``raw`` is a valid personnummer, else None (used by searches)."""
    try:
        return parse_identity(raw).number
    except ValueError:
        return None
