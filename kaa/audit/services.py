"""Writing the audit log. Every read, change and export of a youth's record goes through here."""

from collections.abc import Iterable, Sequence
from typing import Any

from kaa.core.context import channel_var, request_id_var

from .models import AuditAction, AuditEntry


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
    return len(entries)


def audit_youth_view(*, user: Any, youth: Any, detail: str = "") -> AuditEntry:
    return audit_record(user=user, action=AuditAction.VIEW, object_type="youth", object_id=youth.pk,
                        youth_id=youth.pk, municipality_id=youth.municipality_id, detail=detail)
