"""What apps above the register do when youths enter it, declared on their own AppConfig.

The register computation (``compute.py``) calls ``youths_entered`` with the ids of the youths a chunk
put into the register. An app declares a callable ``(youth_ids: list[int]) -> None`` or its dotted path::

    class PreventionConfig(AppConfig):
        register_entered = "kaa.prevention.services.register_entered"

Each runs in a savepoint of the chunk's transaction: a failing hook is logged and undone alone, never the
computation (the app catches up by itself, e.g. in a nightly job).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def youths_entered(youth_ids: Sequence[int]) -> None:
    if not youth_ids:
        return
    for config in apps.get_app_configs():
        hook = getattr(config, "register_entered", None)
        if hook is None:
            continue
        fn = import_string(hook) if isinstance(hook, str) else hook
        try:
            with transaction.atomic():
                fn(list(youth_ids))
        except Exception:
            log.exception("register_entered hook of %s failed", config.label)
