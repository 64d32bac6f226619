"""A new municipality is set up with the default tasks of the yearly wheel (as outreach gives it a contact chain)."""

from __future__ import annotations

from typing import Any

from .wheel_services import wheel_install_defaults


def municipality_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:  # raw: loaded from a fixture, as it was
        wheel_install_defaults(municipality=instance)
