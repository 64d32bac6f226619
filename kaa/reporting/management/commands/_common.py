"""Shared argument handling of the statistics commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from kaa.organisations.models import Municipality
from kaa.reporting.periods import HalfYear


def period_from(value: str) -> HalfYear:
    try:
        return HalfYear.parse(value)
    except ValueError as exc:
        raise CommandError(f"--period: {exc}") from exc


def municipality_for(code: str | None) -> Municipality:
    if code:
        found = Municipality.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"--municipality: unknown municipality code {code!r}")
        return found
    municipalities = list(Municipality.objects.all()[:2])
    if len(municipalities) != 1:
        raise CommandError("--municipality: give the municipality code"
                           + (" (the installation has none)" if not municipalities else ""))
    return municipalities[0]
