"""A new municipality is set up with the default contact chain.

Municipalities are created below this app (by an import naming a new municipality code, by the
demo, by an administrator's tooling), so the outreach app listens for them instead of each of those
places knowing about contact chains.
"""

from __future__ import annotations

from typing import Any

from .services import chain_ensure


def municipality_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:  # raw: loaded from a fixture, as it was
        chain_ensure(municipality=instance)
