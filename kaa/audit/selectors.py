"""Reads of the audit log, scoped to the municipalities where the user may read it."""

from typing import Any

from django.db.models import Q, QuerySet

from kaa.accounts.models import Membership
from kaa.accounts.policy import Perm, municipality_ids_with

from .models import AuditEntry


def audit_entries(*, user: Any, youth_id: int | None = None, user_id: int | None = None,
                  action: str = "") -> QuerySet[AuditEntry]:
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
    return qs.order_by("-at", "-pk")
