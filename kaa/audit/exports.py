"""The answer of an audit question as a file for a complaint (CSV or XLSX through kaa.core.tabular).
Exporting the answer is itself written to the audit log."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.core.tabular import XLSX_CONTENT_TYPE, csv_writer, xlsx_bytes

from .models import AuditAction, AuditEntry
from .services import audit_record


def export_header() -> list[str]:
    return [_("When"), _("User"), _("Action"), _("What"), _("Object id"), _("Youth id"), _("Fields"),
            _("Channel"), _("Request id"), _("Detail")]


def export_rows(entries: QuerySet[AuditEntry]) -> Iterator[list[Any]]:
    labels = dict(AuditAction.choices)
    for e in entries.iterator(chunk_size=2000):
        yield [timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.username or _("system"),
               str(labels.get(e.action, e.action)), e.object_type, e.object_id,
               e.youth_id if e.youth_id is not None else "", ", ".join(e.fields or []), e.channel,
               e.request_id, e.detail]


def audit_log_export(*, user: Any, entries: QuerySet[AuditEntry], fmt: str, name: str, what: str,
                     youth_id: int | None = None, municipality_id: int | None = None,
                     object_id: Any = "") -> HttpResponse:
    """The entries as a CSV or XLSX download named ``name``; the export is audited first
    (``what``: which question, e.g. ``youth_log`` or ``user_log``, and the filters; no personal data)."""
    audit_record(user=user, action=AuditAction.EXPORT, object_type="audit_log", object_id=object_id,
                 youth_id=youth_id, municipality_id=municipality_id, detail=f"{what}:{fmt}")
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(export_rows(entries), header=export_header(),
                                           sheet_title=_("Audit log")), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
        return response
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writerow(export_header())
    writer.writerows(export_rows(entries))
    response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
