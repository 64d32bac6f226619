"""Reads of the audit log, scoped to the municipalities where the user may read it."""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kaa.accounts.models import Membership
from kaa.accounts.policy import Perm, municipality_ids_with

from .models import AuditEntry


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_entries(*, user: Any, youth_id: int | None = None, user_id: int | None = None,
                  action: str = "", date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None) -> QuerySet[AuditEntry]:
    """The entries the user may read, newest first. ``date_from`` and ``date_to`` are local days, both
    included. The youth's question uses the index (youth_id, at), the user's question (user, at)."""
    municipality_ids = municipality_ids_with(user, Perm.AUDIT_VIEW)
    staff_ids = Membership.objects.filter(municipality_id__in=municipality_ids).values("user_id")
    qs = AuditEntry.objects.filter(
        Q(municipality_id__in=municipality_ids) | Q(municipality_id__isnull=True, user_id__in=staff_ids)
    )
    if youth_id is not None:
        qs = qs.filter(youth_id=youth_id)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if action:
        qs = qs.filter(action=action)
    if date_from is not None:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-at", "-pk")
