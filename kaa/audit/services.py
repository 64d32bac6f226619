"""Writing the audit log. Every read, change and export of a youth's record goes through here.

During a web request (``kaa.audit.middleware``) the entries written outside a transaction of the
application (the reads: the bulk of the log) are held and written in one batch when the request
ends: one INSERT per request, not one per youth seen. An entry written inside a transaction (a
service's change) is inserted at once, so that it stands or falls with the change it records.
"""

import contextvars
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.utils import timezone

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


# The entries held for the current request's batch (None outside a request: written at once).
_pending: contextvars.ContextVar[list[AuditEntry] | None] = contextvars.ContextVar("audit_pending", default=None)


@contextmanager
def batching_entries() -> Iterator[list[AuditEntry]]:
    """Hold the entries written inside the block and write them in one batch at its end (even when it
    raises: what they record has happened)."""
    pending: list[AuditEntry] = []
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)
        if pending:
            _insert_batch(pending)


# The columns a batch writes, and their types for PostgreSQL's unnest (one array per column).
_BATCH_COLUMNS = (("at", "timestamptz"), ("user_id", "bigint"), ("username", "text"), ("action", "text"),
                  ("object_type", "text"), ("object_id", "text"), ("youth_id", "bigint"),
                  ("municipality_id", "bigint"), ("fields", "jsonb"), ("channel", "text"), ("request_id", "text"),
                  ("detail", "text"))


def _insert_batch(entries: list[AuditEntry]) -> None:
    """Write a request's entries in one INSERT. On PostgreSQL the values go as one array per column straight
    to ``unnest`` (what ``bulk_create`` sends, without its per-value field preparation: a list page's 50
    entries cost a request more there than the INSERT itself); elsewhere through ``bulk_create``."""
    if connection.vendor != "postgresql":
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        return
    now = timezone.now()
    for entry in entries:
        if entry.at is None:
            entry.at = now
    arrays = [[getattr(e, column) for e in entries] for column, _type in _BATCH_COLUMNS]
    arrays[8] = [json.dumps(value) for value in arrays[8]]  # fields: a JSON list of field names
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column, _type in _BATCH_COLUMNS)
    arrays_sql = ", ".join(f"%s::{kind}[]" for _column, kind in _BATCH_COLUMNS)
    with connection.cursor() as cursor:
        for start in range(0, len(entries), 1000):
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays_sql})",  # noqa: S608
                           [array[start:start + 1000] for array in arrays])


def _in_app_transaction() -> bool:
    # The test runner wraps each test in atomic blocks of its own; those are not the application's.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _write(entries: list[AuditEntry]) -> None:
    pending = _pending.get()
    if pending is not None and not _in_app_transaction():
        pending.extend(entries)
    elif len(entries) == 1:
        entries[0].save()
    elif entries:
        AuditEntry.objects.bulk_create(entries, batch_size=1000)


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
    """Record one action. ``fields`` are field names, ``detail`` a code: never personal data. Inside a
    request's batch the entry returned is written when the request ends (its ``pk`` is None until then)."""
    user_id, username = _actor(user)
    _note([youth_id])
    entry = AuditEntry(
        user_id=user_id, username=username, action=action, object_type=object_type,
        object_id=str(object_id or ""), youth_id=youth_id, municipality_id=municipality_id,
        fields=sorted(fields), channel=channel_var.get(), request_id=request_id_var.get().replace("-", "")[:32],
        detail=detail[:200],
    )
    _write([entry])
    return entry


def audit_records(
    *,
    user: Any,
    action: str,
    object_type: str,
    youths: Iterable[tuple[int, int | None]],
    detail: str = "",
) -> int:
    """Record one action on many youths at once (a list page, an export): one query, or none of its own
    inside a request's batch.

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
    _write(entries)
    _note(e.youth_id for e in entries)
    return len(entries)


def audit_youth_view(*, user: Any, youth: Any, detail: str = "") -> AuditEntry:
    return audit_youth_read(user=user, youth_id=youth.pk, municipality_id=youth.municipality_id, detail=detail)


def audit_youth_read(*, user: Any, youth_id: int, municipality_id: int | None, detail: str = "") -> AuditEntry:
    """One read of a youth's record (a page or answer that showed it)."""
    return audit_record(user=user, action=AuditAction.VIEW, object_type="youth", object_id=youth_id,
                        youth_id=youth_id, municipality_id=municipality_id, detail=detail)


def audit_removals(
    *,
    user: Any,
    object_type: str,
    records: Iterable[tuple[Any, int | None, int | None]],
    detail: str = "",
    fields: Sequence[str] = (),
    action: str = AuditAction.DELETE,
) -> int:
    """Record the removal of many records at once (thinning): one entry per record id, one query.

    ``records`` yields (object id, youth id, municipality id) triples: ids, never personal data.
    """
    user_id, username = _actor(user)
    channel, rid = channel_var.get(), request_id_var.get().replace("-", "")[:32]
    entries = [
        AuditEntry(user_id=user_id, username=username, action=action, object_type=object_type,
                   object_id=str(object_id), youth_id=youth_id, municipality_id=municipality_id,
                   fields=sorted(fields), channel=channel, request_id=rid, detail=detail[:200])
        for object_id, youth_id, municipality_id in records
    ]
    _write(entries)
    return len(entries)
