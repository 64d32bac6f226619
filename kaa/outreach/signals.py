"""A new municipality is set up with the default contact chain.

Municipalities are created below this app (by an import naming a new municipality code, by the
demo, by an administrator's tooling), so the outreach app listens for them instead of each of those
places knowing about contact chains.
"""

from __future__ import annotations

from typing import Any

from .services import chain_ensure, snapshots_follow_chain


def municipality_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaded from a fixture, as it was
        return
    if created:
        chain_ensure(municipality=instance)
    else:  # the evening time or the re-contact months may have changed: part of the chain the rules see
        snapshots_follow_chain(instance.pk)
