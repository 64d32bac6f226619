"""Writing the audit log. Every read, change and export of a youth's record goes through here."""

import contextvars
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from kaa.core.context import channel_var, request_id_var

from .models import AuditAction, AuditEntry

# The youths audited so far in the current request, while a view decorated with
# ``kaa.audit.decorators.audits_youth_read`` runs (None otherwise): its read entry is written only for a
# youth the view has not audited already, so one request gives one entry per youth.
_audited_youths: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar("audited_youths", default=None)


@contextmanager
def tracking_audited_youths() -> Iterator[set[int]]:
    """Collect the ids of the youths audited inside the block."""
    seen: set[int] = set()
    token = _audited_youths.set(seen)
    try:
        yield seen
    finally:
        _audited_youths.reset(token)


def _note(youth_ids: Iterable[int | None]) -> None:
    seen = _audited_youths.get()
    if seen is not None:
        seen.update(int(y) for y in youth_ids if y is not None)


def _actor(user: Any) -> tuple[int | None, str]:
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk, user.get_username()
    return None, ""


def audit_record(
    *,
    user: Any,
    action: str,
    object_type: str,
    object_id: Any = "",
    youth_id: int | None = None,
    municipality_id: int | None = None,
    fields: Sequence[str] = (),
    detail: str = "",
) -> AuditEntry:
    """Record one action. ``fields`` are field names, ``detail`` a code: never personal data."""
    user_id, username = _actor(user)
    _note([youth_id])
    return AuditEntry.objects.create(
        user_id=user_id, username=username, action=action, object_type=object_type,
        object_id=str(object_id or ""), youth_id=youth_id, municipality_id=municipality_id,
        fields=sorted(fields), channel=channel_var.get(), request_id=request_id_var.get().replace("-", "")[:32],
        detail=detail[:200],
    )


def audit_records(
    *,
    user: Any,
    action: str,
    object_type: str,
    youths: Iterable[tuple[int, int | None]],
    detail: str = "",
) -> int:
    """Record one action on many youths at once (a list page, an export): one query.

    ``youths`` yields (youth_id, municipality_id) pairs.
    """
    user_id, username = _actor(user)
    channel, rid = channel_var.get(), request_id_var.get().replace("-", "")[:32]
    entries = [
        AuditEntry(user_id=user_id, username=username, action=action, object_type=object_type,
                   object_id=str(youth_id), youth_id=youth_id, municipality_id=municipality_id,
                   channel=channel, request_id=rid, detail=detail[:200])
        for youth_id, municipality_id in youths
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    _note(e.youth_id for e in entries)
    return len(entries)


def audit_youth_view(*, user: Any, youth: Any, detail: str = "") -> AuditEntry:
    return audit_youth_read(user=user, youth_id=youth.pk, municipality_id=youth.municipality_id, detail=detail)


def audit_youth_read(*, user: Any, youth_id: int, municipality_id: int | None, detail: str = "") -> AuditEntry:
    """One read of a youth's record (a page or answer that showed it)."""
    return audit_record(user=user, action=AuditAction.VIEW, object_type="youth", object_id=youth_id,
                        youth_id=youth_id, municipality_id=municipality_id, detail=detail)
