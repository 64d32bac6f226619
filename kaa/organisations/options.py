"""Command-line options that name a municipality (``--municipality CODE``), shared by the commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from .models import Municipality


def municipality_option(code: str | None) -> Municipality:
    """The municipality with this SCB code; without a code, the installation's only municipality."""
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
