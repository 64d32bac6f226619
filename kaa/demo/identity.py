"""Synthetic personal identity numbers (*personnummer*, *samordningsnummer*) with valid check digits."""

from __future__ import annotations

import datetime
import random


def luhn_digit(nine: str) -> str:
    """The Luhn check digit of the nine digits YYMMDDNNN."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def personnummer_for(birth: datetime.date, serial: int, *, coordination: bool = False) -> str:
    """The 12-digit number for a birth date and a 3-digit serial (odd last serial digit = male)."""
    if not 0 <= serial <= 999:
        raise ValueError("serial must be 0–999")
    day = birth.day + (60 if coordination else 0)
    ten = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth.year // 100:02d}{ten}{luhn_digit(ten)}"


class IdentityGenerator:
    """Hands out unique synthetic numbers, deterministic for a given ``random.Random``."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.taken: set[str] = set(taken or ())

    def new(self, birth: datetime.date, *, male: bool, coordination: bool = False) -> str:
        for _ in range(2000):
            # Serials 001–979; the last digit's parity gives the legal gender.
            serial = self.rng.randint(0, 97) * 10 + self.rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
            if serial == 0:
                continue
            number = personnummer_for(birth, serial, coordination=coordination)
            if number not in self.taken:
                self.taken.add(number)
                return number
        raise RuntimeError("no free serial left for this birth date")
