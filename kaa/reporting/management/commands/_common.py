"""Shared argument handling of the statistics commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from kaa.reporting.periods import HalfYear


def period_from(value: str) -> HalfYear:
    try:
        return HalfYear.parse(value)
    except ValueError as exc:
        raise CommandError(f"--period: {exc}") from exc


